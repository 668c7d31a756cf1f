"""EXIF, IPTC and XMP of a photograph, read with exiv2 (``pyexiv2``: the library behind
digiKam and darktable, inside a PyPI wheel; it reads and writes all three, in JPEG,
TIFF, PNG and WebP). Pillow reads EXIF well but IPTC only in JPEG and TIFF and XMP as
raw XML, and exiftool costs a Perl start per file; see ``bench/media/README.md``.

The same fact often stands in two or three places (a caption in IPTC and in XMP
``dc:description``); the first one found wins in the order XMP, IPTC, EXIF, because
archive software writes XMP last. Values are kept as text, keywords as a list; nothing
unreadable stops a record: a damaged metadata block means no metadata.
"""

from __future__ import annotations

import re
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

# (wanted field, keys in the order XMP, IPTC, EXIF)
_TEXT_KEYS: dict[str, tuple[str, ...]] = {
    "caption": (
        "Xmp.dc.description",
        "Iptc.Application2.Caption",
        "Exif.Image.ImageDescription",
    ),
    "title": ("Xmp.dc.title", "Iptc.Application2.ObjectName", "Exif.Image.XPTitle"),
    "creator": ("Xmp.dc.creator", "Iptc.Application2.Byline", "Exif.Image.Artist"),
    "copyright": ("Xmp.dc.rights", "Iptc.Application2.Copyright", "Exif.Image.Copyright"),
    "city": ("Xmp.photoshop.City", "Iptc.Application2.City"),
    "make": ("Exif.Image.Make",),
    "model": ("Exif.Image.Model",),
}
_DATE_KEYS = (
    "Exif.Photo.DateTimeOriginal",
    "Xmp.exif.DateTimeOriginal",
    "Xmp.photoshop.DateCreated",
    "Iptc.Application2.DateCreated",
    "Exif.Image.DateTime",
)
_KEYWORD_KEYS = ("Xmp.dc.subject", "Iptc.Application2.Keywords")
_LANG_PREFIX = re.compile(r'^lang="[^"]*"\s*')


def read_metadata(path: Path) -> dict[str, Any]:
    """The photo's described facts (caption, title, creator, copyright, city, camera,
    date taken as ISO text, GPS in decimal degrees, keywords); only those present."""
    import pyexiv2  # the exiv2 library: loaded when a photo is read, not at CLI start

    pyexiv2.set_log_level(4)  # exiv2's own warnings go nowhere; damage means no data
    try:
        image = pyexiv2.Image(str(path))
    except Exception:
        return {}
    try:
        tags: dict[str, Any] = {}
        for read in (image.read_xmp, image.read_iptc, image.read_exif):
            try:
                tags.update(read())
            except Exception:  # one damaged block does not hide the others
                continue
    finally:
        image.close()
    return describe(tags)


def describe(tags: dict[str, Any]) -> dict[str, Any]:
    """The wanted fields from exiv2's raw key → value map."""
    found: dict[str, Any] = {}
    for name, keys in _TEXT_KEYS.items():
        value = next((v for k in keys if (v := _text(tags.get(k)))), None)
        if value:
            found[name] = value
    camera = " ".join(dict.fromkeys(v for v in (found.get("make"), found.get("model")) if v))
    if camera:
        found["camera"] = camera
    taken = next((d for k in _DATE_KEYS if (d := _date(tags.get(k)))), None)
    if taken:
        found["taken_at"] = taken
    keywords = [w for k in _KEYWORD_KEYS for w in _words(tags.get(k))]
    if keywords:
        found["keywords"] = list(dict.fromkeys(keywords))
    gps = _gps(tags)
    if gps:
        found["gps"] = gps
    return found


def _text(value: Any) -> str | None:
    """exiv2 gives text, a list (dc:creator) or a language map (dc:description)."""
    if isinstance(value, dict):
        value = value.get('lang="x-default"') or next(iter(value.values()), None)
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value if v)
    if not isinstance(value, str):
        return None
    text = _LANG_PREFIX.sub("", value).replace("\x00", "").strip()
    return text or None


def _words(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return []
    return [word.strip() for word in value if isinstance(word, str) and word.strip()]


def _date(value: Any) -> str | None:
    """EXIF ``1987:06:05 14:30:00``, XMP ``1987-06-05T14:30``, IPTC ``1987-06-05``."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    for form in ("%Y:%m:%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text[: len(form) + 2], form).isoformat()
        except ValueError:
            continue
    match = re.match(r"(\d{4})(?:[-:](\d{2}))?", text)
    return match.group(0).replace(":", "-") if match and match.group(1) != "0000" else None


def _gps(tags: dict[str, Any]) -> dict[str, float] | None:
    lat = _degrees(tags.get("Exif.GPSInfo.GPSLatitude"), tags.get("Exif.GPSInfo.GPSLatitudeRef"))
    lon = _degrees(tags.get("Exif.GPSInfo.GPSLongitude"), tags.get("Exif.GPSInfo.GPSLongitudeRef"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return {"lat": round(lat, 6), "lon": round(lon, 6)}


def _degrees(value: Any, ref: Any) -> float | None:
    """``49/1 0/1 3600/100`` (degrees, minutes, seconds as rationals) → 49.01."""
    if not isinstance(value, str):
        return None
    try:
        parts = [Fraction(part) for part in value.split()]
    except (ValueError, ZeroDivisionError):
        return None
    if len(parts) != 3:
        return None
    degrees = float(parts[0] + parts[1] / 60 + parts[2] / 3600)
    return -degrees if isinstance(ref, str) and ref.strip().upper() in ("S", "W") else degrees
