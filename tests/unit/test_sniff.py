from __future__ import annotations

import io

import pytest
from PIL import Image

from eakte.errors import EmptyInput, UnsupportedType
from ingest.sniff import sniff_media_type


def _image_bytes(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (8, 8), 255).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("fmt", "mime"), [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("TIFF", "image/tiff")]
)
def test_images_are_recognised_by_their_bytes(fmt: str, mime: str) -> None:
    assert sniff_media_type(_image_bytes(fmt)) == mime


def test_pdf_is_recognised_even_after_leading_whitespace() -> None:
    assert sniff_media_type(b"%PDF-1.7\n%...") == "application/pdf"
    assert sniff_media_type(b"\r\n%PDF-1.4\n") == "application/pdf"


def test_empty_input_is_rejected_as_empty() -> None:
    with pytest.raises(EmptyInput):
        sniff_media_type(b"")


@pytest.mark.parametrize("head", [b"\x00\x01garbage" * 10, b"Hallo Welt", _image_bytes("GIF")])
def test_unknown_or_unsupported_formats_are_rejected(head: bytes) -> None:
    with pytest.raises(UnsupportedType):
        sniff_media_type(head)
