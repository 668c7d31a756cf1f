"""German text analysis for the index (and the FTS5 peer in ``bench/index``), plus snippets.

Clerks type "Strasse" for "Straße", "Mueller" for "Müller" and singulars for plurals,
and OCR/PDF text may carry decomposed umlauts or ligatures. So every word goes through
the same chain at index and at query time:

    NFC → split on non-alphanumerics → lowercase → fold (ß→ss, ä→a, ﬁ→fi, é→e …)
    → Snowball German stemmer

This mirrors tantivy's ``simple`` tokenizer + ``lowercase`` + ``ascii_fold`` +
``stemmer("german")`` chain, so snippets (and the SQLite peer, which indexes these
terms) agree with tantivy, which runs the chain in Rust. The Snowball German stemmer in
both (PyStemmer 3.1, tantivy 0.27) also reads "ae/oe/ue" as umlauts, which is what
makes "Mueller" find "Müller"; the price is a few collisions ("Müll" and "Müller" are
both "mull", "aktuelle" becomes "aktull"). Compounds are not split: "Gebühr" does not
find "Straßenreinigungsgebühren".

Historical print (pages read by the Fraktur model, ``ingest.scan_read``) is found by
today's spelling: the long s (ſ) and the ligatures (ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ) fold like ß and
æ/œ do above; the old umlaut, an e written over the vowel (uͤ, a combining mark that
both engines' tokenizers take for a word break), becomes today's umlaut in
``normalize``; and a few spellings of before 1901 (``HISTORICAL_SPELLINGS``: "Thür",
"Theil", "Thier", "Thurm", "Rath", "Rathhaus", "Noth", "Muth", "Werth", "Wirth",
"Wirthschaft", "Gluth") are spelled as today in ``modern_spelling``, at index and at
query time alike, so "Tür" finds "Thür" and "Thür" finds "Tür". The rules name their
words: "Theater", "Thema" or "Thron" keep their th (a modern word the rules do touch,
"Thüringen", is touched at query time too, so it is still found). Elasticsearch's
German analysis gets the same tables as character filters
(``search.elasticsearch_index``).

Queries are plain words: every character that is not a letter or digit is a
separator, so quotes, colons, brackets, ``*`` and ``-`` cannot reach an engine's
query parser. Upper-case ``AND``/``OR``/``NOT`` are dropped as operator habits;
all remaining words must match (AND), because clerks narrow a search by adding words.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable

import Stemmer

SNIPPET_CHARS = 200
SNIPPET_SCAN_CHARS = 200_000
MARK_OPEN = "«"
MARK_CLOSE = "»"
MAX_QUERY_WORDS = 32
OPERATOR_WORDS = frozenset({"AND", "OR", "NOT"})

_WORD = re.compile(r"[^\W_]+")
_COMBINING = re.compile(r"[\u0300-\u036f]")
_SPACE = re.compile(r"\s+")
# Letters that NFKD does not decompose but tantivy's ascii_fold folds (ꝛ: the r rotunda
# of Fraktur type).
_FOLD = str.maketrans(
    {"ß": "ss", "ẞ": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th"}
    | {"ꝛ": "r"}
)
# Glyphs of historical type and what they are today; NFKD and both engines' ASCII
# folding already read them so, Elasticsearch gets them as a mapping char filter too.
HISTORICAL_GLYPHS = {"ſ": "s", "ꝛ": "r", "ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi"}
HISTORICAL_GLYPHS |= {"ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
# The old umlaut: a, o, u with a combining small e above (U+0364).
OLD_UMLAUTS = {f"{vowel}\u0364": umlaut for vowel, umlaut in zip("aouAOU", "äöüÄÖÜ", strict=True)}
_OLD_UMLAUT = re.compile("[aouAOU]\u0364")
# Spellings of before 1901, as (pattern, replacement of the match by group 1 and a
# suffix); case-insensitive. Written so that Python's ``re`` and Java's regex (the
# Elasticsearch char filter) read them alike: no look-behind, ``\b`` with Unicode
# classes on both sides.
HISTORICAL_SPELLINGS: tuple[tuple[str, str], ...] = (
    (r"(t)h(?=ür|eil|ier|urm)", ""),  # Thür, Hausthür, Theil, Urtheil, Thiere, Thurm
    (r"\b(ra|no|mu|wer|wir|glu)th(?=(?:e?s|e|en)?\b)", "t"),  # Rath, Noth, Muth, Werth
    (r"\b(ra|wir)th(?=h|sch)", "t"),  # Rathhaus, Rathschlag, Wirthschaft
)
_SPELLINGS = [
    (re.compile(pattern, re.IGNORECASE), rf"\g<1>{suffix}")
    for pattern, suffix in HISTORICAL_SPELLINGS
]
_stemmer = Stemmer.Stemmer("german")
_terms: dict[str, str] = {}  # word -> term; German text reuses few distinct words
_TERM_CACHE_SIZE = 200_000


def normalize(text: str) -> str:
    """Compose decomposed umlauts (common in PDFs made on macOS) and the old umlauts of
    historical print (uͤ → ü), so words stay whole."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text)
    if "\u0364" in text:
        text = _OLD_UMLAUT.sub(lambda m: OLD_UMLAUTS[m.group()], text)
    return text


def modern_spelling(text: str) -> str:
    """Historical spellings as today's ("Thür" → "Tür", "Rath" → "Rat"); other words
    unchanged. For the engines that cannot run it themselves (tantivy)."""
    for pattern, replacement in _SPELLINGS:
        text = pattern.sub(replacement, text)
    return text


def fold(word: str) -> str:
    """Lowercase and strip diacritics: the form both engines compare."""
    word = word.lower()
    if word.isascii():
        return word
    word = unicodedata.normalize("NFKD", word.translate(_FOLD))
    return _COMBINING.sub("", word)


def term(word: str) -> str:
    """The index term of one word (cached: analysis dominates snippet and SQLite cost)."""
    cached = _terms.get(word)
    if cached is None:
        if len(_terms) >= _TERM_CACHE_SIZE:
            _terms.clear()
        cached = _terms[word] = _stemmer.stemWord(fold(modern_spelling(word)))
    return cached


def clear_term_cache() -> None:
    """Forget cached terms (benchmarks measure analysis of words not seen before)."""
    _terms.clear()


def analyze_words(words: Iterable[str]) -> list[str]:
    """Index terms for already split words, in order (one term per word)."""
    return [term(word) for word in words]


def analyze(text: str) -> list[str]:
    """Index terms of a text, in order, with repetitions (term frequency counts)."""
    return analyze_words(_WORD.findall(normalize(text)))


def query_words(query: str) -> list[str]:
    """The words of a typed query: no syntax, no operator words, at most 32 words
    (as typed: ``term`` and the engines' analysis fold them)."""
    words = [w for w in _WORD.findall(normalize(query)) if w not in OPERATOR_WORDS]
    return words[:MAX_QUERY_WORDS]


def query_terms(query: str) -> list[str]:
    """Distinct analysed terms of a query, in typed order; empty means "match nothing"."""
    return list(dict.fromkeys(analyze_words(query_words(query))))


def make_snippet(title: str, text: str, terms: Collection[str]) -> str:
    """About 200 characters of the original text around the densest cluster of
    matches, matched words in «…», whitespace collapsed for a terminal.

    Falls back to the title when only the title matched, and to the start of the
    text when nothing matched (e.g. a hit on the record id). Only the first
    ``SNIPPET_SCAN_CHARS`` are scanned, so a 2,000-page record cannot stall a search.
    """
    text = normalize(text)
    spans = _match_spans(text[:SNIPPET_SCAN_CHARS], terms)
    if not spans:
        title = normalize(title)
        title_spans = _match_spans(title, terms)
        if title_spans or not text.strip():
            return _render(title, *_choose_window(title, title_spans), title_spans)
    return _render(text, *_choose_window(text, spans), spans)


def _match_spans(text: str, terms: Collection[str]) -> list[tuple[int, int, str]]:
    """Offsets of the words whose term is wanted: analyse each distinct word once (the
    cache answers most), then find the few wanted words with ``str.find``, keeping only
    whole words (``[^\\W_]`` is exactly ``str.isalnum``). No regex is compiled per hit:
    that and the analysis were most of a search's time."""
    words = set(_WORD.findall(text))
    cached = map(_terms.get, words)
    wanted = [w for w, t in zip(words, cached, strict=True) if (t or term(w)) in terms]
    spans: list[tuple[int, int, str]] = []
    end = len(text)
    for word in wanted:
        found, length = term(word), len(word)
        start = text.find(word)
        while start >= 0:
            stop = start + length
            if (start == 0 or not text[start - 1].isalnum()) and (
                stop == end or not text[stop].isalnum()
            ):
                spans.append((start, stop, found))
            start = text.find(word, stop)
    spans.sort()
    return spans


def _choose_window(text: str, spans: list[tuple[int, int, str]]) -> tuple[int, int]:
    """Pick the window that shows the most distinct matched terms (earliest on ties)."""
    if not spans:
        return 0, _word_boundary(text, min(len(text), SNIPPET_CHARS), spans)
    lead = SNIPPET_CHARS // 5
    starts = [b for b, _, _ in spans]
    best_start, best_score = 0, -1
    for first in starts[:200]:
        start = max(0, first - lead)
        low, high = bisect_left(starts, start), bisect_right(starts, start + SNIPPET_CHARS)
        inside = {s for b, e, s in spans[low:high] if e <= start + SNIPPET_CHARS}
        if len(inside) > best_score:
            best_start, best_score = start, len(inside)
    end = min(len(text), best_start + SNIPPET_CHARS)
    return _word_boundary(text, best_start, spans), _word_boundary(text, end, spans)


def _word_boundary(text: str, pos: int, spans: list[tuple[int, int, str]]) -> int:
    """Move a cut out of the middle of a word (and never through a marked match)."""
    for b, e, _ in spans:
        if b < pos < e:
            return e
    while 0 < pos < len(text) and text[pos - 1].isalnum() and text[pos].isalnum():
        pos += 1
    return pos


def _render(text: str, start: int, end: int, spans: list[tuple[int, int, str]]) -> str:
    parts: list[str] = []
    cursor = start
    for b, e, _ in spans:
        if b >= start and e <= end:
            parts += [text[cursor:b], MARK_OPEN, text[b:e], MARK_CLOSE]
            cursor = e
    parts.append(text[cursor:end])
    body = _SPACE.sub(" ", "".join(parts)).strip()
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text.rstrip()) else ""
    return f"{prefix}{body}{suffix}"
