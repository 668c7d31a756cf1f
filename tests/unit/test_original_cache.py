"""The host's cache of originals: one download per original, bounded by evicting the
least recently used copy, and a reader's file survives eviction."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from storage.original_cache import OriginalCache


def _original(n: int, size: int = 1000) -> tuple[str, bytes]:
    data = bytes([n]) * size
    return hashlib.sha256(data).hexdigest(), data


def _downloader(data: bytes, calls: list[str]) -> Callable[[Path], None]:
    def download(path: Path) -> None:
        calls.append(path.name)
        path.write_bytes(data)

    return download


def test_an_original_is_downloaded_once_and_read_from_the_copy_after(tmp_path: Path) -> None:
    cache = OriginalCache(tmp_path / "cache", max_bytes=10_000)
    sha, data = _original(1)
    calls: list[str] = []
    for _ in range(3):
        with cache.path(sha, _downloader(data, calls)) as path:
            assert path.read_bytes() == data
            assert path.stat().st_mode & 0o222 == 0
    assert len(calls) == 1 and (cache.downloads, cache.hits) == (1, 2)
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [sha]  # no links left


def test_the_least_recently_used_copy_goes_when_the_bound_is_reached(tmp_path: Path) -> None:
    cache = OriginalCache(tmp_path / "cache", max_bytes=2500)
    originals = [_original(n) for n in range(3)]
    calls: list[str] = []
    first, second, third = originals
    for sha, data in (first, second):
        with cache.path(sha, _downloader(data, calls)):
            pass
    os.utime(tmp_path / "cache" / second[0], (1, 1))  # used long ago
    with cache.path(first[0], _downloader(first[1], calls)):
        pass  # a hit: now the most recent
    with cache.path(third[0], _downloader(third[1], calls)):
        pass
    kept = {p.name for p in (tmp_path / "cache").iterdir()}
    assert kept == {first[0], third[0]} and cache.size() <= 2500
    assert len(calls) == 3


def test_a_reader_keeps_its_file_while_the_copy_is_evicted(tmp_path: Path) -> None:
    cache = OriginalCache(tmp_path / "cache", max_bytes=1500)
    (a_sha, a_data), (b_sha, b_data) = _original(1), _original(2)
    calls: list[str] = []
    with (
        cache.path(a_sha, _downloader(a_data, calls)) as reading,
        cache.path(b_sha, _downloader(b_data, calls)),
    ):
        assert not (tmp_path / "cache" / a_sha).exists()  # evicted for b
        assert reading.read_bytes() == a_data  # the reader's link still holds it


def test_an_original_larger_than_the_bound_is_read_but_not_kept(tmp_path: Path) -> None:
    cache = OriginalCache(tmp_path / "cache", max_bytes=100)
    sha, data = _original(7)
    with cache.path(sha, _downloader(data, [])) as path:
        assert path.read_bytes() == data
    assert list((tmp_path / "cache").iterdir()) == []
