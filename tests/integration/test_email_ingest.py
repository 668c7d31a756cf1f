"""E-mails through the real CLI: one record for the mail, one linked record per attachment."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from samples.capture import write_mail
from tests.conftest import Cli

pytestmark = pytest.mark.integration

CONTRACT_KEYS = {"path", "id", "status", "pages", "doc_type", "signature", "error", "parts"}


def test_mail_with_pdf_and_jpeg_becomes_three_linked_records(cli: Cli, tmp_path: Path) -> None:
    mail_path = write_mail(tmp_path)
    result = cli("ingest", mail_path, "--json")

    assert result.returncode == 0, result.stderr
    [line] = result.json_lines()
    assert set(line) == CONTRACT_KEYS and line["status"] == "stored", line
    parts = line["parts"]
    assert len(parts) == 2 and all(part["pages"] is None for part in parts)

    mail = cli("show", line["id"], "--json").json()
    assert mail["media_type"] == "message/rfc822"
    assert "Betreff: Schlagloch in der Hauptstraße" in mail["pages"][0]["text"]
    attachments = [cli("show", part["id"], "--json").json() for part in parts]
    assert {(a["original_filename"], a["media_type"]) for a in attachments} == {
        ("Antrag Müller.pdf", "application/pdf"),
        ("foto.jpg", "image/jpeg"),
    }
    assert all(a["fields"]["part_of"] == line["id"] for a in attachments)

    [again] = cli("ingest", mail_path, "--json").json_lines()
    assert (again["status"], again["id"]) == ("duplicate", line["id"])
    assert {part["id"] for part in again["parts"] or []} == {part["id"] for part in parts}


def test_attachment_text_is_searchable(cli: Cli, tmp_path: Path) -> None:
    line = cli("ingest", write_mail(tmp_path), "--json").json_lines()[0]
    hits = {hit["id"] for hit in cli("search", "Beseitigung", "--json").json()["hits"]}
    pdf_ids = {part["id"] for part in line["parts"]}
    assert hits & pdf_ids


def test_forwarded_mail_is_a_record_of_its_own(cli: Cli, tmp_path: Path) -> None:
    inner = EmailMessage()
    inner["From"] = "anwohner@example.org"
    inner["Subject"] = "Lärm an der Baustelle"
    inner.set_content("Seit sechs Uhr wird gebaggert.")
    outer = EmailMessage()
    outer["From"] = "ortsamt@stadt.example"
    outer["To"] = "poststelle@stadt.example"
    outer["Subject"] = "WG: Lärm an der Baustelle"
    outer.set_content("Zur Bearbeitung.")
    outer.add_attachment(inner)
    path = tmp_path / "weiter.eml"
    path.write_bytes(outer.as_bytes())

    line = cli("ingest", path, "--json").json_lines()[0]

    assert line["status"] == "stored" and len(line["parts"]) == 1, line
    forwarded = cli("show", line["parts"][0]["id"], "--json").json()
    assert forwarded["media_type"] == "message/rfc822"
    assert forwarded["original_filename"] == "Lärm an der Baustelle.eml"
    assert forwarded["fields"]["part_of"] == line["id"]
    assert "gebaggert" in forwarded["pages"][0]["text"]


def test_a_mail_python_parses_is_stored_with_its_defect_noted(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "kaputt.eml"
    path.write_bytes(
        b"From: a@example.org\r\nTo: b@stadt.example\r\nSubject: Anhang\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\n--x\r\nText\r\n"
    )

    result = cli("ingest", path, "--json")

    assert result.returncode == 0, result.stderr
    [line] = result.json_lines()
    assert line["status"] == "stored" and line["id"]
    shown = cli("show", line["id"], "--json").json()
    assert "Text" in shown["pages"][0]["text"]
    notes = [event["message"] for event in shown["events"] if event["kind"] == "mail_note"]
    assert any("NoBoundaryInMultipartDefect" in note for note in notes)
