"""Content-addressed filesystem store for the embedded mode.

Originals live under ``originals/ab/<sha256>`` and are write-once: they are streamed to a
temp file in the same filesystem, fsynced, made read-only and then hard-linked into
place, which fails atomically if the target exists, so an original is never
overwritten. A crash at any point leaves at most a temp file (removed on the next open),
never a half-written original. Derived objects are replaced with ``os.replace``.

Inside ``grouped()`` (the local runner's batches) the fsyncs are left out and ``sync()``
makes the batch durable with one ``syncfs``: on a busy disk eight fsyncs per record cost
more than everything else a born-digital letter needs.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import shutil
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from eakte.errors import ConfigurationError
from eakte.health import Probe, probe_errors
from eakte.ports import StoredOriginal

CHUNK = 1024 * 1024
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None


class FilesystemStore:
    """The embedded ``ObjectStore``: one directory tree, no server."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._originals = root / "originals"
        self._derived = root / "derived"
        self._tmp = root / "tmp"
        try:
            for folder in (self._originals, self._derived, self._tmp):
                folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigurationError(
                f"Datenverzeichnis {root} nicht beschreibbar: {exc.strerror}"
            ) from exc
        self._remove_stale_temp_files()
        self._local = threading.local()  # grouping applies to the thread that asked

    # durability ----------------------------------------------------------------

    @contextlib.contextmanager
    def grouped(self) -> Iterator[None]:
        """This thread's writes skip their fsyncs until the block ends; it ends with a
        ``sync()``, and ``sync()`` inside it makes everything so far durable."""
        self._local.depth = self._depth + 1
        try:
            yield
        finally:
            self._local.depth -= 1
            self.sync()

    def sync(self) -> None:
        """Everything written to this store's filesystem so far reaches the disk."""
        _syncfs(self.root)

    @property
    def _depth(self) -> int:
        return int(getattr(self._local, "depth", 0))

    def _fsync(self, fd: int) -> None:
        if not self._depth:
            os.fsync(fd)

    def _fsync_dir(self, directory: Path) -> None:
        if not self._depth:
            _fsync_dir(directory)

    # originals -----------------------------------------------------------------

    def put_original(self, source: BinaryIO) -> StoredOriginal:
        digest = hashlib.sha256()
        size = 0
        tmp = self._new_temp_path()
        try:
            with open(tmp, "xb") as out:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                out.flush()
                self._fsync(out.fileno())
            os.chmod(tmp, 0o444)
            sha256 = digest.hexdigest()
            target = self._original_file(sha256)
            try:
                created = _link_new(tmp, target)
            except FileNotFoundError:  # the first original in its fan-out folder
                target.parent.mkdir(exist_ok=True)
                created = _link_new(tmp, target)
            self._fsync_dir(target.parent)
        finally:
            tmp.unlink(missing_ok=True)
        return StoredOriginal(sha256=sha256, size=size, created=created)

    def has_original(self, sha256: str) -> bool:
        return self._original_file(sha256).is_file()

    @contextlib.contextmanager
    def open_original(self, sha256: str) -> Iterator[BinaryIO]:
        with open(self._original_file(sha256), "rb") as handle:
            yield handle

    @contextlib.contextmanager
    def original_path(self, sha256: str) -> Iterator[Path]:
        yield self._original_file(sha256)

    def delete_original(self, sha256: str) -> None:
        """Remove the original (the Aussonderung's decision, logged before); gone already
        is fine, so an interrupted deletion can be run again."""
        target = self._original_file(sha256)
        target.unlink(missing_ok=True)
        if target.parent.is_dir():
            _fsync_dir(target.parent)

    def list_originals(self) -> Iterator[str]:
        for fan_out in sorted(self._originals.iterdir()):
            for path in sorted(fan_out.iterdir()):
                yield path.name

    # derived objects -----------------------------------------------------------

    def put_derived(self, key: str, data: bytes) -> None:
        target = self._derived_file(key)
        tmp = self._new_temp_path()
        try:
            with open(tmp, "xb") as out:
                out.write(data)
                out.flush()
                self._fsync(out.fileno())
            try:
                os.replace(tmp, target)
            except FileNotFoundError:  # its folder's first object (a mkdir each time costs)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp, target)
            self._fsync_dir(target.parent)
        finally:
            tmp.unlink(missing_ok=True)

    def get_derived(self, key: str) -> bytes | None:
        try:
            return self._derived_file(key).read_bytes()
        except FileNotFoundError:
            return None

    def list_derived(self, prefix: str) -> Iterator[str]:
        base = self._derived_file(prefix) if prefix.strip("/") else self._derived
        if not base.is_dir():
            return
        for path in sorted(base.rglob("*")):
            if path.is_file():
                yield path.relative_to(self._derived).as_posix()

    def delete_derived(self, key: str) -> None:
        self._derived_file(key).unlink(missing_ok=True)

    # health --------------------------------------------------------------------

    @probe_errors("Speicher")
    def health(self) -> list[Probe]:
        """Writes, syncs and removes a file where originals are staged (the filesystem
        they are linked into), and says how much room is left."""
        probe = self._new_temp_path()
        try:
            with open(probe, "xb") as out:
                out.write(b"eakte doctor")
                out.flush()
                os.fsync(out.fileno())
            probe.unlink()
            free = shutil.disk_usage(self.root).free
        except OSError as exc:
            with contextlib.suppress(OSError):
                probe.unlink(missing_ok=True)
            return [Probe("Speicher", False, f"{self.root} nicht beschreibbar: {exc.strerror}")]
        detail = f"eingebettet in {self.root}, beschreibbar, {free / 1e9:.1f} GB frei"
        return [Probe("Speicher", True, detail)]

    # internals -----------------------------------------------------------------

    def _original_file(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self._originals / sha256[:2] / sha256

    def _derived_file(self, key: str) -> Path:
        parts = PurePosixPath(key).parts
        if not parts or key.startswith("/") or any(p in ("..", ".", "") for p in parts):
            raise ValueError(f"invalid object key: {key!r}")
        return self._derived.joinpath(*parts)

    def _new_temp_path(self) -> Path:
        return self._tmp / f"{os.getpid()}-{uuid.uuid4().hex}.part"

    def _remove_stale_temp_files(self) -> None:
        """Temp files of processes that are gone are leftovers of a crash: drop them."""
        for path in self._tmp.glob("*.part"):
            pid_text = path.name.split("-", 1)[0]
            if pid_text.isdigit() and not _process_alive(int(pid_text)):
                path.unlink(missing_ok=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _link_new(tmp: Path, target: Path) -> bool:
    """Hard-link ``tmp`` as ``target``; False when it exists (never overwritten)."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        return False
    return True


def _syncfs(path: Path) -> None:
    """One ``syncfs(2)`` for the filesystem holding ``path`` (Linux), else ``sync()``:
    one journal commit for the whole batch instead of one per fsync."""
    if _LIBC is None:
        os.sync()
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        if _LIBC.syncfs(fd) != 0:
            error = ctypes.get_errno()
            raise OSError(error, os.strerror(error), str(path))
    finally:
        os.close(fd)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
