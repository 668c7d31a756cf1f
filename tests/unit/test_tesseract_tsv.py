"""Rebuilding text from Tesseract's TSV (the parsing only; Tesseract itself runs in
tests/integration)."""

from __future__ import annotations

from typing import Any

from ingest.tesseract import mean_confidence, text_from_tsv


def _tsv(rows: list[tuple[int, int, int, str, float]]) -> dict[str, list[Any]]:
    return {
        "block_num": [r[0] for r in rows],
        "par_num": [r[1] for r in rows],
        "line_num": [r[2] for r in rows],
        "text": [r[3] for r in rows],
        "conf": [r[4] for r in rows],
    }


def test_words_join_into_lines_and_paragraphs_in_order() -> None:
    data = _tsv(
        [
            (1, 1, 1, "", -1),
            (1, 1, 1, "Stadt", 95),
            (1, 1, 1, "Lindenau", 90),
            (1, 1, 2, "Rathausplatz", 91),
            (1, 1, 2, "1", 96),
            (2, 1, 1, "Betreff:", 88),
            (2, 1, 1, "Widerspruch", 80),
        ]
    )
    assert text_from_tsv(data) == "Stadt Lindenau\nRathausplatz 1\n\nBetreff: Widerspruch"


def test_confidence_ignores_structure_rows_and_empty_words() -> None:
    data = _tsv([(1, 1, 1, "", -1), (1, 1, 1, "a", 90), (1, 1, 1, " ", 10), (1, 1, 1, "b", 70)])
    assert mean_confidence(data) == 80.0


def test_blank_page_has_no_text_and_no_confidence() -> None:
    data = _tsv([(1, 1, 1, "", -1), (1, 1, 1, "  ", 0)])
    assert text_from_tsv(data) == ""
    assert mean_confidence(data) is None
