"""The first step of every scheduler: keep the input's bytes, and tell a new record from
a known one and from a second copy within the same batch."""

from __future__ import annotations

from pathlib import Path

from eakte import outcome, pipeline
from eakte.outcome import FileOutcome
from eakte.pipeline import Context
from eakte.record import Channel, Manifest


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
            received = pipeline.store_original(path, self.ctx, channel)
        except OSError as exc:
            return outcome.unreadable(path, exc)
        manifest = received.manifest
        if received.duplicate:
            pipeline.record_duplicate(manifest, path, self.ctx)
            return outcome.duplicate(path, manifest)
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
