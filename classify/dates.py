"""The date of a letter: German date notations and where in the letter the date sits.

A letter mentions many dates ("Ihr Bescheid vom 01.02.2024", "Frist bis 30.04.2024");
only one is the letter's own. DIN 5008 puts it in a line of its own ("Musterstadt,
12.03.2024"), in the information block ("Datum: 12.03.2024") or right-aligned above the
subject. So every date is scored by its position and by the words just before it, and the
best-scored, earliest one wins. Validation is left to :class:`datetime.date`, which knows
that there is no 31 February.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from classify.letter_layout import header_end

MONTHS: dict[str, int] = {
    "januar": 1, "jänner": 1, "jan": 1, "februar": 2, "feb": 2, "märz": 3, "maerz": 3,
    "mär": 3, "mrz": 3, "april": 4, "apr": 4, "mai": 5, "juni": 6, "jun": 6, "juli": 7,
    "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "oktober": 10,
    "okt": 10, "november": 11, "nov": 11, "dezember": 12, "dez": 12,
}  # fmt: skip
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))

# Three notations; each alternative names its own groups because Python's re has no
# branch reset. Lookarounds keep "4807.453123" or "1.061,75" from being read as dates.
DATE = re.compile(
    r"(?<![\d.])(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.\s?(?P<y>\d{4}|\d{2})(?!\d|\.\d)"
    rf"|(?<![\d.])(?P<ld>\d{{1,2}})\.\s*(?P<lm>(?i:{_MONTH_NAMES}))\.?\s+(?P<ly>\d{{4}})(?!\d)"
    r"|(?<![\d.-])(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})(?![\d-])"
)
# "Datum:", "Rechnungsdatum:" and the like, directly before the date.
_DATE_LABEL = re.compile(
    r"(?<![\w-])(?:Datum|Rechnungsdatum|Briefdatum|Ausstellungsdatum)\s*[:.]?\s*(?:den\s+)?$",
    re.IGNORECASE,
)
# "Musterstadt, den" (a place name, perhaps after a postcode) and nothing else before it;
# two-column OCR output may put the address window to its left, hence the wide gap.
_PLACE_BEFORE = re.compile(
    r"(?:^|\s{3,})\s*(?:\d{5}\s+)?[A-ZÄÖÜ][^\d,:;()]{0,40},\s*(?:den\s+|am\s+)?$"
)
_ONLY_DEN = re.compile(r"^\s*(?:den\s+)?$", re.IGNORECASE)
# Words that make a date something the letter talks about, not the date it was written:
# "Ihr Schreiben vom", "Frist bis", "am", "seit", "geboren am", "Leistungszeitraum:" …
_REFERRED = re.compile(
    r"(?<![\w-])(?:vom|von|bis|zum|zur|am|an|seit|ab|nach|vor|bis\s+zum|Frist|fällig"
    r"|spätestens|geb\.|geboren|Stand|Zeitraum|Leistungszeitraum|Lieferdatum|Nachricht)"
    r"\s*[:.]?\s*(?:dem\s+|den\s+)?$",
    re.IGNORECASE,
)
_RANGE_AFTER = re.compile(r"^\s*(?:bis\b|[-–]\s*\d)", re.IGNORECASE)

LABELLED, OWN_LINE, IN_HEADER = 3, 2, 1


@dataclass(frozen=True)
class _Candidate:
    score: int
    position: int
    day: date


def to_date(match: re.Match[str]) -> date | None:
    """The calendar date a DATE match denotes, or None for 31.02. and other non-dates.

    Two-digit years ("12.03.24") are taken as 20xx: incoming post is current post.
    """
    groups = match.groupdict()
    if groups["d"] is not None:
        day, month, year = int(groups["d"]), int(groups["m"]), int(groups["y"])
        year += 2000 if year < 100 else 0
    elif groups["ld"] is not None:
        day, month = int(groups["ld"]), MONTHS[groups["lm"].lower()]
        year = int(groups["ly"])
    else:
        day, month, year = int(groups["id"]), int(groups["im"]), int(groups["iy"])
    if not 1900 <= year <= 2199:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def score_date(line: str, match: re.Match[str], in_header: bool) -> int:
    """How sure we are that this date is the letter's own date (0: it is not)."""
    before, after = line[: match.start()], line[match.end() :]
    if _DATE_LABEL.search(before):
        return LABELLED
    alone = not after.strip(" .")
    if alone and (_PLACE_BEFORE.search(before) or _ONLY_DEN.match(before)):
        return OWN_LINE
    if in_header and not _REFERRED.search(before) and not _RANGE_AFTER.match(after):
        return IN_HEADER
    return 0


def find_letter_date(text: str) -> date | None:
    """The date the letter was written, or None when no date qualifies.

    Expects text normalised by :func:`classify.letter_layout.normalise_text`.
    """
    lines = text.split("\n")
    end = header_end(lines)
    best: _Candidate | None = None
    for number, line in enumerate(lines):
        for match in DATE.finditer(line):
            day = to_date(match)
            score = score_date(line, match, number < end) if day else 0
            if day is None or score == 0:
                continue
            if best is None or score > best.score:
                best = _Candidate(score, number, day)
    return best.day if best else None
