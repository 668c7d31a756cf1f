"""Hostile and broken input: one line of error each, the original kept in quarantine,
and the rest of the batch goes on."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests import hostile
from tests.conftest import Cli

pytestmark = pytest.mark.integration

CASES: dict[str, tuple[Callable[[Path], Path], str, str]] = {
    "leer.pdf": (hostile.empty, "empty", "leer"),
    "abgeschnitten.pdf": (hostile.truncated_pdf, "corrupt", "beschädigt"),
    "zufall.pdf": (hostile.random_bytes_named_pdf, "unsupported_type", "Unbekanntes"),
    "geheim.pdf": (hostile.password_protected_pdf, "encrypted", "passwortgeschützt"),
    "bombe.png": (hostile.png_bomb, "limit_exceeded", "zu groß"),
    "riesenseite.pdf": (hostile.giant_page_pdf, "limit_exceeded", "zu groß"),
    "seitenflut.pdf": (lambda p: hostile.many_pages_pdf(p, 60), "limit_exceeded", "60 Seiten"),
}


def test_bad_inputs_are_quarantined_and_the_batch_goes_on(cli: Cli, tmp_path: Path) -> None:
    batch = tmp_path / "stapel"
    batch.mkdir()
    for name, (make, _, _) in CASES.items():
        make(batch / name)
    good = hostile.text_pdf(batch / "zwischendrin_gut.pdf")
    shutil.copy(good, batch / "zz_letzter_gut.pdf")  # a duplicate after the bad ones

    result = cli("ingest", batch, "--json", EAKTE_MAX_PAGES="50")

    assert result.returncode == 1, result.stderr
    lines = {Path(line["path"]).name: line for line in result.json_lines()}
    assert lines["zwischendrin_gut.pdf"]["status"] == "stored"
    assert lines["zz_letzter_gut.pdf"]["status"] == "duplicate"
    quarantined = cli("quarantine", "--json").json()
    reasons = {entry["original_filename"]: entry for entry in quarantined}
    for name, (_, reason, words) in CASES.items():
        line = lines[name]
        assert line["status"] == "quarantined", line
        assert words in line["error"] and "\n" not in line["error"]
        assert reasons[name]["reason"] == reason
        kept = tmp_path / f"zurück_{name}"
        assert cli("get", line["id"], "-o", kept).returncode == 0
        assert kept.read_bytes() == (batch / name).read_bytes()
        manifest = cli("show", line["id"], "--json").json()
        assert manifest["status"] == "quarantined" and manifest["errors"] == [line["error"]]
    assert all(name in result.stderr for name in CASES)  # the summary names each one


def test_file_over_the_size_limit_is_kept_but_not_processed(cli: Cli, tmp_path: Path) -> None:
    big = hostile.text_pdf(tmp_path / "gross.pdf", "Anlage " * 2000)
    result = cli("ingest", big, "--json", EAKTE_MAX_FILE_BYTES="1000")
    (line,) = result.json_lines()
    assert result.returncode == 1
    assert line["status"] == "quarantined" and "erlaubt sind 1.000" in line["error"]
    assert line["id"] == hashlib.sha256(big.read_bytes()).hexdigest()


def test_hostile_file_names_are_sanitised_not_followed(cli: Cli, tmp_path: Path) -> None:
    traversal = hostile.text_pdf(tmp_path / "..\\..\\Windows\\evil.pdf")
    overlong = hostile.text_pdf(tmp_path / ("Widerspruch_" + "ä" * 110 + ".pdf"), "Widerspruch")
    result = cli("ingest", traversal, overlong, "--json")
    assert result.returncode == 0, result.stderr
    first, second = result.json_lines()
    assert cli("show", first["id"], "--json").json()["original_filename"] == "evil.pdf"
    long_name = cli("show", second["id"], "--json").json()["original_filename"]
    assert long_name.startswith("Widerspruch_ää") and long_name.endswith("….pdf")
    assert len(long_name.encode()) < len(overlong.name.encode())
    stored = [p for p in (cli.data_dir / "store").rglob("*") if p.is_file()]
    assert all("evil" not in p.name for p in stored)


def test_reingest_after_quarantine_processes_again_and_keeps_history(
    cli: Cli, tmp_path: Path
) -> None:
    pdf = hostile.text_pdf(tmp_path / "brief.pdf", "Antrag auf Sondernutzung " * 40)
    refused = cli("ingest", pdf, "--json", EAKTE_MAX_FILE_BYTES="1000")
    assert refused.json_lines()[0]["status"] == "quarantined"
    accepted = cli("ingest", pdf, "--json")
    (line,) = accepted.json_lines()
    assert line["status"] == "stored", accepted.stderr
    manifest = cli("show", line["id"], "--json").json()
    kinds = [event["kind"] for event in manifest["events"]]
    assert kinds.count("received") == 2 and "quarantined" in kinds
    assert manifest["status"] == "stored" and manifest["errors"] == []
    assert cli("quarantine", "--json").json() == []


def test_a_fifo_is_refused_without_blocking_the_batch(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "eingang"
    folder.mkdir()
    os.mkfifo(folder / "a_rohr.pdf")
    hostile.text_pdf(folder / "b_brief.pdf")
    result = cli("ingest", folder, "--json")
    assert result.returncode == 1
    fifo, letter = result.json_lines()
    assert fifo["status"] == "quarantined" and "keine reguläre Datei" in fifo["error"]
    assert letter["status"] == "stored"


def test_copies_within_one_batch_are_one_record_with_both_arrivals(
    cli: Cli, tmp_path: Path, sample_dir: Path
) -> None:
    folder = tmp_path / "stapel"
    folder.mkdir()
    for name in ("a_scan.jpg", "b_kopie.jpg"):  # the first is still in OCR when b arrives
        shutil.copy(sample_dir / "scan_gewerbe.jpg", folder / name)
    result = cli("ingest", folder, "--json")
    assert result.returncode == 0, result.stderr
    lines = {Path(line["path"]).name: line for line in result.json_lines()}
    assert lines["a_scan.jpg"]["status"] == "stored"
    assert lines["b_kopie.jpg"]["status"] == "duplicate"
    assert lines["b_kopie.jpg"]["id"] == lines["a_scan.jpg"]["id"]
    events = cli("show", lines["a_scan.jpg"]["id"], "--json").json()["events"]
    assert [e["details"]["filename"] for e in events if e["kind"] == "duplicate"] == ["b_kopie.jpg"]


@pytest.mark.parametrize("damage", [hostile.broken_xref_pdf, hostile.junk_before_header_pdf])
def test_unsigned_pdf_the_signature_parser_cannot_read_is_stored_with_its_text(
    cli: Cli, tmp_path: Path, damage: Callable[[Path, str], Path]
) -> None:
    """pdfium reads these; pyHanko does not. Without a signature in the file the
    signature check has nothing to say against storing it: UNSIGNED, reason recorded."""
    letter = damage(tmp_path / "widerspruch.pdf", "Widerspruch gegen den Gebührenbescheid")
    result = cli("ingest", letter, "--json")
    assert result.returncode == 0, result.stderr
    (line,) = result.json_lines()
    assert line["status"] == "stored" and line["signature"] == "UNSIGNED"
    manifest = cli("show", line["id"], "--json").json()
    assert "Widerspruch gegen den Gebührenbescheid" in manifest["pages"][0]["text"]
    (note,) = [e for e in manifest["events"] if e["kind"] == "signature_not_checked"]
    assert "unlesbar" in note["message"] and "keine Signatur" in note["message"]
    hits = cli("search", "Gebührenbescheid", "--json").json()["hits"]
    assert [hit["id"] for hit in hits] == [line["id"]]
