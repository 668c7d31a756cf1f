"""Retention on the object store: when an Akte is closed, each original's object lock is
extended to its retention end, so in distributed mode the server itself refuses to
delete a Dokument before then. Embedded mode has no such server: nothing to do."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from akten.model import FiledDocument
from eakte.ports import ObjectStore, RetentionLock


def lock_until(last_day: date) -> datetime:
    """Locked through the whole last day of the retention period (UTC)."""
    return datetime.combine(last_day + timedelta(days=1), time.min, UTC)


def lock_retention(store: ObjectStore, documents: Sequence[FiledDocument]) -> int:
    """Extend the lock of every Dokument with a retention end; the number extended (0 on
    a store without server-side retention)."""
    if not isinstance(store, RetentionLock):
        return 0
    locked = 0
    for document in documents:
        if document.retain_until is not None:
            store.extend_retention(document.record_id, lock_until(document.retain_until))
            locked += 1
    return locked
