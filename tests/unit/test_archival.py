"""Archival description without servers: datings as archives write them, the CSV table
in its encodings and delimiters, and the EAD 2002 schema check (it must reject a broken
finding aid, not only accept a good one)."""

from __future__ import annotations

from datetime import date

import pytest

from archival.dates import closed_until, parse_dating
from archival.ead import holding_ead, schema_errors
from archival.table import description_of, read_table
from eakte.errors import InputRejected
from eakte.record import ArchivalDescription, Manifest


@pytest.mark.parametrize(
    ("text", "start", "end", "normal"),
    [
        ("1925-05-03", date(1925, 5, 3), date(1925, 5, 3), "1925-05-03"),
        ("03.05.1925", date(1925, 5, 3), date(1925, 5, 3), "1925-05-03"),
        ("3. Mai 1925", date(1925, 5, 3), date(1925, 5, 3), "1925-05-03"),
        ("Mai 1925", date(1925, 5, 1), date(1925, 5, 31), "1925-05"),
        ("05/1925", date(1925, 5, 1), date(1925, 5, 31), "1925-05"),
        ("1925", date(1925, 1, 1), date(1925, 12, 31), "1925"),
        ("[1925]", date(1925, 1, 1), date(1925, 12, 31), "1925"),
        ("1925?", date(1925, 1, 1), date(1925, 12, 31), "1925"),
        ("um 1925", date(1920, 1, 1), date(1930, 12, 31), "1920/1930"),
        ("ca. 1900", date(1895, 1, 1), date(1905, 12, 31), "1895/1905"),
        ("ca.1900", date(1895, 1, 1), date(1905, 12, 31), "1895/1905"),
        ("1933–1945", date(1933, 1, 1), date(1945, 12, 31), "1933/1945"),
        ("1933 - 1945", date(1933, 1, 1), date(1945, 12, 31), "1933/1945"),
        ("1933 bis 1945", date(1933, 1, 1), date(1945, 12, 31), "1933/1945"),
        ("1933-45", date(1933, 1, 1), date(1945, 12, 31), "1933/1945"),
        ("1925/26", date(1925, 1, 1), date(1926, 12, 31), "1925/1926"),
        ("03.05.1925 – 12.06.1926", date(1925, 5, 3), date(1926, 6, 12), "1925-05-03/1926-06-12"),
        ("1920er Jahre", date(1920, 1, 1), date(1929, 12, 31), "1920/1929"),
        ("19. Jh.", date(1800, 1, 1), date(1899, 12, 31), "1800/1899"),
        ("19. Jahrhundert", date(1800, 1, 1), date(1899, 12, 31), "1800/1899"),
        ("Mitte 19. Jh.", date(1835, 1, 1), date(1864, 12, 31), "1835/1864"),
        ("1. Hälfte 20. Jh.", date(1900, 1, 1), date(1949, 12, 31), "1900/1949"),
        ("Ende 1944", date(1944, 9, 1), date(1944, 12, 31), "1944-09/1944-12"),
        ("Sommer 1936", date(1936, 6, 1), date(1936, 8, 31), "1936-06/1936-08"),
        ("1933, 1945–1950", date(1933, 1, 1), date(1950, 12, 31), "1933/1950"),
        ("vor 1900", None, date(1899, 12, 31), None),
        ("nach 1945", date(1946, 1, 1), None, None),
        ("ab 1950", date(1950, 1, 1), None, None),
    ],
)
def test_datings_are_read_into_spans(
    text: str, start: date | None, end: date | None, normal: str | None
) -> None:
    dating = parse_dating(text)
    assert (dating.text, dating.start, dating.end, dating.normal) == (text, start, end, normal)


@pytest.mark.parametrize(
    "text",
    ["", "o. D.", "undatiert", "irgendwann", "32.13.1925", "31.02.1925", "1945–1933", "20er Jahre"],
)
def test_unreadable_datings_keep_their_text_and_get_no_span(text: str) -> None:
    dating = parse_dating(text)
    assert (dating.text, dating.start, dating.end, dating.readable) == (text, None, None, False)


@pytest.mark.parametrize(
    ("text", "until"),
    [
        ("gesperrt bis 2030", date(2030, 12, 31)),
        ("Schutzfrist bis 31.12.2035", date(2035, 12, 31)),
        ("Sperrfrist 2040", date(2040, 12, 31)),
        ("gesperrt bis 2030-06-30", date(2030, 6, 30)),
        ("gesperrt", None),
        ("frei", None),
    ],
)
def test_the_end_of_a_sperre_is_read(text: str, until: date | None) -> None:
    assert closed_until(text) == until


ROWS = [
    ["Dateiname", "Bestand", "Signatur", "Titel", "Datierung", "Ort"],
    ["a.jpg", "Fotos", "F 1", "Marktplatz, Blick nach Süden", "um 1925", "Überlingen"],
    ["b.jpg", "Fotos", "F 2", "Straße", "irgendwann", ""],
]


@pytest.mark.parametrize(
    ("delimiter", "encoding", "bom"),
    [(";", "utf-8", True), (";", "utf-8", False), (",", "utf-8", False), (",", "cp1252", False)],
)
def test_tables_in_every_delimiter_and_encoding_read_alike(
    delimiter: str, encoding: str, bom: bool
) -> None:
    def cell(value: str) -> str:
        return f'"{value}"' if delimiter in value else value

    text = "\r\n".join(delimiter.join(cell(v) for v in row) for row in ROWS) + "\r\n"
    data = ("\ufeff" if bom else "").encode() + text.encode(encoding)
    table = read_table(data)
    assert table.delimiter == delimiter
    assert table.encoding == ("utf-8-sig" if bom else encoding)
    first, second = (description_of(row) for row in table.rows)
    assert [row.line for row in table.rows] == [2, 3]
    assert (first.title, first.place, first.date_from) == (
        "Marktplatz, Blick nach Süden",
        "Überlingen",
        date(1920, 1, 1),
    )
    assert (second.date_text, second.date_from, second.place) == ("irgendwann", None, None)


def test_a_table_without_a_file_name_column_is_refused_in_german() -> None:
    with pytest.raises(InputRejected, match="keine Spalte „Dateiname“"):
        read_table(b"Bestand;Titel\r\nFotos;Marktplatz\r\n")


def _finding_aid() -> bytes:
    description = ArchivalDescription(
        holding="Fotos",
        reference_code="F 1",
        title="Marktplatz",
        date_text="1933–1945",
        date_from=date(1933, 1, 1),
        date_to=date(1945, 12, 31),
        place="Konstanz",
        extent="1 Foto",
        access="gesperrt bis 2090",
        closed_until=date(2090, 12, 31),
        rights="CC BY 4.0",
    )
    manifest = Manifest(
        id="a" * 64, sha256="a" * 64, size=1, original_filename="a.jpg", archival=description
    )
    return holding_ead(
        [manifest],
        "Fotos",
        archive="Stadtarchiv",
        isil="DE-1",
        base_url="http://x",
        today=date(2026, 1, 1),
    )


def test_the_schema_accepts_the_finding_aid_and_rejects_a_broken_one() -> None:
    good = _finding_aid()
    assert schema_errors(good) == []
    assert b'<unitdate normal="1933/1945">1933\xe2\x80\x931945</unitdate>' in good
    assert b"<dao" not in good  # closed until 2090: described, but no link to the copy
    misplaced = good.replace(b"<unitid>F 1</unitid>", b"<unitid>F 1</unitid><geogname>X</geogname>")
    assert misplaced != good and schema_errors(misplaced)
    bad_date = good.replace(b'normal="1933/1945"', b'normal="um 1925"')
    assert bad_date != good and schema_errors(bad_date)
    assert schema_errors(b"<ead>") != []


def test_a_changed_description_is_a_new_version_that_keeps_the_old_one() -> None:
    from eakte.description import describe
    from eakte.records import load_manifest
    from tests.fakes.store import FakeStore

    store = FakeStore()
    manifest = Manifest(id="b" * 64, sha256="b" * 64, size=1, original_filename="b.jpg")
    first = describe(store, manifest, ArchivalDescription(title="Rathaus"), who="anna")
    second = describe(store, first, ArchivalDescription(title="Rathaus, Südseite"), who="ben")
    stored = load_manifest(store, manifest.id)
    assert stored is not None and stored.archival == ArchivalDescription(title="Rathaus, Südseite")
    events = [e for e in stored.events if e.kind == "described"]
    assert [e.details["by"] for e in events] == ["anna", "ben"]
    assert events[1].details["before"]["title"] == "Rathaus"
    assert "geändert" in events[1].message
    assert describe(store, second, ArchivalDescription(title="Rathaus, Südseite")) is second
