"""Where the parts of a German business letter sit (DIN 5008), as line-level patterns.

The field extractors share these so that "the header" means the same thing for the
letter date, the sender and the subject: everything above the salutation.
"""

from __future__ import annotations

import re

# Text from OCR and pdfplumber mixes line endings and no-break spaces; the extractors
# match on plain spaces and "\n" only, so they normalise once instead of every pattern
# spelling out every variant.
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\t": " "})

SALUTATION = re.compile(
    r"^\s*(?:Sehr\s+geehrte[rs]?|Guten\s+Tag|Hallo|Liebe[rs]?|Werte[rs]?|Moin|Grüß\s+Gott)\b",
    re.IGNORECASE,
)
# OCR and Swiss-German spelling turn "ß" into "ss" and "ü" into "ue" or "u".
_GRUESSE = r"Gr(?:ü|ue|u)(?:ß|ss)(?:en|e)"
CLOSING = re.compile(
    rf"^\s*(?:Mit\s+(?:freundlichen|besten|herzlichen|kollegialen)\s+{_GRUESSE}"
    rf"|Mit\s+freundlichem\s+Gru(?:ß|ss)|(?:Freundliche|Viele|Beste|Herzliche|Liebe)\s+{_GRUESSE}"
    r"|Hochachtungsvoll|MfG)\s*[,.!]?\s*$",
    re.IGNORECASE,
)
POSTCODE_LINE = re.compile(r"^\s*(?:D-)?\d{5}\s+\S")


def normalise_text(text: str) -> str:
    """One line ending, plain spaces; the extractors' offsets refer to this text."""
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_SPACES)


def header_end(lines: list[str]) -> int:
    """Index of the salutation line, or of the closing if there is none, else the end.

    Dates and names above that line belong to the letter's frame (letterhead, address
    window, information block, subject); below it they belong to what the letter says.
    """
    for index, line in enumerate(lines):
        if SALUTATION.match(line):
            return index
    for index, line in enumerate(lines):
        if CLOSING.match(line):
            return index
    return len(lines)


def blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Runs of non-blank lines with the index of their first line.

    Letterhead, address window, information block and subject are separated by blank
    lines in typed letters and in the text layer of most PDFs.
    """
    found: list[tuple[int, list[str]]] = []
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        if found and found[-1][0] + len(found[-1][1]) == index:
            found[-1][1].append(line.strip())
        else:
            found.append((index, [line.strip()]))
    return found


def join_wrapped(lines: list[str]) -> str:
    """Undo line wrapping: a line ending in a hyphen before a capital was split inside a
    compound ("Käthe-" + "Kollwitz-Straße"); any other break was a space."""
    text = ""
    for line in (part.strip() for part in lines):
        if not text:
            text = line
        elif text.endswith("-") and line[:1].isupper():
            text += line
        else:
            text += " " + line
    return re.sub(r"\s+", " ", text).strip()
