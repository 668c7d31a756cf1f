"""Files for the capture tests that no sample set should contain: ones that lie about
their size. The scanned pages themselves come from ``samples.capture``."""

from __future__ import annotations

import struct
from pathlib import Path


def tiff_bomb(path: Path, width: int = 100_000, height: int = 100_000) -> Path:
    """A tiny, well-formed TIFF whose header claims a gigantic grey page."""
    entries = [  # tag, type (3 SHORT, 4 LONG), value
        (256, 4, width),
        (257, 4, height),
        (258, 3, 8),
        (259, 3, 1),
        (262, 3, 1),
        (273, 4, 8 + 2 + 12 * 9 + 4),  # the strip right after the IFD
        (277, 3, 1),
        (278, 4, height),
        (279, 4, 1),
    ]
    ifd = struct.pack("<H", len(entries))
    for tag, kind, value in entries:
        ifd += struct.pack("<HHI", tag, kind, 1) + struct.pack("<I", value)
    data = b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0) + b"\xff"
    path.write_bytes(data)
    return path
