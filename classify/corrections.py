"""A person's correction of a record's type: stored on the record (an event, the new
type marked ``corrected``) and listed for the next `eakte train`."""

from __future__ import annotations

import json

from classify.training import correction_key
from classify.types import load_types
from eakte.context import Context
from eakte.errors import InputRejected
from eakte.indexing import index_document
from eakte.pipeline import save_manifest
from eakte.record import Classification, Event, Manifest, utc_now


def correct(ctx: Context, manifest: Manifest, type_id: str, who: str = "cli") -> Manifest:
    types = load_types(ctx.settings.document_types_file)
    chosen = types.get(type_id)
    if manifest.status != "stored":
        raise InputRejected("Nur gespeicherte Dokumente können korrigiert werden")
    before = manifest.classification
    corrected = Classification(
        type=chosen.id,
        label=chosen.label,
        confidence=1.0,
        alternatives=[],
        model_version=before.model_version if before else None,
        department=chosen.department,
        aktenplan=chosen.aktenplan,
        needs_review=False,
        corrected=True,
    )
    event = Event(
        kind="corrected",
        message=f"Dokumenttyp korrigiert: {before.label if before else '–'} → {chosen.label}",
        details={"from": before.type if before else None, "to": chosen.id, "by": who},
    )
    saved = save_manifest(
        manifest.model_copy(update={"classification": corrected}).with_event(event), ctx
    )
    entry = {"type": chosen.id, "from": event.details["from"], "at": utc_now().isoformat()}
    ctx.store.put_derived(correction_key(saved.id), json.dumps(entry).encode())
    ctx.index.upsert([index_document(saved)])
    return saved
