"""Local copies of originals from a remote store, shared by the processes of one host.

Every page task of a scanned document needs the whole original as a file (the renderers
take a path), and so do the text layer and the signature check. Downloading it for each
of them cost a full transfer and a SHA-256 per page; here the first task downloads it
and the others on the host use that copy.

The copy can never be stale: the file is named after the SHA-256 of its bytes (the
record id), was hashed while it was downloaded, and an original is never rewritten.
The folder is bounded (``max_bytes``): after each download the least recently used
copies go until the rest fit. A reader never loses its copy to that eviction or to
another process: it gets a private hard link, which keeps the bytes while it reads and
is removed when it is done. Copies are read-only, so a tool cannot change one by
mistake. Links left behind by a killed process are removed once they are older than
``stale_after_seconds``.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

_COPY = re.compile(r"[0-9a-f]{64}")
_LINK_SUFFIX = ".reading"
_PARTIAL_SUFFIX = ".partial"


class OriginalCache:
    """A bounded, least-recently-used folder of verified originals, keyed by SHA-256."""

    def __init__(self, folder: Path, max_bytes: int, stale_after_seconds: float = 3600.0):
        self.folder = folder
        self.max_bytes = max_bytes
        self.stale_after_seconds = stale_after_seconds
        self.hits = 0
        self.downloads = 0

    @contextlib.contextmanager
    def path(self, sha256: str, download: Callable[[Path], None]) -> Iterator[Path]:
        """A local file with the original's bytes until the block ends; ``download``
        writes them (verified) to the path it is given when the host has no copy yet."""
        if not _COPY.fullmatch(sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        self.folder.mkdir(parents=True, exist_ok=True)
        copy = self.folder / sha256
        link = self.folder / f"{sha256}.{os.getpid()}.{uuid.uuid4().hex}{_LINK_SUFFIX}"
        try:
            os.link(copy, link)
            os.utime(link)  # the copy's inode: most recently used
            self.hits += 1
        except FileNotFoundError:
            self._download(copy, link, download)
        try:
            yield link
        finally:
            link.unlink(missing_ok=True)

    def discard(self, sha256: str) -> None:
        """Forget the copy (the original was deleted); readers keep their links."""
        if _COPY.fullmatch(sha256):
            (self.folder / sha256).unlink(missing_ok=True)

    def size(self) -> int:
        return sum(size for _, _, size in self._copies())

    def _download(self, copy: Path, link: Path, download: Callable[[Path], None]) -> None:
        partial = link.with_name(link.name.removesuffix(_LINK_SUFFIX) + _PARTIAL_SUFFIX)
        try:
            download(partial)
            partial.chmod(0o444)
            partial.rename(link)
        finally:
            partial.unlink(missing_ok=True)
        self.downloads += 1
        size = link.stat().st_size
        if size > self.max_bytes:
            return  # read from the private link only, never kept
        with contextlib.suppress(FileExistsError):  # another process was faster: same bytes
            os.link(link, copy)
        self._evict(keep=copy)

    def _copies(self) -> list[tuple[float, Path, int]]:
        found = []
        for entry in os.scandir(self.folder):
            if _COPY.fullmatch(entry.name):
                with contextlib.suppress(FileNotFoundError):
                    info = entry.stat()
                    found.append((info.st_mtime, Path(entry.path), info.st_size))
        return found

    def _evict(self, keep: Path) -> None:
        """Remove the least recently used copies until the folder fits its bound, and
        the reading links of processes that died while they read."""
        copies = sorted(self._copies())
        total = sum(size for _, _, size in copies)
        for _, path, size in copies:
            if total <= self.max_bytes:
                break
            if path != keep:
                path.unlink(missing_ok=True)
                total -= size
        limit = time.time() - self.stale_after_seconds
        for entry in os.scandir(self.folder):
            if entry.name.endswith((_LINK_SUFFIX, _PARTIAL_SUFFIX)):
                with contextlib.suppress(FileNotFoundError):
                    if entry.stat().st_mtime < limit:
                        os.unlink(entry.path)
