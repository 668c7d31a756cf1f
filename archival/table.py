"""The CSV table archives keep their description in: one row per item, German column
headers, ``;`` or ``,`` (found by ``csv.Sniffer``), UTF-8 with or without BOM, or
Windows-1252 from older office software.

Writing produces one canonical form (the columns in the order of ``COLUMNS``, ``;``,
UTF-8 with BOM so spreadsheet programs see the umlauts, CRLF line ends), so a table in
that form reads and writes back byte for byte.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from archival.dates import closed_until, parse_dating
from eakte.errors import InputRejected
from eakte.record import ArchivalDescription

FILENAME = "Dateiname"
COLUMNS = (
    FILENAME,
    "Bestand",
    "Signatur",
    "Titel",
    "Datierung",
    "Ort",
    "Umfang",
    "Sperre",
    "Rechte",
)
# column -> ArchivalDescription field, for the columns after the file name
FIELDS = {
    "Bestand": "holding",
    "Signatur": "reference_code",
    "Titel": "title",
    "Datierung": "date_text",
    "Ort": "place",
    "Umfang": "extent",
    "Sperre": "access",
    "Rechte": "rights",
}
BOM = "\ufeff"
SNIFF_CHARS = 64 * 1024


@dataclass(frozen=True)
class Row:
    """One data row: its line in the file (for messages) and its cells by column."""

    line: int
    cells: Mapping[str, str]

    @property
    def filename(self) -> str:
        return self.cells.get(FILENAME, "").strip()


@dataclass(frozen=True)
class Table:
    rows: list[Row]
    delimiter: str
    encoding: str
    ignored_columns: list[str] = field(default_factory=list)


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-8 (BOM or not), else Windows-1252."""
    if data.startswith(BOM.encode("utf-8")):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise InputRejected(
            f"CSV-Datei ist weder UTF-8 noch Windows-1252 (unlesbares Byte an Stelle {exc.start})"
        ) from exc


def read_table(data: bytes) -> Table:
    """Parse the table; refuses only a file without a ``Dateiname`` column."""
    text, encoding = decode(data)
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        raise InputRejected("CSV-Datei ist leer")
    names = [_column(name) for name in header]
    if FILENAME not in names:
        raise InputRejected(
            f"CSV-Datei hat keine Spalte „{FILENAME}“ (gefunden: {', '.join(header) or '–'}; "
            f"Trennzeichen „{delimiter}“)"
        )
    ignored = [raw for raw, name in zip(header, names, strict=True) if name not in COLUMNS]
    rows = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        values = {name: cell for name, cell in zip(names, cells, strict=False) if name in COLUMNS}
        rows.append(Row(reader.line_num, values))
    return Table(rows, delimiter, encoding, ignored)


def description_of(row: Row) -> ArchivalDescription:
    """The row as a description; the dates are read from Datierung and Sperre."""
    values: dict[str, str | None] = {
        name: (row.cells.get(column) or "").strip() or None for column, name in FIELDS.items()
    }
    dating = parse_dating(values["date_text"] or "")
    access = values["access"]
    return ArchivalDescription.model_validate(
        {
            **values,
            "date_from": dating.start,
            "date_to": dating.end,
            "closed_until": closed_until(access) if access else None,
        }
    )


def row_of(filename: str, description: ArchivalDescription) -> list[str]:
    values = description.model_dump()
    return [filename, *(values[name] or "" for name in FIELDS.values())]


def write_table(
    rows: Iterable[list[str]], *, delimiter: str = ";", encoding: str = "utf-8-sig"
) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def _column(name: str) -> str:
    """A header as its column: case, spaces and a stray BOM do not matter."""
    wanted = name.strip().lstrip(BOM).strip().casefold()
    return next((column for column in COLUMNS if column.casefold() == wanted), name.strip())


def _delimiter(text: str) -> str:
    """The sniffer's choice, unless only the other one splits the header into a
    ``Dateiname`` column (titles full of commas can mislead it)."""
    sample = text[:SNIFF_CHARS]
    header = sample.splitlines()[0] if sample else ""
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=";,").delimiter
    except csv.Error:  # one column, or a sample the sniffer cannot decide
        sniffed = ";" if header.count(";") >= header.count(",") else ","
    other = "," if sniffed == ";" else ";"
    if not _names_file(header, sniffed) and _names_file(header, other):
        return other
    return sniffed


def _names_file(header: str, delimiter: str) -> bool:
    cells = next(csv.reader([header], delimiter=delimiter), [])
    return FILENAME in (_column(cell) for cell in cells)
