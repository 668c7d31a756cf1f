"""``eakte watch DIR``: the hot folder that scanners and copiers drop their files into.

Restart safety rests on the content-addressed store, not on a journal of our own: a
file leaves the folder only after its record is final (manifest stored or quarantined),
so a file still in the folder after ``kill -9`` is simply ingested again; if its bytes
were already stored, ingest reports a duplicate and creates no second record.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from eakte import records
from eakte.context import Context
from eakte.errors import ConfigurationError, Transient
from eakte.maintenance import index_again, make_durable
from eakte.outcome import FileOutcome
from eakte.settings import load_settings
from eakte.shutdown import stop_on_sigterm
from eakte.wiring import build_context, build_runner, check_installation
from ingest import hotfolder
from ingest.hotfolder import FileState

err = Console(stderr=True, soft_wrap=True)


@dataclass(frozen=True)
class Fate:
    """Where a record's files go: ``done/``, or ``failed/`` with the reason."""

    folder: str
    reason: str | None = None


DONE = Fate(hotfolder.DONE)


@dataclass
class Sorter:
    """Moves each file once its outcome is final.

    A second copy of the same bytes within one batch is reported as a duplicate before
    the first copy is finished; it waits for the first copy's fate, because if that
    copy ends in quarantine, the second belongs in ``failed/`` too."""

    ctx: Context
    folder: Path
    taken: dict[str, FileState]
    quarantined: bool = False
    _fates: dict[str, Fate] = field(default_factory=dict)
    _waiting: dict[str, list[FileState]] = field(default_factory=lambda: defaultdict(list))

    def handle(self, outcome: FileOutcome) -> None:
        state = self.taken[outcome.path]
        if outcome.status == "duplicate" and outcome.id:
            fate = self._fates.get(outcome.id) or self._known_fate(outcome.id)
            if fate is None:
                self._waiting[outcome.id].append(state)
            else:
                self._file(state, outcome.id, fate, "schon vorhanden", outcome.part_ids)
            return
        fate = DONE if outcome.status != "quarantined" else self._failed(outcome)
        label = "gespeichert" if fate == DONE else "abgewiesen"
        self._file(state, outcome.id, fate, label, outcome.part_ids)
        if outcome.id:
            self._fates[outcome.id] = fate
            for waiting in self._waiting.pop(outcome.id, []):
                self._file(waiting, outcome.id, fate, "schon vorhanden")

    def left_in_place(self) -> list[FileState]:
        """Copies whose first copy never finished (the batch was cut short)."""
        return [state for states in self._waiting.values() for state in states]

    def _failed(self, outcome: FileOutcome) -> Fate:
        return Fate(hotfolder.FAILED, outcome.error or "In Quarantäne genommen")

    def _known_fate(self, record_id: str) -> Fate | None:
        """A stored manifest is final; anything else is the first copy still running."""
        manifest = records.load_manifest(self.ctx.store, record_id)
        return DONE if manifest is not None and manifest.status == "stored" else None

    def _file(
        self,
        state: FileState,
        record_id: str | None,
        fate: Fate,
        label: str,
        parts: list[str] | None = None,
    ) -> None:
        name = escape(state.path.name)
        if not hotfolder.is_unchanged(state):
            err.print(f"[yellow]geändert oder entfernt:[/] {name} – wird erneut geprüft")
            return
        if fate == DONE and record_id:
            # the runner writes the index once per batch: a kill before that would leave
            # a filed letter out of search for good (it comes back only as a duplicate)
            warning = index_again(self.ctx, [record_id, *(parts or [])])
            if warning:
                err.print(f"[yellow]{escape(warning)}[/]")
        make_durable(self.ctx)  # the stored original is on disk before the input moves
        try:
            target = hotfolder.move_to(state.path, self.folder / fate.folder, fate.reason)
        except FileNotFoundError:
            err.print(f"[yellow]entfernt:[/] {name}")
            return
        except OSError as exc:
            raise ConfigurationError(
                f"{state.path} lässt sich nicht nach {fate.folder}/ verschieben: "
                f"{exc.strerror or exc}"
            ) from exc
        short = f" ({record_id[:12]})" if record_id else ""
        where = escape(f"{fate.folder}/{target.name}")
        if fate.reason is None:
            err.print(f"{label}: {name} → {where}{short}")
        else:
            self.quarantined = True
            err.print(f"[red]{label}:[/] {name} → {where}{short}: {escape(fate.reason)}")


def ingest_stable(ctx: Context, folder: Path, states: list[FileState]) -> bool:
    """Ingest one poll's stable files; True if any of them went to ``failed/``."""
    sorter = Sorter(ctx, folder, {str(state.path): state for state in states})
    runner = build_runner(ctx, lambda n: None)
    try:
        for outcome in runner.ingest([state.path for state in states], "hotfolder"):
            sorter.handle(outcome)
    except Transient as exc:  # a server away for a moment: the files stay for the next poll
        err.print(f"[yellow]vorübergehender Fehler:[/] {escape(exc.message)} – neuer Versuch")
    for state in sorter.left_in_place():
        err.print(f"[yellow]zurückgestellt:[/] {escape(state.path.name)}")
    return sorter.quarantined


def watch_folder(ctx: Context, folder: Path, *, once: bool, stop: threading.Event) -> bool:
    """Poll until stopped (or, with ``once``, until nothing is left to wait for)."""
    settings = ctx.settings
    tracker = hotfolder.StabilityTracker(settings.hotfolder_stable_seconds)
    # --once: a file being written gets one stable time to finish, one to prove it (and
    # two polls, since stability needs two looks)
    wait = 2 * (settings.hotfolder_stable_seconds + settings.hotfolder_poll_seconds)
    deadline = time.monotonic() + wait
    quarantined = False
    while True:
        stable = tracker.observe(hotfolder.list_candidates(folder))
        if stable:
            quarantined |= ingest_stable(ctx, folder, stable)
        if once:
            left = hotfolder.list_candidates(folder)
            if not left:
                break
            if time.monotonic() >= deadline:
                names = ", ".join(state.path.name for state in left)
                err.print(f"[yellow]noch nicht fertig geschrieben, bleibt liegen:[/] {names}")
                break
        if stop.wait(settings.hotfolder_poll_seconds):
            break
    return quarantined


@click.command()
@click.argument(
    "folder", metavar="DIR", type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option(
    "--once",
    is_flag=True,
    help="Nur übernehmen, was jetzt fertig ist (auf Dateien im Schreiben höchstens die "
    "doppelte Ruhezeit warten), dann beenden.",
)
def watch(folder: Path, once: bool) -> None:
    """Einen Eingangsordner (Hotfolder) überwachen und fertige Dateien übernehmen.

    Eine Datei gilt als fertig, wenn Größe und Änderungszeit während der Ruhezeit
    (EAKTE_HOTFOLDER_STABLE_SECONDS) gleich bleiben. Übernommene Dateien kommen nach
    done/, abgewiesene nach failed/ mit dem Grund in <Name>.grund.txt."""
    settings = load_settings()
    check_installation(settings)  # exit 2 before any file is touched
    ctx = build_context(settings)
    with stop_on_sigterm() as stop:
        try:
            with hotfolder.exclusive(folder):
                stable, poll = (
                    ctx.settings.hotfolder_stable_seconds,
                    ctx.settings.hotfolder_poll_seconds,
                )
                err.print(
                    f"Überwache {escape(str(folder))} (Ruhezeit {stable:g} s, "
                    f"Abfrage alle {poll:g} s)"
                )
                quarantined = watch_folder(ctx, folder, once=once, stop=stop)
        finally:
            ctx.index.close()
    if stop.is_set():
        err.print("Überwachung beendet.")
    if quarantined and once:
        sys.exit(1)
