"""`eakte archiv …`: the archive's description of its records, from and to the CSV
table it keeps, and a Bestand as EAD 2002 for the archive portals."""

from __future__ import annotations

import dataclasses
import getpass
import json
import sys
from datetime import date
from pathlib import Path

import click

from eakte.errors import InputRejected, RecordNotFound, ToolFailed
from eakte.wiring import open_context
from eakte.wording import documents

_FILE = click.Path(dir_okay=False, path_type=Path)
_EXISTING = click.Path(exists=True, dir_okay=False, path_type=Path)


def actor() -> str:
    """Who ran the command, for the manifest's event."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


@click.group()
def archiv() -> None:
    """Archivische Erschließung (Stadtarchiv): Verzeichnung aus CSV übernehmen und
    ausgeben, Bestände als EAD 2002 für Archivportal-D ausgeben."""


@archiv.command("import")
@click.argument("table", metavar="DATEI", type=_EXISTING)
@click.option("--json", "as_json", is_flag=True, help="Ergebnis je Zeile als JSON.")
def import_command(table: Path, as_json: bool) -> None:
    """Verzeichnungsangaben aus einer CSV-Tabelle übernehmen (eine Zeile je Dokument,
    zugeordnet über die Spalte Dateiname; Spalten Bestand, Signatur, Titel, Datierung,
    Ort, Umfang, Sperre, Rechte; Trennzeichen ; oder , UTF-8 oder Windows-1252)."""
    from archival.batch import import_table

    with open_context() as ctx:
        report = import_table(ctx, table.read_bytes(), who=actor(), source=table.name)
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(report), ensure_ascii=False))
    else:
        for result in [*report.problems, *report.warnings]:
            click.echo(result.message, err=True)
        if report.ignored_columns:
            click.echo(f"Nicht übernommene Spalten: {', '.join(report.ignored_columns)}", err=True)
        click.echo(
            f"{documents(len(report.attached))} erschlossen, {len(report.unchanged)} unverändert, "
            f"{len(report.problems)} Zeilen nicht zugeordnet "
            f"(Trennzeichen „{report.delimiter}“, Kodierung {report.encoding}).",
            err=True,
        )
    if report.problems:
        sys.exit(1)


@archiv.command("export")
@click.argument("output", metavar="DATEI", type=_FILE)
@click.option("--bestand", "holding", help="Nur diesen Bestand ausgeben.")
@click.option(
    "--trennzeichen",
    "delimiter",
    type=click.Choice([";", ","]),
    default=";",
    show_default=True,
    help="Spaltentrenner.",
)
@click.option(
    "--kodierung",
    "encoding",
    type=click.Choice(["utf-8-sig", "utf-8", "cp1252"]),
    default="utf-8-sig",
    show_default=True,
    help="utf-8-sig: UTF-8 mit BOM (für Tabellenprogramme); cp1252: Windows-1252.",
)
def export_command(output: Path, holding: str | None, delimiter: str, encoding: str) -> None:
    """Die Verzeichnungsangaben als CSV-Tabelle ausgeben, in der Form, die `archiv
    import` liest (nach Bestand und Signatur sortiert)."""
    from archival.batch import described, export_table

    with open_context() as ctx:
        try:
            data = export_table(ctx.store, holding, delimiter=delimiter, encoding=encoding)
        except UnicodeEncodeError as exc:
            raise InputRejected(
                f"Zeichen „{exc.object[exc.start : exc.end]}“ gibt es in {encoding} nicht; "
                "--kodierung utf-8-sig verwenden"
            ) from exc
        count = len(described(ctx.store, holding))
    output.write_bytes(data)
    click.echo(f"{documents(count)} nach {output} geschrieben.", err=True)


@archiv.command("ead")
@click.argument("holding", metavar="BESTAND")
@click.option("-o", "--output", required=True, type=_FILE, help="Zieldatei (XML).")
@click.option(
    "--archiv",
    "archive",
    default="Stadtarchiv",
    show_default=True,
    envvar="EAKTE_ARCHIV_NAME",
    help="Name des Archivs (EAKTE_ARCHIV_NAME).",
)
@click.option(
    "--isil",
    default="DE-0000",
    show_default=True,
    envvar="EAKTE_ARCHIV_ISIL",
    help="ISIL des Archivs (EAKTE_ARCHIV_ISIL), z. B. DE-2553.",
)
@click.option(
    "--basis-url",
    "base_url",
    default="http://127.0.0.1:8000",
    show_default=True,
    envvar="EAKTE_BASIS_URL",
    help="Adresse der eAkte-Weboberfläche für die Verweise auf die Dokumente.",
)
def ead_command(holding: str, output: Path, archive: str, isil: str, base_url: str) -> None:
    """Einen Bestand als EAD 2002 (Findbuch für Archivportal-D) ausgeben; die Datei wird
    vor dem Schreiben gegen das offizielle Schema geprüft. Dokumente mit laufender
    Sperre werden verzeichnet, aber ohne Verweis auf das Digitalisat."""
    from archival.batch import described
    from archival.ead import holding_ead, schema_errors

    with open_context() as ctx:
        manifests = described(ctx.store, holding)
    if not manifests:
        raise RecordNotFound(f"Keine erschlossenen Dokumente im Bestand „{holding}“")
    document = holding_ead(
        manifests, holding, archive=archive, isil=isil, base_url=base_url, today=date.today()
    )
    errors = schema_errors(document)
    if errors:
        raise ToolFailed(f"EAD entspricht nicht dem Schema EAD 2002: {errors[0]}")
    output.write_bytes(document)
    click.echo(
        f"Bestand „{holding}“: {documents(len(manifests))} als EAD nach {output} geschrieben "
        "(gegen EAD 2002 geprüft).",
        err=True,
    )
