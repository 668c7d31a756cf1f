"""The index outbox's compare-and-delete (issue 13, item 7): a marker leaves only with
the index step that indexed the stored state it waits for. Against the filesystem
store and the embedded index, in process; tests/integration/test_workers.py has the
race with the real servers and the real classifier."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from pathlib import Path

import pytest

from eakte import pipeline
from eakte.context import Context
from eakte.errors import Transient
from eakte.ports import IndexDocument
from eakte.record import Event, Manifest, PageText
from storage.filesystem import FilesystemStore
from workers import state, steps


def _record(name: str, status: str = "received") -> Manifest:
    return Manifest(
        id=hashlib.sha256(name.encode()).hexdigest(),
        sha256=hashlib.sha256(name.encode()).hexdigest(),
        size=1,
        status=status,  # type: ignore[arg-type]
        original_filename=f"{name}.pdf",
        pages=[PageText(number=1, text=f"Bauantrag Gartenhaus {name}", source="text_layer")],
        events=[Event(kind="received")],
    )


def _stored(manifest: Manifest) -> Manifest:
    return manifest.model_copy(update={"status": "stored"}).with_event(Event(kind="stored"))


class _Down:
    """An index that cannot be reached, as Elasticsearch stopped."""

    def upsert(self, documents: Sequence[IndexDocument]) -> None:
        raise Transient("Suchindex nicht erreichbar")


def _searchable(ctx: Context, record_id: str) -> bool:
    return record_id in {hit.id for hit in ctx.index.search("Gartenhaus").hits}


def test_an_index_step_during_finish_keeps_the_marker_until_the_stored_state_is_indexed(
    ctx: Context,
) -> None:
    received = pipeline.save_manifest(_record("a"), ctx)
    state.mark_for_index(ctx.store, received.id)  # what finish does before completing

    assert steps.index(ctx, [received.id]) == 0  # the reconcile job, mid-finish
    assert state.is_waiting_for_index(ctx.store, received.id)

    pipeline.save_manifest(_stored(received), ctx)  # finish completes the record
    down = dataclasses.replace(ctx, index=_Down())  # type: ignore[arg-type]
    with pytest.raises(Transient):
        steps.index(down, [received.id])  # its own index task meets the index down
    assert list(state.waiting_for_index(ctx.store)) == [received.id]

    assert steps.index(ctx, [received.id]) == 1  # the next reconcile, index back
    assert not state.is_waiting_for_index(ctx.store, received.id)
    assert _searchable(ctx, received.id)


def test_a_marker_written_after_the_listing_stays(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path)
    record = _record("b")
    state.mark_for_index(store, record.id)
    listed = state.markers(store, record.id)
    state.mark_for_index(store, record.id)  # a second finish, a later change

    assert state.index_done(store, listed, _stored(record)) == 0
    left = state.markers(store, record.id)
    assert len(left) == 1 and left[0].key != listed[0].key


def test_a_marker_naming_a_version_waits_for_that_version(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path)
    stored = _stored(_record("c"))
    corrected = stored.with_event(Event(kind="corrected"))
    state.mark_for_index(store, stored.id, corrected)
    listed = state.markers(store, stored.id)
    assert [marker.version for marker in listed] == [state.manifest_version(corrected)]

    assert state.index_done(store, listed, stored) == 1  # read the state before the change
    assert state.is_waiting_for_index(store, stored.id)
    later = corrected.with_event(Event(kind="signature_verified"))
    assert state.index_done(store, listed, later) == 0  # a newer state covers it
    assert not state.is_waiting_for_index(store, stored.id)


def test_a_record_still_received_keeps_and_an_ended_one_drops_its_markers(
    tmp_path: Path,
) -> None:
    store = FilesystemStore(tmp_path)
    record = _record("d")
    state.mark_for_index(store, record.id)
    listed = state.markers(store, record.id)

    assert state.index_done(store, listed, record) == 1
    quarantined = record.model_copy(update={"status": "quarantined"})
    assert state.index_done(store, listed, quarantined) == 0
    state.mark_for_index(store, record.id)
    assert state.index_done(store, state.markers(store, record.id), None) == 0  # gone
    assert list(state.waiting_for_index(store)) == []


def test_waiting_counts_records_not_markers(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path)
    first, second = _record("e"), _record("f")
    for record_id in (first.id, first.id, second.id):
        state.mark_for_index(store, record_id)

    assert sorted(state.waiting_for_index(store)) == sorted([first.id, second.id])
    state.index_done(store, state.markers(store, first.id), _stored(first))
    assert list(state.waiting_for_index(store)) == [second.id]
