"""German words users read whose form depends on a number."""

from __future__ import annotations


def documents(count: int) -> str:
    """``1 Dokument``, ``3 Dokumente``: counts in messages read as German, not as code."""
    return f"{count} Dokument" if count == 1 else f"{count} Dokumente"


def akten(count: int) -> str:
    """``1 Akte``, ``2 Akten``."""
    return f"{count} Akte" if count == 1 else f"{count} Akten"


def originals(count: int) -> str:
    """``1 Original``, ``2 Originale``."""
    return f"{count} Original" if count == 1 else f"{count} Originale"


def hit_count(total: int, more_than_total: bool = False) -> str:
    """``1 Treffer``, ``12.345 Treffer``, ``mehr als 10.000 Treffer`` (an engine counts
    exactly only up to its bound)."""
    number = f"{total:,}".replace(",", ".")
    return f"mehr als {number} Treffer" if more_than_total else f"{number} Treffer"
