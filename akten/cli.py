"""`eakte akte …` and `eakte ablegen`: Akten opened, shown, listed and closed, and
Dokumente filed by hand, from the terminal (German for people, ``--json`` for scripts)."""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

import click

from akten.model import STATUS_WORDS, Akte
from akten.plan import APPRAISALS
from eakte import wording
from eakte.settings import load_settings

if TYPE_CHECKING:  # SQLAlchemy costs a third of a second: only the commands import it
    from akten.registry import AktenRegister


@contextmanager
def register() -> Iterator[AktenRegister]:
    """The Akten register on the accounts database (``EAKTE_DATABASE_URL``)."""
    from accounts.db import open_database
    from akten.plan import load_plan
    from akten.registry import AktenRegister

    settings = load_settings()
    database = open_database(settings.web.database)
    try:
        yield AktenRegister(database, load_plan(settings.document_types_file))
    finally:
        database.close()


def actor() -> str:
    """Who ran the command, for the filing and Akte events."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def emit(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, default=str))


def describe(akte: Akte) -> str:
    line = f"{akte.aktenzeichen}  {akte.title}  [{STATUS_WORDS.get(akte.status, akte.status)}]"
    if akte.retention_until:
        line += f"  aufzubewahren bis {akte.retention_until:%d.%m.%Y}"
    return line


@click.group()
def akte() -> None:
    """Akten anlegen, anzeigen, auflisten und schließen."""


@akte.command("anlegen")
@click.option("--position", help="Aktenplanposition, z. B. 632.1")
@click.option("--titel", "title", required=True, help="Betreff der Akte")
@click.option(
    "--aktenzeichen", help="Ein vorhandenes Aktenzeichen übernehmen (Papierakte), sonst vergeben."
)
@click.option("--json", "as_json", is_flag=True)
def anlegen(position: str | None, title: str, aktenzeichen: str | None, as_json: bool) -> None:
    """Eine Akte unter einer Aktenplanposition anlegen; das Aktenzeichen (Position-Jahr/
    laufende Nummer) wird vergeben."""
    if not position and not aktenzeichen:
        raise click.UsageError("--position oder --aktenzeichen angeben.")
    with register() as akten:
        created = akten.open(position, title, actor=actor(), aktenzeichen=aktenzeichen)
    if as_json:
        emit(created.to_json())
        return
    click.echo(created.aktenzeichen)
    click.echo(f"Akte {created.aktenzeichen} angelegt ({created.department}).", err=True)


@akte.command("zeigen")
@click.argument("aktenzeichen")
@click.option("--json", "as_json", is_flag=True)
def zeigen(aktenzeichen: str, as_json: bool) -> None:
    """Eine Akte mit Vorgängen, Dokumenten und Verlauf anzeigen."""
    from eakte.records import load_manifest
    from eakte.wiring import build_store

    with register() as akten:
        found = akten.get(aktenzeichen)
        vorgaenge = akten.vorgaenge(found.aktenzeichen)
        documents = akten.documents(found.aktenzeichen)
        events = akten.events(found.aktenzeichen)
    store = build_store(load_settings())
    names = {
        d.record_id: manifest.original_filename if manifest else "(gelöscht)"
        for d in documents
        for manifest in [load_manifest(store, d.record_id)]
    }
    if as_json:
        emit(
            {
                **found.to_json(),
                "vorgaenge": [
                    {"number": v.number, "title": v.title, "opened_on": v.opened_on.isoformat()}
                    for v in vorgaenge
                ],
                "documents": [
                    {**d.to_json(), "original_filename": names[d.record_id]} for d in documents
                ],
                "events": events,
            }
        )
        return
    click.echo(describe(found))
    click.echo(f"  Aktenplan {found.position}, {found.department}")
    click.echo(f"  Bewertung: {found.appraisal} ({APPRAISALS[found.appraisal]})")
    click.echo(f"  geöffnet {found.opened_on:%d.%m.%Y}")
    for vorgang in vorgaenge:
        click.echo(f"  Vorgang {vorgang.number}: {vorgang.title}")
    if not documents:
        click.echo("  noch keine Dokumente")
    for document in documents:
        where = f" (Vorgang {document.vorgang})" if document.vorgang else ""
        click.echo(
            f"  Dokument {document.record_id[:12]} {names[document.record_id]}{where}, "
            f"eingegangen {document.received_on:%d.%m.%Y}"
        )


@akte.command("liste")
@click.option("--offen", "status", flag_value="open", help="Nur offene Akten.")
@click.option("--geschlossen", "status", flag_value="closed", help="Nur geschlossene Akten.")
@click.option("--position", default=None, help="Nur Akten dieser Aktenplanposition.")
@click.option("--json", "as_json", is_flag=True)
def liste(status: str | None, position: str | None, as_json: bool) -> None:
    """Akten auflisten, nach Aktenzeichen geordnet."""
    with register() as akten:
        found = akten.listing(status=status, position=position)
    if as_json:
        emit([a.to_json() for a in found])
        return
    if not found:
        click.echo("Keine Akten.", err=True)
    for item in found:
        click.echo(describe(item))


@akte.command("schliessen")
@click.argument("aktenzeichen")
@click.option("--datum", type=click.DateTime(["%Y-%m-%d"]), help="Schließungsdatum (heute).")
@click.option("--json", "as_json", is_flag=True)
def schliessen(aktenzeichen: str, datum: Any, as_json: bool) -> None:
    """Eine Akte schließen (zdA); die Aufbewahrungsfrist jedes Dokuments wird aus der
    Aktenplanposition berechnet und im Objektspeicher als Sperrfrist gesetzt. Mit
    Zeitstempeldienst (EAKTE_TSA_URL) entsteht zugleich der Beweisdatensatz (RFC 4998)."""
    from akten.manual import close_akte, closing_facts
    from eakte.wiring import build_store
    from evidence.tsa import optional_stamper

    settings = load_settings()
    closed_on: date | None = datum.date() if datum else None
    with register() as akten:
        done = close_akte(
            build_store(settings), akten, aktenzeichen, actor=actor(), closed_on=closed_on,
            stamper=optional_stamper(settings.tsa_url),
        )  # fmt: skip
    closed, locked = done.akte, done.locked
    if as_json:
        emit({**closed.to_json(), **closing_facts(done)})
        return
    click.echo(describe(closed))
    click.echo(
        f"Akte geschlossen; {wording.documents(done.documents)} aufzubewahren bis "
        f"{closed.retention_until:%d.%m.%Y}"
        + (f", im Objektspeicher gesperrt: {locked}." if locked else "."),
        err=True,
    )
    if done.evidence is not None:
        click.echo(f"Beweisdatensatz (RFC 4998): {done.evidence} Datenobjekte.", err=True)
    else:
        click.echo(done.evidence_note, err=True)


@akte.command("sperrfrist")
@click.argument("aktenzeichen")
def sperrfrist(aktenzeichen: str) -> None:
    """Die Sperrfrist der Originale einer geschlossenen Akte im Objektspeicher erneut
    setzen (nur verlängern, nie verkürzen), z. B. nach einer Störung beim Schließen."""
    from akten.manual import relock
    from eakte.wiring import build_store

    with register() as akten:
        documents = akten.documents(akten.get(aktenzeichen).aktenzeichen)
    locked = relock(build_store(load_settings()), aktenzeichen, documents)
    click.echo(f"{wording.originals(locked)} gesperrt.", err=True)


@akte.command("sperren")
@click.argument("aktenzeichen")
@click.option("--aufheben", is_flag=True, help="Die Sperre wieder aufheben.")
@click.option("--grund", default="", help="Warum (z. B. Az. des Gerichtsverfahrens).")
def sperren(aktenzeichen: str, aufheben: bool, grund: str) -> None:
    """Eine Akte sperren (Rechtsstreit): sie wird auch nach Ablauf der Frist nicht
    gelöscht, im Objektspeicher hält eine Legal-Hold-Sperre jedes Original."""
    from akten.hold import set_hold
    from eakte.wiring import build_store

    with register() as akten:
        held = set_hold(
            akten,
            build_store(load_settings()),
            aktenzeichen,
            not aufheben,
            actor=actor(),
            reason=grund,
        )
    state = "entsperrt" if aufheben else "gesperrt"
    click.echo(
        f"Akte {aktenzeichen} {state}; im Objektspeicher: {wording.originals(held)}.", err=True
    )


@akte.command("vorgang")
@click.argument("aktenzeichen")
@click.argument("titel")
def vorgang(aktenzeichen: str, titel: str) -> None:
    """Einen Vorgang in einer offenen Akte anlegen."""
    with register() as akten:
        created = akten.add_vorgang(aktenzeichen, titel, actor=actor())
    click.echo(created.number)
    click.echo(f"Vorgang {created.number} angelegt.", err=True)


@click.command("ablegen")
@click.argument("dokument")
@click.argument("aktenzeichen")
@click.option("--vorgang", "vorgang_number", type=click.IntRange(1), help="Nummer des Vorgangs.")
@click.option("--grund", default="", help="Warum (z. B. Korrektur einer falschen Ablage).")
@click.option("--json", "as_json", is_flag=True)
def ablegen(
    dokument: str, aktenzeichen: str, vorgang_number: int | None, grund: str, as_json: bool
) -> None:
    """Ein Dokument (Kennung oder eindeutiger Anfang) in eine Akte ablegen. Eine falsche
    Ablage wird so korrigiert: die neue gilt, die alte bleibt im Verlauf."""
    from akten.manual import file_by_hand
    from eakte.retrieval import get_manifest
    from eakte.wiring import build_context

    ctx = build_context(load_settings())
    try:
        manifest = get_manifest(ctx, dokument)
        with register() as akten:
            filing, before = file_by_hand(
                ctx,
                akten,
                manifest,
                aktenzeichen,
                actor=actor(),
                reason=grund,
                vorgang=vorgang_number,
            )
    finally:
        ctx.index.close()
    if as_json:
        emit({**filing.to_json(), "before": before})
        return
    moved = f" (vorher {before})" if before and before != filing.aktenzeichen else ""
    click.echo(
        f"Dokument {manifest.id[:12]} in Akte {filing.aktenzeichen} abgelegt{moved}.", err=True
    )
