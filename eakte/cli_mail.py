"""``eakte watch-mail``: the e-mail intake, polling one IMAP folder.

Each message is ingested like a file (channel ``email``) and leaves the folder only once
its original is stored (``ingest.mailbox`` explains why that is exactly once). A message
that comes back after a crash is a duplicate; its record is indexed again before the
move, because the runner writes the index only at the end of a run, and a run cut short
there would otherwise leave the record out of search for good.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from eakte import records
from eakte.context import Context
from eakte.errors import Transient
from eakte.outcome import FileOutcome
from eakte.settings import load_settings
from eakte.shutdown import stop_on_sigterm
from eakte.wiring import build_context, build_runner, check_installation
from ingest.mailbox import poll_mailbox

err = Console(stderr=True, soft_wrap=True)


@dataclass
class MailDelivery:
    """The ``deliver`` callback of the mailbox: ingest one message, say what became of it.

    Returns True when the original is kept in the store (stored, duplicate or
    quarantined), which is what allows the mailbox to move the message away."""

    ctx: Context
    quarantined: bool = False

    def __call__(self, path: Path) -> bool:
        runner = build_runner(self.ctx, lambda n: None)
        outcomes = [o for o in runner.ingest([path], "email") if o.path == str(path)]
        if runner.stats.index_error:
            err.print(f"[yellow]Suchindex {escape(runner.stats.index_error)}[/]")
        for outcome in outcomes:
            self.quarantined |= outcome.status == "quarantined"
            err.print(describe(path, outcome, self._subject(outcome.id)), highlight=False)
        return any(outcome.id for outcome in outcomes)

    def _subject(self, record_id: str | None) -> str | None:
        manifest = records.load_manifest(self.ctx.store, record_id) if record_id else None
        mail = manifest.fields.get("mail") if manifest is not None else None
        subject = mail.get("subject") if isinstance(mail, dict) else None
        return subject if isinstance(subject, str) else None


def describe(path: Path, outcome: FileOutcome, subject: str | None) -> str:
    """One line per message, in German, with rich markup escaped."""
    name = f"E-Mail {path.stem}" + (f" „{subject}“" if subject else "")
    short = f" ({outcome.id[:12]})" if outcome.id else ""
    parts = len(outcome.parts or [])
    attachments = {0: "", 1: ", 1 Anhang"}.get(parts, f", {parts} Anhänge")
    if outcome.status == "stored":
        return escape(f"gespeichert: {name}{short}{attachments}")
    if outcome.status == "duplicate":
        return escape(f"schon vorhanden: {name}{short}")
    reason = outcome.error or "In Quarantäne genommen"
    kept = "abgewiesen" if outcome.id else "nicht übernommen (bleibt im Postfach)"
    return "[red]" + escape(f"{kept}:") + "[/] " + escape(f"{name}{short}: {reason}")


def watch_mailbox(ctx: Context, *, once: bool, stop: threading.Event) -> bool:
    """Poll until stopped (or once); True if some message ended in quarantine."""
    delivery = MailDelivery(ctx)
    while True:
        try:
            poll_mailbox(ctx.settings, delivery)
        except Transient as exc:
            if once:
                raise
            err.print(
                f"[yellow]vorübergehender Fehler:[/] {escape(exc.message)} – neuer Versuch "
                f"in {ctx.settings.imap_poll_seconds:g} s"
            )
        if once or stop.wait(ctx.settings.imap_poll_seconds):
            return delivery.quarantined


@click.command("watch-mail")
@click.option("--once", is_flag=True, help="Das Postfach einmal abrufen, dann beenden.")
def watch_mail(once: bool) -> None:
    """Ein IMAP-Postfach abrufen und jede E-Mail mit ihren Anhängen übernehmen.

    Abgerufen wird EAKTE_IMAP_FOLDER alle EAKTE_IMAP_POLL_SECONDS Sekunden; eine
    Nachricht kommt erst nach EAKTE_IMAP_PROCESSED_FOLDER, wenn ihr Original gespeichert
    ist. Eine nach einem Absturz erneut abgerufene Nachricht wird als schon vorhanden
    erkannt und nicht doppelt angelegt."""
    settings = load_settings()
    check_installation(settings)  # exit 2 before any file is touched
    ctx = build_context(settings)
    with stop_on_sigterm() as stop:
        try:
            settings = ctx.settings
            where = f"{settings.imap_user}@{settings.imap_host}:{settings.imap_port}"
            err.print(
                escape(f"Rufe {where}/{settings.imap_folder} ab")
                + ("" if once else f" (alle {settings.imap_poll_seconds:g} s)")
            )
            quarantined = watch_mailbox(ctx, once=once, stop=stop)
        finally:
            ctx.index.close()
    if stop.is_set():
        err.print("Abruf beendet.")
    if quarantined and once:
        sys.exit(1)
