"""Closing an Akte extends its originals' object lock on a real MinIO to their retention
end: the server refuses to delete them before, and a lock is never shortened."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from minio.error import S3Error

from accounts.db import open_database
from akten.plan import load_plan
from akten.registry import AktenRegister
from akten.retention import lock_retention, lock_until
from eakte.errors import EakteError
from storage.filesystem import FilesystemStore
from tests.integration.server_fixtures import (
    RunningServer,
    minio_client,
    minio_server,
    real_servers,
)
from tests.integration.test_minio_store import _key, _store

pytestmark = pytest.mark.integration
__all__ = ["minio_server", "real_servers"]  # pytest fixtures


def test_closing_locks_the_originals_until_their_retention_end(
    minio_server: RunningServer, tmp_path: Path
) -> None:
    store = _store(minio_server, tmp_path)  # new originals are locked for one day
    client = minio_client(minio_server)
    stored = store.put_original(io.BytesIO(b"Bauantrag Lindenweg 3"))
    key = _key(stored.sha256)
    first = client.get_object_retention(store.originals_bucket, key)
    assert first.retain_until_date < datetime.now(UTC) + timedelta(days=2)

    db = open_database(f"sqlite:///{tmp_path / 'eakte.db'}")
    register = AktenRegister(db, load_plan(None))
    akte = register.open("632.1", "Neubau", actor="t")
    register.file(
        stored.sha256, akte.aktenzeichen, received_on=date.today(), actor="t", how="auto", reason=""
    )
    closed = register.close(akte.aktenzeichen, actor="t")
    assert closed.retention_until == date(date.today().year + 30, 12, 31)
    assert lock_retention(store, register.documents(akte.aktenzeichen)) == 1

    held = client.get_object_retention(store.originals_bucket, key)
    assert held.retain_until_date == lock_until(closed.retention_until)
    # never shortened: an earlier date leaves the lock as it is
    kept = store.extend_retention(stored.sha256, datetime.now(UTC) + timedelta(days=3))
    assert kept == lock_until(closed.retention_until)
    assert client.get_object_retention(store.originals_bucket, key).retain_until_date == kept
    version = client.stat_object(store.originals_bucket, key).version_id
    with pytest.raises(S3Error) as refused:
        client.remove_object(store.originals_bucket, key, version_id=version)
    assert "WORM" in (refused.value.message or ""), refused.value
    with pytest.raises(EakteError, match="lehnt die Anfrage ab"):
        store.delete_original(stored.sha256)  # the Aussonderung cannot bypass the lock
    assert store.has_original(stored.sha256)
    store.set_legal_hold(stored.sha256, True)  # eakte akte sperren
    assert client.is_object_legal_hold_enabled(store.originals_bucket, key)
    store.set_legal_hold(stored.sha256, False)
    assert not client.is_object_legal_hold_enabled(store.originals_bucket, key)
    # the embedded store has no server-side retention: nothing to extend
    assert (
        lock_retention(FilesystemStore(tmp_path / "fs"), register.documents(akte.aktenzeichen)) == 0
    )
    db.close()
