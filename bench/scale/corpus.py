"""Synthetic records of a city's incoming post, as the index sees them (``IndexDocument``).

Each record starts with a generated letter (``samples.letters``: real German templates,
six kinds) and, like real post, often carries more pages: attachments, forms, lists.
Those pages are drawn from a Zipf-distributed vocabulary (``bench.index``'s
administrative filler, noun compounds, surnames, numbers, dates, Aktenzeichen), so the
index meets tens of thousands of distinct terms rather than a template's few hundred.
Scanned records get OCR-like character errors, which add rare terms as real OCR does.

All shares below are assumptions for a plausible mix, not measurements of a real city;
they are written into the results so the figures can be read against them.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bench.index.run import FILLER, NOUNS, SURNAMES
from eakte.ports import IndexDocument
from samples.letters import KINDS, make_letter

SEED = 20250601
# pages per record: (share, lowest, highest); mean about 2.3 pages
PAGE_COUNTS = ((0.62, 1, 1), (0.24, 2, 3), (0.11, 4, 8), (0.03, 9, 30))
WORDS_PER_PAGE = (180, 320)  # attachment pages; a generated letter page has ~200 words
# media type → share; scans are everything but born-digital PDF
MEDIA = {
    "application/pdf": 0.40,
    "application/pdf+scan": 0.38,
    "image/tiff": 0.12,
    "image/jpeg": 0.06,
    "image/png": 0.04,
}
# born-digital PDFs only: a few carry signatures (citizens rarely sign qualified)
SIGNED_SHARE = 0.15
SIGNED_VERDICTS = {"TOTAL_PASSED": 0.6, "INDETERMINATE": 0.3, "TOTAL_FAILED": 0.1}
UNCLASSIFIED_SHARE = 0.10
OCR_ERROR_SHARE = 0.02  # of the words of a scanned record
OCR_CONFUSIONS = (
    ("rn", "m"), ("m", "rn"), ("l", "1"), ("i", "l"), ("e", "c"), ("ü", "ii"), ("ä", "a"),
    ("ö", "o"), ("ß", "B"), ("h", "b"), ("O", "0"), ("S", "5"), ("t", "f"), ("n", "u"),
)  # fmt: skip
FIRST_DAY = datetime(2016, 1, 4, tzinfo=UTC)
DAYS = 10 * 365


@dataclass(frozen=True)
class Record:
    doc: IndexDocument
    pages: int
    scanned: bool


@dataclass(frozen=True)
class CorpusStats:
    docs: int
    pages: int
    scanned: int
    text_bytes: int
    words: int
    by_media_type: dict[str, int]
    by_signature: dict[str, int]
    by_doc_type: dict[str, int]


def build_vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """Words in frequency order with Zipf cumulative weights (exponent 1.0)."""
    compounds = [a + b.lower() for a, b in itertools.product(NOUNS, NOUNS) if a != b]
    rng.shuffle(compounds)
    rare = []
    for _ in range(60_000):
        kind = rng.randrange(4)
        if kind == 0:
            rare.append(
                f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(2015, 2025)}"
            )
        elif kind == 1:
            rare.append(
                f"{rng.randint(1, 9999):,}".replace(",", ".") + f",{rng.randint(0, 99):02d}"
            )
        elif kind == 2:
            rare.append(f"AZ-{rng.randint(2015, 2025)}-{rng.randint(1, 99999):05d}")
        else:
            rare.append(f"DE{rng.randint(10, 99)}{rng.randint(10**17, 10**18 - 1)}")  # IBAN-like
    words = list(dict.fromkeys([*FILLER, *SURNAMES, *compounds, *rare]))
    cumulative = list(itertools.accumulate(1.0 / (rank + 2.7) for rank in range(len(words))))
    return words, cumulative


def pick_weighted(rng: random.Random, table: dict[str, float]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def page_count(rng: random.Random) -> int:
    roll = rng.random()
    for share, low, high in PAGE_COUNTS:
        if roll < share:
            return rng.randint(low, high)
        roll -= share
    return 1


def ocr_noise(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    for i in range(len(words)):
        if rng.random() < OCR_ERROR_SHARE:
            wrong, right = rng.choice(OCR_CONFUSIONS)
            if wrong in words[i]:
                words[i] = words[i].replace(wrong, right, 1)
    return " ".join(words)


class RecordGenerator:
    """Deterministic: the same seed gives the same records, in the same order."""

    def __init__(self, seed: int = SEED) -> None:
        self._rng = random.Random(seed)
        self._words, self._weights = build_vocabulary(random.Random(seed + 1))

    def attachment_page(self) -> str:
        rng = self._rng
        words = rng.choices(self._words, cum_weights=self._weights, k=rng.randint(*WORDS_PER_PAGE))
        sentences = [" ".join(words[j : j + 12]) + "." for j in range(0, len(words), 12)]
        return " ".join(sentences)

    def record(self, serial: int) -> Record:
        rng = self._rng
        kind = KINDS[rng.randrange(len(KINDS))]
        pages = page_count(rng)
        letter = make_letter(rng, kind, serial, long=pages > 3 and rng.random() < 0.5)
        letter_pages = letter.pages()
        texts = letter_pages[:pages] + [
            self.attachment_page() for _ in range(pages - len(letter_pages))
        ]
        media = pick_weighted(rng, MEDIA)
        scanned = media != "application/pdf"
        text = "\n\f".join(texts)
        if scanned:
            text = ocr_noise(rng, text)
        signature = "UNSIGNED"
        if not scanned and rng.random() < SIGNED_SHARE:
            signature = pick_weighted(rng, SIGNED_VERDICTS)
        received = FIRST_DAY + timedelta(days=rng.randrange(DAYS), seconds=rng.randrange(86_400))
        extension = {"image/tiff": "tif", "image/jpeg": "jpg", "image/png": "png"}.get(media, "pdf")
        if scanned:
            title = f"scan_{received:%Y%m%d}_{serial % 10000:04d}.{extension}"
        else:
            title = f"{kind.capitalize()}_{letter.sender[0].split()[-1]}_{serial}.pdf"
        document = IndexDocument(
            id=f"{rng.getrandbits(256):064x}",
            text=text,
            title=title,
            media_type=media.removesuffix("+scan"),
            doc_type=None if rng.random() < UNCLASSIFIED_SHARE else kind,
            signature=signature,
            received_at=received,
        )
        return Record(document, len(texts), scanned)

    def records(self, count: int) -> Iterator[Record]:
        for serial in range(1, count + 1):
            yield self.record(serial)


def describe(records: Sequence[Record]) -> CorpusStats:
    docs = [r.doc for r in records]
    return CorpusStats(
        docs=len(docs),
        pages=sum(r.pages for r in records),
        scanned=sum(r.scanned for r in records),
        text_bytes=sum(len(d.text.encode()) for d in docs),
        words=sum(len(d.text.split()) for d in docs),
        by_media_type=dict(Counter(d.media_type for d in docs).most_common()),
        by_signature=dict(Counter(d.signature or "-" for d in docs).most_common()),
        by_doc_type=dict(Counter(d.doc_type or "-" for d in docs).most_common()),
    )
