"""What people see in the terminal: progress while ingesting, summaries, records, hits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table

from eakte import transfer
from eakte.contract import SearchResponse
from eakte.outcome import FileOutcome, RunStats
from eakte.record import VERDICT_WORDS, Manifest
from eakte.wording import hit_count

STATUS_DE = {
    "stored": "gespeichert",
    "duplicate": "Duplikat",
    "quarantined": "Quarantäne",
    "received": "in Bearbeitung",
}
STAGE_DE = {
    "store": "Original speichern",
    "sniff": "Format prüfen",
    "text_layer": "Textebene lesen",
    "signatures": "Signaturprüfung",
    "ocr": "Texterkennung (Summe je Seite)",
    "media_renditions": "Vorschaubilder",
    "classify": "Klassifikation und Felder",
    "filing": "Ablage in Akten",
    "manifest": "Manifest schreiben",
    "index": "Suchindex",
}


@dataclass
class IngestProgress:
    """Callbacks for the runner; a no-op when nobody watches (no terminal)."""

    progress: Progress | None
    task: TaskID | None
    ocr_pages: int = 0

    def page_done(self, count: int) -> None:
        self.ocr_pages += count
        if self.progress is not None and self.task is not None:
            self.progress.update(self.task, ocr=self.ocr_pages)

    def file_done(self, outcome: FileOutcome) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.advance(self.task)


@contextmanager
def ingest_progress(console: Console, total_files: int) -> Iterator[IngestProgress]:
    if not console.is_terminal or total_files < 2:
        yield IngestProgress(None, None)
        return
    columns = (
        TextColumn("Posteingang"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("Dateien · {task.fields[ocr]} Seiten erkannt"),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("ingest", total=total_files, ocr=0)
        yield IngestProgress(progress, task)


def print_ingest_summary(console: Console, outcomes: list[FileOutcome], stats: RunStats) -> None:
    counts = {status: 0 for status in STATUS_DE}
    for outcome in outcomes:
        counts[outcome.status] += 1
    seconds = max(stats.wall_seconds, 1e-9)
    refused_parts = sum(len(outcome.quarantined_parts) for outcome in outcomes)
    parts_note = f" · {refused_parts} Anhänge/Teile in Quarantäne" if refused_parts else ""
    console.print(
        f"[bold]Posteingang:[/] {len(outcomes)} Dateien · {counts['stored']} gespeichert · "
        f"{counts['duplicate']} Duplikate · {counts['quarantined']} in Quarantäne{parts_note}"
    )
    if stats.pages:
        console.print(
            f"Seiten: {stats.pages} (davon {stats.ocr_pages} per Texterkennung) in "
            f"{stats.wall_seconds:.1f} s = {stats.pages / seconds:.1f} Seiten/s"
        )
    if stats.stage_seconds:
        parts = [
            f"{STAGE_DE.get(stage, stage)} {seconds:.2f} s"
            for stage, seconds in sorted(
                stats.stage_seconds.items(), key=lambda item: _stage_order(item[0])
            )
        ]
        console.print("Zeit je Schritt: " + " · ".join(parts), highlight=False)
    if stats.index_error:
        console.print(f"[yellow]Suchindex:[/] {escape(stats.index_error)}", highlight=False)
    for outcome in outcomes:
        if outcome.status == "quarantined":
            console.print(
                f"  [red]Quarantäne[/] {escape(outcome.path)}: {escape(outcome.error or '')}",
                highlight=False,
            )
        for part in outcome.quarantined_parts:
            console.print(
                f"  [red]Quarantäne[/] Teil {(part.id or '')[:12]} von "
                f"{escape(outcome.path)}: {escape(part.error or '')}",
                highlight=False,
            )


def print_search(console: Console, query: str, result: SearchResponse) -> None:
    label = f" für „{escape(query)}“" if query.strip() else ""
    if not result.hits:
        console.print(f"Keine Treffer{label}.")
        return
    console.print(f"{hit_count(result.total, result.more_than_total)}{label}:")
    table = Table(show_header=True, header_style="bold")
    table.add_column("Kennung")
    table.add_column("Typ")
    table.add_column("Ausschnitt")
    for hit in result.hits:
        table.add_row(hit.id[:12], hit.doc_type or "–", escape(hit.snippet))
    console.print(table)


def print_manifest(console: Console, manifest: Manifest) -> None:
    status = STATUS_DE.get(manifest.status, manifest.status)
    console.print(f"[bold]{escape(manifest.original_filename)}[/]  ({status})")
    console.print(f"Kennung (SHA-256): {manifest.id}")
    console.print(
        f"Format: {manifest.media_type}, {manifest.size} Byte, {manifest.page_count} Seiten"
    )
    console.print(f"Eingang: {manifest.received_at:%d.%m.%Y %H:%M} über {manifest.channel}")
    for error in manifest.errors:
        console.print(f"[red]Fehler:[/] {escape(error)}")
    if manifest.classification is not None:
        print_classification(console, manifest)
    print_fields(console, manifest.fields)
    if manifest.signature is not None:
        print_signature_summary(console, manifest)
    print_links(console, manifest)
    if manifest.transfer_note is not None:
        console.print(f"\n[bold]{transfer.TITLE}[/]")
        for label, value in transfer.note_rows(manifest.transfer_note):
            console.print(f"{label}: {escape(value)}", highlight=False)
    for page in manifest.pages:
        source = PAGE_SOURCE_DE.get(page.source, page.source)
        facts = [source]
        if page.ocr_confidence is not None:
            facts.append(f"Konfidenz {page.ocr_confidence:.0f} %")
        if page.rotated:
            facts.append(f"um {page.rotated}° gedreht")
        if page.skew:
            facts.append(f"Schräglage {page.skew:+.1f}° begradigt")
        if page.blank:
            facts.append("leer")
        console.print(f"\n[bold]Seite {page.number}[/] ({', '.join(facts)})")
        for reason in page.rescan:
            console.print(f"[yellow]neu scannen:[/] {escape(reason)}", highlight=False)
        console.print(escape(page.text[:1500]), highlight=False)


PAGE_SOURCE_DE = {
    "text_layer": "Textebene",
    "ocr": "Texterkennung",
    "none": "nicht gelesen",
    "part": "gelesen im Brief dazu",
    "skipped": "Trennblatt oder leere Seite",
}


def print_links(console: Console, manifest: Manifest) -> None:
    """Where a record came from and what it was split into (batch letters, attachments)."""
    container = manifest.fields.get("part_of")
    if isinstance(container, str):
        span = manifest.fields.get("batch_pages")
        where = f", Seiten {span[0]}–{span[1]}" if isinstance(span, list) else ""
        console.print(f"Teil von: {container[:12]}…{where}")
    parts = manifest.fields.get("parts")
    for part in parts if isinstance(parts, list) else []:
        pages = part.get("pages")
        where = f" (Seiten {pages[0]}–{pages[1]})" if pages else ""
        refused = part.get("status") == "quarantined"
        why = f" [red]Quarantäne:[/] {escape(str(part.get('error') or ''))}" if refused else ""
        console.print(f"Teil: {str(part.get('id'))[:12]}…{where}{why}")
    if manifest.renditions.get("pdfa.pdf"):
        console.print("Archivfassung: PDF/A (`eakte get ID --pdfa -o DATEI`)")


def print_classification(console: Console, manifest: Manifest) -> None:
    found = manifest.classification
    assert found is not None
    how = "korrigiert" if found.corrected else f"{found.confidence:.0%}"
    review = " [yellow]– bitte prüfen[/]" if found.needs_review else ""
    plan = f", Aktenplan {found.aktenplan}" if found.aktenplan else ""
    console.print(
        f"Dokumenttyp: [bold]{escape(found.label)}[/] ({how}){review} → "
        f"{escape(found.department or '–')}{plan}",
        highlight=False,
    )
    if found.alternatives and not found.corrected:
        others = ", ".join(f"{a['label']} {a['confidence']:.0%}" for a in found.alternatives)
        console.print(f"  sonst: {escape(others)}", highlight=False)


FIELD_DE = {
    "letter_date": "Datum",
    "sender": "Absender",
    "subject": "Betreff",
    "references": "Zeichen",
    "total_amount": "Betrag",
    "ibans": "IBAN",
    "invalid_ibans": "IBAN ungültig",
}


def print_fields(console: Console, fields: dict[str, object]) -> None:
    for key, label in FIELD_DE.items():
        value = fields.get(key)
        if not value:
            continue
        if key == "references" and isinstance(value, list):
            text = "; ".join(f"{r['label']} {r['value']}" for r in value)
        elif key == "total_amount" and isinstance(value, dict):
            text = str(value["text"])
        elif isinstance(value, list):
            text = ", ".join(map(str, value))
        else:
            text = str(value)
        console.print(f"{label}: {escape(text)}", highlight=False)


def _stage_order(stage: str) -> int:
    order = list(STAGE_DE)
    return order.index(stage) if stage in order else len(order)


def print_signature_summary(console: Console, manifest: Manifest) -> None:
    summary = manifest.signature
    if summary is None:
        console.print("Signaturen: noch nicht geprüft")
        return
    sub = f", {summary.sub_indication}" if summary.sub_indication else ""
    console.print(
        f"Signaturen: {VERDICT_WORDS[summary.verdict]} ({summary.verdict}{sub})", highlight=False
    )
    for finding in summary.signatures:
        signer = (finding.get("signer") or {}).get("subject", "?")
        indication = finding.get("indication", "?")
        detail = finding.get("sub_indication") or ""
        console.print(
            f"  – {escape(signer)}: {VERDICT_WORDS.get(indication, indication)} "
            f"({indication}{', ' + detail if detail else ''})",
            highlight=False,
        )
