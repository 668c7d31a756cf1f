"""What a scanned file says about its scan, for the Transfervermerk (BSI TR-03138): the
device or scan software (PDF Creator/Producer, TIFF/EXIF Make, Model, Software) and the
scan time it states (PDF CreationDate, TIFF/EXIF DateTime). Both are the file's own
claims, recorded as such; a file without them gives an empty dict."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
from PIL import Image

# EXIF/TIFF tags of IFD0: Make, Model, Software, DateTime
MAKE, MODEL, SOFTWARE, DATETIME = 271, 272, 305, 306
_PDF_DATE = re.compile(
    r"D:(\d{4})(\d\d)?(\d\d)?(\d\d)?(\d\d)?(\d\d)?(?:(Z)|([+-])(\d\d)'?(\d\d)?'?)?"
)


def pdf_scan_facts(path: Path) -> dict[str, Any]:
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return {}
    try:
        meta = document.get_metadata_dict(skip_empty=True)
    finally:
        document.close()
    device = _joined(meta.get("Creator"), meta.get("Producer"))
    return _facts(device, pdf_date(meta.get("CreationDate", "")))


def image_scan_facts(path: Path) -> dict[str, Any]:
    try:
        with Image.open(path) as image:
            exif = image.getexif()
    except (OSError, ValueError, SyntaxError):
        return {}
    make_model = " ".join(filter(None, (_joined(exif.get(MAKE)), _joined(exif.get(MODEL)))))
    device = _joined(make_model, exif.get(SOFTWARE))
    return _facts(device, exif_date(exif.get(DATETIME)))


def pdf_date(text: str) -> datetime | None:
    """``D:YYYYMMDDHHmmSS+HH'mm'`` (PDF 32000-1, 7.9.4); no zone given: taken as UTC."""
    found = _PDF_DATE.match(text.strip())
    if found is None:
        return None
    year, month, day, hour, minute, second, zulu, sign, zh, zm = found.groups()
    zone = UTC
    if sign and not zulu:
        offset = timedelta(hours=int(zh), minutes=int(zm or 0))
        zone = timezone(offset if sign == "+" else -offset)
    try:
        return datetime(
            int(year), int(month or 1), int(day or 1),
            int(hour or 0), int(minute or 0), int(second or 0), tzinfo=zone,
        )  # fmt: skip
    except ValueError:
        return None


def exif_date(value: object) -> datetime | None:
    """``YYYY:MM:DD HH:MM:SS`` without a zone (EXIF 2.3): taken as UTC."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value.strip("\x00 "), "%Y:%m:%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def _joined(*values: object) -> str | None:
    parts: list[str] = []
    for value in values:
        text = value.strip("\x00 ") if isinstance(value, str) else ""
        if text and text not in parts:
            parts.append(text)
    return " / ".join(parts) or None


def _facts(device: str | None, when: datetime | None) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    if device:
        facts["scan_device"] = device[:200]
    if when is not None:
        facts["scan_time"] = when.isoformat()
    return facts
