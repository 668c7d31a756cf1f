"""MinioStore against a real MinIO server: object lock and versioning enforced by the
server, multipart uploads in bounded memory, tampering detected on read, and the
server going away. Each test gets its own buckets (MinIO cannot drop locked ones)."""

from __future__ import annotations

import hashlib
import io
import random
import tracemalloc
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from minio import Minio
from minio.error import S3Error

from eakte.errors import ConfigurationError, IntegrityError, Transient
from eakte.ports import ObjectStore
from scripts.servers import RealServers, ensure
from storage.filesystem import FilesystemStore
from storage.minio_store import MinioStore
from tests.integration.server_fixtures import (
    RunningServer,
    minio_client,
    minio_server,
    real_servers,
)

pytestmark = pytest.mark.integration
__all__ = ["minio_server", "real_servers"]  # pytest fixtures

MiB = 1024 * 1024


def _buckets() -> dict[str, str]:
    tag = uuid.uuid4().hex[:12]
    return {"originals": f"orig-{tag}", "derived": f"derived-{tag}"}


def _store(
    server: RunningServer,
    spool: Path | None = None,
    *,
    part_size: int = 8 * MiB,
    timeout_seconds: float = 30.0,
    buckets: dict[str, str] | None = None,
) -> MinioStore:
    names = buckets or _buckets()
    return MinioStore(
        server.endpoint,
        server.credentials["access_key"],
        server.credentials["secret_key"],
        secure=False,
        originals_bucket=names["originals"],
        derived_bucket=names["derived"],
        retention_days=1,
        part_size=part_size,
        timeout_seconds=timeout_seconds,
        spool_dir=spool,
    )


@pytest.fixture
def store(minio_server: RunningServer, tmp_path: Path) -> MinioStore:
    return _store(minio_server, tmp_path, part_size=5 * MiB)


@pytest.fixture
def client(minio_server: RunningServer) -> Minio:
    """The raw SDK, to act on the server behind the store's back."""
    return minio_client(minio_server)


def _key(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256}"


def test_original_round_trip_with_retention(
    store: MinioStore, client: Minio, tmp_path: Path
) -> None:
    data = b"Sehr geehrte Damen und Herren, anbei mein Widerspruch."
    stored = store.put_original(io.BytesIO(data))
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert (stored.size, stored.created) == (len(data), True)
    assert store.has_original(stored.sha256)
    assert list(store.list_originals()) == [stored.sha256]
    with store.open_original(stored.sha256) as handle:
        assert handle.read() == data
    with store.original_path(stored.sha256) as path:
        assert path.read_bytes() == data
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []  # spool and copies are gone
    key = _key(stored.sha256)
    info = client.stat_object(store.originals_bucket, key)
    assert info.metadata is not None and info.metadata["x-amz-meta-sha256"] == stored.sha256
    retention = client.get_object_retention(store.originals_bucket, key)
    assert retention is not None and retention.mode == "GOVERNANCE"
    expected_until = datetime.now(UTC) + timedelta(days=1)
    assert abs(retention.retain_until_date - expected_until) < timedelta(minutes=5)


def test_same_bytes_again_are_not_a_second_version(store: MinioStore, client: Minio) -> None:
    first = store.put_original(io.BytesIO(b"abc"))
    second = store.put_original(io.BytesIO(b"abc"))
    assert (first.sha256, first.created, second.created) == (second.sha256, True, False)
    versions = list(
        client.list_objects(store.originals_bucket, _key(first.sha256), include_version=True)
    )
    assert len(versions) == 1


def test_server_refuses_to_delete_an_original_under_retention(
    store: MinioStore, client: Minio
) -> None:
    data = b"Bescheid vom 3. Mai"
    stored = store.put_original(io.BytesIO(data))
    key = _key(stored.sha256)
    version = client.stat_object(store.originals_bucket, key).version_id
    with pytest.raises(S3Error) as refused:
        client.remove_object(store.originals_bucket, key, version_id=version)
    assert "WORM" in (refused.value.message or ""), refused.value
    # A DELETE without version only hides the object behind a delete marker ...
    client.remove_object(store.originals_bucket, key)
    assert not store.has_original(stored.sha256)
    response = client.get_object(store.originals_bucket, key, version_id=version)
    assert response.read() == data  # ... the locked version is still there
    response.close()
    response.release_conn()
    # storing the same bytes again brings it back, and it is not new
    again = store.put_original(io.BytesIO(data))
    assert (again.created, store.has_original(stored.sha256)) == (False, True)


def test_overwrite_adds_a_version_reading_detects_it(
    store: MinioStore, client: Minio, tmp_path: Path
) -> None:
    data = b"Originalbescheid: 120,00 EUR"
    stored = store.put_original(io.BytesIO(data))
    key = _key(stored.sha256)
    first = client.stat_object(store.originals_bucket, key).version_id
    forged = b"Originalbescheid: 12,00 EUR"
    client.put_object(
        store.originals_bucket,
        key,
        io.BytesIO(forged),
        len(forged),
        metadata={"sha256": stored.sha256},
    )
    versions = list(client.list_objects(store.originals_bucket, key, include_version=True))
    assert len(versions) == 2
    response = client.get_object(store.originals_bucket, key, version_id=first)
    assert response.read() == data  # the original version stays
    response.close()
    response.release_conn()
    with pytest.raises(S3Error):
        client.remove_object(store.originals_bucket, key, version_id=first)

    with pytest.raises(IntegrityError), store.open_original(stored.sha256) as handle:
        handle.read()
    with pytest.raises(IntegrityError), store.original_path(stored.sha256):
        pass
    assert list(tmp_path.iterdir()) == []  # no unverified copy left behind
    with pytest.raises(IntegrityError):  # re-ingesting notices the size differs
        store.put_original(io.BytesIO(data))


class GeneratedSource(io.RawIOBase):
    """A file-like source of pseudo-random bytes that never exists in memory as a whole;
    records the largest single read it was asked for."""

    def __init__(self, size: int) -> None:
        self._left = size
        self._random = random.Random(20)
        self.digest = hashlib.sha256()
        self.largest_read = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.largest_read = max(self.largest_read, size)
        count = self._left if size < 0 else min(size, self._left)
        data = self._random.randbytes(count)
        self._left -= count
        self.digest.update(data)
        return data


def test_large_original_is_a_multipart_upload_in_bounded_memory(
    store: MinioStore, client: Minio
) -> None:
    source = GeneratedSource(20 * MiB)
    tracemalloc.start()
    try:
        stored = store.put_original(source)  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert stored.sha256 == source.digest.hexdigest()
    assert source.largest_read <= MiB
    # the SDK holds the previous part while it reads the next: two parts, not the file
    assert peak < 2 * 5 * MiB + 2 * MiB, f"peak {peak / MiB:.1f} MiB"
    etag = client.stat_object(store.originals_bucket, _key(stored.sha256)).etag
    assert etag is not None and etag.endswith("-4")  # four parts of 5 MiB
    digest = hashlib.sha256()
    with store.open_original(stored.sha256) as handle:
        while chunk := handle.read(MiB):
            digest.update(chunk)
    assert digest.hexdigest() == stored.sha256


def test_derived_objects_are_replaced_listed_and_deleted(store: MinioStore) -> None:
    store.put_derived("manifests/a.json", b"1")
    store.put_derived("manifests/a.json", b"2")
    store.put_derived("manifests2/b.json", b"3")
    assert store.get_derived("manifests/a.json") == b"2"
    assert list(store.list_derived("manifests")) == ["manifests/a.json"]
    assert list(store.list_derived("")) == ["manifests/a.json", "manifests2/b.json"]
    assert store.get_derived("manifests/missing.json") is None
    store.delete_derived("manifests/a.json")
    store.delete_derived("manifests/a.json")  # deleting twice is fine
    assert list(store.list_derived("manifests")) == []


@pytest.mark.parametrize("key", ["../escape", "/etc/passwd", "a/../../b", "", "."])
def test_keys_cannot_leave_their_place(store: MinioStore, key: str) -> None:
    with pytest.raises(ValueError):
        store.put_derived(key, b"x")
    with pytest.raises(ValueError):
        store.has_original(key)


def test_wrong_credentials_are_a_configuration_error(
    minio_server: RunningServer,
) -> None:
    with pytest.raises(ConfigurationError, match="verweigert den Zugriff"):
        MinioStore(
            f"{minio_server.host}:{minio_server.port}", "nobody", "wrong-secret", secure=False
        )


def test_originals_bucket_without_object_lock_is_refused(
    minio_server: RunningServer,
    client: Minio,
) -> None:
    buckets = _buckets()
    client.make_bucket(buckets["originals"])
    with pytest.raises(ConfigurationError, match="Objektsperre"):
        _store(minio_server, buckets=buckets)


def test_unreachable_server_is_transient(
    minio_server: RunningServer,
    store: MinioStore,
) -> None:
    stored = store.put_original(io.BytesIO(b"vor dem Ausfall"))
    with minio_server.stopped():
        for operation in (
            lambda: store.put_original(io.BytesIO(b"waehrend des Ausfalls")),
            lambda: store.has_original(stored.sha256),
            lambda: store.get_derived("manifests/a.json"),
            lambda: list(store.list_derived("manifests")),
            lambda: _store(minio_server),
        ):
            with pytest.raises(Transient, match=f"Objektspeicher {minio_server.endpoint} nicht"):
                operation()
    assert store.has_original(stored.sha256)  # the same store works again


def test_hung_server_is_transient_after_the_timeout(tmp_path: Path) -> None:
    # A MinIO of its own: the shared one is stopped and started by other tests, and a
    # hung server must be the one this store talks to.
    with RealServers(tmp_path / "servers", for_tests=True) as servers:
        ensure(("minio",))
        info = servers.start("minio")
        own = RunningServer(
            name="minio",
            host=info.host,
            port=info.port,
            url=info.url,
            data_dir=Path(info.data_dir),
            credentials=dict(info.credentials),
            _servers=servers,
        )
        impatient = _store(own, timeout_seconds=2.0)
        assert not impatient.has_original("0" * 64)  # answering before the freeze
        with own.frozen(), pytest.raises(Transient, match="Zeitüberschreitung"):
            impatient.has_original("0" * 64)
        assert not impatient.has_original("0" * 64)  # and again after it


# A few behaviours every ObjectStore shares -------------------------------------------


@pytest.fixture(params=["filesystem", "minio"])
def any_store(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    minio_server: RunningServer,
) -> Iterator[ObjectStore]:
    if request.param == "filesystem":
        yield FilesystemStore(tmp_path)
    else:
        yield _store(minio_server)


def test_contract_round_trip_and_duplicates(any_store: ObjectStore) -> None:
    for data in (b"", b"Antrag auf Akteneinsicht"):
        first = any_store.put_original(io.BytesIO(data))
        again = any_store.put_original(io.BytesIO(data))
        assert (first.created, again.created, first.size) == (True, False, len(data))
        with any_store.original_path(first.sha256) as path:
            assert path.read_bytes() == data
    assert any_store.has_original(first.sha256)
    assert not any_store.has_original("0" * 64)
    assert len(list(any_store.list_originals())) == 2


def test_contract_derived_keys(any_store: ObjectStore) -> None:
    any_store.put_derived("reports/x/signature.json", b"{}")
    any_store.put_derived("reports/x/./signature.json", b"{1}")  # same key, normalised
    assert any_store.get_derived("reports/x/signature.json") == b"{1}"
    assert list(any_store.list_derived("reports/")) == ["reports/x/signature.json"]
    with pytest.raises(ValueError):
        any_store.put_derived("reports/../../etc", b"x")
