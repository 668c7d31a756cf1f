"""Text quality: CER and WER with a free order of the two side-by-side columns, and a
reading-order metric that counts OCR lines mixing the address field with the info block.

Why both: a reader who gets "Rathausplatz 1 Telefon: 0761 …" on one line has a worse
text than one who gets the address and then the info block, but a plain CER barely shows
it (the characters are all there). CER/WER answer "are the characters and words right";
`mixed_line_share` answers "did layout analysis keep the columns apart".
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz.distance import Levenshtein

from bench.ocr.layout import LEFT_COLUMN, RIGHT_COLUMN

_SPACE = re.compile(r"\s+")
_WORD_EDGE = re.compile(r"^\W+|\W+$")


def normalise(text: str) -> str:
    """Whitespace collapsed to single spaces; case, umlauts and punctuation kept."""
    return _SPACE.sub(" ", text).strip()


def truth_variants(blocks: Sequence[dict[str, Any]]) -> list[str]:
    """The page text with the right column placed before, inside or after the left one.

    Lines keep their order inside a block and blocks inside a column; only where the
    info block goes relative to the address field's blocks is left open.
    """
    names = [b["name"] for b in blocks]
    lines = {b["name"]: b["lines"] for b in blocks}
    left = [n for n in names if n in LEFT_COLUMN]
    right = [n for n in names if n in RIGHT_COLUMN]
    if not left or not right:
        return [normalise("\n".join(line for b in blocks for line in b["lines"]))]
    before = names[: names.index(left[0])]
    after = [n for n in names[names.index(left[0]) :] if n not in left and n not in right]
    variants = []
    for cut in range(len(left) + 1):
        order = [*before, *left[:cut], *right, *left[cut:], *after]
        variants.append(normalise("\n".join(line for n in order for line in lines[n])))
    return variants


@dataclass(frozen=True)
class PageScore:
    cer: float
    wer: float
    header_lines: int  # OCR lines holding a word of the address field or the info block
    mixed_lines: int  # ... of which hold words of both


def cer_wer(found: str, truth_texts: Sequence[str]) -> tuple[float, float]:
    """CER and WER against the best-matching truth variant (chosen by CER)."""
    text = normalise(found)
    best = min(truth_texts, key=lambda t: Levenshtein.normalized_distance(text, t))
    cer = Levenshtein.distance(text, best) / max(1, len(best))
    truth_words = best.split(" ")
    wer = Levenshtein.distance(text.split(" ") if text else [], truth_words) / len(truth_words)
    return cer, wer


def _words(lines: Iterable[str]) -> set[str]:
    out = set()
    for line in lines:
        for token in line.split():
            token = _WORD_EDGE.sub("", token)
            if len(token) >= 3:
                out.add(token)
    return out


def _closeness(token: str, vocabulary: set[str]) -> float:
    """1 for an exact match; fuzzy only for longer words without digits, since postcodes
    and phone numbers one digit apart (79318, 79312) belong to different blocks."""
    if token in vocabulary:
        return 1.0
    if len(token) < 5 or any(ch.isdigit() for ch in token):
        return 0.0
    return max((Levenshtein.normalized_similarity(token, v) for v in vocabulary), default=0)


def _side(token: str, left: set[str], right: set[str]) -> str | None:
    """Which column a word comes from, fuzzily so an OCR slip ("Telef0n") still counts;
    the nearer column wins, so "Herrn" in the address is not taken for the info's "Herr"."""
    to_left, to_right = _closeness(token, left), _closeness(token, right)
    if max(to_left, to_right) < 0.8 or to_left == to_right:
        return None
    return "left" if to_left > to_right else "right"


def mixing(found: str, blocks: Sequence[dict[str, Any]]) -> tuple[int, int]:
    """(header lines, mixed lines) of one page.

    Only words that belong to one column count: words of both columns, and words of the
    subject, body and page header, are ignored. The letterhead is not "elsewhere": it
    repeats the return line (left column) and never stands beside the info block.
    """
    by_name = {b["name"]: _words(b["lines"]) for b in blocks}
    left = set().union(*(by_name.get(n, set()) for n in LEFT_COLUMN))
    right = set().union(*(by_name.get(n, set()) for n in RIGHT_COLUMN))
    if not left or not right:
        return 0, 0
    elsewhere = set().union(
        *(w for n, w in by_name.items() if n not in (*LEFT_COLUMN, *RIGHT_COLUMN, "letterhead"))
    )
    left, right = left - right - elsewhere, right - left - elsewhere
    header = mixed = 0
    for line in found.splitlines():
        sides = {_side(t, left, right) for t in _words([line])}
        on_left, on_right = "left" in sides, "right" in sides
        header += on_left or on_right
        mixed += on_left and on_right
    return header, mixed


def score_page(found: str, blocks: Sequence[dict[str, Any]]) -> PageScore:
    cer, wer = cer_wer(found, truth_variants(blocks))
    header, mixed = mixing(found, blocks)
    return PageScore(cer, wer, header, mixed)


def summarise(scores: Sequence[PageScore]) -> dict[str, Any]:
    """Medians and means per page; the mixed-line share pooled over lines."""
    if not scores:
        return {"pages": 0}
    header = sum(s.header_lines for s in scores)
    mixed = sum(s.mixed_lines for s in scores)
    return {
        "pages": len(scores),
        "cer_median": round(statistics.median(s.cer for s in scores), 4),
        "cer_mean": round(statistics.fmean(s.cer for s in scores), 4),
        "wer_median": round(statistics.median(s.wer for s in scores), 4),
        "wer_mean": round(statistics.fmean(s.wer for s in scores), 4),
        "header_lines": header,
        "mixed_lines": mixed,
        "mixed_line_share": round(mixed / header, 4) if header else None,
        "pages_with_mixed_line": sum(1 for s in scores if s.mixed_lines),
    }


def summarise_split(
    scores: Sequence[PageScore], upside_down: Sequence[bool]
) -> dict[str, dict[str, Any]]:
    """All pages, upright pages and upside-down pages, each summarised on its own."""
    pairs = list(zip(scores, upside_down, strict=True))
    return {
        "all": summarise(scores),
        "upright": summarise([s for s, flip in pairs if not flip]),
        "upside_down": summarise([s for s, flip in pairs if flip]),
    }
