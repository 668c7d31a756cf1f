"""The first step of every scheduler: keep the input's bytes, and tell a new record from
a known one and from a second copy within the same batch.

A detached signature (``brief.pdf.p7s``) arrives beside the document it signs
(``brief.pdf``): the convention of German e-government (OSCI, beA) and of every mail
client that sends detached signatures. Intake stores that document too and links the
pair both ways (``signs`` on the signature, ``detached_signature`` on the document), so
every scheduler validates the pair from the store alone, and the same signature bytes
beside a different (say, altered) document give that document its own verdict.
"""

from __future__ import annotations

from pathlib import Path

from eakte import outcome, pipeline
from eakte.context import Context
from eakte.outcome import FileOutcome
from eakte.record import Channel, Manifest

DETACHED_SUFFIX = ".p7s"


class BatchIntake:
    """Stores originals for one batch; remembers the later copies of a record in it,
    recorded as duplicate events once the first copy is finished."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._seen: dict[str, list[Path]] = {}  # record id -> later copies in this batch

    def receive(self, path: Path, channel: Channel) -> FileOutcome | Manifest:
        """The new record's manifest, or the outcome for a duplicate or unreadable path."""
        if not path.is_file():  # a FIFO or device would block or never end
            return outcome.unreadable(path, OSError(0, "keine reguläre Datei"))
        try:
            links = self._signed(path)
            received = pipeline.store_original(path, self.ctx, channel, links)
        except OSError as exc:
            return outcome.unreadable(path, exc)
        manifest = received.manifest
        if received.duplicate:
            pipeline.record_duplicate(manifest, path, self.ctx)
            return outcome.duplicate(path, manifest, verdict_applies=_same_pairing(manifest, links))
        if manifest.id in self._seen:
            self._seen[manifest.id].append(path)
            return outcome.duplicate(path, None, manifest.id)
        self._seen[manifest.id] = []
        return manifest

    def with_later_copies(self, manifest: Manifest) -> Manifest:
        """The manifest with one duplicate event per later copy in this batch."""
        for path in self._seen.pop(manifest.id, []):
            manifest = manifest.with_event(pipeline.duplicate_event(path))
        return manifest

    def _signed(self, path: Path) -> dict[str, str]:
        """``signs``: the stored document a detached signature file signs, if beside it;
        ``detached_signature``: the stored ``.p7s`` beside a document. Both ends of the
        pair are linked, so each record is validated with its own partner."""
        if path.suffix.lower() == DETACHED_SUFFIX:
            field, partner = "signs", path.with_name(path.name[: -len(DETACHED_SUFFIX)])
        else:
            field, partner = "detached_signature", path.with_name(path.name + DETACHED_SUFFIX)
        if not partner.is_file():
            return {}
        try:
            with open(partner, "rb") as source:
                return {field: self.ctx.store.put_original(source).sha256}
        except OSError:
            return {}  # unreadable: the verdict will say the signed content is missing


def _same_pairing(known: Manifest, links: dict[str, str]) -> bool:
    """A stored detached signature's verdict is about the document it was stored with;
    beside another document (say, an altered copy) it says nothing about that one, whose
    own line in the batch carries its verdict."""
    signs = links.get("signs")
    return signs is None or known.fields.get("signs") == signs
