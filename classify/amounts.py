"""Euro amounts in German notation, and the total an invoice or notice asks for.

An amount counts only with its currency ("1.234,56 €", "EUR 12,50", "40 Euro"): without
it a number may be a count, an area or a file number. The one exception is the labelled
total ("Rechnungsbetrag: 4.205,16"), where the label says what the number is. Values are
returned as decimal strings ("1234.56") because floats would round cents.
"""

from __future__ import annotations

import re
from decimal import Decimal

# German notation first: dot (or space) for thousands, comma for decimals, ",-" for
# whole euros. A dot followed by exactly two digits is read as a decimal point ("12.50
# EUR"), since a thousands group always has three digits.
_NUMBER = (
    r"[-−]?(?:\d{1,3}(?:\.\d{3})+(?:,\d{1,2}|,[-–]{1,2})?"
    r"|\d{1,3}(?: \d{3})+,\d{2}"
    r"|\d+\.\d{2}(?!\d)"
    r"|\d+(?:,\d{1,2}|,[-–]{1,2})?)"
)
_CURRENCY = r"(?:€|(?i:EURO?)\b)"
AMOUNT = re.compile(
    rf"(?<![\w.,])(?:(?P<pre>{_CURRENCY}) ?(?P<a>{_NUMBER})(?![\d])"
    rf"|(?P<b>{_NUMBER}) ?(?P<post>{_CURRENCY}))"
)
_BARE_DECIMAL = re.compile(r"(?<![\w.,])[-−]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d{2}(?![\d,.]\d)")
_TOTAL_LABEL = re.compile(
    r"(?<![\w-])(?P<strong>Gesamtbetrag|Rechnungsbetrag|Zahlbetrag|Endbetrag|Gesamtsumme"
    r"|Bruttobetrag|Gesamtpreis|zu\s+zahlen(?:der\s+Betrag)?|zahlbarer\s+Betrag)"
    r"|(?<![\w-])(?P<weak>Summe)\b",
    re.IGNORECASE,
)
_TOTAL_REACH = 80  # characters after the label, within its line, where its amount stands
_CENT = Decimal("0.01")


def parse_number(text: str) -> Decimal:
    """A German-notated (or dot-decimal) number as an exact Decimal rounded to cents."""
    text = text.replace("−", "-").replace("–", "-").replace(" ", "")
    if re.fullmatch(r"-?\d+\.\d{2}", text):
        return Decimal(text).quantize(_CENT)
    text = re.sub(r",-+$", "", text).replace(".", "").replace(",", ".")
    return Decimal(text).quantize(_CENT)


def _as_amount(number: str, text: str) -> dict[str, str]:
    return {"value": str(parse_number(number)), "text": text.strip()}


def find_amounts(text: str) -> list[dict[str, str]]:
    """Every euro amount with a currency, one entry per distinct value, in text order."""
    found: dict[str, dict[str, str]] = {}
    for match in AMOUNT.finditer(text):
        amount = _as_amount(match["a"] or match["b"], match.group(0))
        found.setdefault(amount["value"], amount)
    return list(found.values())


def _amount_after(line: str, start: int) -> dict[str, str] | None:
    """The first amount after a total's label in the same line, currency or not."""
    window = line[start : start + _TOTAL_REACH]
    match = AMOUNT.search(window)
    if match:
        return _as_amount(match["a"] or match["b"], match.group(0))
    bare = _BARE_DECIMAL.search(window)
    return _as_amount(bare.group(0), bare.group(0)) if bare else None


def find_total(text: str) -> dict[str, str] | None:
    """The amount labelled as the total; a strong label ("Rechnungsbetrag") beats a bare
    "Summe", and among equals the last wins, as totals close an invoice's table."""
    best: tuple[int, dict[str, str]] | None = None
    for line in text.split("\n"):
        for label in _TOTAL_LABEL.finditer(line):
            amount = _amount_after(line, label.end())
            rank = 2 if label["strong"] else 1
            if amount is not None and (best is None or rank >= best[0]):
                best = (rank, amount)
    return best[1] if best else None
