"""E-mails made in code for the intake tests: a citizen's mail with a PDF and a photo."""

from __future__ import annotations

import io
from email.message import EmailMessage
from pathlib import Path

from PIL import Image, ImageDraw

from tests import hostile


def jpeg_photo() -> bytes:
    image = Image.new("L", (1200, 400), 255)
    ImageDraw.Draw(image).text((40, 150), "Foto vom Schlagloch", fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def mail_with_attachments(folder: Path) -> Path:
    """``folder/mail.eml``: plain text, a born-digital PDF and a JPEG attached."""
    pdf = hostile.text_pdf(folder / "antrag.pdf", "Antrag auf Beseitigung eines Schlaglochs.")
    message = EmailMessage()
    message["From"] = "Jörg Müller <joerg@example.org>"
    message["To"] = "poststelle@stadt.example"
    message["Subject"] = "Schlagloch in der Hauptstraße"
    message["Date"] = "Tue, 01 Dec 2026 09:30:00 +0100"
    message["Message-ID"] = "<schlagloch-1@example.org>"
    message.set_content("Sehr geehrte Damen und Herren,\nanbei Antrag und Foto.\n")
    message.add_attachment(
        pdf.read_bytes(), maintype="application", subtype="pdf", filename="Antrag Müller.pdf"
    )
    message.add_attachment(jpeg_photo(), maintype="image", subtype="jpeg", filename="foto.jpg")
    path = folder / "mail.eml"
    path.write_bytes(message.as_bytes())
    return path
