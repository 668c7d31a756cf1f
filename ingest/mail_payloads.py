"""The payloads of e-mail parts (``ingest.email_message``): transfer-decoded bytes,
with damaged base64 refused, text in its charset, HTML as text, a forwarded message as
the bytes it came as."""

from __future__ import annotations

import base64
import codecs
import quopri
import re
from email import errors as email_errors
from email import policy
from email.generator import BytesGenerator
from email.message import EmailMessage, Message
from io import BytesIO

from eakte.errors import CorruptInput
from ingest.mail_headers import EMAIL_FAILURES

_FATAL_BASE64 = (email_errors.InvalidBase64LengthDefect, email_errors.InvalidBase64CharactersDefect)


def payload_bytes(part: Message, what: str, notes: list[str]) -> bytes:
    """The transfer-decoded bytes of a leaf; damaged base64 is refused (see the module
    docstring of ``ingest.email_message``)."""
    seen = len(part.defects)
    try:
        payload = part.get_payload(decode=True)
    except EMAIL_FAILURES as exc:
        raise CorruptInput(f"E-Mail-Teil {what} nicht dekodierbar: {exc}") from exc
    new = part.defects[seen:]
    del part.defects[seen:]  # decoding twice must not report twice
    if any(isinstance(defect, _FATAL_BASE64) for defect in new):
        raise CorruptInput(f"E-Mail-Teil {what}: Base64-Kodierung beschädigt")
    if any(isinstance(defect, email_errors.InvalidBase64PaddingDefect) for defect in new):
        notes.append(f"{what}: Base64-Auffüllung fehlte (Inhalt vollständig dekodiert)")
    return payload if isinstance(payload, bytes) else b""


def decode_text(raw: bytes, part: Message, notes: list[str]) -> str:
    """Declared charset if Python knows it; undeclared 8-bit text is usually UTF-8 or
    Windows-1252 (Outlook), tried in that order."""
    charset = part.get_content_charset()
    if charset and charset not in ("us-ascii", "ascii"):
        try:
            codecs.lookup(charset)
        except (LookupError, ValueError):
            notes.append(f"Unbekannter Zeichensatz {charset}; Text als UTF-8 gelesen")
        else:
            return raw.decode(charset, errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def readable_text(part: Message, notes: list[str]) -> str:
    text = decode_text(payload_bytes(part, part.get_content_type(), notes), part, notes)
    return html_to_text(text) if part.get_content_type() == "text/html" else text


def html_to_text(html: str) -> str:
    # lxml refuses a str with an XML encoding declaration; the text is decoded already
    html = re.sub(r"^\s*<\?xml[^>]*>", "", html)
    from inscriptis import get_text  # type: ignore[import-untyped]  # lxml: only for HTML mail

    try:
        return str(get_text(html))
    except (ValueError, TypeError) as exc:
        raise CorruptInput(f"HTML-Text der E-Mail nicht lesbar: {exc}") from exc


def message_bytes(inner: EmailMessage, linesep: str) -> bytes:
    """The forwarded message as it came: headers are not refolded, line ends are those
    of the outer message (the parser keeps no byte offsets to cut it out exactly)."""
    buffer = BytesIO()
    keep = policy.default.clone(refold_source="none", linesep=linesep, max_line_length=None)
    try:
        BytesGenerator(buffer, policy=keep).flatten(inner)
    except EMAIL_FAILURES as exc:
        raise CorruptInput(f"Weitergeleitete E-Mail nicht lesbar: {exc}") from exc
    return buffer.getvalue()


def transfer_decoded(data: bytes, encoding: str) -> bytes:
    try:
        if encoding == "base64":
            return base64.b64decode(data, validate=False)
        return quopri.decodestring(data)
    except ValueError as exc:  # binascii.Error
        raise CorruptInput("Weitergeleitete E-Mail: Base64-Kodierung beschädigt") from exc
