"""Media type from the bytes, never from the file name: a name can lie, magic bytes can't."""

from __future__ import annotations

import filetype

from eakte import media_types
from eakte.errors import EmptyInput, UnsupportedType
from ingest.email_message import looks_like_email
from ingest.tnef import TNEF_MAGIC

# DER of the OID 1.2.840.113549.1.7.2 (signedData): starts every .p7s/.p7m we accept
_SIGNED_DATA_OID_DER = bytes.fromhex("06092a864886f70d010702")
HEAD_BYTES = 8192


def sniff_media_type(head: bytes) -> str:
    """Return the media type of a file from its first bytes, or raise ``InputRejected``."""
    if not head:
        raise EmptyInput("Datei ist leer (0 Byte)")
    kind = filetype.guess(head)
    if kind is None and head.lstrip(b"\x00\t\r\n ").startswith(b"%PDF-"):
        kind_mime = media_types.PDF
    elif kind is None and head[:1] == b"\x30" and _SIGNED_DATA_OID_DER in head[:24]:
        kind_mime = media_types.CMS
    elif kind is None and head.startswith(TNEF_MAGIC):
        # Outlook's winmail.dat only reaches us on its own when the mail that carried it
        # could not unpack it (or someone saved it); its contents are not readable here
        raise UnsupportedType("winmail.dat (Outlook-TNEF) ließ sich nicht entpacken")
    elif kind is None and looks_like_email(head):
        kind_mime = media_types.EML
    elif kind is None:
        raise UnsupportedType("Unbekanntes Dateiformat (weder PDF, Bild noch E-Mail)")
    else:
        kind_mime = kind.mime
    if kind_mime not in media_types.SUPPORTED:
        raise UnsupportedType(f"Dateiformat {kind_mime} wird nicht unterstützt")
    return str(kind_mime)
