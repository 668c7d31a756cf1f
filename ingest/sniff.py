"""Media type from the bytes, never from the file name: a name can lie, magic bytes can't."""

from __future__ import annotations

import filetype

from eakte.errors import EmptyInput, UnsupportedType

SUPPORTED_MEDIA_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/tiff"})
HEAD_BYTES = 8192


def sniff_media_type(head: bytes) -> str:
    """Return the media type of a file from its first bytes, or raise ``InputRejected``."""
    if not head:
        raise EmptyInput("Datei ist leer (0 Byte)")
    kind = filetype.guess(head)
    if kind is None and head.lstrip(b"\x00\t\r\n ").startswith(b"%PDF-"):
        kind_mime = "application/pdf"
    elif kind is None:
        raise UnsupportedType("Unbekanntes Dateiformat (weder PDF noch Bild)")
    else:
        kind_mime = kind.mime
    if kind_mime not in SUPPORTED_MEDIA_TYPES:
        raise UnsupportedType(f"Dateiformat {kind_mime} wird nicht unterstützt")
    return str(kind_mime)
