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
as it is, with a note. An S/MIME signature is no attachment: of a ``multipart/signed``
the signed part is read, of an opaque signature (``application/pkcs7-mime;
smime-type=signed-data``) the entity inside it; the signature is checked on the mail's
own record (``signatures.smime``). Another kind of signature (PGP) stays in the mail,
noted as not checked; a second part of ``multipart/signed`` that is no signature is read
like any part. A bounce's ``message/delivery-status`` is read into the text as one
part; a ``message/external-body`` (a pointer to content elsewhere) stays in the mail with
a note. What became of each part is recorded by its number (``MailContent.accounted``).

Anything the standard library parses is stored; each defect it reports is tolerated
with a note (an event on the record) naming it:

- a closing boundary without its final ``--``, or none at all (a mail cut off): the
  parts found are taken; a part cut off is refused on its own when it is ingested;
- a multipart whose boundary is missing or never starts: its raw text is the body;
- base64 with junk or a dangling last character: decoded as far as it goes;
- a header line that continues the previous one without indentation (Exchange does
  this): it is folded into that header before parsing, the original is kept as it came;
- bad dates, odd addresses, 8-bit bytes in headers: the raw header text is shown.

Refused are only input without any header (not an e-mail), thousands of nested
multiparts (Python's recursion limit: a hostile message), and more attachments than
allowed. ``text/calendar`` parts (invitations) become text of the body
(``ingest.calendar_text``), not attachments.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from email import errors as email_errors
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from typing import Literal

from eakte.errors import CorruptInput, LimitExceeded
from eakte.filenames import sanitize_filename
from ingest.calendar_text import calendar_text
from ingest.mail_headers import EMAIL_FAILURES, german_date, header_date, header_value
from ingest.mail_payloads import (
    decode_text,
    decoded,
    html_to_text,
    message_bytes,
    readable_text,
    transfer_decoded,
)
from ingest.mail_sniff import HEADER_LINE, SNIFF_WINDOW
from ingest.mail_tree import (
    children,
    choose_alternative,
    cid_references,
    content_id,
    note_structure,
    part_numbers,
    related_root,
)
from ingest.tnef import unpack_tnef
from signatures.smime import OPAQUE_TYPES, SIGNATURE_TYPES, opaque_signature

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
    "application/zip": ".zip",
    "application/pkcs7-signature": ".p7s",
    "application/pkcs7-mime": ".p7m",
    "application/octet-stream": ".bin",
}
_TNEF_TYPES = frozenset({"application/ms-tnef", "application/vnd.ms-tnef"})
_HEADER_LABELS = (("from", "Von"), ("to", "An"), ("cc", "Cc"))
# S/MIME signatures are checked on the mail's record; these are kept but not checked
_UNCHECKED_SIGNATURES = frozenset({"application/pgp-signature"})

# "text": read into the record's text; "attachment": a record of its own; "in_mail":
# kept in the stored mail with a note (inline images, signatures, external references);
# "alternative": another rendering of the body, not read
Accounted = Literal["text", "attachment", "in_mail", "alternative"]


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
    # what became of each leaf, by part number (``ingest.mail_tree.part_numbers``): so
    # every part can be shown accounted for, nothing dropped unseen
    accounted: dict[str, Accounted] = field(default_factory=dict)


def read_message(data: bytes, *, max_attachments: int) -> MailContent:
    """Parse one message; raise ``CorruptInput`` or ``LimitExceeded`` for what we refuse."""
    message, notes = _parse(data)
    try:
        reader = _Reader(
            max_attachments, cid_references(message), _linesep(data), part_numbers(message)
        )
        reader.notes.extend(notes)
        reader.walk(message, top=True, tail=data[-200:])
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
        accounted=reader.accounted,
    )


def _parse(data: bytes) -> tuple[EmailMessage, list[str]]:
    """The parsed message, and a note when a header line had to be folded first."""
    message = _parsed(data)
    notes: list[str] = []
    if any(isinstance(d, email_errors.MissingHeaderBodySeparatorDefect) for d in message.defects):
        repaired = _folded_head(data)
        if repaired != data:
            message = _parsed(repaired)
            notes.append("Kopfzeile ohne Einrückung fortgesetzt (toleriert, angefügt)")
    if not isinstance(message, EmailMessage) or not message.keys():
        raise CorruptInput("Keine E-Mail: Kopfzeilen (Von, Betreff, Datum …) fehlen")
    return message, notes


def _parsed(data: bytes) -> EmailMessage:
    try:
        message = BytesParser(policy=policy.default).parsebytes(data)
    except RecursionError as exc:
        raise CorruptInput("E-Mail zu tief verschachtelt (MIME-Teile in MIME-Teilen)") from exc
    except EMAIL_FAILURES as exc:
        raise CorruptInput(f"E-Mail nicht lesbar: {exc}") from exc
    return message


def _folded_head(data: bytes) -> bytes:
    """The message with each stray line between two headers indented, so it continues
    the header before it (what its sender meant); lines after the last header stay."""
    lines = data.splitlines(keepends=True)
    end = next((n for n, line in enumerate(lines) if not line.strip()), len(lines))
    last_header = max(
        (n for n in range(end) if HEADER_LINE.match(lines[n]) or lines[n].startswith(b"From ")),
        default=0,
    )
    for number in range(1, last_header):
        line = lines[number]
        if line[:1] not in (b" ", b"\t") and not HEADER_LINE.match(line):
            lines[number] = b" " + line
    return b"".join(lines)


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
    numbers: dict[int, str]  # id(part) -> part number
    texts: list[str] = field(default_factory=list)
    attachments: list[MailAttachment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    accounted: dict[str, Accounted] = field(default_factory=dict)

    def walk(
        self, part: Message, *, top: bool = False, body: bool = True, tail: bytes = b""
    ) -> None:
        """``body`` is False inside an alternative we did not choose: its text is another
        rendering of the body, but enclosures in it are still enclosures. ``tail``: the
        message's last bytes, which tell a missing ``--`` from a mail cut off."""
        content_type = part.get_content_type()
        if content_type == "message/rfc822" and not top:
            self._add_forwarded(part)
            self._account(part, "attachment")
            return
        note_structure(part, top=top, notes=self.notes, tail=tail)
        if not part.is_multipart():
            if self._opaque_signed(part, body=body):
                self._account(part, "text")
            else:
                self._account(part, self._leaf(part, body=body))
        elif content_type == "message/delivery-status":
            self._account(part, self._delivery_status(part, body=body))
        elif content_type == "message/external-body":
            self._account(part, self._external_body(part, body=body))
        elif content_type == "multipart/alternative":
            chosen = choose_alternative(children(part))
            for child in children(part):
                self.walk(child, body=body and child is chosen)
        elif content_type == "multipart/related":
            root = related_root(part)
            for child in children(part):
                if child is root:
                    self.walk(child, body=body)
                else:
                    self._related_resource(child, body=body)
        elif content_type == "multipart/signed" and len(children(part)) == 2:
            signed, signature = children(part)
            self.walk(signed, body=body)
            self._signature(signature, part.get_param("protocol"), body=body)
        else:
            for child in children(part):
                self.walk(child, body=body)

    def _opaque_signed(self, part: Message, *, body: bool) -> bool:
        """An opaque S/MIME signature (``application/pkcs7-mime; smime-type=signed-data``)
        carries the signed entity inside the signature: it is read as the content of a
        ``multipart/signed`` would be, and the signature is checked on the mail's own
        record. One that cannot be read stays an attachment (False)."""
        if part.get_content_type() not in OPAQUE_TYPES:
            return False
        try:
            signed = opaque_signature(part)
            inner = _parsed(signed.content) if signed is not None else None
        except CorruptInput:
            return False
        if inner is None:
            return False
        self.walk(inner, body=body)
        self.notes.append(
            f"Signatur der E-Mail ({part.get_content_type()}, signed-data) wird an der "
            "E-Mail geprüft; der signierte Inhalt ist als Text gelesen, nicht als Anhang "
            "abgelegt"
        )
        return True

    def _signature(self, signature: Message, protocol: object, *, body: bool) -> None:
        """RFC 1847: the second part of ``multipart/signed`` is the signature. An S/MIME
        one is checked on the mail's own record; another kind (PGP) is kept in the mail,
        unchecked. A second part that is no signature at all is read as content."""
        content_type = signature.get_content_type()
        if content_type in SIGNATURE_TYPES:
            what = "wird an der E-Mail geprüft"
        elif content_type in _UNCHECKED_SIGNATURES or content_type == str(protocol).lower():
            what = "wird nicht geprüft; sie bleibt in der E-Mail (im Original enthalten)"
        else:
            self.walk(signature, body=body)
            return
        self.notes.append(f"Signatur der E-Mail ({content_type}) {what}, nicht als Anhang abgelegt")
        self._account(signature, "in_mail")

    def _leaf(self, part: Message, *, body: bool) -> Accounted:
        content_type = part.get_content_type()
        filename = _filename(part)
        disposition = part.get_content_disposition()
        if part.get_content_maintype() == "multipart":  # its boundary was never found
            if not body:
                return "alternative"
            self.texts.append(decode_text(decoded(part, content_type, []), part, []))
            return "text"
        if _is_calendar(content_type, filename):
            return self._add_calendar(part, filename, body=body)
        if _is_tnef(part, content_type, filename):
            self._add_tnef(part)
            return "attachment"
        if content_id(part) in self.cids:  # shown in the letter, whatever it claims
            self._note_inline(part, filename)
            return "in_mail"
        if filename is None and disposition != "attachment":
            if not body:  # another rendering of the body in an alternative not chosen
                return "alternative"
            if content_type in ("text/plain", "text/html"):
                self.texts.append(readable_text(part, self.notes))
                return "text"
            # an unnamed enclosure (a PDF, an invitation) is still one
            self._add(None, content_type, decoded(part, content_type, self.notes))
            return "attachment"
        self._add(filename, content_type, decoded(part, filename or content_type, self.notes))
        return "attachment"

    def _add_calendar(self, part: Message, filename: str | None, *, body: bool) -> Accounted:
        """An invitation is read into the body; one that does not parse stays an
        attachment (the original holds it either way)."""
        data = decoded(part, filename or "text/calendar", self.notes)
        text = calendar_text(data)
        if text is None:
            self._add(filename, "text/calendar", data)
            return "attachment"
        if not (body or filename):
            return "alternative"
        self.texts.append(text)
        return "text"

    def _delivery_status(self, part: Message, *, body: bool) -> Accounted:
        """A bounce's machine-readable status (RFC 3464) is one part: its header blocks
        are read into the text as they came."""
        if not body:
            return "alternative"
        blocks = ["\n".join(f"{k}: {v}" for k, v in block.raw_items()) for block in children(part)]
        self.texts.append("\n\n".join(blocks))
        return "text"

    def _external_body(self, part: Message, *, body: bool) -> Accounted:
        """``message/external-body`` (RFC 2046) only points at content held elsewhere: there
        is nothing to store but the reference, which stays in the mail."""
        if not body:
            return "alternative"
        where = part.get_param("name") or part.get_param("site") or part.get_param("url")
        self.notes.append(
            f"Verweis auf externen Inhalt ({part.get_param('access-type') or '?'}"
            f"{f': {where}' if isinstance(where, str) else ''}) bleibt in der E-Mail; "
            "der Inhalt selbst ist nicht enthalten"
        )
        return "in_mail"

    def _related_resource(self, part: Message, *, body: bool) -> None:
        """Non-root parts of ``multipart/related`` belong to the HTML (images, styles)."""
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            self.walk(part, body=body)
        else:
            self._note_inline(part, _filename(part))
            self._account(part, "in_mail")

    def _account(self, part: Message, how: Accounted) -> None:
        number = self.numbers.get(id(part))
        if number is not None:  # parts of an opaque signature's content have none
            self.accounted[number] = how

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
            self._add(_filename(part), "message/rfc822", decoded(part, "message/rfc822", []))
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
        data = decoded(part, "winmail.dat", self.notes)
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


def _is_calendar(content_type: str, filename: str | None) -> bool:
    return content_type == "text/calendar" or (filename or "").lower().endswith(".ics")


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
