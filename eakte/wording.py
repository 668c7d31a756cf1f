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
