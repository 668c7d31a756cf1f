"""The README sample set through the real CLI, real pdfium and the real Tesseract."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest

from samples.sets import read_truth
from tests.conftest import Cli, CliResult

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def ingested(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Cli, CliResult]:
    cli = Cli(data_dir=tmp_path_factory.mktemp("data"), env={})
    return cli, cli("ingest", sample_dir, "--json")


def _by_name(result: CliResult) -> dict[str, dict[str, Any]]:
    return {Path(line["path"]).name: line for line in result.json_lines()}


def _manifest(cli: Cli, record_id: str) -> dict[str, Any]:
    shown = cli("show", record_id, "--json")
    assert shown.returncode == 0, shown.stderr
    manifest: dict[str, Any] = shown.json()
    return manifest


def test_every_sample_is_stored_with_its_page_count(
    ingested: tuple[Cli, CliResult], sample_dir: Path
) -> None:
    _, result = ingested
    assert result.returncode == 0, result.stderr
    lines = _by_name(result)
    documents = sorted(p.name for p in sample_dir.iterdir() if p.is_file())
    assert sorted(lines) == documents
    for name, line in lines.items():
        assert set(line) == {"path", "id", "status", "pages", "doc_type", "signature", "error"}
        assert line["status"] == "stored", line
        assert line["signature"] == "UNSIGNED"
        assert line["id"] == hashlib.sha256((sample_dir / name).read_bytes()).hexdigest()
        assert line["pages"] == len(read_truth(sample_dir / name))


def test_born_digital_pdf_uses_its_text_layer_without_ocr(
    ingested: tuple[Cli, CliResult], sample_dir: Path
) -> None:
    cli, result = ingested
    manifest = _manifest(cli, _by_name(result)["brief_widerspruch.pdf"]["id"])
    truth = read_truth(sample_dir / "brief_widerspruch.pdf")
    assert [p["source"] for p in manifest["pages"]] == ["text_layer"] * len(truth)
    assert all(p["ocr_confidence"] is None for p in manifest["pages"])
    first_line = truth[0].strip().splitlines()[0]
    assert first_line in manifest["pages"][0]["text"]
    assert not any(e["stage"] == "ocr" for e in manifest["events"])


@pytest.mark.parametrize("name", ["scan_beschwerde.png", "scan_gewerbe.jpg", "stapel_3_seiten.tif"])
def test_scans_are_read_by_tesseract_with_confidence(
    ingested: tuple[Cli, CliResult], sample_dir: Path, name: str
) -> None:
    cli, result = ingested
    manifest = _manifest(cli, _by_name(result)[name]["id"])
    truth = read_truth(sample_dir / name)
    assert len(manifest["pages"]) == len(truth)
    for page, expected in zip(manifest["pages"], truth, strict=True):
        assert page["source"] == "ocr"
        assert 60 <= page["ocr_confidence"] <= 100
        words = [w for w in expected.split() if len(w) > 6 and w.isalpha()]
        found = sum(w in page["text"] for w in words)
        assert found >= 0.8 * len(words), (found, len(words))


def test_mixed_pdf_reads_text_page_directly_and_ocrs_the_image_page(
    ingested: tuple[Cli, CliResult],
) -> None:
    cli, result = ingested
    manifest = _manifest(cli, _by_name(result)["gemischt.pdf"]["id"])
    assert [p["source"] for p in manifest["pages"]] == ["text_layer", "ocr"]
    assert manifest["pages"][1]["text"].strip()


def test_manifest_follows_the_cli_contract(ingested: tuple[Cli, CliResult]) -> None:
    cli, result = ingested
    line = _by_name(result)["rechnung.pdf"]
    manifest = _manifest(cli, line["id"][:10])  # a unique prefix is enough
    for key in ("id", "sha256", "original_filename", "media_type", "pages", "classification"):
        assert key in manifest
    assert manifest["schema_version"] == 1
    assert manifest["original_filename"] == "rechnung.pdf"
    assert manifest["media_type"] == "application/pdf"
    assert manifest["classification"] is None
    assert manifest["signature"]["verdict"] == "UNSIGNED"
    assert manifest["signature"]["signatures"] == []
    assert {e["kind"] for e in manifest["events"]} >= {"received", "stage", "stored"}


def test_german_search_finds_inflected_and_transliterated_forms(
    ingested: tuple[Cli, CliResult], sample_dir: Path
) -> None:
    cli, result = ingested
    hits = cli("search", "Straße", "--json").json()
    assert hits["total"] >= 1
    ids = {h["id"] for h in hits["hits"]}
    assert _by_name(result)["stapel_3_seiten.tif"]["id"] in ids  # found in OCR text
    for hit in hits["hits"]:
        assert set(hit) == {"id", "score", "doc_type", "snippet"}
    transliterated = cli("search", "Strasse", "--json").json()
    assert {h["id"] for h in transliterated["hits"]} == ids


def test_get_returns_the_exact_original_bytes(
    ingested: tuple[Cli, CliResult], sample_dir: Path, tmp_path: Path
) -> None:
    cli, result = ingested
    line = _by_name(result)["stapel_3_seiten.tif"]
    out = tmp_path / "kopie.tif"
    got = cli("get", line["id"], "-o", out)
    assert got.returncode == 0, got.stderr
    assert out.read_bytes() == (sample_dir / "stapel_3_seiten.tif").read_bytes()


def test_second_ingest_of_same_bytes_is_a_recorded_duplicate(
    ingested: tuple[Cli, CliResult], sample_dir: Path, tmp_path: Path
) -> None:
    cli, result = ingested
    copy = tmp_path / "nochmal_rechnung.pdf"
    shutil.copy(sample_dir / "rechnung.pdf", copy)
    again = cli("ingest", copy, "--json")
    assert again.returncode == 0
    (line,) = again.json_lines()
    assert line["status"] == "duplicate"
    assert line["id"] == _by_name(result)["rechnung.pdf"]["id"]
    originals = list((cli.data_dir / "store" / "originals").rglob("*"))
    assert len([p for p in originals if p.is_file()]) == len(_by_name(result))
    events = _manifest(cli, line["id"])["events"]
    duplicates = [e for e in events if e["kind"] == "duplicate"]
    assert duplicates[-1]["details"]["filename"] == "nochmal_rechnung.pdf"
