from __future__ import annotations

import hashlib
import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from storage.filesystem import FilesystemStore


def test_original_is_content_addressed_and_read_only(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path)
    data = b"Sehr geehrte Damen und Herren"
    stored = store.put_original(io.BytesIO(data))
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.size == len(data) and stored.created
    with store.original_path(stored.sha256) as path:
        assert path.read_bytes() == data
        assert not os.stat(path).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def test_same_bytes_again_are_not_a_second_copy(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path)
    first = store.put_original(io.BytesIO(b"abc"))
    second = store.put_original(io.BytesIO(b"abc"))
    assert (first.sha256, first.created, second.created) == (second.sha256, True, False)
    assert list(store.list_originals()) == [first.sha256]
    assert list((tmp_path / "tmp").iterdir()) == []


def test_large_original_is_streamed_in_chunks(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path)
    data = os.urandom(3 * 1024 * 1024 + 17)
    stored = store.put_original(io.BytesIO(data))
    with store.open_original(stored.sha256) as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == stored.sha256


def test_derived_objects_are_replaced_atomically(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path)
    store.put_derived("manifests/a.json", b"1")
    store.put_derived("manifests/a.json", b"2")
    assert store.get_derived("manifests/a.json") == b"2"
    assert list(store.list_derived("manifests")) == ["manifests/a.json"]
    assert store.get_derived("manifests/missing.json") is None
    store.delete_derived("manifests/a.json")
    assert list(store.list_derived("manifests")) == []


@pytest.mark.parametrize("key", ["../escape", "/etc/passwd", "a/../../b", "", "."])
def test_keys_cannot_leave_the_store(tmp_path: Path, key: str) -> None:
    store = FilesystemStore(tmp_path)
    with pytest.raises(ValueError):
        store.put_derived(key, b"x")


CRASH_BETWEEN_WRITE_AND_LINK = """
import io, os, sys
from storage.filesystem import FilesystemStore
store = FilesystemStore(__import__("pathlib").Path(sys.argv[1]))
def crash(*args, **kwargs):
    os._exit(9)  # the process dies after the temp file is complete, before it is linked
os.link = crash
store.put_original(io.BytesIO(b"Brief, der nie ganz ankam"))
"""


def test_crash_between_temp_write_and_rename_leaves_no_half_record(tmp_path: Path) -> None:
    """A real process dies at the worst moment; the store must show nothing of it."""
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", CRASH_BETWEEN_WRITE_AND_LINK, str(tmp_path)],
        cwd=repo,
        check=False,
    )
    assert done.returncode == 9
    assert len(list((tmp_path / "tmp").iterdir())) == 1  # the orphaned temp file
    store = FilesystemStore(tmp_path)  # reopening cleans up after the dead process
    assert list(store.list_originals()) == []
    assert list((tmp_path / "tmp").iterdir()) == []
    again = store.put_original(io.BytesIO(b"Brief, der nie ganz ankam"))
    assert again.created
