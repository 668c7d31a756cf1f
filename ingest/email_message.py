"""Read one e-mail (RFC 5322 / MIME) into the text a person reads and its attachments.

The standard library parses (``email.policy.default``); this module decides what of the
tree is the letter and what are enclosures. The stored original is the whole message, so
nothing left in the mail (inline images, alternative renderings) is lost.

What is the body: ``text/plain`` is preferred inside ``multipart/alternative``; HTML is
converted to text (inscriptis) only when there is no plain part. Further unnamed text
parts of a ``multipart/mixed`` (Apple Mail splits the body around inline enclosures) are
appended to the body.

What is an attachment: every non-body leaf part with a file name or
``Content-Disposition: attachment``, and every unnamed leaf that is neither plain text
nor HTML (a PDF without a name is still a document someone sent); a missing name is made
from the type (``anhang-2.pdf``). A forwarded ``message/rfc822`` part becomes an
``<subject>.eml`` attachment (the pipeline ingests it as a mail of its own); one sent in
base64 against RFC 2046 is decoded first.
Images referenced from the HTML by ``cid:`` and the resources of a
``multipart/related`` stay in the mail and are listed in ``notes``. ``winmail.dat``
(Outlook TNEF) is unpacked into its attachments; one that cannot be decoded is returned
as it is, with a note.

Which parser defects are fatal (``CorruptInput``), and why:

- no header at all: this is not an e-mail (garbage, or a body without its head);
- ``NoBoundaryInMultipartDefect``, ``StartBoundaryNotFoundDefect``,
  ``MultipartInvariantViolationDefect`` at any level: the parts of that multipart cannot
  be found, so attachments would silently go missing;
- ``CloseBoundaryNotFoundDefect`` on the top level: the message is truncated. Nested,
  it is tolerated (with a note): the outer boundary ended the part, its parts are whole;
- ``InvalidBase64LengthDefect`` or ``InvalidBase64CharactersDefect`` on a decoded part:
  the decoded bytes would be wrong (a damaged PDF is worse than a clear refusal);
- ``InvalidBase64PaddingDefect`` alone is tolerated with a note: only the trailing
  ``=`` were missing, the bytes decode completely;
- thousands of nested multiparts (Python's recursion limit): a hostile message.

Header defects (bad dates, odd addresses, 8-bit bytes in headers) are tolerated: the raw
header text is shown instead.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass, field
from email import errors as email_errors
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from urllib.parse import unquote

from eakte.errors import CorruptInput, LimitExceeded
from eakte.filenames import sanitize_filename
from ingest.mail_headers import EMAIL_FAILURES, german_date, header_date, header_value
from ingest.mail_payloads import (
    decode_text,
    html_to_text,
    message_bytes,
    payload_bytes,
    readable_text,
    transfer_decoded,
)
from ingest.tnef import unpack_tnef

SNIFF_WINDOW = 8192  # ingest.sniff.HEAD_BYTES: how much of a file sniffing sees
_FATAL_STRUCTURE = (
    email_errors.NoBoundaryInMultipartDefect,
    email_errors.StartBoundaryNotFoundDefect,
    email_errors.MultipartInvariantViolationDefect,
)
_CID = re.compile(r"""cid:([^"'\s<>)]+)""", re.IGNORECASE)
_EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/tiff": ".tif",
    "image/gif": ".gif",
    "text/plain": ".txt",
    "text/html": ".html",
    "text/calendar": ".ics",
    "message/rfc822": ".eml",
    "application/pkcs7-signature": ".p7s",
    "application/pkcs7-mime": ".p7m",
    "application/octet-stream": ".bin",
}
_TNEF_TYPES = frozenset({"application/ms-tnef", "application/vnd.ms-tnef"})
_HEADER_LABELS = (("from", "Von"), ("to", "An"), ("cc", "Cc"))
_HEAD_NAMES = frozenset(
    {"from", "to", "cc", "subject", "date", "message-id", "mime-version", "received"}
    | {"return-path", "delivered-to", "reply-to", "sender", "content-type", "x-mailer"}
)
_HEADER_LINE = re.compile(rb"([!-9;-~]+)[ \t]*:")


@dataclass(frozen=True)
class MailAttachment:
    filename: str  # sanitised, never empty
    content_type: str
    data: bytes

    @property
    def is_message(self) -> bool:
        """A forwarded message: unpacked as a mail of its own, one level deeper."""
        return self.content_type == "message/rfc822"


@dataclass(frozen=True)
class MailContent:
    text: str  # German header block, then the body
    subject: str | None
    sender: str | None
    date: str | None  # ISO 8601
    message_id: str | None
    attachments: list[MailAttachment]
    notes: list[str]  # German


def looks_like_email(head: bytes) -> bool:
    """True when the first bytes are an RFC 5322 header block with typical mail headers.

    Only header-shaped lines until the first empty line (an mbox ``From `` line first is
    allowed), and at least two well-known names, so a text file that happens to start
    with ``Betreff:`` is not taken for a mail."""
    lines = head.splitlines()
    if lines and lines[0].startswith(b"From "):
        lines = lines[1:]
    if len(head) >= SNIFF_WINDOW and lines and not head.endswith((b"\n", b"\r")):
        lines = lines[:-1]  # cut in the middle of a line by the sniffing window
    names: set[bytes] = set()
    for number, line in enumerate(lines):
        if not line.strip():
            break
        if line[:1] in (b" ", b"\t") and number > 0:
            continue
        match = _HEADER_LINE.match(line)
        if match is None:
            return False
        names.add(match.group(1).lower())
    known = {name.decode("ascii") for name in names} & _HEAD_NAMES
    return len(known) >= 2 and bool(known - {"content-type", "mime-version"})


def read_message(data: bytes, *, max_attachments: int) -> MailContent:
    """Parse one message; raise ``CorruptInput`` or ``LimitExceeded`` for what we refuse."""
    message = _parse(data)
    try:
        reader = _Reader(max_attachments, _cid_references(message), linesep=_linesep(data))
        reader.walk(message, top=True)
    except RecursionError as exc:  # thousands of nested multiparts: a hostile message
        raise CorruptInput("E-Mail zu tief verschachtelt (MIME-Teile in MIME-Teilen)") from exc
    body = "\n\n".join(chunk.strip("\n") for chunk in reader.texts if chunk.strip())
    subject = header_value(message, "subject")
    head = _header_block(message, subject, reader.attachments)
    return MailContent(
        text=f"{head}\n\n{body}".rstrip() + "\n",
        subject=subject,
        sender=header_value(message, "from"),
        date=moment.isoformat() if (moment := header_date(message)) else None,
        message_id=header_value(message, "message-id"),
        attachments=reader.attachments,
        notes=reader.notes,
    )


def _parse(data: bytes) -> EmailMessage:
    try:
        message = BytesParser(policy=policy.default).parsebytes(data)
    except RecursionError as exc:
        raise CorruptInput("E-Mail zu tief verschachtelt (MIME-Teile in MIME-Teilen)") from exc
    except EMAIL_FAILURES as exc:
        raise CorruptInput(f"E-Mail nicht lesbar: {exc}") from exc
    if not isinstance(message, EmailMessage) or not message.keys():
        raise CorruptInput("Keine E-Mail: Kopfzeilen (Von, Betreff, Datum …) fehlen")
    return message


def _linesep(data: bytes) -> str:
    return "\r\n" if b"\r\n" in data[:SNIFF_WINDOW] else "\n"


def _header_block(message: Message, subject: str | None, files: list[MailAttachment]) -> str:
    lines = [
        f"{label}: {value}"
        for name, label in _HEADER_LABELS
        if (value := header_value(message, name)) is not None
    ]
    lines.append(f"Datum: {german_date(message) or '–'}")
    lines.append(f"Betreff: {subject or '–'}")
    if files:
        lines.append("Anhänge: " + ", ".join(item.filename for item in files))
    return "\n".join(lines)


# the MIME tree ----------------------------------------------------------------------


@dataclass
class _Reader:
    """Walks the MIME tree once, collecting body text, attachments and notes."""

    max_attachments: int
    cids: frozenset[str]
    linesep: str
    texts: list[str] = field(default_factory=list)
    attachments: list[MailAttachment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def walk(self, part: Message, *, top: bool = False, body: bool = True) -> None:
        """``body`` is False inside an alternative we did not choose: its text is another
        rendering of the body, but enclosures in it are still enclosures."""
        content_type = part.get_content_type()
        if content_type == "message/rfc822" and not top:
            self._add_forwarded(part)
            return
        _check_structure(part, top=top, notes=self.notes)
        if not part.is_multipart():
            self._leaf(part, body=body)
        elif content_type == "multipart/alternative":
            chosen = _choose_alternative(_children(part))
            for child in _children(part):
                self.walk(child, body=body and child is chosen)
        elif content_type == "multipart/related":
            root = _related_root(part)
            for child in _children(part):
                if child is root:
                    self.walk(child, body=body)
                else:
                    self._related_resource(child, body=body)
        else:
            for child in _children(part):
                self.walk(child, body=body)

    def _leaf(self, part: Message, *, body: bool) -> None:
        content_type = part.get_content_type()
        filename = _filename(part)
        disposition = part.get_content_disposition()
        if _is_tnef(part, content_type, filename):
            self._add_tnef(part)
        elif _content_id(part) in self.cids:  # shown in the letter, whatever it claims
            self._note_inline(part, filename)
        elif filename is None and disposition != "attachment":
            if content_type in ("text/plain", "text/html"):
                if body:
                    self.texts.append(readable_text(part, self.notes))
            elif body:  # an unnamed enclosure (a PDF, an invitation) is still one
                self._add(None, content_type, payload_bytes(part, content_type, self.notes))
            # else: another rendering of the body inside an alternative we did not choose
        else:
            self._add(
                filename, content_type, payload_bytes(part, filename or content_type, self.notes)
            )

    def _related_resource(self, part: Message, *, body: bool) -> None:
        """Non-root parts of ``multipart/related`` belong to the HTML (images, styles)."""
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            self.walk(part, body=body)
        else:
            self._note_inline(part, _filename(part))

    def _note_inline(self, part: Message, filename: str | None) -> None:
        what = filename or part.get_content_type()
        kind = "Bild" if part.get_content_maintype() == "image" else "Teil"
        self.notes.append(
            f"Eingebettetes {kind} {what} bleibt in der E-Mail (im Original enthalten)"
        )

    def _add(self, filename: str | None, content_type: str, data: bytes) -> None:
        if len(self.attachments) >= self.max_attachments:
            raise LimitExceeded(
                f"E-Mail hat mehr als {self.max_attachments} Anhänge (EAKTE_MAIL_MAX_ATTACHMENTS)"
            )
        number = len(self.attachments) + 1
        name = sanitize_filename(filename) if filename else _generated_name(number, content_type)
        self.attachments.append(MailAttachment(name, content_type, data))

    def _add_forwarded(self, part: Message) -> None:
        inner = part.get_payload(0) if part.is_multipart() else None
        if not isinstance(inner, EmailMessage):
            self._add(_filename(part), "message/rfc822", payload_bytes(part, "message/rfc822", []))
            return
        data = message_bytes(inner, self.linesep)
        encoding = (header_value(part, "content-transfer-encoding") or "").lower()
        if encoding in ("base64", "quoted-printable"):
            # RFC 2046 forbids it, some gateways do it: the parser then took the encoded
            # text for a message without headers
            data = transfer_decoded(data.lstrip(b"\r\n"), encoding)
            inner = BytesParser(policy=policy.default).parsebytes(data, headersonly=True)
        subject = header_value(inner, "subject") or "weitergeleitet"
        self._add(f"{subject}.eml", "message/rfc822", data)

    def _add_tnef(self, part: Message) -> None:
        data = payload_bytes(part, "winmail.dat", self.notes)
        unpacked = unpack_tnef(data)
        if unpacked is None:
            self.notes.append(
                "winmail.dat (Outlook-TNEF) ließ sich nicht entpacken; unverändert übernommen"
            )
            self._add("winmail.dat", "application/ms-tnef", data)
            return
        text = html_to_text(unpacked.html) if unpacked.html else unpacked.text
        if text.strip():
            self.texts.append(text)
        self.notes.extend(unpacked.notes)
        for name, payload in unpacked.files:
            guessed = mimetypes.guess_type(name, strict=True)[0]
            self._add(name, guessed or "application/octet-stream", payload)


def _children(part: Message) -> list[Message]:
    payload = part.get_payload()
    return (
        [child for child in payload if isinstance(child, Message)]
        if isinstance(payload, list)
        else []
    )


def _check_structure(part: Message, *, top: bool, notes: list[str]) -> None:
    for defect in part.defects:
        if isinstance(defect, _FATAL_STRUCTURE):
            raise CorruptInput(
                f"E-Mail beschädigt: MIME-Teile nicht auffindbar ({type(defect).__name__})"
            )
        if isinstance(defect, email_errors.CloseBoundaryNotFoundDefect):
            if top:
                raise CorruptInput(
                    "E-Mail unvollständig: das Ende der MIME-Teile fehlt (abgeschnitten?)"
                )
            notes.append("Ein innerer MIME-Teil war nicht abgeschlossen (toleriert)")


def _choose_alternative(children: list[Message]) -> Message | None:
    """Plain text first (what the sender wrote), then HTML, then a composite rendering."""
    for wanted in ("text/plain", "text/html", "multipart/related", "multipart/mixed"):
        for child in children:
            if (
                child.get_content_type() == wanted
                and child.get_content_disposition() != "attachment"
            ):
                return child
    return children[-1] if children else None


def _related_root(part: Message) -> Message | None:
    children = _children(part)
    start = part.get_param("start")
    if isinstance(start, str):
        wanted = start.strip().strip("<>").lower()
        for child in children:
            if _content_id(child) == wanted:
                return child
    return children[0] if children else None


def _content_id(part: Message) -> str | None:
    value = header_value(part, "content-id")
    return value.strip().strip("<>").lower() if value else None


def _cid_references(message: Message) -> frozenset[str]:
    """Content-IDs the HTML bodies point at: those images belong to the letter."""
    found: set[str] = set()
    for part in message.walk():
        if (
            part.get_content_type() == "text/html"
            and part.get_content_disposition() != "attachment"
        ):
            html = decode_text(payload_bytes(part, "text/html", []), part, [])
            found.update(unquote(ref).strip("<>").lower() for ref in _CID.findall(html))
    return frozenset(found)


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except EMAIL_FAILURES:
        return None
    return name.strip() or None if isinstance(name, str) else None


def _generated_name(number: int, content_type: str) -> str:
    extension = _EXTENSIONS.get(content_type) or mimetypes.guess_extension(content_type) or ".bin"
    return f"anhang-{number}{extension}"


def _is_tnef(part: Message, content_type: str, filename: str | None) -> bool:
    return content_type in _TNEF_TYPES or (filename or "").lower() == "winmail.dat"
