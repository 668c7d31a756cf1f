"""The generated samples must be what they claim: text where a text layer is promised,
none where a scan is promised, and the same bytes for the same seed."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from samples import render
from samples.letters import KINDS, LINES_PER_PAGE, generate_letters
from samples.sets import read_truth, write_sample_set


def pdf_page_texts(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range() for page in pdf]
    finally:
        pdf.close()


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_letters_are_deterministic_distinct_and_cover_every_kind() -> None:
    first = list(generate_letters(24, seed=7))
    again = list(generate_letters(24, seed=7))
    assert first == again
    assert len({letter.text for letter in first}) == 24
    assert {letter.kind for letter in first} == set(KINDS)
    assert list(generate_letters(3, seed=8)) != first[:3]


def test_letters_carry_the_parts_of_a_german_letter() -> None:
    text = "\n".join(letter.text for letter in generate_letters(60, seed=1))
    for word in ("Betreff:", "Az.:", "Straße", "Gebühren", "IBAN DE", "Grüße", "€"):
        assert word in text
    assert any(ch in text for ch in "ÄÖÜ") and "ß" in text


def test_iban_in_invoices_passes_the_mod_97_check() -> None:
    invoices = [letter for letter in generate_letters(30, seed=3) if letter.kind == "rechnung"]
    for letter in invoices:
        match = re.search(r"IBAN (DE\d\d(?: \d{4}){4} \d\d)", squash(letter.text))
        assert match, letter.text
        raw = match.group(1).replace(" ", "")
        digits = raw[4:] + "1314" + raw[2:4]
        assert int(digits) % 97 == 1


def test_long_letters_are_split_into_full_pages() -> None:
    letters = list(generate_letters(12, seed=2, long_every=2))
    long = [letter for letter in letters if letter.appendix]
    assert long
    for letter in long:
        pages = letter.pages()
        assert len(pages) >= 2
        assert all(len(page.split("\n")) <= LINES_PER_PAGE for page in pages)
        assert squash(" ".join(pages)) == squash(letter.text)


def test_text_pdf_has_a_text_layer_with_the_betreff(tmp_path: Path) -> None:
    letter = next(generate_letters(1, seed=5, long_every=1))
    path = tmp_path / "brief.pdf"
    truth = render.make_text_pdf(path, letter.pages())
    texts = pdf_page_texts(path)
    assert len(texts) == len(truth) >= 2
    assert squash(f"Betreff: {letter.betreff}") in squash(texts[0])
    assert [squash(t) for t in texts] == [squash(t) for t in truth]


def test_render_scan_is_an_a4_grayscale_page_and_seeded(tmp_path: Path) -> None:
    text = next(generate_letters(1)).pages()[0]
    scan = render.render_scan(text, dpi=100, angle=1.0, noise=0.3, blur=0.5, seed=4)
    assert scan.mode == "L"
    assert scan.size == (827, 1169)
    assert scan.info["dpi"] == (100, 100)
    again = render.render_scan(text, dpi=100, angle=1.0, noise=0.3, blur=0.5, seed=4)
    assert scan.tobytes() == again.tobytes()
    flipped = render.render_scan(text, dpi=100, upside_down=True, jpeg_quality=50)
    assert flipped.mode == "L" and flipped.tobytes() != scan.tobytes()


def test_tiff_has_every_frame_with_its_dpi(tmp_path: Path) -> None:
    pages = [f"Seite {n}\nStraßenschäden in der Hauptstraße" for n in (1, 2, 3)]
    frames = [render.render_scan(text, dpi=150, noise=0.1, seed=n) for n, text in enumerate(pages)]
    path = tmp_path / "stapel.tif"
    render.make_tiff(path, frames)
    with Image.open(path) as tiff:
        assert getattr(tiff, "n_frames", 1) == 3
        for index in range(3):
            tiff.seek(index)
            assert tiff.info["dpi"] == pytest.approx((150, 150))
            assert tiff.size == (1240, 1754)


def test_image_pdf_has_no_text_layer_and_a4_pages(tmp_path: Path) -> None:
    scan = render.render_scan("Widerspruch gegen den Gebührenbescheid", dpi=100)
    path = tmp_path / "scan.pdf"
    render.make_image_pdf(path, [scan, scan])
    assert [t.strip() for t in pdf_page_texts(path)] == ["", ""]
    pdf = pdfium.PdfDocument(str(path))
    try:
        width, height = pdf[0].get_size()
    finally:
        pdf.close()
    assert (round(width), round(height)) == (595, 842)


def test_mixed_pdf_has_text_only_on_the_text_pages(tmp_path: Path) -> None:
    scan = render.render_scan("Anlage: Fotos der Schadstellen", dpi=100)
    path = tmp_path / "gemischt.pdf"
    truth = render.make_mixed_pdf(path, ["Beschwerde über Straßenschäden"], [scan])
    assert truth == ["Beschwerde über Straßenschäden", None]
    texts = pdf_page_texts(path)
    assert "Straßenschäden" in texts[0]
    assert texts[1].strip() == ""


def test_pdf_bytes_are_reproducible(tmp_path: Path) -> None:
    """The record id is the SHA-256 of the bytes, so a regenerated sample must match."""
    pages = next(generate_letters(1, seed=9)).pages()
    scan = render.render_scan(pages[0], dpi=100, noise=0.2, seed=1)
    digests = []
    for name in ("a.pdf", "b.pdf"):
        render.make_mixed_pdf(tmp_path / name, pages, [scan])
        digests.append(hashlib.sha256((tmp_path / name).read_bytes()).hexdigest())
    assert digests[0] == digests[1]


def test_sample_set_is_complete_with_ground_truth(tmp_path: Path) -> None:
    samples = write_sample_set(tmp_path)
    assert len(samples) >= 7
    for sample in samples:
        truth = read_truth(tmp_path / sample.file)
        assert len(truth) == sample.pages
        assert squash(f"Betreff: {sample.betreff}") in squash(truth[0])
    documents = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
    assert documents == sorted(sample.file for sample in samples)
    assert {Path(sample.file).suffix for sample in samples} == {".pdf", ".png", ".jpg", ".tif"}
    with Image.open(tmp_path / "stapel_3_seiten.tif") as tiff:
        assert getattr(tiff, "n_frames", 1) == 3
