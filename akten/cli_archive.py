"""`eakte aussonderung …`: offer due Akten to the archive (xdomea 0501), read its
appraisal (0502), hand over what it takes (0503)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from akten.cli import actor, emit, register
from eakte import wording
from eakte.settings import load_settings

if TYPE_CHECKING:  # lxml is imported by the commands that write or read messages
    from akten.xdomea import Party

_FOLDER = click.Path(file_okay=False, path_type=Path)


def _parties(options: dict[str, Any]) -> tuple[Party, Party]:
    from akten.xdomea import Party

    return (
        Party(options["sender_code"], options["sender"]),
        Party(options["archive_code"], options["archive"]),
    )


def party_options(command: Any) -> Any:
    """Who sends and who receives, as the archive knows them (Behördenkennung)."""
    for option in reversed(
        [
            click.option(
                "--absender",
                "sender",
                default="Stadtverwaltung",
                show_default=True,
                help="Name der abgebenden Stelle.",
            ),
            click.option(
                "--absender-kennung",
                "sender_code",
                default="eakte",
                show_default=True,
                help="Behördenkennung der abgebenden Stelle.",
            ),
            click.option(
                "--archiv",
                "archive",
                default="Stadtarchiv",
                show_default=True,
                help="Name des Archivs.",
            ),
            click.option(
                "--archiv-kennung",
                "archive_code",
                default="archiv",
                show_default=True,
                help="Behördenkennung des Archivs.",
            ),
        ]
    ):
        command = option(command)
    return command


@click.group()
def aussonderung() -> None:
    """Akten nach Ablauf der Aufbewahrungsfrist dem Archiv anbieten und abgeben (xdomea)."""


@aussonderung.command("faellig")
@click.option(
    "--stichtag",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Fällig ist, wessen Frist vor diesem Tag endete (Standard: heute).",
)
@click.option("--json", "as_json", is_flag=True)
def faellig(stichtag: Any, as_json: bool) -> None:
    """Geschlossene Akten auflisten, deren Aufbewahrungsfrist abgelaufen ist."""
    from akten.cli import describe

    as_of = stichtag.date() if stichtag else date.today()
    with register() as akten:
        due = akten.due(as_of)
    if as_json:
        emit([akte.to_json() for akte in due])
        return
    if not due:
        click.echo(f"Zum {as_of:%d.%m.%Y} ist keine Akte fällig.", err=True)
    for akte in due:
        decision = f"  Archiv: {akte.archive_decision}" if akte.archive_decision else ""
        click.echo(f"{describe(akte)}  Bewertung {akte.appraisal}{decision}")


@aussonderung.command("anbieten")
@click.option(
    "--stichtag",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Fällig ist, wessen Frist vor diesem Tag endete (Standard: heute).",
)
@click.option(
    "-o",
    "--ausgabe",
    "folder",
    type=_FOLDER,
    default=Path("."),
    show_default=True,
    help="Ordner für die Nachricht.",
)
@party_options
@click.option("--json", "as_json", is_flag=True)
def anbieten(stichtag: Any, folder: Path, as_json: bool, **parties: Any) -> None:
    """Das Anbieteverzeichnis (xdomea 0501) für alle fälligen Akten schreiben."""
    from akten.aussonderung import offer_due
    from eakte.wiring import build_store

    sender, recipient = _parties(parties)
    folder.mkdir(parents=True, exist_ok=True)
    as_of = stichtag.date() if stichtag else date.today()
    with register() as akten:
        written = offer_due(
            akten,
            build_store(load_settings()),
            as_of=as_of,
            sender=sender,
            recipient=recipient,
            folder=folder,
            actor=actor(),
        )
    _report(written, as_json, "angeboten")


@aussonderung.command("bewertung")
@click.argument("message", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
def bewertung(message: Path, as_json: bool) -> None:
    """Die Bewertung des Archivs (xdomea 0502) übernehmen: A archivwürdig, V vernichten."""
    from akten.aussonderung import FINAL_DECISIONS, apply_appraisal

    with register() as akten:
        applied = apply_appraisal(akten, message.read_bytes(), actor=actor())
    if as_json:
        emit(applied)
        return
    for aktenzeichen, code in applied.items():
        click.echo(f"{aktenzeichen}\t{code} ({FINAL_DECISIONS[code]})")


@aussonderung.command("abgeben")
@click.option(
    "-o",
    "--ausgabe",
    "folder",
    type=_FOLDER,
    default=Path("."),
    show_default=True,
    help="Ordner für die Nachricht.",
)
@click.option("--prozess", "process_id", help="ProzessID, wenn mehrere Aussonderungen offen sind.")
@party_options
@click.option("--json", "as_json", is_flag=True)
def abgeben(folder: Path, process_id: str | None, as_json: bool, **parties: Any) -> None:
    """Das Abgabepaket (xdomea 0503: ZIP mit Nachricht und Originalen) für die als
    archivwürdig bewerteten Akten schreiben."""
    from akten.aussonderung import hand_over
    from eakte.wiring import build_store

    sender, recipient = _parties(parties)
    folder.mkdir(parents=True, exist_ok=True)
    with register() as akten:
        written = hand_over(
            akten,
            build_store(load_settings()),
            sender=sender,
            recipient=recipient,
            folder=folder,
            actor=actor(),
            process_id=process_id,
        )
    _report(written, as_json, "abgegeben")


def _report(written: Any, as_json: bool, verb: str) -> None:
    if as_json:
        emit({"process_id": written.process_id, "path": str(written.path), "akten": written.akten})
        return
    click.echo(str(written.path))
    click.echo(
        f"{wording.akten(len(written.akten))} {verb} (Prozess {written.process_id}): "
        + ", ".join(written.akten),
        err=True,
    )


@aussonderung.command("bestaetigung")
@click.argument("message", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
def bestaetigung(message: Path, as_json: bool) -> None:
    """Eine Bestätigung des Archivs übernehmen: 0504 (Anbietung erhalten) oder 0506
    (Abgabe übernommen; erst danach dürfen die Dokumente gelöscht werden)."""
    from akten.aussonderung import apply_confirmation

    with register() as akten:
        confirmed = apply_confirmation(akten, message.read_bytes(), actor=actor())
    if as_json:
        emit(confirmed)
        return
    for aktenzeichen, what in confirmed.items():
        click.echo(f"{aktenzeichen}\t{what}")


@aussonderung.command("loeschen")
@click.option(
    "--stichtag",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Aufbewahrungsfristen, die vor diesem Tag endeten, gelten als abgelaufen (heute).",
)
@click.option("--json", "as_json", is_flag=True)
def loeschen(stichtag: Any, as_json: bool) -> None:
    """Die Dokumente der Akten löschen, die das Archiv übernommen (0506) oder zur
    Vernichtung bewertet hat (V, nach Ablauf der Frist); jede Löschung steht vorher im
    Löschprotokoll."""
    from akten.deletion import deletable, delete
    from eakte.wiring import build_context

    as_of = stichtag.date() if stichtag else date.today()
    ctx = build_context(load_settings())
    done: dict[str, list[str]] = {}
    try:
        with register() as akten:
            for decided in deletable(akten, as_of):
                done[decided.akte.aktenzeichen] = delete(
                    akten, ctx.store, ctx.index.delete, decided, actor=actor()
                )
    finally:
        ctx.index.close()
    if as_json:
        emit(done)
        return
    if not done:
        click.echo("Nichts zu löschen.", err=True)
    for aktenzeichen, removed in done.items():
        click.echo(f"{aktenzeichen}: {wording.documents(len(removed))} gelöscht")


@aussonderung.command("loeschprotokoll")
@click.option("--json", "as_json", is_flag=True)
def loeschprotokoll(as_json: bool) -> None:
    """Das Löschprotokoll: welches Dokument wann auf wessen Entscheidung gelöscht wurde,
    mit seiner SHA-256-Prüfsumme."""
    from akten.deletion import DELETED

    with register() as akten:
        entries = akten.events_of(DELETED)
    if as_json:
        emit(entries)
        return
    if not entries:
        click.echo("Noch nichts gelöscht.", err=True)
    for entry in entries:
        click.echo(
            f"{entry['at']}  {entry['aktenzeichen']}  {entry.get('original_filename') or '–'}  "
            f"SHA-256 {entry['sha256']}  von {entry['actor']}: {entry['decision']}"
        )
