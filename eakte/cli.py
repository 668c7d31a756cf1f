"""The `eakte` command line: German for the people using it, JSON for scripts.

Errors from ``eakte.errors`` become exit codes here and nowhere else: 0 all stored or
duplicate, 1 some input quarantined (or a record error), 2 usage or configuration.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel
from rich.console import Console
from rich.markup import escape

from accounts.cli import audit, users
from akten.cli import ablegen, akte
from akten.cli_archive import aussonderung
from archival.cli import archiv
from classify.cli import classify_command, correct, evaluate, train
from eakte import __version__
from eakte.cli_hotfolder import watch
from eakte.cli_mail import watch_mail
from eakte.cli_media import collapse_duplicates, duplicates
from eakte.contract import ReportFormat
from eakte.doctor import mode_line, needs_fixing, run_probes
from eakte.errors import EakteError
from eakte.local_runner import expand_inputs
from eakte.maintenance import augment_for_archive, reindex, reverify
from eakte.outcome import FileOutcome
from eakte.pipeline import ARCHIVE_RENDITION
from eakte.ports import SearchResult
from eakte.record import VERDICTS, Verdict
from eakte.report import (
    ingest_progress,
    print_ingest_summary,
    print_manifest,
    print_search,
    print_signature_summary,
)
from eakte.retrieval import (
    ReversedRange,
    copy_original_verified,
    copy_rendition,
    get_manifest,
    manifest_view,
    received_period,
    search_records,
    signature_report,
    stored_report,
)
from eakte.settings import load_settings
from eakte.wiring import build_runner, check_installation, open_context
from eakte.wording import documents
from evidence.cli import beweis
from workers.cli import beat, flower, status, worker

err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)


def _emit_json(value: Any) -> None:
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    click.echo(json.dumps(value, ensure_ascii=False, default=str))


@click.group()
@click.version_option(__version__, prog_name="eakte")
def cli() -> None:
    """eAkte: Posteingang erfassen, durchsuchen und Originale beweissicher aufbewahren."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Eine JSON-Zeile je Eingangsdatei.")
@click.option(
    "--stats-json",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Laufzeiten je Verarbeitungsschritt als JSON in diese Datei schreiben.",
)
@click.option(
    "--scanner-person",
    help="Wer gescannt hat, für den Transfervermerk (BSI TR-03138); sonst EAKTE_SCAN_OPERATOR.",
)
def ingest(
    paths: tuple[Path, ...], as_json: bool, stats_json: Path | None, scanner_person: str | None
) -> None:
    """Dateien und Ordner (rekursiv) in den Posteingang übernehmen."""
    check_installation(load_settings())  # exit 2 before any file is touched
    files = list(expand_inputs(paths))
    outcomes: list[FileOutcome] = []
    with open_context() as ctx, ingest_progress(err, len(files)) as progress:
        runner = build_runner(ctx.scanned_by(scanner_person), progress.page_done)
        for outcome in runner.ingest(files):
            outcomes.append(outcome)
            progress.file_done(outcome)
            if as_json:
                _emit_json(outcome)
    print_ingest_summary(err, outcomes, runner.stats)
    if stats_json:
        stats = runner.stats
        stats_json.write_text(
            json.dumps(
                {
                    "files": stats.files,
                    "pages": stats.pages,
                    "ocr_pages": stats.ocr_pages,
                    "wall_seconds": round(stats.wall_seconds, 3),
                    "stage_seconds": {k: round(v, 3) for k, v in stats.stage_seconds.items()},
                },
                indent=2,
            )
        )
    if any(outcome.refused_anything for outcome in outcomes):
        sys.exit(1)


YEAR = click.IntRange(1, 9999)
DAY = click.DateTime(["%Y-%m-%d"])


@cli.command()
@click.argument("query", required=False, default="")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option(
    "--signatur",
    "signature",
    type=click.Choice(VERDICTS),
    help="Nur Dokumente mit diesem Signaturergebnis (z. B. TOTAL_PASSED: signiert und gültig).",
)
@click.option("--typ", "doc_type", help="Nur Dokumente dieses Typs (Kennung, z. B. rechnung).")
@click.option("--abteilung", "department", help="Nur Dokumente dieser Abteilung.")
@click.option("--absender", "sender", help="Nur Dokumente dieses Absenders (genau so geschrieben).")
@click.option(
    "--jahr", "year", type=click.IntRange(1, 9999), help="Nur Dokumente dieses Eingangsjahres."
)
@click.option(
    "--von", "start", type=click.DateTime(["%Y-%m-%d"]), help="Eingegangen ab (JJJJ-MM-TT)."
)
@click.option(
    "--bis", "end", type=click.DateTime(["%Y-%m-%d"]), help="Eingegangen bis (JJJJ-MM-TT)."
)
@click.option(
    "--ohne-duplikate",
    "collapse",
    is_flag=True,
    help="Ähnliche Fotos (Duplikate) nur einmal zeigen, das bestpassende.",
)
@click.option("--json", "as_json", is_flag=True)
def search(
    query: str,
    limit: int,
    signature: Verdict | None,
    doc_type: str | None,
    department: str | None,
    sender: str | None,
    year: int | None,
    start: datetime | None,
    end: datetime | None,
    collapse: bool,
    as_json: bool,
) -> None:
    """Volltextsuche (deutsch: Straße findet auch Strasse und Straßen); die Filter wie
    in der Suche der Weboberfläche."""
    chosen = {"doc_type": doc_type, "department": department, "sender": sender}
    filters = {name: value for name, value in chosen.items() if value}
    if year is not None:
        filters["received_year"] = str(year)
    try:
        received = received_period(start.date() if start else None, end.date() if end else None)
    except ReversedRange:
        raise click.BadParameter("--bis liegt vor --von.") from None
    if not query.strip() and not signature and not filters and received is None:
        raise click.UsageError("Suchbegriff, --signatur oder einen Filter angeben.")
    with open_context() as ctx:
        index_search = ctx.index.search

        def find(query: str, limit: int = 10, **kwargs: Any) -> SearchResult:
            wanted = {**kwargs.pop("filters", {}), **filters}
            found = index_search(query, limit=limit, filters=wanted, received=received, **kwargs)
            return collapse_duplicates(found, ctx.store) if collapse else found

        result = search_records(find, query, limit=limit, signature=signature)
    if as_json:
        _emit_json(result)
    else:
        print_search(out, query, result)


@cli.command()
@click.argument("record_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True)
def show(record_id: str, as_json: bool) -> None:
    """Das Manifest eines Dokuments anzeigen (Kennung oder eindeutiger Anfang davon)."""
    with open_context() as ctx:
        manifest = manifest_view(ctx, record_id)
    if as_json:
        _emit_json(manifest)
    else:
        print_manifest(out, manifest)


@cli.command()
@click.argument("record_id", metavar="ID")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--pdfa", is_flag=True, help="Statt des Originals die durchsuchbare Archivfassung (PDF/A)."
)
def get(record_id: str, output: Path, pdfa: bool) -> None:
    """Das Original byte-genau ausgeben; die Prüfsumme wird dabei erneut geprüft."""
    with open_context() as ctx:
        if pdfa:
            key = copy_rendition(ctx, get_manifest(ctx, record_id), ARCHIVE_RENDITION, output)
            err.print(
                f"Archivfassung {key} nach {output} geschrieben (abgeleitet, nicht das Original)."
            )
            return
        full_id = copy_original_verified(ctx, record_id, output)
    err.print(f"Original {full_id} nach {output} geschrieben (SHA-256 geprüft).")


@cli.command()
@click.argument("record_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Den vollständigen Prüfbericht ausgeben.")
def verify(record_id: str, as_json: bool) -> None:
    """Signaturen jetzt erneut prüfen; das Original bleibt unverändert."""
    with open_context() as ctx:
        manifest = reverify(ctx, get_manifest(ctx, record_id))
        report = stored_report(ctx, manifest)
    if as_json and report is not None:
        click.echo(report.decode("utf-8"))
    else:
        print_signature_summary(out, manifest)


@cli.command()
@click.argument("record_id", metavar="ID")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["pdf", "json"]), default="pdf", show_default=True
)
def report(record_id: str, output: Path, fmt: ReportFormat) -> None:
    """Das Prüfprotokoll der letzten Signaturprüfung ausgeben (PDF oder JSON)."""
    with open_context() as ctx:
        output.write_bytes(signature_report(ctx, record_id, fmt).content)
    err.print(f"Prüfprotokoll nach {output} geschrieben.")


@cli.command()
@click.argument("record_id", metavar="ID")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
def augment(record_id: str, output: Path | None) -> None:
    """Signiertes PDF für die Langzeitprüfung ergänzen (Validierungsdaten, Zeitstempel).

    Das Ergebnis ist eine abgeleitete Kopie; das Original bleibt byte-genau erhalten."""
    with open_context() as ctx:
        manifest = augment_for_archive(ctx, get_manifest(ctx, record_id))
        key = manifest.renditions["ltv.pdf"]
        if output is not None:
            data = ctx.store.get_derived(key)
            assert data is not None
            output.write_bytes(data)
    err.print(
        f"Langzeitkopie abgelegt unter {key}" + (f", ausgegeben nach {output}" if output else "")
    )


@cli.command("reindex")
def reindex_command() -> None:
    """Den Suchindex vollständig aus dem Speicher neu aufbauen."""
    with open_context() as ctx:
        count = reindex(ctx)
    err.print(f"Suchindex neu aufgebaut: {documents(count)}.")


@cli.command()
@click.option("--json", "as_json", is_flag=True)
def quarantine(as_json: bool) -> None:
    """Abgewiesene Eingänge mit Grund auflisten (die Originale sind aufbewahrt)."""
    with open_context() as ctx:
        entries = [
            json.loads(data)
            for key in ctx.store.list_derived("quarantine")
            if (data := ctx.store.get_derived(key)) is not None
        ]
    if as_json:
        _emit_json(entries)
        return
    if not entries:
        err.print("Quarantäne ist leer.")
    for entry in entries:
        click.echo(f"{entry['id'][:12]}  {entry['original_filename']}: {entry['error']}")


@cli.command()
@click.option("--rescan", is_flag=True, help="Nur Seiten, die neu gescannt werden müssen.")
@click.option("--typ", "doc_type", is_flag=True, help="Nur unsichere Dokumenttypen.")
@click.option("--akte", "akte", is_flag=True, help="Nur Dokumente, die noch in keiner Akte sind.")
@click.option("--json", "as_json", is_flag=True)
def review(rescan: bool, doc_type: bool, akte: bool, as_json: bool) -> None:
    """Was eine Person prüfen muss: Seiten zum Neuscannen (vor dem Vernichten des
    Papiers, BSI TR-RESISCAN), unsichere Dokumenttypen und Post ohne Akte."""
    from eakte import review as review_ledger
    from eakte.records import load_manifest

    kinds: tuple[review_ledger.ReviewKind, ...] = ()
    if rescan:
        kinds += ("rescan",)
    if doc_type:
        kinds += ("type",)
    if akte:
        kinds += ("akte",)
    with open_context() as ctx:
        items = review_ledger.list_review(ctx.store, kinds or review_ledger.KINDS, load_manifest)
    if as_json:
        _emit_json([dataclasses.asdict(item) for item in items])
        return
    if not items:
        err.print("Nichts zu prüfen.")
    for item in items:
        label = {"rescan": "neu scannen", "type": "Typ prüfen", "akte": "ablegen"}[item.kind]
        where = ", ".join(
            f"S. {page['number']}: {'; '.join(page['reasons'])}" for page in item.pages
        )
        click.echo(f"{item.id[:12]}  {label}  {item.original_filename}: {where or item.reasons[0]}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Die Antworten als JSON-Liste.")
def doctor(as_json: bool) -> None:
    """Prüfen, ob OCR, Speicher, Index, Signaturprüfung, Klassifikator und Warteschlange
    bereit sind: jeder Baustein beantwortet die Prüfung selbst."""
    settings = load_settings()
    probes = run_probes(settings)
    if as_json:
        _emit_json([dataclasses.asdict(probe) for probe in probes])
    else:
        err.print(mode_line(settings), highlight=False)
        for probe in probes:
            mark = (
                "[green]OK[/]"
                if probe.ok
                else ("[red]FEHLT[/]" if probe.required else "[yellow]HINWEIS[/]")
            )
            err.print(f"{mark}  {escape(probe.component)}: {escape(probe.detail)}", highlight=False)
            if not probe.ok and probe.fix:
                err.print(f"      Abhilfe: {escape(probe.fix)}", highlight=False)
    if needs_fixing(probes):
        sys.exit(2)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def serve(host: str, port: int) -> None:
    """Die Web-Oberfläche (unter /) und die API (unter /api) starten."""
    from web.server import run_server  # FastAPI and uvicorn only for this command

    run_server(load_settings(), host, port)


for command in (
    worker,
    beat,
    flower,
    status,
    train,
    evaluate,
    classify_command,
    correct,
    users,
    audit,
    akte,
    ablegen,
    aussonderung,
    archiv,
    beweis,
):
    cli.add_command(command)
cli.add_command(watch)
cli.add_command(watch_mail)
cli.add_command(duplicates)


def main() -> None:
    """Entry point: the one place errors become exit codes and one-line messages."""
    # pyHanko logs expected verdicts (an untrusted chain) as warnings with tracebacks;
    # the verdict is in the report, so keep the terminal for what people must act on.
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        err.print("Abgebrochen.")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except EakteError as exc:
        err.print(f"[red]Fehler:[/] {escape(exc.message)}", highlight=False)
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
