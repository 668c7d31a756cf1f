"""Capture as the mailroom does it, through the real CLI with the real Tesseract,
pdfium, zxing-cpp and pikepdf: scan batches split at separator sheets, pages turned
and straightened before OCR, the archival PDF/A, and weak scans flagged for rescanning."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image
from rapidfuzz.distance import Levenshtein

from samples import capture
from samples.letters import generate_letters
from samples.render import make_image_pdf, make_text_pdf, make_tiff
from tests import scan_pages
from tests.conftest import Cli

pytestmark = pytest.mark.integration


def _show(cli: Cli, record_id: str) -> dict[str, Any]:
    result = cli("show", record_id, "--json")
    assert result.returncode == 0, result.stderr
    shown: dict[str, Any] = result.json()
    return shown


def _words(text: str) -> str:
    return " ".join(text.split())


def test_a_scan_batch_splits_at_separator_sheets_and_not_at_decoys(
    cli: Cli, tmp_path: Path
) -> None:
    batch = tmp_path / "stapel.pdf"
    spans = capture.write_scan_batch(batch, seed=11)
    a, b, c = (letter.pages()[0] for letter in generate_letters(3, seed=11))

    result = cli("ingest", batch, "--json")
    assert result.returncode == 0, result.stderr
    (line,) = result.json_lines()
    assert line["status"] == "stored"
    assert [part["pages"] for part in line["parts"]] == spans == [[1, 2], [4, 4], [7, 7]]

    shown_batch = _show(cli, line["id"])
    assert shown_batch["transfer_note"] is None  # read in its letters, which carry it
    assert [page["source"] for page in shown_batch["pages"]] == [
        *("part", "part", "skipped", "part", "skipped", "skipped", "part")
    ]
    for part, text, page_count in zip(line["parts"], (a, b, c), (2, 1, 1), strict=True):
        letter = _show(cli, part["id"])
        assert letter["fields"]["part_of"] == line["id"]
        assert letter["page_count"] == page_count
        note = letter["transfer_note"]  # the letter's Transfervermerk names its batch
        assert (note["batch"], note["batch_pages"]) == ("stapel.pdf", part["pages"])
        assert note["device"]  # the batch PDF's producer, carried over to the letter
        first_line = _words(text.splitlines()[0])
        assert first_line in _words(letter["pages"][0]["text"])
        extract = tmp_path / f"{part['id']}.pdf"
        assert cli("get", part["id"], "-o", extract).returncode == 0
        assert len(pdfium.PdfDocument(extract)) == page_count

    again = cli("ingest", batch, "--json").json_lines()[0]
    assert again["status"] == "duplicate"
    assert again["parts"] == line["parts"]


def test_blank_pages_are_dropped_from_a_tiff_batch_when_asked(cli: Cli, tmp_path: Path) -> None:
    (text,) = (letter.pages()[0] for letter in generate_letters(1, seed=3))
    batch = tmp_path / "stapel.tif"
    make_tiff(batch, [capture.scanned_letter(text, seed=5), capture.blank_page()])

    kept = cli("ingest", batch, "--json").json_lines()[0]
    assert "parts" not in kept  # by default a blank page stays where it is
    assert _show(cli, kept["id"])["pages"][1]["blank"] is True

    other = Cli(data_dir=tmp_path / "other", env={"EAKTE_DROP_BLANK_PAGES": "true"})
    line = other("ingest", batch, "--json").json_lines()[0]
    assert [part["pages"] for part in line["parts"]] == [[1, 2]]  # its span in the batch
    assert _show(other, line["parts"][0]["id"])["page_count"] == 1


def test_an_upside_down_skewed_scan_reads_and_gets_a_searchable_pdfa(
    cli: Cli, tmp_path: Path
) -> None:
    (text,) = (letter.pages()[0] for letter in generate_letters(1, seed=21))
    scan = tmp_path / "kopfueber.png"
    capture.scanned_letter(text, seed=7, angle=2.4, upside_down=True).save(scan, dpi=(300, 300))

    line = cli("ingest", scan, "--json").json_lines()[0]
    assert line["status"] == "stored", line
    (page,) = _show(cli, line["id"])["pages"]
    assert page["rotated"] == 180
    assert page["skew"] is not None and abs(abs(page["skew"]) - 2.4) < 0.5
    assert Levenshtein.normalized_distance(_words(text), _words(page["text"])) < 0.05

    archive = tmp_path / "archiv.pdf"
    assert cli("get", line["id"], "--pdfa", "-o", archive).returncode == 0
    with pikepdf.open(archive) as pdf, pdf.open_metadata() as meta:
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("2", "B")
        assert "/OutputIntents" in pdf.Root
    layer = pdfium.PdfDocument(archive)[0].get_textpage().get_text_range()
    assert Levenshtein.normalized_distance(_words(text), _words(layer)) < 0.1

    original = tmp_path / "original.png"
    assert cli("get", line["id"], "-o", original).returncode == 0
    assert (
        hashlib.sha256(original.read_bytes()).digest() == hashlib.sha256(scan.read_bytes()).digest()
    )


def test_a_page_fed_sideways_is_turned_by_tesseract_orientation_detection(
    cli: Cli, tmp_path: Path
) -> None:
    # the ascender check sees no text lines on a sideways page, so the page is read as it
    # lies, reads badly, and OSD says which way to turn it
    (text,) = (letter.pages()[0] for letter in generate_letters(1, seed=22))
    scan = tmp_path / "quer.png"
    page_image = capture.scanned_letter(text, seed=5, angle=0.8)
    page_image.transpose(Image.Transpose.ROTATE_90).save(scan, dpi=(300, 300))

    line = cli("ingest", scan, "--json").json_lines()[0]
    (page,) = _show(cli, line["id"])["pages"]
    assert page["rotated"] == 90
    assert Levenshtein.normalized_distance(_words(text), _words(page["text"])) < 0.05


def test_born_digital_pdfs_keep_their_own_text_and_get_no_rendition(
    cli: Cli, tmp_path: Path
) -> None:
    letter = tmp_path / "brief.pdf"
    make_text_pdf(letter, ["Sehr geehrte Damen und Herren, anbei mein Bauantrag."])
    line = cli("ingest", letter, "--json").json_lines()[0]
    assert _show(cli, line["id"])["renditions"] == {}
    refused = cli("get", line["id"], "--pdfa", "-o", tmp_path / "x.pdf")
    assert refused.returncode == 1 and "keine Archivfassung" in refused.stderr


def test_weak_scans_are_flagged_for_rescanning_with_the_reason(cli: Cli, tmp_path: Path) -> None:
    (text,) = (letter.pages()[0] for letter in generate_letters(1, seed=8))
    folder = tmp_path / "post"
    folder.mkdir()
    capture.scanned_letter(text, seed=9, dpi=150).save(folder / "grob.png", dpi=(150, 150))
    capture.scanned_letter(text, seed=9).save(folder / "gut.png", dpi=(300, 300))
    lines = {Path(x["path"]).name: x for x in cli("ingest", folder, "--json").json_lines()}

    listed = cli("review", "--rescan", "--json").json()
    assert [item["id"] for item in listed] == [lines["grob.png"]["id"]]
    (page,) = listed[0]["pages"]
    assert page["number"] == 1 and any("150 dpi" in reason for reason in page["reasons"])
    assert _show(cli, lines["gut.png"]["id"])["pages"][0]["rescan"] == []
    assert "neu scannen" in cli("review").stdout


def test_a_decompression_bomb_tiff_is_quarantined_and_the_batch_goes_on(
    cli: Cli, tmp_path: Path
) -> None:
    folder = tmp_path / "post"
    folder.mkdir()
    scan_pages.tiff_bomb(folder / "bombe.tif")
    make_text_pdf(folder / "brief.pdf", ["Sehr geehrte Damen und Herren, ich beantrage."])
    result = cli("ingest", folder, "--json")
    assert result.returncode == 1
    lines = {Path(x["path"]).name: x for x in result.json_lines()}
    assert lines["brief.pdf"]["status"] == "stored"
    assert lines["bombe.tif"]["status"] == "quarantined"
    assert "zu groß" in lines["bombe.tif"]["error"] and "\n" not in lines["bombe.tif"]["error"]
    # the original stays: listed in the quarantine with its reason
    (entry,) = cli("quarantine", "--json").json()
    assert entry["id"] == lines["bombe.tif"]["id"] and entry["reason"] == "limit_exceeded"


@pytest.mark.parametrize("kind", ["keyword", "patch"])
def test_twelve_page_stacks_with_printed_or_patch_sheets_split_into_letters(
    cli: Cli, tmp_path: Path, kind: str
) -> None:
    """TRENNBLATT sheets without a barcode (one fed upside down), or Kodak Patch T
    sheets (one end-fed): four letters of 2, 1, 3 and 3 pages."""
    texts = [letter.pages()[0] for letter in generate_letters(4, seed=21)]
    follow = "Seite {}\n\nMit freundlichen Grüßen\nAnna Beispiel"
    if kind == "keyword":
        sheet, turned = capture.keyword_sheet(), capture.keyword_sheet(upside_down=True)
    else:
        sheet, turned = capture.patch_sheet("T"), capture.patch_sheet("T", end_fed=True)
    letter = capture.scanned_letter
    pages = [
        *(letter(texts[0], seed=1), letter(follow.format(2), seed=2)),
        sheet,
        letter(texts[1], seed=3),
        turned,
        *(letter(texts[2], seed=4), letter(follow.format(2), seed=5)),
        letter(follow.format(3), seed=6),
        sheet,
        *(letter(texts[3], seed=7), letter(follow.format(2), seed=8)),
        letter(follow.format(3), seed=9),
    ]
    batch = tmp_path / "stapel.pdf"
    make_image_pdf(batch, pages)

    other = Cli(data_dir=tmp_path / "data", env={"EAKTE_SEPARATOR_CODES": ""})
    result = other("ingest", batch, "--json")

    assert result.returncode == 0, result.stderr
    (line,) = result.json_lines()
    assert [part["pages"] for part in line["parts"]] == [[1, 2], [4, 4], [6, 8], [10, 12]]
    first = _show(other, line["parts"][2]["id"])
    assert _words(texts[2].splitlines()[0]) in _words(first["pages"][0]["text"])
