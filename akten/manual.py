"""Filing a Dokument by hand and closing an Akte, the one way the CLI (`eakte ablegen`,
`eakte akte schliessen`) and the web service share: a filing reaches the register, the
Dokument's manifest and the index at once (an Akte of a restricted position restricts
its Dokumente); a closing reaches the register and the object store's retention lock."""

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

DEFAULT_REASON = "von Hand abgelegt"


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


def close_akte(
    store: ObjectStore,
    akten: AktenRegister,
    aktenzeichen: str,
    *,
    actor: str,
    closed_on: date | None = None,
) -> Closed:
    """Close the Akte and extend its originals' lock in the object store to their
    retention end (never shortened). A lock that fails leaves the Akte closed and says
    how to set the lock again."""
    closed = akten.close(aktenzeichen, actor=actor, closed_on=closed_on)
    documents = akten.documents(closed.aktenzeichen)
    return Closed(closed, len(documents), relock(store, closed.aktenzeichen, documents))


def relock(store: ObjectStore, aktenzeichen: str, documents: Sequence[FiledDocument]) -> int:
    try:
        return lock_retention(store, documents)
    except EakteError as exc:
        raise EakteError(
            f"Akte {aktenzeichen} ist geschlossen, aber die Sperrfrist im Objektspeicher "
            f"wurde nicht verlängert ({exc.message}); erneut mit "
            f"`eakte akte sperrfrist {aktenzeichen}`"
        ) from exc
