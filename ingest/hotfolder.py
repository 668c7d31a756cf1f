"""The hot folder's file logic: which files are complete, and moving them out safely.

Scanners and multifunction printers write into shared folders over SMB or NFS, where
inotify sees nothing of what other machines write; so the folder is polled with
``os.scandir``, and a file counts as complete once its size, modification time and
inode have not changed for ``hotfolder_stable_seconds`` across polls. Time is measured
with this process's monotonic clock, never by comparing the file's mtime with "now":
a scanner's or file server's clock may be off by minutes, and an mtime that looks old
would let a file still being written through.

Moves must survive ``kill -9`` at any instruction. A file is hard-linked into
``done/`` or ``failed/`` (a link never replaces an existing name) and only then unlinked
from the folder, with the directories fsynced in between; a kill between the two
leaves two names for one inode, which the next move recognises and completes instead
of making a second copy. The reason file is written before the link, so a file in
``failed/`` always has its reason beside it. Where hard links are not allowed (some
network shares, other users' files under ``fs.protected_hardlinks``) an atomic rename
to a name checked to be free is used instead.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from eakte.errors import ConfigurationError

DONE = "done"
FAILED = "failed"
REASON_SUFFIX = ".grund.txt"
LOCK_NAME = ".eakte-watch.lock"
# What scanners, browsers, Office and copy tools name a file while it is being written
PARTIAL_PATTERNS = (
    "*.part",
    "*.partial",
    "*.tmp",
    "*.temp",
    "*.crdownload",
    "*.filepart",
    "*.download",
    "~$*",
    "~*.tmp",
)
NAME_MAX_BYTES = 255
_REASON_TEMP = ".grund.tmp"
# Errors of os.link that mean "no hard links here", not "something is wrong"
_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS}


@dataclass(frozen=True)
class FileState:
    """One file as one poll saw it; ``signature`` changes whenever it is written to."""

    path: Path
    size: int
    mtime_ns: int
    inode: int

    @property
    def signature(self) -> tuple[int, int, int]:
        return (self.size, self.mtime_ns, self.inode)


def is_candidate_name(name: str) -> bool:
    """Hidden files and names of files still being written are never taken."""
    if name.startswith(".") or name in (DONE, FAILED):
        return False
    return not any(fnmatch(name.lower(), pattern) for pattern in PARTIAL_PATTERNS)


def list_candidates(folder: Path) -> list[FileState]:
    """Regular files at the top level, by name; ``done/`` and ``failed/`` are folders
    and so skipped like every other folder. Symbolic links are not followed: moving a
    link would file the link, not the letter."""
    states = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if not is_candidate_name(entry.name) or not entry.is_file(follow_symlinks=False):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue  # taken away between listing and stat
            states.append(FileState(Path(entry.path), st.st_size, st.st_mtime_ns, st.st_ino))
    return sorted(states, key=lambda state: state.path.name)


def is_unchanged(state: FileState) -> bool:
    """Whether the file is still the one that was ingested (not rewritten meanwhile)."""
    try:
        st = os.stat(state.path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return (st.st_size, st.st_mtime_ns, st.st_ino) == state.signature


class StabilityTracker:
    """Remembers each file's signature across polls and when it last changed.

    A file is stable once it has been seen with the same signature on two polls at
    least ``stable_seconds`` apart: one look cannot tell a finished file from one
    whose writer is between two chunks, so even ``stable_seconds=0`` needs two."""

    def __init__(self, stable_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.stable_seconds = stable_seconds
        self._clock = clock
        self._seen: dict[Path, tuple[tuple[int, int, int], float]] = {}  # since when

    def observe(self, states: list[FileState]) -> list[FileState]:
        """Record one poll; return the files that are stable now, in the given order."""
        now = self._clock()
        current: dict[Path, tuple[tuple[int, int, int], float]] = {}
        stable = []
        for state in states:
            previous = self._seen.get(state.path)
            if previous is None or previous[0] != state.signature:
                current[state.path] = (state.signature, now)
                continue
            current[state.path] = previous
            if now - previous[1] >= self.stable_seconds:
                stable.append(state)
        self._seen = current  # files that vanished are forgotten
        return stable


def target_name(name: str, number: int, *, reserve: int = 0) -> str:
    """``brief.pdf`` → ``brief (2).pdf``; the stem is shortened if the name (plus
    ``reserve`` bytes for the reason file's suffix) would exceed the file-name limit."""
    path = Path(name)
    suffix = path.suffix if path.stem else ""
    stem = path.stem if path.stem else name
    marker = f" ({number})" if number > 1 else ""
    room = max(1, NAME_MAX_BYTES - reserve - len((marker + suffix).encode()))
    stem_bytes = stem.encode()
    if len(stem_bytes) > room:
        stem = stem_bytes[:room].decode("utf-8", errors="ignore")
    return f"{stem}{marker}{suffix}"


def move_to(source: Path, directory: Path, reason: str | None = None) -> Path:
    """Move ``source`` into ``directory`` under its name or the next free ``name (n)``.

    With ``reason``, ``<target name>.grund.txt`` is written first. Raises
    ``FileNotFoundError`` if the source is gone."""
    directory.mkdir(exist_ok=True)
    reserve = len(REASON_SUFFIX.encode()) if reason is not None else 0
    while True:
        source_stat = os.stat(source, follow_symlinks=False)
        target, interrupted = _free_target(source.name, source_stat, directory, reserve)
        if reason is not None:
            write_reason(directory / (target.name + REASON_SUFFIX), reason)
        if interrupted:  # an earlier move was killed between link and unlink
            linked = True
            break
        try:
            linked = _link_or_rename(source, target)
        except FileExistsError:
            continue  # the name was taken between the check and the link: next one
        break
    fsync_dir(directory)  # the new name is durable before the old one goes
    if linked:
        source.unlink()
    fsync_dir(source.parent)
    return target


def _free_target(
    name: str, source_stat: os.stat_result, directory: Path, reserve: int
) -> tuple[Path, bool]:
    """The first unused name, or the name that already is this very file."""
    number = 1
    while True:
        candidate = directory / target_name(name, number, reserve=reserve)
        try:
            existing = os.stat(candidate, follow_symlinks=False)
        except FileNotFoundError:
            return candidate, False
        if os.path.samestat(existing, source_stat):
            return candidate, True
        number += 1


def _link_or_rename(source: Path, target: Path) -> bool:
    """True if hard-linked (the source must still be unlinked), False if renamed."""
    try:
        os.link(source, target, follow_symlinks=False)
        return True
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
    if os.path.lexists(target):
        raise FileExistsError(errno.EEXIST, "exists", str(target))
    os.rename(source, target)
    return False


def write_reason(path: Path, reason: str) -> None:
    """One German line; written to a temp file and renamed, so it is whole or absent."""
    temp = path.parent / _REASON_TEMP
    line = " ".join(reason.split()) + "\n"
    with open(temp, "wb") as out:
        out.write(line.encode("utf-8"))
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, path)


def fsync_dir(directory: Path) -> None:
    """Make the directory entries durable (a rename or link is otherwise only cached).

    Some network file systems refuse fsync on a directory; their server commits the
    entry itself, so that refusal is not an error."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.EOPNOTSUPP):
            raise
    finally:
        os.close(fd)


@contextmanager
def exclusive(folder: Path) -> Iterator[None]:
    """Only one watcher per folder: two would ingest and move the same files at once.

    The lock is an ``flock`` on a hidden file in the folder, released by the kernel when
    the process ends, ``kill -9`` included. File systems without locks go unlocked."""
    with open(folder / LOCK_NAME, "ab") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ConfigurationError(
                f"Der Ordner {folder} wird bereits von einem anderen `eakte watch` überwacht"
            ) from exc
        except OSError as exc:
            if exc.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
                raise
        yield
