"""Fields of incoming post for the manifest and the search index: the letter's date,
reference numbers, sender, subject, euro amounts and IBANs.

Each field has its own module (``dates``, ``references``, ``letter_parts``, ``amounts``,
``ibans``); this one runs them over one normalised text and returns plain JSON values,
because the result is stored in the manifest as it is. Everything here is a reading of
the text, never a fact about the document: a person may correct it on review.
"""

from __future__ import annotations

from classify.amounts import find_amounts, find_total
from classify.dates import find_letter_date
from classify.ibans import find_ibans
from classify.letter_layout import normalise_text
from classify.letter_parts import find_sender, find_subject
from classify.references import find_references

FIELD_KEYS = (
    "letter_date",
    "references",
    "sender",
    "subject",
    "amounts",
    "total_amount",
    "ibans",
    "invalid_ibans",
)


def extract_fields(text: str) -> dict[str, object]:
    """All fields of a letter's text (all pages joined by newlines).

    Keys are those of FIELD_KEYS; absent fields are None (single values) or [] (lists).
    ``letter_date`` is an ISO date string, amounts are ``{"value": "1234.56", "text":
    "1.234,56 €"}``, references ``{"label": "Aktenzeichen", "value": "63-2024-0815"}``,
    IBANs compact and upper case; ``invalid_ibans`` holds what was written as an IBAN but
    fails its checksum, so that the mailroom can ask the sender.
    """
    text = normalise_text(text)
    letter_date = find_letter_date(text)
    ibans, invalid_ibans = find_ibans(text)
    return {
        "letter_date": letter_date.isoformat() if letter_date else None,
        "references": find_references(text),
        "sender": find_sender(text),
        "subject": find_subject(text),
        "amounts": find_amounts(text),
        "total_amount": find_total(text),
        "ibans": ibans,
        "invalid_ibans": invalid_ibans,
    }


class LetterFields:
    """The ``FieldExtractor`` the pipeline is wired with."""

    def extract(self, text: str) -> dict[str, object]:
        return extract_fields(text)
