"""Acceptance like poppler's and Pillow's: what they read is not refused, and each
refusal that remains names its real reason."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image

from eakte.errors import CorruptInput, EncryptedInput
from eakte.pipeline import is_garbage
from ingest import images, pdf, poppler
from ingest.handler_image import ImageHandler
from ingest.handler_pdf import PdfHandler
from ingest.sniff import sniff_media_type
from tests.fakes.context import fake_context

MAX_PIXELS = 60_000_000


def _png(image: Image.Image, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", **params)
    return buffer.getvalue()


def _blank_pdf(path: Path, junk: bytes = b"") -> Path:
    document = pikepdf.new()
    document.add_blank_page()
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(junk + buffer.getvalue())
    return path


def garbage_pdf(path: Path) -> Path:
    """A text layer of control characters: a font without a Unicode map."""
    document = pikepdf.new()
    page = document.add_blank_page(page_size=(595, 842))
    font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
    )
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    shown = bytes(range(1, 8)) + bytes(range(14, 31))
    page.Contents = document.make_stream(b"BT /F1 12 Tf 50 800 Td (" + shown * 3 + b") Tj ET")
    document.save(path)
    return path


# sniffing -------------------------------------------------------------------------------


def test_a_pdf_header_after_junk_within_1024_bytes_is_a_pdf(tmp_path: Path) -> None:
    junk = b"X-Gateway: scanned 2026-01-02\r\n" * 20  # 640 bytes of a mail gateway
    path = _blank_pdf(tmp_path / "junk.pdf", junk)
    assert sniff_media_type(path.read_bytes()[:8192]) == "application/pdf"
    assert PdfHandler(max_pages=10, max_pixels=MAX_PIXELS).read_text(path).pages == [""]


def test_a_pdf_header_beyond_1024_bytes_is_not_a_pdf() -> None:
    from eakte.errors import UnsupportedType

    with pytest.raises(UnsupportedType):
        sniff_media_type(b"\x01" * 1100 + b"%PDF-1.4\n")


def test_bigtiff_apng_gif_bmp_webp_are_images(tmp_path: Path) -> None:
    page = Image.new("L", (40, 60), 255)
    big = tmp_path / "big.tif"
    page.save(big, format="TIFF", big_tiff=True)
    frames = [Image.new("RGB", (40, 60), colour) for colour in ("white", "black")]
    apng = io.BytesIO()
    frames[0].save(apng, format="PNG", save_all=True, append_images=frames[1:])
    assert sniff_media_type(big.read_bytes()) == "image/tiff"
    assert sniff_media_type(apng.getvalue()) == "image/png"
    for fmt, mime in (("GIF", "image/gif"), ("BMP", "image/bmp"), ("WEBP", "image/webp")):
        buffer = io.BytesIO()
        page.save(buffer, format=fmt)
        assert sniff_media_type(buffer.getvalue()) == mime
    handler = ImageHandler(max_pages=10, max_pixels=MAX_PIXELS)
    assert handler.page_image(big, 0, 300).size == (40, 60)
    (tmp_path / "a.png").write_bytes(apng.getvalue())
    assert handler.read_text(tmp_path / "a.png").pages == [""]  # animation, not pages


# conversions ----------------------------------------------------------------------------


def test_lab_cmyk_and_16_bit_frames_become_grey_without_clipping(tmp_path: Path) -> None:
    lab = Image.merge("LAB", [Image.new("L", (30, 40), 100), *[Image.new("L", (30, 40), 128)] * 2])
    lab.save(tmp_path / "lab.tif")
    Image.new("CMYK", (30, 40), (0, 0, 0, 255)).save(tmp_path / "cmyk.jpg")
    sixteen = Image.fromarray(np.full((40, 30), 20000, dtype=np.uint16))
    sixteen.save(tmp_path / "grey16.png")
    grey = {
        name: images.load_frame(tmp_path / name, 0, max_pixels=MAX_PIXELS)
        for name in ("lab.tif", "cmyk.jpg", "grey16.png")
    }
    assert all(frame.mode == "L" for frame in grey.values())
    assert grey["lab.tif"].getpixel((0, 0)) == 100
    assert grey["cmyk.jpg"].getpixel((0, 0)) < 40  # black ink, not white paper
    assert grey["grey16.png"].getpixel((0, 0)) == round(20000 / 65535 * 255)  # not 255


def test_transparent_pixels_are_white_paper_not_black() -> None:
    clear = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    assert images.to_grey(clear).getpixel((0, 0)) == 255


# resolution -----------------------------------------------------------------------------


def test_a_photo_claiming_72_dpi_is_not_believed(tmp_path: Path) -> None:
    photo = tmp_path / "foto.jpg"
    Image.new("RGB", (3024, 4032), "white").save(photo, dpi=(72, 72))
    frame = images.load_frame(photo, 0, max_pixels=MAX_PIXELS)
    assert frame.info["dpi"][0] == round(3024 / 8.27)  # an A4-shaped page, ~366 dpi


def test_a_plausible_low_resolution_is_believed_and_flagged(tmp_path: Path) -> None:
    from ingest.page_quality import QualityThresholds, assess_page

    scan = tmp_path / "scan.png"
    Image.new("L", (1240, 1754), 255).save(scan, dpi=(150, 150))  # A4 at 150 dpi
    frame = images.load_frame(scan, 0, max_pixels=MAX_PIXELS)
    assert frame.info["dpi"] == (150, 150)
    thresholds = QualityThresholds(
        min_dpi=200,
        min_confidence=60.0,
        min_brightness=0.35,
        max_brightness=0.995,
        min_contrast=0.25,
        blank_max_ink=0.0004,
    )
    assert (
        "Auflösung 150 dpi unter 200 dpi"
        in assess_page(frame, dpi=150, thresholds=thresholds).rescan
    )


def test_a_strip_without_paper_shape_is_measured_by_its_text_lines() -> None:
    from ingest.resolution import believable_dpi, fit_for_tesseract

    strip = Image.new("L", (40000, 512), 255)
    pixels = np.asarray(strip).copy()
    for top in range(20, 480, 80):  # six lines of 40 px ink: 10-12 pt at ~280 dpi
        pixels[top : top + 40, 100:39000:3] = 0
    strip = Image.fromarray(pixels)
    dpi = believable_dpi(strip, 5760)
    assert 200 <= dpi <= 350
    strip.info["dpi"] = (dpi, dpi)
    fitted = fit_for_tesseract(strip)
    assert max(fitted.size) <= 32000 and fitted.info["dpi"][0] == dpi // 2


# PDF refusals and the second reader -----------------------------------------------------


def test_an_empty_pdf_after_an_encrypted_one_is_not_called_encrypted(tmp_path: Path) -> None:
    locked = tmp_path / "locked.pdf"
    document = pikepdf.new()
    document.add_blank_page()
    document.save(locked, encryption=pikepdf.Encryption(owner="o", user="u"))
    empty = tmp_path / "empty.pdf"
    pikepdf.new().save(empty)
    with pytest.raises(EncryptedInput):
        pdf.read_text_layer(locked, max_pages=10)
    with pytest.raises(CorruptInput, match="keine Seiten"):
        pdf.read_text_layer(empty, max_pages=10)


def test_a_page_pdfium_cannot_draw_is_drawn_by_pdftoppm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _blank_pdf(tmp_path / "brief.pdf")

    def refuses(*args: object, **kwargs: object) -> Image.Image:
        raise CorruptInput("Seite 1 des PDF lässt sich nicht darstellen")

    monkeypatch.setattr(pdf, "render_page", refuses)
    page = PdfHandler(max_pages=10, max_pixels=MAX_PIXELS).page_image(path, 0, 100)
    assert page.info["dpi"] == (100, 100)
    assert page.size == (round(612 / 72 * 100), round(792 / 72 * 100))


def test_what_neither_reader_takes_keeps_pdfiums_reason(tmp_path: Path) -> None:
    broken = tmp_path / "kaputt.pdf"
    broken.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    assert poppler.available()
    with pytest.raises(CorruptInput, match="beschädigt"):
        PdfHandler(max_pages=10, max_pixels=MAX_PIXELS).read_text(broken)


# the text layer ----------------------------------------------------------------------------


def test_garbage_is_told_from_text() -> None:
    assert is_garbage("\x01\x04\x05\x06\x07 \x08\x0e\x0f\x10 Rechnung")
    assert is_garbage("\ue000\ue001\ue002\ue003 ab")
    assert not is_garbage("Sehr geehrte Damen und Herren, Ihr Antrag vom 3. März …")
    assert not is_garbage("")


def test_a_pdf_with_a_garbage_text_layer_goes_to_ocr(tmp_path: Path) -> None:
    from eakte import pipeline
    from eakte.settings import Settings

    ctx = fake_context(Settings(data_dir=tmp_path / "data"))
    received = pipeline.store_original(garbage_pdf(tmp_path / "g.pdf"), ctx)
    manifest = pipeline.read_text_layer(pipeline.sniff(received.manifest, ctx), ctx)
    assert [page.source for page in manifest.pages] == ["none"]
    assert any(event.kind == "text_layer_unusable" for event in manifest.events)
