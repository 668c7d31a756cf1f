"""Perceptual hashes of photographs (``imagehash``) and the near-duplicate rule.

Each photo keeps the 64-bit DCT hash (``phash``) of the whole image and of 99 windows
of it: every combination of 100 %, 90 %, 80 % and 70 % of its width and height, each
at the start, the middle and the end of the axis. The same photo rescaled,
recompressed, lighter or darker differs from its copy in a few bits of the whole-image
hash; a crop of up to about a third per side looks like one of the original's windows
(and a photo that is itself the crop: like one of the copy's). Unrelated photos differ
in about half the bits. ``imagehash.crop_resistant_hash`` was tried first: a second per
photo, and a brightness change moved its segments (``bench/media/README.md``).

Two photos are near-duplicates when their whole-image hashes differ in at most
``PHASH_BITS`` bits, or the whole image of one and a window of the other in at most
``WINDOW_BITS``. The thresholds are measured in ``bench/media/photos.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import product
from typing import Any

import numpy as np
from PIL import Image

PHASH_BITS = 12  # of 64, whole image against whole image
WINDOW_BITS = 10  # of 64, whole image against a window: stricter, there are 99 tries
WORKING_SIDE = 512  # pixels; the hash looks at 32×32, the windows need some detail
HASH_VERSION = 1  # stored with the hashes; a new rule means hashing again
_SPANS = [(0.0, 1.0)] + [
    (start, start + size)
    for size in (0.9, 0.8, 0.7)
    for start in (0.0, round((1 - size) / 2, 3), round(1 - size, 3))
]


def image_hashes(image: Image.Image) -> dict[str, Any]:
    """The hashes stored on a photo's record (``fields["image_hashes"]``)."""
    import imagehash

    small = image.convert("L")
    small.thumbnail((WORKING_SIDE, WORKING_SIDE))
    width, height = small.size
    windows = []
    for (x0, x1), (y0, y1) in product(_SPANS, _SPANS):
        box = (round(x0 * width), round(y0 * height), round(x1 * width), round(y1 * height))
        windows.append(str(imagehash.phash(small.crop(box))))
    return {"version": HASH_VERSION, "phash": windows[0], "windows": windows[1:]}


def near_duplicates(first: Mapping[str, Any], second: Mapping[str, Any]) -> bool:
    """Whether two stored hash sets belong to the same photo (module doc)."""
    return bool(_matches(_Hashes.of([first, second]), 0)[1])


def group(items: Sequence[tuple[str, Mapping[str, Any]]]) -> list[list[str]]:
    """Groups of ids whose photos are near-duplicates (linked through any pair), each
    sorted, largest group first; photos without a partner are in no group.

    Every pair is compared (vectorised: a few seconds for ten thousand photos); for
    millions a BK-tree over ``phash`` would be the next step."""
    hashes = _Hashes.of([found for _, found in items])
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(items)):
        for j in np.flatnonzero(_matches(hashes, i)):
            if j > i:
                parent[root(int(j))] = root(i)
    groups: dict[int, list[str]] = {}
    for i, (record_id, _) in enumerate(items):
        groups.setdefault(root(i), []).append(record_id)
    found = [sorted(ids) for ids in groups.values() if len(ids) > 1]
    return sorted(found, key=lambda ids: (-len(ids), ids))


class _Hashes:
    """Whole-image hashes (n,) and window hashes (n, 99) as unsigned 64-bit integers;
    a record without usable hashes gets ``valid`` False and matches nothing."""

    def __init__(self, whole: np.ndarray, windows: np.ndarray, valid: np.ndarray) -> None:
        self.whole, self.windows, self.valid = whole, windows, valid

    @classmethod
    def of(cls, found: Sequence[Mapping[str, Any]]) -> _Hashes:
        count = len(_SPANS) ** 2 - 1
        whole = np.zeros(len(found), dtype=np.uint64)
        windows = np.zeros((len(found), count), dtype=np.uint64)
        valid = np.zeros(len(found), dtype=bool)
        for i, hashes in enumerate(found):
            found_bits = [hashes.get("phash"), *hashes.get("windows", ())]
            parsed = [b for b in map(_bits, found_bits) if b is not None]
            if len(parsed) == count + 1 == len(found_bits):
                whole[i], windows[i], valid[i] = parsed[0], parsed[1:], True
        return cls(whole, windows, valid)


def _matches(hashes: _Hashes, i: int) -> np.ndarray:
    """Which records are near-duplicates of record ``i`` (itself included if valid)."""
    if not hashes.valid[i]:
        return np.zeros(len(hashes.whole), dtype=bool)
    whole = np.bitwise_count(hashes.whole ^ hashes.whole[i]) <= PHASH_BITS
    mine_in_theirs = np.bitwise_count(hashes.windows ^ hashes.whole[i]).min(axis=1)
    theirs_in_mine = np.bitwise_count(hashes.windows[i][None, :] ^ hashes.whole[:, None])
    window = np.minimum(mine_in_theirs, theirs_in_mine.min(axis=1)) <= WINDOW_BITS
    found: np.ndarray = (whole | window) & hashes.valid
    return found


def _bits(value: Any) -> int | None:
    if not isinstance(value, str):
        return None
    try:
        bits = int(value, 16)
    except ValueError:
        return None
    return bits if 0 <= bits < 1 << 64 else None
