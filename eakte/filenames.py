"""Sanitise file names that come from outside (uploads, mail attachments, scanners).

A hostile name must never steer where we write, and must stay readable in the manifest.
We only ever use it as metadata: storage keys are hashes.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath, PureWindowsPath

MAX_NAME_BYTES = 200
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"/\\|?*]+")


def sanitize_filename(name: str) -> str:
    """Keep the last path component, drop control and reserved characters, cap the length.

    Cuts on UTF-8 bytes but keeps the extension, because people recognise files by it.
    """
    name = unicodedata.normalize("NFC", name)
    name = PureWindowsPath(PurePosixPath(name).name).name
    name = _UNSAFE.sub("_", name).strip(" .")
    if not name:
        return "unbenannt"
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 10:
        stem, suffix = name, ""
    suffix_part = f".{suffix}" if suffix else ""
    budget = MAX_NAME_BYTES - len(suffix_part.encode("utf-8"))
    encoded = stem.encode("utf-8")
    if len(encoded) > budget:
        stem = encoded[:budget].decode("utf-8", errors="ignore").rstrip(" .") + "…"
    return f"{stem}{suffix_part}"
