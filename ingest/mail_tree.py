"""Where things are in a parsed MIME tree (``ingest.email_message``): children, part
numbers, the chosen alternative, the root of a ``multipart/related``, the images an HTML
body points at, and the parser's structural defects as notes.

Part numbers ("1", "1.2", …, the root is "") name a part independently of the parse, so
the robustness benchmark can set what eAkte did with each part beside what the standard
library's ``iter_attachments`` yields.
"""

from __future__ import annotations

import re
from email import errors as email_errors
from email.message import Message
from urllib.parse import unquote

from ingest.mail_headers import header_value
from ingest.mail_payloads import decode_text, decoded

_UNDELIMITED = (
    email_errors.NoBoundaryInMultipartDefect,
    email_errors.StartBoundaryNotFoundDefect,
    email_errors.MultipartInvariantViolationDefect,
)
_CID = re.compile(r"""cid:([^"'\s<>)]+)""", re.IGNORECASE)


def children(part: Message) -> list[Message]:
    payload = part.get_payload()
    return (
        [child for child in payload if isinstance(child, Message)]
        if isinstance(payload, list)
        else []
    )


def part_numbers(message: Message) -> dict[int, str]:
    """``id(part)`` → its number, for every part of the tree (forwarded messages too)."""
    numbers: dict[int, str] = {}
    pending: list[tuple[Message, str]] = [(message, "")]
    while pending:
        part, number = pending.pop()
        numbers[id(part)] = number
        for index, child in enumerate(children(part), start=1):
            pending.append((child, f"{number}.{index}" if number else str(index)))
    return numbers


def note_structure(part: Message, *, top: bool, notes: list[str], tail: bytes) -> None:
    """Each structural defect the parser found, as a note (nothing here is fatal)."""
    for defect in part.defects:
        if isinstance(defect, _UNDELIMITED):
            notes.append(
                f"MIME-Grenze nicht gefunden ({type(defect).__name__}); Inhalt als Text übernommen"
            )
        elif isinstance(defect, email_errors.CloseBoundaryNotFoundDefect):
            boundary = (part.get_boundary() or "").encode("ascii", "ignore")
            if top and boundary and tail.rstrip().endswith(b"--" + boundary):
                notes.append("Schlussgrenze der MIME-Teile ohne abschließendes -- (toleriert)")
            elif top:
                notes.append("Ende der MIME-Teile fehlt: E-Mail evtl. abgeschnitten (übernommen)")
            else:
                notes.append("Ein innerer MIME-Teil war nicht abgeschlossen (toleriert)")


def choose_alternative(parts: list[Message]) -> Message | None:
    """Plain text first (what the sender wrote), then HTML, then a composite rendering."""
    for wanted in ("text/plain", "text/html", "multipart/related", "multipart/mixed"):
        for child in parts:
            if (
                child.get_content_type() == wanted
                and child.get_content_disposition() != "attachment"
            ):
                return child
    return parts[-1] if parts else None


def related_root(part: Message) -> Message | None:
    parts = children(part)
    start = part.get_param("start")
    if isinstance(start, str):
        wanted = start.strip().strip("<>").lower()
        for child in parts:
            if content_id(child) == wanted:
                return child
    return parts[0] if parts else None


def content_id(part: Message) -> str | None:
    value = header_value(part, "content-id")
    return value.strip().strip("<>").lower() if value else None


def cid_references(message: Message) -> frozenset[str]:
    """Content-IDs the HTML bodies point at: those images belong to the letter."""
    found: set[str] = set()
    for part in message.walk():
        if (
            part.get_content_type() == "text/html"
            and part.get_content_disposition() != "attachment"
        ):
            html = decode_text(decoded(part, "text/html", []), part, [])
            found.update(unquote(ref).strip("<>").lower() for ref in _CID.findall(html))
    return frozenset(found)
