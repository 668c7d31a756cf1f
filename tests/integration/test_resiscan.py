"""RESISCAN through the real CLI: a scanned Dokument's Transfervermerk (BSI TR-03138) in
`eakte show` and in the Prüfprotokoll (JSON and PDF), its PDF/A rendition sealed by a
document timestamp from the test PKI's TSA (validated by pyHanko, still PDF/A-2b for
veraPDF), the original untouched; a scan failing the checks keeps its paper, and a TSA
that does not answer costs the seal, not the rendition."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_timestamp

from samples import capture
from samples.letters import generate_letters
from samples.pki import TestPki
from samples.pki_server import free_port
from scripts.verapdf import ensure_verapdf, validate_pdfa
from signatures.trust import load_trust_config
from tests.conftest import Cli
from tests.integration.signature_fixtures import pki, pki_server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.integration

TIFF_TAGS = {271: "Fujitsu", 272: "fi-7160", 305: "PaperStream IP", 306: "2026:01:05 10:30:00"}
LABELS = (
    "Transfervermerk (BSI TR-03138 RESISCAN)",
    "Gescannt von",
    "Zeitpunkt",
    "Gerät",
    "Stapel",
    "Qualitätsprüfung",
    "Vernichtung des Papieroriginals zulässig",
)


def _scan(path: Path, seed: int, dpi: int = 300) -> Path:
    (text,) = (letter.pages()[0] for letter in generate_letters(1, seed=seed))
    capture.scanned_letter(text, seed=seed, dpi=dpi).save(path, dpi=(dpi, dpi), tiffinfo=TIFF_TAGS)
    return path


def _pdf_text(path: Path) -> str:
    document = pdfium.PdfDocument(str(path))
    try:
        text = " ".join(page.get_textpage().get_text_range() for page in document)
        return " ".join(text.split())  # labels wrap in their table cells
    finally:
        document.close()


def test_a_scan_has_a_transfer_note_and_a_sealed_pdfa(
    cli: Cli,
    tmp_path: Path,
    pki: TestPki,  # noqa: F811
    pki_server: str,  # noqa: F811
) -> None:
    cli = Cli(cli.data_dir, {"EAKTE_TSA_URL": f"{pki_server}/tsa"})
    scan = _scan(tmp_path / "Antrag.tif", seed=41)
    (line,) = cli("ingest", scan, "--json", "--scanner-person", "K. Beispiel").json_lines()
    assert line["status"] == "stored", line

    shown = cli("show", line["id"]).stdout
    assert "Transfervermerk (BSI TR-03138 RESISCAN)" in shown
    assert "Gescannt von: K. Beispiel" in shown
    assert "Gerät: Fujitsu fi-7160 / PaperStream IP" in shown
    assert "Vernichtung des Papieroriginals zulässig: ja" in shown

    assert cli("report", line["id"], "--format", "json", "-o", tmp_path / "p.json").returncode == 0
    note = json.loads((tmp_path / "p.json").read_text())["transfer_note"]
    assert (note["scanned_by"], note["batch"], note["qa_passed"]) == (
        "K. Beispiel",
        "Antrag.tif",
        True,
    )
    assert note["scanned_at"].startswith("2026-01-05T10:30:00")
    assert note["paper_destruction_allowed"] and note["rendition_timestamp"]
    assert note["reference"] == "BSI TR-03138 (RESISCAN)"
    assert cli("report", line["id"], "-o", tmp_path / "p.pdf").returncode == 0
    printed = _pdf_text(tmp_path / "p.pdf")
    for label in LABELS:
        assert label in printed, label

    rendition = tmp_path / "archiv.pdf"
    assert cli("get", line["id"], "--pdfa", "-o", rendition).returncode == 0
    data = rendition.read_bytes()
    assert hashlib.sha256(data).hexdigest() == note["rendition_sha256"]
    with rendition.open("rb") as handle:
        (stamp,) = PdfFileReader(handle).embedded_timestamp_signatures
        trust = load_trust_config(pki.trust_dir, pki.crl_dir)
        status = validate_pdf_timestamp(stamp, validation_context=trust.validation_context())
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.coverage.name == "ENTIRE_FILE"
    ensure_verapdf()  # from Maven Central into ~/.cache/eakte once
    assert validate_pdfa(rendition) == (True, [])

    original = tmp_path / "original.tif"
    assert cli("get", line["id"], "-o", original).returncode == 0
    assert original.read_bytes() == scan.read_bytes()


def test_a_scan_failing_the_checks_keeps_its_paper_and_an_absent_tsa_its_seal(
    cli: Cli, tmp_path: Path
) -> None:
    dead_tsa = f"http://127.0.0.1:{free_port()}/tsa"
    scan = _scan(tmp_path / "grob.tif", seed=42, dpi=150)
    (line,) = cli("ingest", scan, "--json", EAKTE_TSA_URL=dead_tsa).json_lines()
    assert line["status"] == "stored", line

    assert cli("report", line["id"], "--format", "json", "-o", tmp_path / "p.json").returncode == 0
    note = json.loads((tmp_path / "p.json").read_text())["transfer_note"]
    assert not note["qa_passed"] and not note["paper_destruction_allowed"]
    assert note["flagged"] == [{"number": 1, "reasons": ["Auflösung 150 dpi unter 200 dpi"]}]
    assert note["paper_destruction_reason"] == "nein: Seite 1 muss neu gescannt werden"
    assert note["scanned_by"] is None and note["rendition_timestamp"] is None
    assert "nicht erreichbar" in note["rendition_not_sealed"]
    rendition = tmp_path / "archiv.pdf"
    assert cli("get", line["id"], "--pdfa", "-o", rendition).returncode == 0
    with rendition.open("rb") as handle:
        assert not PdfFileReader(handle).embedded_timestamp_signatures
