"""Media type from the bytes, never from the file name: a name can lie, magic bytes can't.

Acceptance follows the readers behind the handlers: poppler and pdfium find a PDF's
header anywhere in its first 1024 bytes (mail gateways and old scanners put junk
before it), Pillow reads BigTIFF and takes an animated PNG's first frame.
"""

from __future__ import annotations

from typing import BinaryIO

import filetype

from eakte import media_types
from eakte.errors import EmptyInput, UnsupportedType
from ingest.mail_sniff import looks_like_email
from ingest.photo_sniff import looks_like_photograph
from ingest.tnef import TNEF_MAGIC

# DER of the OID 1.2.840.113549.1.7.2 (signedData): starts every .p7s/.p7m we accept
_SIGNED_DATA_OID_DER = bytes.fromhex("06092a864886f70d010702")
HEAD_BYTES = 8192
PDF_HEADER_WINDOW = 1024  # poppler's and pdfium's search window for ``%PDF-``
_BIGTIFF = (b"II+\x00", b"MM\x00+")
# what filetype names differently from the type the handlers take
_ALIASES = {"image/apng": media_types.PNG, "image/x-ms-bmp": media_types.BMP}
MAX_PHOTO_BYTES = 512 * 1024 * 1024  # read for the photo check; the size limit is lower


def sniff_file(handle: BinaryIO) -> str:
    """The media type of an open original: its format from the first bytes, and for an
    image whether it is a photograph or a page of text (``ingest.photo_sniff``)."""
    head = handle.read(HEAD_BYTES)
    media_type = sniff_media_type(head)
    images = media_type in media_types.IMAGES
    if images and looks_like_photograph(head + handle.read(MAX_PHOTO_BYTES)):
        return media_types.photo(media_type)
    return media_type


def sniff_media_type(head: bytes) -> str:
    """Return the media type of a file from its first bytes, or raise ``InputRejected``."""
    if not head:
        raise EmptyInput("Datei ist leer (0 Byte)")
    kind = filetype.guess(head)
    if head[:4] in _BIGTIFF:
        kind_mime = media_types.TIFF
    elif kind is None and head.lstrip(b"\x00\t\r\n\x0c ").startswith(b"%PDF-"):
        kind_mime = media_types.PDF
    elif kind is None and head[:1] == b"\x30" and _SIGNED_DATA_OID_DER in head[:24]:
        kind_mime = media_types.CMS
    elif kind is None and head.startswith(TNEF_MAGIC):
        # Outlook's winmail.dat only reaches us on its own when the mail that carried it
        # could not unpack it (or someone saved it); its contents are not readable here
        raise UnsupportedType("winmail.dat (Outlook-TNEF) ließ sich nicht entpacken")
    elif kind is None and looks_like_email(head):
        kind_mime = media_types.EML
    elif b"%PDF-" in head[:PDF_HEADER_WINDOW] and kind_mime_is_loose(kind):
        kind_mime = media_types.PDF
    elif kind is None:
        raise UnsupportedType(
            "Unbekanntes Dateiformat (weder PDF, Bild, Ton, Video, ZIP noch E-Mail)"
        )
    else:
        kind_mime = _ALIASES.get(kind.mime, kind.mime)
    if kind_mime not in media_types.SUPPORTED:
        raise UnsupportedType(f"Dateiformat {kind_mime} wird nicht unterstützt")
    return str(kind_mime)


def kind_mime_is_loose(kind: filetype.Type | None) -> bool:
    """Junk before ``%PDF-`` may itself look like a format to ``filetype`` (a
    PostScript or HTML preamble); only a real image or archive header wins over it."""
    return kind is None or kind.mime in ("application/postscript", "application/octet-stream")
