"""Transfer-decoded bytes and readable text of e-mail parts (``ingest.email_message``).

Damaged transfer encodings are decoded as far as they go, with a note: the message is
stored whatever it holds, and an attachment whose bytes came out wrong is refused on
its own when it is ingested (a damaged PDF is quarantined as a part of the mail).
"""

from __future__ import annotations

import base64
import binascii
import codecs
import quopri
import re
from email import errors as email_errors
from email import policy
from email.generator import BytesGenerator
from email.message import EmailMessage, Message
from io import BytesIO

from eakte.errors import CorruptInput
from ingest.mail_headers import EMAIL_FAILURES, bytes_text

_BASE64_JUNK = re.compile(rb"[^A-Za-z0-9+/]")


def decoded(part: Message, what: str, notes: list[str]) -> bytes:
    """The transfer-decoded bytes of a leaf. Base64 with characters outside its
    alphabet or a dangling last character is decoded as far as it goes, with a note."""
    seen = len(part.defects)
    try:
        payload = part.get_payload(decode=True)
    except EMAIL_FAILURES:
        payload = None
    new = part.defects[seen:]
    del part.defects[seen:]  # decoding twice must not report twice
    if payload is None or any(
        isinstance(defect, email_errors.InvalidBase64LengthDefect) for defect in new
    ):
        raw = part.get_payload(decode=False)
        text = raw if isinstance(raw, str) else ""
        payload = lenient_base64(text.encode("ascii", "ignore"))
        notes.append(f"{what}: Base64-Kodierung unvollständig, so weit wie möglich dekodiert")
    elif any(isinstance(defect, email_errors.InvalidBase64CharactersDefect) for defect in new):
        notes.append(f"{what}: ungültige Zeichen in der Base64-Kodierung übersprungen")
    elif any(isinstance(defect, email_errors.InvalidBase64PaddingDefect) for defect in new):
        notes.append(f"{what}: Base64-Auffüllung fehlte (Inhalt vollständig dekodiert)")
    return payload if isinstance(payload, bytes) else b""


def lenient_base64(data: bytes) -> bytes:
    """What a damaged base64 text still holds: junk dropped, a dangling quantum cut."""
    clean = _BASE64_JUNK.sub(b"", data)
    clean = clean[: len(clean) - len(clean) % 4] if len(clean) % 4 == 1 else clean
    try:
        return base64.b64decode(clean + b"=" * (-len(clean) % 4))
    except binascii.Error:
        return b""


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
    return bytes_text(raw)


def readable_text(part: Message, notes: list[str]) -> str:
    text = decode_text(decoded(part, part.get_content_type(), notes), part, notes)
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
    if encoding == "base64":
        return lenient_base64(data)
    return quopri.decodestring(data)
