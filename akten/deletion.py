"""Deletion after the Aussonderung, with the Löschprotokoll.

A Dokument may be deleted only when its Akte's fate is settled: the archive imported
the Akte (0506, after an A decision), or the archive decided V and the retention has
ended. Each deletion is first written to the Löschprotokoll (the append-only Akte
events: what, when, on whose decision, the SHA-256), then the original, its derived
objects and its index entry are removed; run again, an interrupted deletion finishes
without a second entry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from akten.hold import is_held
from akten.model import Akte
from akten.registry import AktenRegister
from eakte import records, review
from eakte.errors import ConfigurationError
from eakte.ports import ObjectStore, OriginalEraser

DELETED = "document_deleted"


@dataclass(frozen=True)
class Decided:
    """An Akte whose Dokumente may go, and why (German, for the Löschprotokoll)."""

    akte: Akte
    decision: str


def deletable(register: AktenRegister, as_of: date) -> list[Decided]:
    """Akten the archive took (imported) or rejected (V) with their retention ended
    before ``as_of``, and not yet emptied."""
    found = []
    for akte in register.listing(status="closed"):
        events = register.events(akte.aktenzeichen)
        actions = {event["action"] for event in events}
        if "akte_deleted" in actions or is_held(events):
            continue  # emptied already, or under legal hold
        ended = akte.retention_until is not None and akte.retention_until < as_of
        if akte.archive_decision == "V" and ended:
            decision = (
                f"Archiv: vernichten (V, Prozess {akte.process_id}); Aufbewahrungsfrist "
                f"bis {akte.retention_until:%d.%m.%Y} abgelaufen"
            )
            found.append(Decided(akte, decision))
        elif akte.archive_decision == "A" and "archived" in actions:
            imported = [e for e in events if e["action"] == "archived"][-1]
            found.append(
                Decided(
                    akte,
                    f"Archiv: übernommen (A, Prozess {akte.process_id}, Archivkennung "
                    f"{imported.get('archive_id') or '–'})",
                )
            )
    return found


def delete(
    register: AktenRegister,
    store: ObjectStore,
    remove_from_index: Callable[[Sequence[str]], None],
    decided: Decided,
    *,
    actor: str,
) -> list[str]:
    """Delete the Akte's Dokumente (logged first, one entry each); returns their ids."""
    if not isinstance(store, OriginalEraser):
        raise ConfigurationError("Dieser Speicher kann keine Originale löschen")
    akte = decided.akte
    logged = {
        entry["record_id"]
        for entry in register.events_of(DELETED)
        if entry["aktenzeichen"] == akte.aktenzeichen
    }
    removed = []
    for document in register.documents(akte.aktenzeichen):
        record_id = document.record_id
        if record_id not in logged:
            manifest = records.load_manifest(store, record_id)
            register.log(
                akte.aktenzeichen,
                DELETED,
                actor=actor,
                record_id=record_id,
                sha256=record_id,
                original_filename=manifest.original_filename if manifest else None,
                received_on=document.received_on.isoformat(),
                decision=decided.decision,
            )
        store.delete_original(record_id)
        for key in _derived_keys(store, record_id):
            store.delete_derived(key)
        removed.append(record_id)
    remove_from_index(removed)
    register.log(akte.aktenzeichen, "akte_deleted", actor=actor, documents=len(removed))
    return removed


def _derived_keys(store: ObjectStore, record_id: str) -> list[str]:
    """The manifest, reports, renditions, review and quarantine entries of a Dokument."""
    keys = [
        records.manifest_key(record_id),
        records.signature_report_key(record_id),
        records.quarantine_key(record_id),
        *(review.review_key(kind, record_id) for kind in review.KINDS),
    ]
    keys += list(store.list_derived(f"renditions/{record_id}"))
    return keys
