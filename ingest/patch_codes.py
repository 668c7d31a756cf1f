"""Kodak patch codes: the bar patterns production scanners read as separator sheets.

A patch is four parallel black bars with three spaces, 0.80 in (20 mm) across; the
spaces and the narrow bars are 0.08 in (2 mm), the wide bars 0.20 in (5 mm), and two
bars are wide (Kodak, "Patch Code Information", A-61599/A-61670: the zone tables give
the edges of each bar). The six ways to place the two wide bars are the six patches,
read in feed direction (from the leading edge):

    Patch 1  W W N N      Patch 4 (Toggle)  N W W N
    Patch 2  W N N W      Patch 6           N N W W
    Patch 3  W N W N      Patch T (Transfer) N W N W

The bars run parallel to the leading edge (horizontal on a page fed top first, read
top to bottom) or, end-fed, perpendicular to it (vertical, read right to left). A page
fed the wrong way round reads the mirror image: T and 3, 1 and 6 swap, 2 and 4 stay.

Detection, on the low-resolution copy the separator check already draws: every
``SAMPLE_STEP_IN`` a scan line across the bars is cut into runs of ink and paper, and
seven runs that measure like a patch (widths relative to the whole, which absorbs
printing at 95 % or ink spread, and the whole about 0.8 in) with paper before and
after are a hit. A patch is reported only when hits at the same place continue along
the bars for ``MIN_BAR_LENGTH_IN`` (Kodak: at least 0.75 in), which text, tables and
barcodes never do. About 10 ms for an A4 page at 150 dpi.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import numpy.typing as npt
from PIL import Image

PATTERNS = {"WWNN": "1", "WNNW": "2", "WNWN": "3", "NWWN": "4", "NNWW": "6", "NWNW": "T"}
UNITS = 10.0  # 0.80 in in narrow widths: 3 spaces + 2 narrow bars + 2 wide bars of 2.5
NARROW = (0.55, 1.6)  # an element's width in units (0.08 in)
WIDE = (1.8, 3.4)  # nominal 2.5
PATCH_INCHES = (0.55, 1.15)  # nominal 0.80
MIN_QUIET_UNITS = 1.0  # paper before the first bar and after the last
MIN_BAR_LENGTH_IN = 0.75
SAMPLE_STEP_IN = 0.05
DEFAULT_DPI = 150


def find_patch(image: Image.Image) -> str | None:
    """The patch ("1", "2", "3", "4", "6" or "T") on the page, or None."""
    dpi = float(image.info.get("dpi", (DEFAULT_DPI,))[0]) or DEFAULT_DPI
    dark = _ink(image)
    # horizontal bars: columns read top to bottom; vertical bars: rows read right to left
    for lines in (dark.T, dark[:, ::-1]):
        found = _patch_along(lines, dpi)
        if found is not None:
            return found
    return None


def parse_patches(value: str) -> frozenset[str]:
    """The patches a setting names ("T,2,3"; "II" and "Patch 3" are understood too)."""
    roman = {"I": "1", "II": "2", "III": "3", "IV": "4", "VI": "6"}
    names = (item.strip().upper().removeprefix("PATCH").strip() for item in value.split(","))
    return frozenset(roman.get(name, name) for name in names if name)


def _ink(image: Image.Image) -> npt.NDArray[np.bool_]:
    grey = np.asarray(image if image.mode == "L" else image.convert("L"), dtype=np.uint8)
    paper = float(np.percentile(grey, 90))
    return grey < (paper + float(grey.min())) / 2 if paper - float(grey.min()) > 60 else grey < 0


def _patch_along(lines: npt.NDArray[np.bool_], dpi: float) -> str | None:
    """Scan every few lines; a patch whose hits continue long enough along the bars."""
    step = max(1, round(SAMPLE_STEP_IN * dpi))
    hits: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for index in range(0, lines.shape[0], step):
        for code, position, unit in _hits_in_line(lines[index], dpi):
            hits[code].append((index, position / unit))
    needed = MIN_BAR_LENGTH_IN * dpi
    for code, found in hits.items():
        if _longest_run(found, step) >= needed:
            return code
    return None


def _hits_in_line(line: npt.NDArray[np.bool_], dpi: float) -> list[tuple[str, float, float]]:
    """(patch, start, unit) for each patch-shaped group of seven runs in one scan line."""
    starts, lengths, inked = _runs(line)
    found = []
    for i in np.flatnonzero(inked[1:-7]) + 1:  # paper before, a bar, ..., paper after
        window = lengths[i : i + 7].astype(np.float64)
        total = float(window.sum())
        if not PATCH_INCHES[0] * dpi <= total <= PATCH_INCHES[1] * dpi:
            continue
        unit = total / UNITS
        if min(lengths[i - 1], lengths[i + 7]) < MIN_QUIET_UNITS * unit:
            continue
        code = _classified(window / unit)
        if code is not None:
            found.append((code, float(starts[i]), unit))
    return found


def _classified(widths: npt.NDArray[np.float64]) -> str | None:
    if not all(NARROW[0] <= widths[k] <= NARROW[1] for k in (1, 3, 5)):
        return None
    bars = ""
    for width in widths[0::2]:
        if NARROW[0] <= width <= NARROW[1]:
            bars += "N"
        elif WIDE[0] <= width <= WIDE[1]:
            bars += "W"
        else:
            return None
    return PATTERNS.get(bars)


def _runs(
    line: npt.NDArray[np.bool_],
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
    change = np.flatnonzero(line[1:] != line[:-1]) + 1
    starts = np.concatenate(([0], change))
    ends = np.concatenate((change, [line.size]))
    return starts, ends - starts, line[starts]


def _longest_run(found: list[tuple[int, float]], step: int) -> float:
    """Longest stretch (in pixels along the bars) of hits on consecutive scan lines at
    about the same place (within one unit: a skew of a few degrees stays inside)."""
    best = 0.0
    chains: list[tuple[int, int, float]] = []  # (first line, last line, place in units)
    for index, place in sorted(found):
        for number, (first, last, where) in enumerate(chains):
            if index - last <= 2 * step and abs(place - where) <= 1.0:
                chains[number] = (first, index, place)
                best = max(best, index - first + step)
                break
        else:
            chains.append((index, index, place))
            best = max(best, step)
    return best
