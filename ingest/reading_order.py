"""Reading order of a letter's head: the address field and the information block beside
it are two columns, not one text.

DIN 5008 puts the address field (with the return line above it) at the left, from 20-25
mm, at most 85 mm wide, and the information block (Ihr Zeichen, Datum, Aktenzeichen,
Telefon) from 125 mm, at the same height, in the top ~105 mm of the page. Tesseract's
layout analysis reads that zone differently from scan to scan: a return line and the
first info line as one line ("… · 79312 Lindenau Aktenzeichen: 10-GR-2025"), or address
and info lines in turns, block by block (bench/ocr: mixed lines on most test letters,
and half a dozen pages whose CER tripled by order alone). So in that zone the lines are
cut where words from 115 mm on follow a gap, and read as two columns, each from top to
bottom: the address side first, then the info block. Below the zone, and on a page
without words on both sides, Tesseract's order stands (tables stay row by row).

Only a page as wide as a letter (A4 or US Letter, with a scanner's margin) is read so:
on newspaper and book pages the same cut interleaved columns and split justified lines
(real newspaper pages went from 4-16 % CER with Tesseract's order to 29-45 %).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

MM_PER_INCH = 25.4
HEAD_ZONE_MM = 105.0  # DIN 5008 form B: address field ends at 90 mm, info block ~100
LETTER_WIDTH_MM = (195.0, 230.0)  # A4 210 mm, US Letter 216 mm, plus scan margins
RIGHT_COLUMN_MM = 115.0  # info block from 125 mm; address field ends by 105-110 mm
MIN_GAP_MM = 4.0  # more than a word space, less than the address/info distance

LineKey = tuple[int, ...]


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
    """The recognised words of Tesseract's TSV (as ``tesseract.read_tsv`` parses it)."""
    count = len(data["text"])
    columns = [
        data["block_num"],
        data["par_num"],
        data["line_num"],
        data.get("left") or [0] * count,
        data.get("top") or [0] * count,
        data.get("width") or [0] * count,
    ]
    words = []
    for *numbers, text in zip(*columns, data["text"], strict=True):
        word = str(text).strip()
        if word:
            block, par, line, left, top, width = (int(n) for n in numbers)
            words.append(Word(block, par, line, left, top, width, word))
    return words


def in_reading_order(
    words: list[Word], dpi: int | None, page_width: int | None = None
) -> list[tuple[LineKey, Word]]:
    """Each word with the key of its line, lines in reading order. Equal keys form a
    line; a change of the key's first three parts starts a paragraph. The letter head
    is looked for only when ``page_width`` (pixels) at ``dpi`` is a letter's width."""
    lines = list(_lines(words))
    head = _head_columns(lines, dpi) if dpi and is_letter_width(page_width, dpi) else None
    ordered: list[tuple[LineKey, Word]] = []
    for number, line in enumerate(lines):
        if head is not None and number == head.first_line:
            ordered.extend(head.words)
        if head is None or number not in head.lines:
            first = line[0]
            key = (first.block, 0, first.paragraph, first.line)
            ordered.extend((key, word) for word in line)
    return ordered


def is_letter_width(page_width: int | None, dpi: int) -> bool:
    if not page_width:
        return False
    low, high = LETTER_WIDTH_MM
    return low <= page_width / dpi * MM_PER_INCH <= high


@dataclass(frozen=True)
class _Head:
    first_line: int  # where in Tesseract's order the head is read
    lines: frozenset[int]  # Tesseract's lines that belong to it
    words: list[tuple[LineKey, Word]]  # the head's words, keyed in column order


def _head_columns(lines: list[list[Word]], dpi: int) -> _Head | None:
    """The letter head read as two columns, or None when it has no second column."""
    zone = HEAD_ZONE_MM / MM_PER_INCH * dpi
    column = RIGHT_COLUMN_MM / MM_PER_INCH * dpi
    gap = MIN_GAP_MM / MM_PER_INCH * dpi
    left: list[tuple[int, list[Word]]] = []
    right: list[tuple[int, list[Word]]] = []
    for number, line in enumerate(lines):
        if line[0].top > zone:
            continue
        cut = _cut(line, column, gap)
        if cut > 0:
            left.append((number, line[:cut]))
        if cut < len(line):
            right.append((number, line[cut:]))
    if not left or not right:
        return None
    left = _beside(left, right, column)
    members = sorted({number for number, _ in (*left, *right)})
    words: list[tuple[LineKey, Word]] = []
    for side, parts in ((0, left), (1, right)):
        for row, (_, part) in enumerate(sorted(parts, key=lambda p: p[1][0].top)):
            words.extend(((-1, side, 0, row), word) for word in part)
    return _Head(members[0], frozenset(members), words)


def _beside(
    left: list[tuple[int, list[Word]]], right: list[tuple[int, list[Word]]], column: float
) -> list[tuple[int, list[Word]]]:
    """The left lines that stand beside the info block: from the top down to the info
    block's last line, and below it only while the address goes on without a blank
    line and without reaching into the right column (a subject line ends it)."""
    bottom = max(part[0].top for _, part in right)
    kept: list[tuple[int, list[Word]]] = []
    tops = sorted(part[0].top for _, part in left)
    pitches = [b - a for a, b in itertools.pairwise(tops) if b > a]
    pitch = sorted(pitches)[len(pitches) // 2] if pitches else 0
    for number, part in sorted(left, key=lambda p: p[1][0].top):
        top = part[0].top
        wide = part[-1].left + part[-1].width > column
        after = bool(kept) and top - kept[-1][1][0].top > 1.6 * pitch
        if top > bottom and (wide or after or not kept):
            break
        kept.append((number, part))
    return kept


def _cut(line: list[Word], column: float, gap: float) -> int:
    """Index of the first word of the right column in ``line`` (len: none there)."""
    previous_end = 0
    for index, word in enumerate(line):
        if word.left >= column and (index == 0 or word.left - previous_end >= gap):
            return index
        previous_end = word.left + word.width
    return len(line)


def _lines(words: Iterable[Word]) -> Iterator[list[Word]]:
    current: list[Word] = []
    for word in words:
        if current and (word.block, word.paragraph, word.line) != (
            current[0].block,
            current[0].paragraph,
            current[0].line,
        ):
            yield current
            current = []
        current.append(word)
    if current:
        yield current
