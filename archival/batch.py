"""Import the archive's table onto the records it names, and export it back.

A row names its record by file name: the name the original had when it came in
(``Manifest.original_filename``, sanitised at intake like the row's name here), or a
name the same bytes arrived under again (a ``duplicate`` event). A row that names no
record, or several, is reported in German and skipped; the batch goes on. The index is
written once for the whole batch.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from archival.table import Row, description_of, read_table, row_of, write_table
from eakte.context import Context
from eakte.description import describe
from eakte.filenames import sanitize_filename
from eakte.indexing import index_document
from eakte.ports import ObjectStore
from eakte.record import Manifest

SHOWN_IDS = 3
_DIGITS = re.compile(r"(\d+)")


@dataclass(frozen=True)
class RowResult:
    line: int
    filename: str
    record_id: str | None  # None: not attached
    message: str  # German


@dataclass
class ImportReport:
    delimiter: str
    encoding: str
    attached: list[RowResult] = field(default_factory=list)
    unchanged: list[RowResult] = field(default_factory=list)
    problems: list[RowResult] = field(default_factory=list)  # rows not attached
    warnings: list[RowResult] = field(default_factory=list)  # attached, with a remark
    ignored_columns: list[str] = field(default_factory=list)


def stored_manifests(store: ObjectStore) -> Iterator[Manifest]:
    for key in sorted(store.list_derived("manifests")):
        data = store.get_derived(key)
        if data is not None:
            manifest = Manifest.from_json(data)
            if manifest.status == "stored":
                yield manifest


def names_of(manifest: Manifest) -> set[str]:
    """Every name the record's bytes came in under."""
    names = {manifest.original_filename}
    for event in manifest.events:
        if event.kind == "duplicate" and isinstance(event.details.get("filename"), str):
            names.add(event.details["filename"])
    return names


def import_table(ctx: Context, data: bytes, *, who: str, source: str) -> ImportReport:
    table = read_table(data)
    report = ImportReport(table.delimiter, table.encoding, ignored_columns=table.ignored_columns)
    by_name: dict[str, list[Manifest]] = defaultdict(list)
    by_folded: dict[str, list[Manifest]] = defaultdict(list)
    for stored in stored_manifests(ctx.store):
        for name in names_of(stored):
            by_name[name].append(stored)
            by_folded[name.casefold()].append(stored)
    seen: dict[str, int] = {}
    changed: list[Manifest] = []
    for row in table.rows:
        result, manifest = _match(row, by_name, by_folded, seen)
        if manifest is None:
            report.problems.append(result)
            continue
        seen[manifest.id] = row.line
        description = description_of(row)
        saved = describe(ctx.store, manifest, description, who=who, source=source)
        if saved is manifest:
            report.unchanged.append(result)
        else:
            report.attached.append(result)
            changed.append(saved)
        if description.date_text and description.date_from is None and description.date_to is None:
            report.warnings.append(
                RowResult(
                    row.line,
                    result.filename,
                    manifest.id,
                    f"Zeile {row.line}: Datierung „{description.date_text}“ nicht lesbar, "
                    "als Text übernommen (kein Zeitraum für die Suche)",
                )
            )
    if changed:
        ctx.index.upsert([index_document(manifest) for manifest in changed])
    return report


def _match(
    row: Row,
    by_name: dict[str, list[Manifest]],
    by_folded: dict[str, list[Manifest]],
    seen: dict[str, int],
) -> tuple[RowResult, Manifest | None]:
    """The one record the row names, or the German reason why not."""
    if not row.filename:
        return RowResult(row.line, "", None, f"Zeile {row.line}: kein Dateiname angegeben"), None
    name = sanitize_filename(row.filename)
    found = by_name.get(name) or by_folded.get(name.casefold()) or []
    unique = list({manifest.id: manifest for manifest in found}.values())

    def problem(text: str) -> tuple[RowResult, None]:
        return RowResult(row.line, name, None, f"Zeile {row.line}: {text}"), None

    if not unique:
        return problem(f"kein Dokument mit dem Dateinamen „{name}“ gefunden")
    if len(unique) > 1:
        ids = ", ".join(manifest.id[:12] for manifest in unique[:SHOWN_IDS])
        more = " …" if len(unique) > SHOWN_IDS else ""
        return problem(
            f"Dateiname „{name}“ passt auf {len(unique)} Dokumente ({ids}{more}); nicht zugeordnet"
        )
    manifest = unique[0]
    if manifest.id in seen:
        return problem(
            f"Dokument „{name}“ ist schon in Zeile {seen[manifest.id]} beschrieben; "
            "Zeile übersprungen"
        )
    return RowResult(
        row.line, name, manifest.id, f"Zeile {row.line}: „{name}“ erschlossen"
    ), manifest


def described(store: ObjectStore, holding: str | None = None) -> list[Manifest]:
    """Records with a description (of one Bestand), in the order of a finding aid:
    Bestand, then Signatur with numbers compared as numbers, then file name."""
    chosen = [
        manifest
        for manifest in stored_manifests(store)
        if manifest.archival is not None
        and (holding is None or manifest.archival.holding == holding)
    ]
    return sorted(chosen, key=_finding_aid_order)


def export_table(
    store: ObjectStore,
    holding: str | None = None,
    *,
    delimiter: str = ";",
    encoding: str = "utf-8-sig",
) -> bytes:
    rows = [
        row_of(manifest.original_filename, manifest.archival)
        for manifest in described(store, holding)
        if manifest.archival is not None
    ]
    return write_table(rows, delimiter=delimiter, encoding=encoding)


def _finding_aid_order(manifest: Manifest) -> tuple[str, list[tuple[int, str]], str]:
    description = manifest.archival
    holding = (description.holding or "") if description else ""
    code = (description.reference_code or "") if description else ""
    parts = [(int(p), "") if p.isdigit() else (-1, p.casefold()) for p in _DIGITS.split(code) if p]
    return holding.casefold(), parts, manifest.original_filename
