"""Reference numbers after their labels: "Az.: 63-2024-0815", "Kassenzeichen 4807.453123".

Every office writes its file numbers differently, so a number is recognised by the label
in front of it, never by its shape. Labels are reported in one canonical spelling per
meaning ("Az." and "Aktenzeichen" are both "Aktenzeichen"), so that the index and the
review screen group them; "Ihr Zeichen" and "Unser Zeichen" stay apart because they name
different files (the recipient's and the sender's).
"""

from __future__ import annotations

import re

_NR = r"(?:nummer|[-\s]?Nr\.?)"
LABELS: dict[str, str] = {  # canonical label: pattern; longer spellings first
    "Ihr Zeichen": r"Ihr(?:e)?\s+(?:Zeichen|Aktenzeichen|Az\.?)",
    "Unser Zeichen": r"Unser(?:e)?\s+(?:Zeichen|Aktenzeichen|Az\.?)",
    "Geschäftszeichen": r"Gesch(?:ä|ae)ftszeichens?|Gz\.",
    "Aktenzeichen": r"Aktenzeichens?|Az\.?",
    "Kassenzeichen": r"Kassenzeichens?",  # "unter Angabe des Kassenzeichens 5.4321.0001"
    "Rechnungsnummer": rf"Rechnungs{_NR}|Rechnung[-\s]+Nr\.?",
    "Kundennummer": rf"Kunden{_NR}",
    "Vorgangsnummer": rf"Vorgangs{_NR}",
    "Auftragsnummer": rf"Auftrags{_NR}",
    "Bestellnummer": rf"Bestell{_NR}",
    "Vertragsnummer": rf"Vertrags{_NR}",
    "Antragsnummer": rf"Antrags{_NR}",
}
_CANONICAL = [(re.compile(rf"(?:{p})\Z", re.IGNORECASE), label) for label, p in LABELS.items()]
# After the label: perhaps a remark in brackets ("(bitte stets angeben)"), then a colon,
# a space, or both; after a colon the value may start on the next line.
_SEPARATOR = r"[ ]*(?:\([^)\n]{0,40}\))?[ ]*(?::[ ]*\n?[ ]*|[ ]+)"
# The value: word pieces joined by "-", "/", ".", ":" or "_". OCR puts spaces around
# hyphens and slashes ("63 - 2024 - 0815"); those are allowed before a digit (not before
# a word: "Az. 12-34 - bitte angeben") and removed again.
_CHUNK = r"[A-Za-z0-9ÄÖÜäöüß]+"
# Court file numbers have spaces of their own: "3 K 1234/23", "1 BvR 123/45".
_COURT = r"\d{1,3}[ ][A-Z][A-Za-z]{0,3}[ ]\d{1,6}/\d{2,4}(?!\w)"
_VALUE = rf"(?-i:{_COURT})|{_CHUNK}(?:(?:[-–/.:_]|[ ]?[-–/][ ]?(?=\d)){_CHUNK})*"
REFERENCE = re.compile(
    rf"(?<![\w-])(?P<label>{'|'.join(LABELS.values())})(?![\w]){_SEPARATOR}(?P<value>{_VALUE})",
    re.IGNORECASE,
)
# A line that is a labelled field ("Az.: …"), not text that starts with a label (a
# subject wrapped before "Kassenzeichen 4807.453123").
LABEL_LINE = re.compile(
    rf"^\s*(?:{'|'.join(LABELS.values())})[ ]*(?:\([^)\n]{{0,40}}\))?[ ]*:", re.IGNORECASE
)
_MAX_VALUE = 40


def canonical_label(label: str) -> str:
    """The one spelling reported for a matched label ("Az." → "Aktenzeichen")."""
    label = re.sub(r"\s+", " ", label.strip())
    for pattern, canonical in _CANONICAL:
        if pattern.match(label):
            return canonical
    return label


def clean_value(value: str) -> str:
    """The value as written, without OCR's spaces around separators."""
    return re.sub(r" ?([-/]) ?", r"\1", value.replace("–", "-"))


def find_references(text: str) -> list[dict[str, str]]:
    """Labelled reference numbers in text order, each value once (first label wins).

    A value must contain a digit: "Bitte geben Sie die Rechnungsnummer als
    Verwendungszweck an" names the label but gives no number.
    """
    found: list[dict[str, str]] = []
    seen: set[str] = set()
    for match in REFERENCE.finditer(text):
        value = clean_value(match["value"])
        if not any(c.isdigit() for c in value) or len(value) > _MAX_VALUE or value in seen:
            continue
        seen.add(value)
        found.append({"label": canonical_label(match["label"]), "value": value})
    return found
