"""The archive describes a record: its description goes into a new version of the
manifest with an event that keeps the description it replaced, so the history shows who
changed what; the original is never touched. Indexing is left to the caller, which
writes a whole batch to the index at once."""

from __future__ import annotations

from eakte.errors import InputRejected
from eakte.ports import ObjectStore
from eakte.record import ArchivalDescription, Event, Manifest
from eakte.records import save_manifest


def describe(
    store: ObjectStore,
    manifest: Manifest,
    description: ArchivalDescription,
    *,
    who: str = "cli",
    source: str | None = None,
) -> Manifest:
    """Store ``description`` with the record; an unchanged description writes nothing."""
    if manifest.status != "stored":
        raise InputRejected("Nur gespeicherte Dokumente können erschlossen werden")
    before = manifest.archival
    if before == description:
        return manifest
    label = ", ".join(
        part
        for part in (description.holding, description.reference_code, description.title)
        if part
    )
    verb = "geändert" if before is not None else "übernommen"
    event = Event(
        kind="described",
        message=f"Archivische Erschließung {verb}: {label or 'ohne Angaben'}",
        details={
            "before": before.model_dump(mode="json") if before is not None else None,
            "by": who,
            "source": source,
        },
    )
    updated = manifest.model_copy(update={"archival": description}).with_event(event)
    return save_manifest(store, updated)
