"""Reading order of a letter's head: the address field and the information block beside
it are two columns, not one text.

DIN 5008 puts the address field (with the return line above it) at the left, from 20-25
mm, at most 85 mm wide, and the information block (Ihr Zeichen, Datum, Aktenzeichen,
Telefon) from 125 mm, at the same height, in the top ~105 mm of the page. Tesseract's
layout analysis often takes a return line and the first info line as one line when
they stand 15 mm apart ("… · 79312 Lindenau Aktenzeichen: 10-GR-2025"; bench/ocr
counted such mixed lines on most test letters). So in that zone, words from 115 mm
on that follow a gap are moved out of their line into a column read after the left one.
Everything below the zone, and any page without words on both sides, keeps
Tesseract's order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

MM_PER_INCH = 25.4
HEAD_ZONE_MM = 105.0  # DIN 5008 form B: address field ends at 90 mm, info block ~100
RIGHT_COLUMN_MM = 115.0  # info block from 125 mm; address field ends by 105-110 mm
MIN_GAP_MM = 4.0  # more than a word space, less than the address/info distance


@dataclass(frozen=True)
class Word:
    block: int
    paragraph: int
    line: int
    left: int
    top: int
    width: int
    text: str


def words_of(data: dict[str, list[Any]]) -> list[Word]:
    """The recognised words of Tesseract's TSV (as pytesseract parses it), in order."""
    positions = data.get("left") or [0] * len(data["text"])
    tops = data.get("top") or [0] * len(data["text"])
    widths = data.get("width") or [0] * len(data["text"])
    words = []
    for block, par, line, left, top, width, text in zip(
        data["block_num"],
        data["par_num"],
        data["line_num"],
        positions,
        tops,
        widths,
        data["text"],
        strict=True,
    ):
        word = str(text).strip()
        if word:
            words.append(
                Word(int(block), int(par), int(line), int(left), int(top), int(width), word)
            )
    return words


def in_reading_order(words: list[Word], dpi: int | None) -> list[tuple[tuple[int, ...], Word]]:
    """Each word with the key of the line it belongs to, lines in reading order. A key
    is (block, column, paragraph, line); the right column of a letter head gets
    column 1, so its lines follow the left column's lines of the same block."""
    right = _head_right_column(words, dpi) if dpi else set()
    keyed = [
        ((w.block, 1 if i in right else 0, w.paragraph, w.line), w) for i, w in enumerate(words)
    ]
    first_seen: dict[tuple[int, ...], int] = {}
    for position, (key, _) in enumerate(keyed):
        first_seen.setdefault(key, position)
    return sorted(keyed, key=lambda kw: (kw[0][0], kw[0][1], first_seen[kw[0]]))


def _head_right_column(words: list[Word], dpi: int) -> set[int]:
    """Indexes of the words that stand in the info block of a letter head."""
    zone = HEAD_ZONE_MM / MM_PER_INCH * dpi
    column = RIGHT_COLUMN_MM / MM_PER_INCH * dpi
    gap = MIN_GAP_MM / MM_PER_INCH * dpi
    right: set[int] = set()
    for line in _lines(words):
        if words[line[0]].top > zone:
            continue
        for before, index in zip([None, *line], line, strict=False):
            word = words[index]
            previous_end = words[before].left + words[before].width if before is not None else 0
            if word.left >= column and word.left - previous_end >= gap:
                right.update(line[line.index(index) :])
                break
    if not any(i not in right and words[i].top <= zone for i in range(len(words))):
        return set()  # nothing at the left: a one-column page, keep it as it is
    return right


def _lines(words: Iterable[Word]) -> Iterator[list[int]]:
    current: list[int] = []
    key: tuple[int, int, int] | None = None
    for index, word in enumerate(words):
        word_key = (word.block, word.paragraph, word.line)
        if word_key != key and current:
            yield current
            current = []
        key = word_key
        current.append(index)
    if current:
        yield current
