"""The archive's description through the real CLI: generated files ingested with the
embedded local runner, the archive's CSV attached to the right records (and rows that
name none or several reported per row), exported back byte for byte, a Bestand written
as EAD 2002 that validates against the official schema, and the tantivy index finding
a record by its title and filtering by Bestand and period."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from archival.ead import schema_errors
from eakte.context import Context
from eakte.local_runner import LocalRunner
from eakte.ports import Period
from eakte.records import load_manifest
from samples.render import make_text_pdf
from tests.conftest import Cli

pytestmark = pytest.mark.integration

# Canonical form (the test writes it by hand): ;, UTF-8 with BOM, CRLF, finding-aid
# order (Bestand, then Signatur with numbers as numbers: F 1/2 before F 1/10)
TABLE = (
    "\ufeffDateiname;Bestand;Signatur;Titel;Datierung;Ort;Umfang;Sperre;Rechte\r\n"
    "marktplatz.pdf;Fotosammlung;F 1/2;Marktplatz mit Straßenbahn;um 1925;Konstanz;1 Foto;;"
    "CC BY 4.0\r\n"
    "rathaus.pdf;Fotosammlung;F 1/10;Rathaus, Ansicht von Süden;1933–1945;Radolfzell;3 Fotos;"
    'gesperrt bis 2090;"Rechte beim Stadtarchiv; Nutzung auf Anfrage"\r\n'
    'brief.pdf;Fotosammlung;F 1/11;"Brief mit ""Zitat""";irgendwann;;;;\r\n'
    "plakat.pdf;Plakatsammlung;P 2;Plakat zur Gewerbeausstellung;1920er Jahre;Konstanz;"
    "1 Blatt;;gemeinfrei\r\n"
).encode("utf-8")


@pytest.fixture
def ingested(ctx: Context, tmp_path: Path) -> dict[str, str]:
    """File name -> record id; two different files are both called scan.pdf."""
    post = tmp_path / "post"
    texts = {
        "marktplatz.pdf": "Rückseite: Aufnahme vom Wochenmarkt",
        "rathaus.pdf": "Rückseite: Rathaus",
        "brief.pdf": "Sehr geehrter Herr Bürgermeister",
        "plakat.pdf": "Große Gewerbeausstellung",
        "a/scan.pdf": "Erster Scan",
        "b/scan.pdf": "Zweiter Scan",
    }
    paths = []
    for name, text in texts.items():
        path = post / name
        path.parent.mkdir(parents=True, exist_ok=True)
        make_text_pdf(path, [text])
        paths.append(path)
    outcomes = list(LocalRunner(ctx).ingest(paths))
    assert [outcome.status for outcome in outcomes] == ["stored"] * len(paths)
    return {name: str(outcome.id) for name, outcome in zip(texts, outcomes, strict=True)}


def test_the_table_attaches_exports_identically_and_becomes_ead(
    cli: Cli, ctx: Context, ingested: dict[str, str], tmp_path: Path
) -> None:
    table = tmp_path / "beschreibung.csv"
    table.write_bytes(TABLE)
    done = cli("archiv", "import", table)
    assert done.returncode == 0, done.stderr
    assert "4 Dokumente erschlossen" in done.stderr
    assert "Datierung „irgendwann“ nicht lesbar" in done.stderr

    rathaus = load_manifest(ctx.store, ingested["rathaus.pdf"])
    assert rathaus is not None and rathaus.archival is not None
    assert (rathaus.archival.reference_code, rathaus.archival.title) == (
        "F 1/10",
        "Rathaus, Ansicht von Süden",
    )
    assert (rathaus.archival.date_from, rathaus.archival.date_to) == (
        date(1933, 1, 1),
        date(1945, 12, 31),
    )
    assert rathaus.archival.closed_until == date(2090, 12, 31)
    assert rathaus.archival.rights == "Rechte beim Stadtarchiv; Nutzung auf Anfrage"
    (event,) = [e for e in rathaus.events if e.kind == "described"]
    assert event.details["before"] is None and event.details["source"] == "beschreibung.csv"
    scans = [load_manifest(ctx.store, ingested[name]) for name in ("a/scan.pdf", "b/scan.pdf")]
    assert all(m is not None and m.archival is None for m in scans)

    exported = tmp_path / "export.csv"
    assert cli("archiv", "export", exported).returncode == 0
    assert exported.read_bytes() == TABLE
    # importing the same table again changes nothing and writes no new event
    assert "0 Dokumente erschlossen, 4 unverändert" in cli("archiv", "import", table).stderr
    again = load_manifest(ctx.store, ingested["rathaus.pdf"])
    assert again is not None and again.events == rathaus.events

    only = tmp_path / "plakate.csv"
    assert cli("archiv", "export", only, "--bestand", "Plakatsammlung").returncode == 0
    assert only.read_bytes().splitlines()[1:] == TABLE.splitlines()[4:]

    ead = tmp_path / "fotos.xml"
    done = cli("archiv", "ead", "Fotosammlung", "-o", ead, "--isil", "DE-9999")
    assert done.returncode == 0, done.stderr
    document = ead.read_bytes()
    assert schema_errors(document) == []
    assert document.count(b'<c level="item"') == 3
    assert b'<unitdate normal="1920/1930">um 1925</unitdate>' in document
    assert f"/dokumente/{ingested['marktplatz.pdf']}".encode() in document
    assert f"/dokumente/{ingested['rathaus.pdf']}".encode() not in document  # gesperrt
    assert b"<geogname>Radolfzell</geogname>" in document
    assert cli("archiv", "ead", "Unbekannt", "-o", tmp_path / "x.xml").returncode == 1

    index = ctx.index
    assert [hit.id for hit in index.search("Straßenbahn").hits] == [ingested["marktplatz.pdf"]]
    assert index.search("", filters={"holding": "Fotosammlung"}).total == 3
    assert index.facets("", {"holding": "Fotosammlung"})["place"] == {
        "Konstanz": 1,
        "Radolfzell": 1,
    }
    in_war = index.search("", period=Period(date(1939, 1, 1), date(1939, 12, 31)))
    assert {hit.id for hit in in_war.hits} == {ingested["rathaus.pdf"]}
    twenties = index.search("", period=Period(date(1926, 1, 1), date(1926, 12, 31)))
    assert {hit.id for hit in twenties.hits} == {
        ingested["marktplatz.pdf"],
        ingested["plakat.pdf"],
    }


def test_rows_naming_no_record_or_several_are_reported_and_the_batch_goes_on(
    cli: Cli, ctx: Context, ingested: dict[str, str], tmp_path: Path
) -> None:
    rows = [
        "Dateiname,Bestand,Signatur,Titel",
        "unbekannt.pdf,Fotosammlung,F 9,Verloren",
        "scan.pdf,Fotosammlung,F 10,Doppelt",
        "Plakat.PDF,Plakatsammlung,P 1,Ausstellung für Groß und Klein",
        "plakat.pdf,Plakatsammlung,P 1,Noch einmal",
        ",Plakatsammlung,P 3,Ohne Namen",
    ]
    table = tmp_path / "alt.csv"
    table.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))
    done = cli("archiv", "import", table)
    assert done.returncode == 1
    assert "Zeile 2: kein Dokument mit dem Dateinamen „unbekannt.pdf“ gefunden" in done.stderr
    assert "Zeile 3: Dateiname „scan.pdf“ passt auf 2 Dokumente" in done.stderr
    assert "Zeile 5: Dokument „plakat.pdf“ ist schon in Zeile 4 beschrieben" in done.stderr
    assert "Zeile 6: kein Dateiname angegeben" in done.stderr
    assert "1 Dokument erschlossen" in done.stderr
    assert "Kodierung cp1252" in done.stderr
    plakat = load_manifest(ctx.store, ingested["plakat.pdf"])
    assert plakat is not None and plakat.archival is not None
    assert plakat.archival.title == "Ausstellung für Groß und Klein"
