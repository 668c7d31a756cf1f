"""Datings as archives write them ("um 1925", "1933–1945", "ca. 1900", "1920er Jahre",
"19. Jh.", "3. Mai 1925", "1925/26") read into a span of days for filters and sorting.

The text is always kept as written; what cannot be read gets no span rather than an
error, because a dating the parser does not know is still the archive's statement.
Conventions (the archive can see them in the README): "um"/"ca." widen a year by five
on each side, a century is its popular span ("19. Jh." = 1800–1899), "vor"/"bis" and
"nach"/"ab"/"seit" leave the other side open.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

APPROXIMATE_YEARS = 5
# "unknown" in the archive's words: no span, no warning either
UNDATED = re.compile(
    r"^(o\.?\s*d\.?|o\.?\s*j\.?|s\.?\s*d\.?|n\.?\s*d\.?|ohne (datum|jahr)|undatiert)$"
)
_DASHES = re.compile(r"\s*[‐‑‒–—―−]\s*")
_SPACE = re.compile(r"\s+")
MONTHS = {
    "jan": 1, "januar": 1, "jänner": 1, "feb": 2, "febr": 2, "februar": 2, "mär": 3,
    "mrz": 3, "märz": 3, "maerz": 3, "apr": 4, "april": 4, "mai": 5, "jun": 6, "juni": 6,
    "jul": 7, "juli": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "okt": 10, "oktober": 10, "nov": 11, "november": 11, "dez": 12, "dezember": 12,
}  # fmt: skip
SEASONS = {"frühjahr": (3, 5), "frühling": (3, 5), "sommer": (6, 8), "herbst": (9, 11)}
# part of a century or year: (first, last) fraction in hundredths of the whole
PARTS = {
    "anfang": (0, 29),
    "frühes": (0, 29),
    "mitte": (35, 64),
    "ende": (70, 99),
    "spätes": (70, 99),
    "1. hälfte": (0, 49),
    "erste hälfte": (0, 49),
    "2. hälfte": (50, 99),
    "zweite hälfte": (50, 99),
}
_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_GERMAN_DAY = re.compile(r"(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})")
_GERMAN_MONTH = re.compile(r"(\d{1,2})[./]\s*(\d{4})")
_NAMED = re.compile(r"(?:(\d{1,2})\.\s*)?([a-zäöü]+)\.?\s+(\d{4})")
_DECADE = re.compile(r"(\d{3})0er(?:[\s-]*jahre)?")
_CENTURY = re.compile(r"(\d{1,2})\.\s*(?:jh\.?|jhd\.?|jhdt\.?|jahrhundert)")
_PART = re.compile(r"(" + "|".join(map(re.escape, PARTS)) + r")\s+(.+)")
_QUALIFIED = re.compile(r"(um|ca\.?|circa|etwa|gegen|vor|bis|nach|ab|seit)\s+(.+)")
_RANGE = re.compile(r"\s*(?:-|/|\bbis\b)\s*")

Span = tuple[date, date]


@dataclass(frozen=True)
class Dating:
    """A dating as written and the days it spans; ``start``/``end`` None: open on that
    side, both None: not readable (or undated)."""

    text: str
    start: date | None = None
    end: date | None = None

    @property
    def readable(self) -> bool:
        return self.start is not None or self.end is not None

    @property
    def normal(self) -> str | None:
        """The ISO 8601 form EAD's ``normal`` attribute takes ("1933/1945",
        "1925-05-03"), as precise as the span; None for open or unread spans."""
        if self.start is None or self.end is None:
            return None
        first, last = _iso(self.start, self.end)
        return first if first == last else f"{first}/{last}"


def parse_dating(text: str) -> Dating:
    """Read ``text``; never raises."""
    cleaned = _clean(text)
    if not cleaned or UNDATED.match(cleaned):
        return Dating(text)
    span = _parts(cleaned)
    if span is None:
        return Dating(text)
    return Dating(text, *span)


def closed_until(text: str) -> date | None:
    """The last day a Sperre ("gesperrt bis 2030", "Schutzfrist bis 31.12.2035") lasts;
    None when it names no date (not closed, or closed without an end)."""
    cleaned = _clean(text)
    found = re.search(r"\bbis\b\s*(.+)", cleaned)
    candidates = [found.group(1)] if found else []
    candidates += re.findall(r"\d{1,2}\.\s*\d{1,2}\.\s*\d{4}|\d{4}-\d{1,2}-\d{1,2}|\d{4}", cleaned)
    for candidate in candidates:
        span = _point(candidate.strip(" .,;"))
        if span is not None:
            return span[1]
    return None


def _clean(text: str) -> str:
    text = _SPACE.sub(" ", text.strip().lower())
    text = _DASHES.sub("-", text)
    text = text.replace("[", "").replace("]", "").replace("(?)", "").replace("?", "")
    text = re.sub(r"\b(ca|jh|jhd|jhdt)\.(?=\S)", r"\1. ", text)  # "ca.1900", "19.Jh."
    return text.strip(" ,;")


def _parts(text: str) -> tuple[date | None, date | None] | None:
    """A list ("1933, 1945–1950") spans from its earliest to its latest part."""
    pieces = [piece.strip() for piece in re.split(r"[,;]\s*|\bund\b|\su\.\s", text)]
    spans = [_qualified(piece) for piece in pieces if piece]
    if not spans or any(span is None for span in spans):
        return None
    starts = [span[0] for span in spans if span is not None]
    ends = [span[1] for span in spans if span is not None]
    start = None if None in starts else min(s for s in starts if s is not None)
    end = None if None in ends else max(e for e in ends if e is not None)
    return start, end


def _qualified(text: str) -> tuple[date | None, date | None] | None:
    found = _QUALIFIED.fullmatch(text)
    if found is None:
        return _range(text)
    word, rest = found.group(1).rstrip("."), found.group(2)
    span = _point(rest)
    if span is None:
        return None
    if word in ("um", "ca", "circa", "etwa", "gegen"):
        return _shift_years(span[0], -APPROXIMATE_YEARS), _shift_years(span[1], APPROXIMATE_YEARS)
    if word == "vor":
        return None, span[0] - timedelta(days=1)
    if word == "bis":
        return None, span[1]
    if word == "nach":
        return span[1] + timedelta(days=1), None
    return span[0], None  # ab, seit


def _range(text: str) -> Span | None:
    single = _point(text)
    if single is not None:
        return single
    for found in _RANGE.finditer(text):
        left, right = text[: found.start()], text[found.end() :]
        first = _point(left)
        if first is None:
            continue
        if right.isdigit() and len(right) < 4 and first[0].year >= 1000:  # "1925/26"
            century = str(first[0].year)[: 4 - len(right)]
            right = century + right
        last = _point(right)
        if last is not None and first[0] <= last[1]:
            return first[0], last[1]
    return None


def _point(text: str) -> Span | None:
    """One dated thing: a day, month, season, year, decade or century (or part of one)."""
    text = text.strip()
    part = _PART.fullmatch(text)
    if part is not None:
        whole = _point(part.group(2))
        if whole is None:
            return None
        return _fraction(whole, *PARTS[part.group(1)])
    try:
        return _exact(text)
    except ValueError:  # 31.02., month 13: not a date
        return None


def _exact(text: str) -> Span | None:
    if found := _ISO.fullmatch(text):
        year, month, day = (int(g) if g else None for g in found.groups())
        assert year is not None
        return _span(year, month, day)
    if found := _GERMAN_DAY.fullmatch(text):
        day, month, year = map(int, found.groups())
        return _span(year, month, day)
    if found := _GERMAN_MONTH.fullmatch(text):
        month, year = map(int, found.groups())
        return _span(year, month, None)
    if found := _NAMED.fullmatch(text):
        day_text, word, year_text = found.groups()
        year = int(year_text)
        if word in SEASONS and day_text is None:
            first, last = SEASONS[word]
            return date(year, first, 1), _month_end(year, last)
        month = MONTHS.get(word)
        if month is None:
            return None
        return _span(year, month, int(day_text) if day_text else None)
    if found := _DECADE.fullmatch(text):
        first_year = int(found.group(1)) * 10
        return date(first_year, 1, 1), date(first_year + 9, 12, 31)
    if found := _CENTURY.fullmatch(text):
        century = int(found.group(1))
        if not 1 <= century <= 21:
            return None
        return date(max(1, (century - 1) * 100), 1, 1), date((century - 1) * 100 + 99, 12, 31)
    return None


def _span(year: int, month: int | None, day: int | None) -> Span:
    if year < 1:
        raise ValueError(year)
    if month is None:
        return date(year, 1, 1), date(year, 12, 31)
    if day is None:
        return date(year, month, 1), _month_end(year, month)
    day_date = date(year, month, day)
    return day_date, day_date


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _fraction(whole: Span, first: int, last: int) -> Span:
    """A part of a century or year ("Mitte 19. Jh.", "Ende 1944")."""
    start, end = whole
    days = (end - start).days + 1
    if days > 366:  # in years
        years = end.year - start.year + 1
        return (
            date(start.year + years * first // 100, 1, 1),
            date(start.year + years * (last + 1) // 100 - 1, 12, 31),
        )
    if start.year == end.year and (start.month, end.month) == (1, 12):  # in months
        return (
            date(start.year, 1 + 12 * first // 100, 1),
            _month_end(start.year, 12 * (last + 1) // 100),
        )
    return start + timedelta(days=days * first // 100), start + timedelta(
        days=days * (last + 1) // 100 - 1
    )


def _shift_years(day: date, years: int) -> date:
    year = min(max(day.year + years, 1), 9999)
    if (day.month, day.day) == (2, 29) and not calendar.isleap(year):
        return day.replace(year=year, day=28)
    return day.replace(year=year)


def _iso(start: date, end: date) -> tuple[str, str]:
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return f"{start.year:04d}", f"{end.year:04d}"
    if start.day == 1 and end == _month_end(end.year, end.month):
        return f"{start.year:04d}-{start.month:02d}", f"{end.year:04d}-{end.month:02d}"
    return start.isoformat(), end.isoformat()
