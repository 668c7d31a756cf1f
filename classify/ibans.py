"""IBANs in letter text, validated by python-stdnum (ISO 7064 mod 97 and each country's
length and format), so that a mistyped IBAN is shown to the mailroom, never stored as a
bank account.

Letters print IBANs in groups of four ("DE89 3704 0044 0532 0130 00"), sometimes wrapped
over two lines, and the text after one may itself look like a group ("… 3201 BIC"). So a
candidate is the country code, check digits and the groups that follow; if it is not
valid as a whole, trailing groups are dropped until it is.
"""

from __future__ import annotations

import re

from stdnum import iban

# A single space, a double space from OCR, or a line break may separate the groups.
_GAP = r"(?: {1,2}|\n)?"
CANDIDATE = re.compile(
    rf"(?<![A-Za-z0-9])[A-Z]{{2}}\d{{2}}(?:{_GAP}[A-Z0-9]{{4}}){{2,8}}"
    rf"(?:{_GAP}[A-Z0-9]{{1,3}})?(?![A-Za-z0-9])"
)
_LABEL_BEFORE = re.compile(r"IBAN\s*[:.]?\s*$", re.IGNORECASE)
_SHORTEST = 15  # Norway's IBANs, the shortest in the registry


def _prefixes(candidate: str) -> list[str]:
    """The candidate and its shorter forms without trailing groups, longest first."""
    groups = re.findall(r"[A-Z0-9]+", candidate)
    if len(groups) == 1:  # written without spaces: cut into groups of four like a print
        groups = [candidate[i : i + 4] for i in range(0, len(candidate), 4)]
    forms = ["".join(groups[:count]) for count in range(len(groups), 0, -1)]
    return [form for form in forms if len(form) >= _SHORTEST]


def _is_mistyped(number: str) -> bool:
    """True when only the check digits disagree: the structure (country, length, format)
    is that of an IBAN, so it was meant as one and a digit is wrong."""
    repaired = number[:2] + iban.calc_check_digits(number) + number[4:]
    return repaired != number and bool(iban.is_valid(repaired))


def classify_candidate(candidate: str, labelled: bool) -> tuple[str | None, str | None]:
    """(valid IBAN, None), (None, rejected text) or (None, None) for something else."""
    forms = _prefixes(candidate)
    for form in forms:
        if iban.is_valid(form):
            return iban.compact(form), None
    for form in forms:
        if _is_mistyped(form):
            return None, form
    if labelled:
        return None, iban.compact(candidate)
    return None, None


def find_ibans(text: str) -> tuple[list[str], list[str]]:
    """Valid IBANs (compact, upper case) and rejected ones, each deduplicated in text order.

    A string is rejected when its check digits are wrong but its structure is an IBAN's,
    or when it stands after the label "IBAN" and is not valid (a digit missing, say).
    """
    valid: list[str] = []
    rejected: list[str] = []
    for match in CANDIDATE.finditer(text):
        labelled = bool(_LABEL_BEFORE.search(text[max(0, match.start() - 12) : match.start()]))
        good, bad = classify_candidate(match.group(0), labelled)
        if good and good not in valid:
            valid.append(good)
        if bad and bad not in rejected:
            rejected.append(bad)
    return valid, rejected
