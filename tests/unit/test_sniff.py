from __future__ import annotations

import io
from email.message import EmailMessage

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


@pytest.mark.parametrize("head", [b"\x00\x01garbage" * 10, b"Hallo Welt", _image_bytes("ICO")])
def test_unknown_or_unsupported_formats_are_rejected(head: bytes) -> None:
    with pytest.raises(UnsupportedType):
        sniff_media_type(head)


def _mail_bytes() -> bytes:
    message = EmailMessage()
    message["From"] = "Bürger <buerger@example.org>"
    message["To"] = "poststelle@stadt.example"
    message["Subject"] = "Antrag"
    message.set_content("Hallo")
    return message.as_bytes()


def test_email_is_recognised_by_its_header_block() -> None:
    assert sniff_media_type(_mail_bytes()) == "message/rfc822"
    received = b"Received: from mx.example.org\r\n\tby mail.stadt.example\r\nDate: x\r\n\r\nText"
    assert sniff_media_type(received) == "message/rfc822"


def test_text_that_only_looks_a_bit_like_a_header_is_not_an_email() -> None:
    with pytest.raises(UnsupportedType):
        sniff_media_type(b"Betreff: Antrag auf Baugenehmigung\nSehr geehrte Damen und Herren")


def test_winmail_dat_on_its_own_is_refused_with_its_name() -> None:
    with pytest.raises(UnsupportedType, match=r"winmail\.dat \(Outlook-TNEF\)"):
        sniff_media_type(b"\x78\x9f\x3e\x22\x01\x00" + bytes(40))
