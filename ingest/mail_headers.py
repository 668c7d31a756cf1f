"""The headers of an e-mail as people read them (``ingest.email_message``): decoded
words, 8-bit bytes that RFC 5322 forbids but old mailers send, dates in German."""

from __future__ import annotations

from datetime import datetime
from email import errors as email_errors
from email.header import decode_header, make_header
from email.message import Message

# What the standard library raises on input it cannot make sense of (its header parser
# and decoders are not hardened against every malformed message)
EMAIL_FAILURES = (email_errors.MessageError, ValueError, LookupError, TypeError, AttributeError)


def header_value(part: Message, name: str) -> str | None:
    """The decoded header; 8-bit bytes in it (RFC 5322 forbids them, old mailers send
    Latin-1 anyway) are read as UTF-8 or Windows-1252, and when the header parser gives
    up on a value, its raw text is shown."""
    raw = next((value for key, value in part.raw_items() if key.lower() == name), None)
    if raw is None:
        return None
    if any("\udc80" <= char <= "\udcff" for char in raw):  # surrogate-escaped bytes
        return decoded_words(bytes_text(raw.encode("ascii", "surrogateescape")))
    try:
        return " ".join(str(part[name]).split()) or None
    except EMAIL_FAILURES:
        return decoded_words(raw)


def decoded_words(raw: str) -> str | None:
    try:
        text = str(make_header(decode_header(raw)))
    except EMAIL_FAILURES:
        text = raw
    return " ".join(text.split()) or None


def header_date(message: Message) -> datetime | None:
    try:
        moment = getattr(message["date"], "datetime", None)
    except EMAIL_FAILURES:
        return None
    return moment if isinstance(moment, datetime) else None


def german_date(message: Message) -> str | None:
    moment = header_date(message)
    if moment is None:
        return header_value(message, "date")
    offset = moment.strftime(" %z") if moment.tzinfo else ""
    return moment.strftime("%d.%m.%Y %H:%M") + offset


def bytes_text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
