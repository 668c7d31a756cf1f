"""Bad input made in code: every kind the foundation issue names, nothing downloaded."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

from PIL import Image
from pypdf import PdfWriter

from samples.render import make_text_pdf


def text_pdf(path: Path, text: str = "Sehr geehrte Damen und Herren, anbei mein Antrag.") -> Path:
    make_text_pdf(path, [text])
    return path


def empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def truncated_pdf(path: Path) -> Path:
    source = path.with_suffix(".full.pdf")
    data = text_pdf(source).read_bytes()
    source.unlink()
    path.write_bytes(data[: len(data) // 2])
    return path


def random_bytes_named_pdf(path: Path) -> Path:
    path.write_bytes(os.urandom(64 * 1024))
    return path


def password_protected_pdf(path: Path) -> Path:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="geheim", owner_password="geheim")
    with open(path, "wb") as out:
        writer.write(out)
    return path


def png_bomb(path: Path, width: int = 100_000, height: int = 100_000) -> Path:
    """A small valid PNG whose header claims a gigantic canvas (a decompression bomb)."""
    buffer = io.BytesIO()
    Image.new("L", (1, 1), 255).save(buffer, format="PNG")
    data = bytearray(buffer.getvalue())
    ihdr_start = 8 + 8  # signature, then chunk length and type
    data[ihdr_start : ihdr_start + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[12 : ihdr_start + 13]))
    data[ihdr_start + 13 : ihdr_start + 17] = struct.pack(">I", crc)
    path.write_bytes(bytes(data))
    return path


def many_pages_pdf(path: Path, pages: int) -> Path:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    with open(path, "wb") as out:
        writer.write(out)
    return path


def giant_page_pdf(path: Path) -> Path:
    """One image-less page of 200 × 200 inches, the largest size PDF allows."""
    writer = PdfWriter()
    writer.add_blank_page(14_400, 14_400)
    with open(path, "wb") as out:
        writer.write(out)
    return path


def broken_xref_pdf(path: Path, text: str) -> Path:
    """A readable letter whose ``startxref`` points nowhere (PDF viewers rebuild the
    cross-reference table; strict parsers give up)."""
    source = text_pdf(path.with_suffix(".full.pdf"), text)
    data = source.read_bytes()
    source.unlink()
    cut = data.rindex(b"startxref")
    path.write_bytes(data[:cut] + b"startxref\n999999\n%%EOF\n")
    return path


def junk_before_header_pdf(path: Path, text: str) -> Path:
    """A readable letter behind a few bytes of mail-gateway junk before ``%PDF``."""
    source = text_pdf(path.with_suffix(".full.pdf"), text)
    data = source.read_bytes()
    source.unlink()
    path.write_bytes(b"X-Scanner: Posteingang 3\r\n" + data)
    return path
