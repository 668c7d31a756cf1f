"""FakeStore: an in-memory ``ObjectStore`` for stage tests (fake, named as such)."""

from __future__ import annotations

import contextlib
import hashlib
import io
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from eakte.ports import StoredOriginal


class FakeStore:
    def __init__(self) -> None:
        self.originals: dict[str, bytes] = {}
        self.derived: dict[str, bytes] = {}

    def put_original(self, source: BinaryIO) -> StoredOriginal:
        data = source.read()
        sha256 = hashlib.sha256(data).hexdigest()
        created = sha256 not in self.originals
        self.originals.setdefault(sha256, data)
        return StoredOriginal(sha256=sha256, size=len(data), created=created)

    def has_original(self, sha256: str) -> bool:
        return sha256 in self.originals

    @contextlib.contextmanager
    def open_original(self, sha256: str) -> Iterator[BinaryIO]:
        yield io.BytesIO(self.originals[sha256])

    @contextlib.contextmanager
    def original_path(self, sha256: str) -> Iterator[Path]:
        with tempfile.TemporaryDirectory(prefix="fake-store-") as folder:
            path = Path(folder) / sha256
            path.write_bytes(self.originals[sha256])
            yield path

    def put_derived(self, key: str, data: bytes) -> None:
        self.derived[key] = bytes(data)

    def get_derived(self, key: str) -> bytes | None:
        return self.derived.get(key)

    def list_derived(self, prefix: str) -> Iterator[str]:
        folder = prefix.rstrip("/") + "/"
        yield from sorted(key for key in self.derived if key.startswith(folder))

    def delete_derived(self, key: str) -> None:
        self.derived.pop(key, None)

    def list_originals(self) -> Iterator[str]:
        yield from sorted(self.originals)
