"""A filing by hand shows on the Dokument too: its manifest gets the filing state and an
event, and the review ledger drops it, as after an automatic filing in the pipeline."""

from __future__ import annotations

from akten.model import Filing
from eakte import review
from eakte.ports import ObjectStore
from eakte.record import Event, Manifest
from eakte.records import save_manifest


def note_filing(
    store: ObjectStore, manifest: Manifest, filing: Filing, before: str | None, restricted: bool
) -> Manifest:
    state = {
        "status": "filed",
        "aktenzeichen": filing.aktenzeichen,
        "proposed_position": None,
        "reason": filing.reason,
    }
    moved = f" (vorher {before})" if before and before != filing.aktenzeichen else ""
    event = Event(
        kind="filed",
        message=f"In Akte {filing.aktenzeichen} abgelegt{moved}: {filing.reason}",
        details={
            "aktenzeichen": filing.aktenzeichen,
            "vorgang": filing.vorgang,
            "before": before,
            "by": filing.actor,
            "filing": filing.seq,
        },
    )
    update: dict[str, object] = {"fields": {**manifest.fields, "filing": state}}
    if restricted:
        update["restricted"] = True  # an Akte of a restricted position restricts its Dokumente
    saved = save_manifest(store, manifest.model_copy(update=update).with_event(event))
    review.update_ledger(store, saved)
    return saved
