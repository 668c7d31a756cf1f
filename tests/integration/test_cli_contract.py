"""Exit codes, reindex, verified retrieval and doctor, through the real CLI process."""

from __future__ import annotations

import os
import shutil
import stat
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests import hostile
from tests.conftest import Cli

pytestmark = pytest.mark.integration


def _ingest_letters(cli: Cli, tmp_path: Path) -> dict[str, str]:
    folder = tmp_path / "post"
    folder.mkdir()
    hostile.text_pdf(folder / "a.pdf", "Die Strasse vor dem Rathaus ist gesperrt.")
    hostile.text_pdf(folder / "b.pdf", "Mehrere Straßen im Neubaugebiet haben Schlaglöcher.")
    hostile.text_pdf(folder / "c.pdf", "Rechnung über Gebühren für die Müllabfuhr.")
    result = cli("ingest", folder, "--json")
    assert result.returncode == 0, result.stderr
    return {Path(line["path"]).name: line["id"] for line in result.json_lines()}


def test_reindex_rebuilds_a_deleted_index_from_the_store(cli: Cli, tmp_path: Path) -> None:
    ids = _ingest_letters(cli, tmp_path)
    before = cli("search", "Straße", "--json").json()
    assert {h["id"] for h in before["hits"]} == {ids["a.pdf"], ids["b.pdf"]}

    shutil.rmtree(cli.data_dir / "index")
    assert cli("search", "Straße", "--json").json()["total"] == 0

    rebuilt = cli("reindex")
    assert rebuilt.returncode == 0 and "3 Dokumente" in rebuilt.stderr
    after = cli("search", "Straße", "--json").json()
    assert {h["id"] for h in after["hits"]} == {ids["a.pdf"], ids["b.pdf"]}
    assert cli("search", "Müllabfuhr", "--json").json()["hits"][0]["id"] == ids["c.pdf"]


def test_search_takes_the_filters_of_the_web_search(cli: Cli, tmp_path: Path) -> None:
    ids = _ingest_letters(cli, tmp_path)
    today = datetime.now(ZoneInfo("Europe/Berlin")).date()
    year = str(today.year)

    def found(*args: str) -> set[str]:
        result = cli("search", *args, "--json")
        assert result.returncode == 0, result.stderr
        return {hit["id"] for hit in result.json()["hits"]}

    assert found("Straße", "--jahr", year) == {ids["a.pdf"], ids["b.pdf"]}
    assert found("Straße", "--jahr", str(today.year - 1)) == set()
    assert found("--von", today.isoformat(), "--bis", today.isoformat()) == set(ids.values())
    assert found("--bis", (today - timedelta(days=1)).isoformat()) == set()
    assert found("Straße", "--typ", "rechnung") == set()  # no classifier: no type
    swapped = cli("search", "--von", today.isoformat(), "--bis", "2000-01-01")
    assert swapped.returncode == 2 and "--bis liegt vor --von" in swapped.stderr
    assert cli("search").returncode == 2


def test_an_index_of_an_older_schema_is_rebuilt_from_the_store(cli: Cli, tmp_path: Path) -> None:
    """After an upgrade that changes the index schema, the next command refills the
    index from the store by itself: no command stops, no hit is missing."""
    import tantivy

    ids = _ingest_letters(cli, tmp_path)
    shutil.rmtree(cli.data_dir / "index")
    (cli.data_dir / "index").mkdir()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("body", stored=True)
    older = tantivy.Index(builder.build(), path=str(cli.data_dir / "index"))
    writer = older.writer()
    writer.add_document(tantivy.Document(body="ein Dokument im alten Format"))
    writer.commit()
    del writer, older

    found = cli("search", "Straße", "--json")
    assert found.returncode == 0, found.stderr
    assert {h["id"] for h in found.json()["hits"]} == {ids["a.pdf"], ids["b.pdf"]}
    assert "aus dem Speicher neu aufgebaut (3 Dokumente)" in found.stderr


def test_get_refuses_an_original_whose_bytes_changed(cli: Cli, tmp_path: Path) -> None:
    ids = _ingest_letters(cli, tmp_path)
    record_id = ids["a.pdf"]
    original = cli.data_dir / "store" / "originals" / record_id[:2] / record_id
    os.chmod(original, stat.S_IWUSR | stat.S_IRUSR)
    data = bytearray(original.read_bytes())
    data[len(data) // 2] ^= 0x01  # one flipped bit, as a failing disk would leave it
    original.write_bytes(bytes(data))

    out = tmp_path / "kopie.pdf"
    result = cli("get", record_id, "-o", out)
    assert result.returncode == 1
    assert "beschädigt" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists() and list(tmp_path.glob(".kopie.pdf*")) == []


def test_usage_and_configuration_errors_exit_with_2(cli: Cli, tmp_path: Path) -> None:
    assert cli("ingest").returncode == 2
    assert cli("search").returncode == 2
    assert cli("ingest", tmp_path / "gibt-es-nicht.pdf").returncode == 2
    not_a_dir = tmp_path / "datei"
    not_a_dir.write_text("x")
    pdf = hostile.text_pdf(tmp_path / "x.pdf")
    broken = cli("ingest", pdf, EAKTE_DATA_DIR=str(not_a_dir))
    assert broken.returncode == 2 and "Datenverzeichnis" in broken.stderr
    bad_setting = cli("search", "x", EAKTE_OCR_DPI="zehn")
    assert bad_setting.returncode == 2 and "EAKTE_OCR_DPI" in bad_setting.stderr


def test_unknown_id_is_a_clear_error(cli: Cli, tmp_path: Path) -> None:
    _ingest_letters(cli, tmp_path)
    result = cli("show", "ffffffffffff")
    assert result.returncode == 1 and "unbekannt" in result.stderr


def test_missing_tesseract_data_stops_with_2_before_any_file_is_touched(
    cli: Cli, tmp_path: Path, sample_dir: Path
) -> None:
    scan = sample_dir / "scan_gewerbe.jpg"
    result = cli("ingest", scan, "--json", EAKTE_TESSDATA_DIR="/nicht/da")
    assert result.returncode == 2
    assert "tesseract-ocr-deu" in result.stderr and "Traceback" not in result.stderr
    without_german = cli("ingest", scan, "--json", EAKTE_TESSDATA_DIR=str(tmp_path))
    assert without_german.returncode == 2
    assert "Sprachdaten deu fehlen" in without_german.stderr
    assert "apt-get install tesseract-ocr-deu" in without_german.stderr
    originals = [p for p in (cli.data_dir / "store" / "originals").rglob("*") if p.is_file()]
    assert originals == []  # checked before the first file is stored
    retried = cli("ingest", scan, "--json")  # once Tesseract is there, the scan is read
    assert retried.json_lines()[0]["status"] == "stored", retried.stderr


def test_doctor_reports_what_is_there_and_what_is_missing(cli: Cli) -> None:
    healthy = cli("doctor")
    assert healthy.returncode == 0, healthy.stderr
    assert "Sprachdaten deu: installiert" in healthy.stderr
    broken = cli("doctor", EAKTE_TESSDATA_DIR="/nicht/da")
    assert broken.returncode == 2
    assert "apt-get install tesseract-ocr-deu" in broken.stderr
