"""Filing a Dokument by hand and closing an Akte, the one way the CLI (`eakte ablegen`,
`eakte akte schliessen`) and the web service share: a filing reaches the register, the
Dokument's manifest and the index at once (an Akte of a restricted position restricts
its Dokumente); a closing reaches the register, the evidence record (RFC 4998, when a
TSA is set) and the object store's retention lock."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from akten.manifests import note_filing
from akten.model import Akte, FiledDocument, Filing
from akten.registry import AktenRegister
from akten.retention import lock_retention
from eakte.context import Context
from eakte.errors import EakteError
from eakte.indexing import index_document
from eakte.ports import ObjectStore
from eakte.record import Manifest
from evidence.tsa import TimeStamper

DEFAULT_REASON = "von Hand abgelegt"
EVIDENCE_MADE, EVIDENCE_MISSING = "evidence_created", "evidence_missing"  # Akte events


def file_by_hand(
    ctx: Context,
    akten: AktenRegister,
    manifest: Manifest,
    aktenzeichen: str,
    *,
    actor: str,
    reason: str = "",
    vorgang: int | None = None,
) -> tuple[Filing, str | None]:
    """The new filing and the Aktenzeichen the Dokument was in before (None: nowhere).
    A wrong filing is corrected this way: the new one counts, the old stays in history."""
    before = akten.placement(manifest.id)
    filing = akten.file(
        manifest.id,
        aktenzeichen,
        received_on=manifest.received_at.date(),
        actor=actor,
        how="manual",
        reason=reason or DEFAULT_REASON,
        vorgang=vorgang,
    )
    restricted = akten.get(filing.aktenzeichen).restricted
    previous = before.aktenzeichen if before else None
    saved = note_filing(ctx.store, manifest, filing, previous, restricted)
    ctx.index.upsert([index_document(saved)])
    return filing, previous


@dataclass(frozen=True)
class Closed:
    akte: Akte
    documents: int
    locked: int  # originals whose object-store lock now runs to their retention end
    evidence: int | None = None  # data objects in the evidence record; None: none made
    evidence_note: str | None = None  # why none was made (German, also in the events)


def close_akte(
    store: ObjectStore,
    akten: AktenRegister,
    aktenzeichen: str,
    *,
    actor: str,
    closed_on: date | None = None,
    stamper: TimeStamper | None = None,
) -> Closed:
    """Close the Akte, make its evidence record with ``stamper`` (the TSA of
    ``EAKTE_TSA_URL``) and extend its originals' lock in the object store to their
    retention end (never shortened). Without a record or a lock the Akte stays closed:
    the events say why no record was made, an error how to set the lock again."""
    closed = akten.close(aktenzeichen, actor=actor, closed_on=closed_on)
    documents = akten.documents(closed.aktenzeichen)
    made, note = record_evidence(store, akten, closed, documents, stamper, actor=actor)
    locked = relock(store, closed.aktenzeichen, documents)
    return Closed(closed, len(documents), locked, made, note)


def closing_facts(done: Closed) -> dict[str, int | str | None]:
    """What the CLI's and the API's answers add to the closed Akte."""
    return {
        "documents": done.documents,
        "locked": done.locked,
        "evidence": done.evidence,
        "evidence_note": done.evidence_note,
    }


def record_evidence(
    store: ObjectStore,
    akten: AktenRegister,
    akte: Akte,
    documents: Sequence[FiledDocument],
    stamper: TimeStamper | None,
    *,
    actor: str,
) -> tuple[int | None, str | None]:
    """The closed Akte's evidence record (its data objects' count), or the German note,
    kept in the Akte's events, why none was made; `eakte beweis erstellen` makes it later."""
    from evidence import akte as evidence_store  # asn1crypto, pyHanko: only when closing

    later = f"nachholen mit `eakte beweis erstellen {akte.aktenzeichen}`"
    if stamper is None:
        why = "kein Zeitstempeldienst eingestellt (EAKTE_TSA_URL)"
    elif not documents:
        why = "die Akte enthält keine Dokumente"
    else:
        try:
            ids = [document.record_id for document in documents]
            objects = evidence_store.create(store, akte.uuid, akte.aktenzeichen, ids, stamper)
        except EakteError as exc:
            why = exc.message
        else:
            message = f"Beweisdatensatz (RFC 4998) über {len(objects)} Datenobjekte erstellt"
            akten.log(
                akte.aktenzeichen, EVIDENCE_MADE, actor=actor, objects=len(objects), message=message
            )
            return len(objects), None
    note = f"Kein Beweisdatensatz erstellt: {why}; {later}"
    akten.log(akte.aktenzeichen, EVIDENCE_MISSING, actor=actor, message=note)
    return None, note


def relock(store: ObjectStore, aktenzeichen: str, documents: Sequence[FiledDocument]) -> int:
    try:
        return lock_retention(store, documents)
    except EakteError as exc:
        raise EakteError(
            f"Akte {aktenzeichen} ist geschlossen, aber die Sperrfrist im Objektspeicher "
            f"wurde nicht verlängert ({exc.message}); erneut mit "
            f"`eakte akte sperrfrist {aktenzeichen}`"
        ) from exc
