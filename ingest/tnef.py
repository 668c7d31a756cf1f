"""Outlook's ``winmail.dat`` (TNEF, MS-OXTNEF): the only module that imports tnefparse.

Outlook sends its rich-text mails with the attachments packed into this one blob, so
without unpacking a citizen's PDF would arrive as an unreadable ``winmail.dat``.
tnefparse is a plain struct walker without error handling of its own; any exception it
raises on a damaged blob therefore means "undecodable", and so does a blob in which it
finds neither a file nor a body.
"""

from __future__ import annotations

from dataclasses import dataclass

TNEF_MAGIC = b"\x78\x9f\x3e\x22"  # 0x223E9F78, little-endian


@dataclass(frozen=True)
class Unpacked:
    text: str  # the plain body, "" if there is none
    html: str | None  # the HTML body when there is no plain one
    files: list[tuple[str, bytes]]  # (name, bytes); names not yet sanitised
    notes: list[str]  # German


def unpack_tnef(data: bytes) -> Unpacked | None:
    """The body and files of a winmail.dat, or None if it cannot be decoded."""
    if not data.startswith(TNEF_MAGIC):
        return None
    from tnefparse.tnef import TNEF  # type: ignore[import-untyped]  # only for Outlook mail

    try:
        tnef = TNEF(data, do_checksum=False)
        files = [
            (_name(item, number), bytes(item.data))
            for number, item in enumerate(tnef.attachments, 1)
        ]
        body, html, rtf = tnef.body, tnef.htmlbody, tnef._rtfbody
    except Exception:  # see the module docstring: any error in there means undecodable
        return None
    if not files and not (body or html or rtf):
        return None  # the magic was right, but nothing in it could be read
    notes = []
    if rtf and not (body or html):
        notes.append("Text aus winmail.dat liegt nur als RTF vor und wurde nicht übernommen")
    return Unpacked(
        text=_text(body).replace("\x00", "").strip() if body else "",
        html=_text(html) if html and not body else None,
        files=files,
        notes=notes,
    )


def _name(item: object, number: int) -> str:
    long_name = getattr(item, "long_filename", None)
    name = long_name() if callable(long_name) else None
    text = _text(name) if isinstance(name, str | bytes) else ""
    return text.replace("\x00", "").strip() or f"winmail-{number}.bin"


def _text(value: str | bytes) -> str:
    if isinstance(value, str):
        return value
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("cp1252", errors="replace")
