"""Sender and subject of a letter, read from where DIN 5008 puts them.

Both are best guesses for the mailroom and the search index, not facts: a person checks
them on review. The rules are deliberately few, so that a wrong guess can be explained.
"""

from __future__ import annotations

import re

from classify.dates import DATE, OWN_LINE, score_date
from classify.letter_layout import (
    CLOSING,
    POSTCODE_LINE,
    SALUTATION,
    blocks,
    header_end,
    join_wrapped,
)
from classify.references import LABEL_LINE

SUBJECT_LABEL = re.compile(
    r"^\s*(?:Betreff|Betrifft|Betr\.)(?!\w)\s*:?\s*(?P<rest>.*)$", re.IGNORECASE
)
_RETURN_LABEL = re.compile(r"^\s*(?:Absender|Abs\.)\s*:\s*(?P<rest>.+)$", re.IGNORECASE)
# The one-line return address above the address window: "Name · Straße 1 · 12345 Ort";
# dashes are not separators here, as "Amt 63 - Bauordnung" may be the recipient.
_RETURN_SEPARATOR = re.compile(r"\s*[·•|]\s*")
_POSTCODE = re.compile(r"(?<!\d)\d{5}(?!\d)")
# An e-mail printed or forwarded as post: "Von: Anna Weiß <anna.weiss@web.de>".
_MAIL_FROM = re.compile(r"^\s*(?:Von|From)\s*:\s*\"?(?P<name>[^<>\"\n]+?)\"?\s*<[^>\n]*@", re.M)
_SIGNATURE_PREFIX = re.compile(
    r"^(?:i\.\s?A\.|i\.\s?V\.|gez\.|ppa\.|pp\.|Im\s+Auftrag|In\s+Vertretung)\s*", re.IGNORECASE
)
_FIELD_LINE = re.compile(r"^[A-ZÄÖÜ][A-Za-zÄÖÜäöüß .()/-]{0,30}:\s")  # "Telefon: …"
_NOT_A_NAME = re.compile(r"@|www\.|https?:|^Seite\s+\d|^(?:Tel|Fax|Telefon|E-Mail)\b", re.I)
_RECIPIENT_START = re.compile(r"^(?:An\s|Herrn?\b|Frau\b|Firma\b)")
_MAX_SUBJECT_LINES = 4
_EMPTY_LABEL = re.compile(r"^\s*[\w.-]{1,30}\s*:\s*$")  # "Subject:" with nothing after it


def looks_like_name(line: str) -> bool:
    """Could this line name a person or an organisation (not an address, phone, date)?"""
    line = line.strip()
    return (
        2 <= len(line) <= 80
        and line[0].isalpha()
        and sum(c.isalpha() for c in line) >= 2
        and sum(c.isdigit() for c in line) < 4
        and not _NOT_A_NAME.search(line)
        and not _FIELD_LINE.match(line)
        and not DATE.search(line)
    )


def _is_frame_line(line: str) -> bool:
    """Lines that end the address area and a subject: the letter's date, a subject
    label, a reference label ("Az.: …"), the salutation. Other "Label: value" lines do
    not, as letterheads carry "Telefon: …" lines."""
    own_date = any(score_date(line, m, True) >= OWN_LINE for m in DATE.finditer(line))
    return (
        own_date
        or bool(SUBJECT_LABEL.match(line))
        or bool(SALUTATION.match(line))
        or bool(LABEL_LINE.match(line))
    )


def _address_blocks(lines: list[str]) -> list[list[str]]:
    """The blocks above the first date, subject, field or salutation line."""
    found: list[list[str]] = []
    for _, block in blocks(lines[: header_end(lines)]):
        if any(_is_frame_line(line) for line in block):
            break
        found.append(block)
    return found


def _from_return_line(line: str) -> str | None:
    """The name in a compact return address ("Absender: Name, Straße 1, 12345 Ort")."""
    labelled = _RETURN_LABEL.match(line)
    text = labelled["rest"] if labelled else line
    if not labelled and not (_RETURN_SEPARATOR.search(text) and _POSTCODE.search(text)):
        return None
    parts = _RETURN_SEPARATOR.split(text)
    if labelled and len(parts) == 1:
        parts = text.split(",")
    first = parts[0].strip()
    return first if looks_like_name(first) else None


def signature(lines: list[str]) -> str | None:
    """The name under the last closing formula ("Mit freundlichen Grüßen"), without
    "i. A." and similar, or None if no closing or no name follows it."""
    closings = [index for index, line in enumerate(lines) if CLOSING.match(line)]
    if not closings:
        return None
    following = [line.strip() for line in lines[closings[-1] + 1 :] if line.strip()]
    for line in following[:3]:
        name = _SIGNATURE_PREFIX.sub("", line).strip()
        if looks_like_name(name) and not name.startswith("("):
            return name
    return None


def find_sender(text: str) -> str | None:
    """Who wrote the letter.

    In order: the name in an e-mail's "Von:" header; an "Absender:" line or a one-line
    return address ("Name · Straße · Ort"); the first line of the letterhead when there
    are two address blocks above the date (letterhead, then the address window); the
    signature; and, with a single block and no signature, that block's first line. A
    single block is ambiguous (it may be the recipient's address), which is why the
    signature wins over it.
    """
    mail = _MAIL_FROM.search(text)
    if mail and looks_like_name(mail["name"]):
        return mail["name"].strip()
    lines = text.split("\n")
    address = _address_blocks(lines)
    for line in (line for block in address for line in block):
        name = _from_return_line(line)
        if name:
            return name
    if len(address) >= 2:
        first = _first_name_line(address[0])
        if first:
            return first
    signed = signature(lines)
    if signed or not address or _RECIPIENT_START.match(address[0][0]):
        return signed
    return _first_name_line(address[0])


def _first_name_line(block: list[str]) -> str | None:
    return next((line for line in block[:3] if looks_like_name(line)), None)


def _labelled_subject(lines: list[str], end: int) -> str | None:
    """ "Betreff: …" with its wrapped continuation lines, up to a blank line."""
    for index, line in enumerate(lines[:end]):
        label = SUBJECT_LABEL.match(line)
        if not label:
            continue
        parts = [label["rest"]] if label["rest"].strip() else []
        for following in lines[index + 1 : end]:
            if not following.strip():
                if parts:
                    break
                continue
            if _is_frame_line(following) or len(parts) >= _MAX_SUBJECT_LINES:
                break
            parts.append(following)
        return join_wrapped(parts) or None
    return None


def _unlabelled_subject(lines: list[str], salutation: int) -> str | None:
    """The block right above the salutation, if it is neither an address, a date line,
    nor a block of "Label: value" lines (DIN 5008 subjects carry no label)."""
    above = blocks(lines[:salutation])
    if len(above) < 2:  # the only block is the letterhead or address, not a subject
        return None
    _, block = above[-1]
    if len(block) > _MAX_SUBJECT_LINES or POSTCODE_LINE.match(block[-1]):
        return None
    if any(_is_frame_line(line) or _FIELD_LINE.match(line) for line in block):
        return None
    return join_wrapped(block)


def _subject_after_frame(lines: list[str], salutation: int) -> str | None:
    """The lines between the date (or the information block) and the salutation when
    no blank line sets them apart: text layers and OCR often lose the blank lines of
    DIN 5008, and the subject then runs on from the date line. Read upwards from the
    salutation; only a date or "Label: value" line above makes them a subject, an
    address line or a blank line does not."""
    parts: list[str] = []
    for line in reversed(lines[:salutation]):
        if not line.strip():
            if parts:
                return None  # a block of its own: ``_unlabelled_subject`` judged it
            continue
        if _is_frame_line(line) or _FIELD_LINE.match(line):
            return join_wrapped(parts[::-1]) or None
        if POSTCODE_LINE.match(line) or _EMPTY_LABEL.match(line):
            return None  # an address, or a mail's empty "Subject:"
        if len(parts) >= _MAX_SUBJECT_LINES:
            return None
        parts.append(line)
    return None


def find_subject(text: str, *, run_on: bool = True) -> str | None:
    """The subject line: labelled ("Betreff:", "Betr.:") anywhere in the header, else the
    unlabelled DIN 5008 subject between the date and the salutation: a block of its own,
    or (``run_on``) the lines running on from the date or information block.
    ``classify.letter_content`` passes ``run_on=False``: the tuned encoder was tuned on
    letters read without it (reading it there changes 2 of 1,100 generated letters and
    would need TUNING_VERSION bumped, minutes of tuning at every set-up)."""
    lines = text.split("\n")
    end = header_end(lines)
    labelled = _labelled_subject(lines, end)
    if labelled:
        return labelled
    if end < len(lines) and SALUTATION.match(lines[end]):
        found = _unlabelled_subject(lines, end)
        return found or (_subject_after_frame(lines, end) if run_on else None)
    return None
