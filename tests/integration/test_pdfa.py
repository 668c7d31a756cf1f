"""The archival rendition checked by veraPDF, the PDF Association's reference validator
(scripts/verapdf.py): writing the PDF/A identification is a promise, and only a
validator can say the file keeps it. Scans go through the real CLI; each test also shows
that veraPDF rejects a file that breaks the promise, so a pass means something."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from samples import capture
from samples.letters import generate_letters
from samples.render import make_image_pdf
from scripts.verapdf import ensure_verapdf, validate_pdfa
from tests.conftest import Cli

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session", autouse=True)
def verapdf() -> Path:
    return ensure_verapdf()  # from Maven Central into ~/.cache/eakte once


def _rendition(cli: Cli, scan: Path, out: Path) -> Path:
    line = cli("ingest", scan, "--json").json_lines()[0]
    assert line["status"] == "stored", line
    got = cli("get", line["id"], "--pdfa", "-o", out)
    assert got.returncode == 0, got.stderr
    with pikepdf.open(out) as pdf, pdf.open_metadata() as meta:
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("2", "B")
    return out


def test_the_rendition_of_a_scanned_png_is_valid_pdfa_2b(cli: Cli, tmp_path: Path) -> None:
    (text,) = (letter.pages()[0] for letter in generate_letters(1, seed=31))
    scan = tmp_path / "Bürgerantrag Größe.png"  # the title (file name) goes into XMP and Info
    capture.scanned_letter(text, seed=3).save(scan, dpi=(300, 300))
    archive = _rendition(cli, scan, tmp_path / "archiv.pdf")

    assert validate_pdfa(archive) == (True, [])

    # without the output intent its DeviceGray page image is not device independent
    broken = tmp_path / "ohne-output-intent.pdf"
    with pikepdf.open(archive) as pdf:
        del pdf.Root.OutputIntents
        pdf.save(broken)
    passed, failed = validate_pdfa(broken)
    assert not passed and "6.2.4.3-4" in failed, failed


def test_the_rendition_of_an_image_only_pdf_is_valid_pdfa_2b_and_the_original_is_not(
    cli: Cli, tmp_path: Path
) -> None:
    letters = [letter.pages()[0] for letter in generate_letters(2, seed=32)]
    scans = [capture.scanned_letter(text, seed=n) for n, text in enumerate(letters)]
    original = tmp_path / "scan.pdf"
    make_image_pdf(original, [scans[0], capture.blank_page(), scans[1]])
    archive = _rendition(cli, original, tmp_path / "archiv.pdf")

    assert validate_pdfa(archive) == (True, [])
    with pikepdf.open(archive) as pdf:
        assert len(pdf.pages) == 3

    passed, failed = validate_pdfa(original)  # no XMP metadata, no output intent
    assert not passed and {"6.6.2.1-1", "6.2.4.3-4"} <= set(failed), failed
