"""Work on stored records after ingest: validate signatures again, add long-term
validation copies, rebuild the index. Each reads the store, the system of record, and
never touches an original."""

from __future__ import annotations

import hashlib

from eakte import index_catchup
from eakte.context import Context
from eakte.errors import ToolFailed, Transient, UnsupportedType
from eakte.indexing import all_stored_documents, index_document, stored_documents
from eakte.pipeline import check_signatures, handler_of, save_manifest
from eakte.ports import GroupSync
from eakte.record import Event, Manifest
from eakte.records import rendition_key


def reverify(ctx: Context, manifest: Manifest) -> Manifest:
    """`eakte verify`: validate again with today's trust data, keep the history as events."""
    before = manifest.signature.verdict if manifest.signature else None
    checked = check_signatures(manifest, ctx)
    after = checked.signature.verdict if checked.signature else None
    event = Event(
        kind="signature_verified",
        message=f"Signaturen erneut geprüft: {after}",
        details={"before": before, "after": after},
    )
    saved = save_manifest(checked.with_event(event), ctx)
    if saved.status == "stored":
        ctx.index.upsert([index_document(saved)])
    return saved


def augment_for_archive(ctx: Context, manifest: Manifest) -> Manifest:
    """`eakte augment`: store a long-term-validation copy beside the original, which
    stays as it is (its hash is the record's identity)."""
    if handler_of(manifest, ctx).signature_format != "pdf":
        raise UnsupportedType("Nur signierte PDFs können für die Langzeitprüfung ergänzt werden")
    with ctx.store.original_path(manifest.id) as path:
        augmented = ctx.signatures.augment(path)
    key = rendition_key(manifest.id, "ltv.pdf")
    ctx.store.put_derived(key, augmented)
    event = Event(
        kind="rendition",
        message="Kopie mit Validierungsdaten für die Langzeitprüfung abgelegt",
        details={"key": key, "sha256": hashlib.sha256(augmented).hexdigest()},
    )
    renditions = {**manifest.renditions, "ltv.pdf": key}
    return save_manifest(
        manifest.model_copy(update={"renditions": renditions}).with_event(event), ctx
    )


def reindex(ctx: Context) -> int:
    """Rebuild the index from the manifests in the store, the system of record: read
    and parsed on every core (``EAKTE_WORKERS``), written by one writer. It closes the
    gap of any run that crashed before it began, so their markers go."""
    crashed = index_catchup.dead_runs(ctx.store)
    count = ctx.index.rebuild(all_stored_documents(ctx.store, workers=ctx.settings.workers))
    for key in crashed:
        ctx.store.delete_derived(key)
    return count


def make_durable(ctx: Context) -> None:
    """What the store was given so far reaches the disk (a store that groups its syncs,
    ``GroupSync``, postpones it to the end of a batch): before an input leaves the inbox."""
    if isinstance(ctx.store, GroupSync):
        ctx.store.sync()


def index_again(ctx: Context, record_ids: list[str]) -> str | None:
    """Upsert these stored records into the index now (idempotent, keyed by id); the
    German warning to show when the index cannot be reached, else None. The watchers
    call it before a file leaves the inbox, so a filed letter is always findable."""
    documents = stored_documents(ctx.store, record_ids)
    if not documents:
        return None
    make_durable(ctx)  # the index never names a record the store could still lose
    try:
        ctx.index.upsert(documents)
    except (Transient, ToolFailed) as exc:
        return (
            f"Suchindex nicht aktualisiert: {exc.message} – das Dokument ist gespeichert; "
            "bitte `eakte reindex` ausführen"
        )
    return None
