"""A person assigns a Dokument to a department or marks it restricted: stored in the
manifest (with an event naming who) and in the index at once, so search visibility
follows the correction without a reindex."""

from __future__ import annotations

from eakte.context import Context
from eakte.errors import InputRejected
from eakte.indexing import index_document
from eakte.pipeline import save_manifest
from eakte.record import Event, Manifest


def assign(
    ctx: Context,
    manifest: Manifest,
    *,
    department: str | None = None,
    restricted: bool | None = None,
    who: str = "cli",
) -> Manifest:
    """Change the department and/or the restricted flag; None leaves a value as it is."""
    if manifest.status != "stored":
        raise InputRejected("Nur gespeicherte Dokumente können zugeordnet werden")
    update: dict[str, object] = {}
    changes: dict[str, object] = {}
    if department is not None and department != manifest.department:
        update["assigned_department"] = department
        changes["department"] = {"from": manifest.department, "to": department}
    if restricted is not None and restricted != manifest.restricted:
        update["restricted"] = restricted
        changes["restricted"] = {"from": manifest.restricted, "to": restricted}
    if not update:
        return manifest
    words = []
    if "department" in changes:
        words.append(f"Abteilung {manifest.department or '–'} → {department}")
    if "restricted" in changes:
        words.append("vertraulich" if restricted else "nicht mehr vertraulich")
    event = Event(
        kind="assigned", message="Zuordnung: " + ", ".join(words), details={**changes, "by": who}
    )
    saved = save_manifest(manifest.model_copy(update=update).with_event(event), ctx)
    ctx.index.upsert([index_document(saved)])
    return saved
