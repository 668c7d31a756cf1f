"""The Transfervermerk (BSI TR-03138) of scanned Dokumente: which records get one, what
it says, and the rule for destroying the paper; the scan facts read from files."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from PIL import Image

from eakte import transfer
from eakte.record import Classification, Event, Manifest, PageText
from eakte.settings import Settings
from ingest.scan_facts import exif_date, image_scan_facts, pdf_date, pdf_scan_facts
from samples.render import make_image_pdf

SEALED_AT = "2026-03-01T09:15:00+00:00"


def settings(tmp_path: Path, keep: str = "") -> Settings:
    return Settings(data_dir=tmp_path, paper_keep_types=keep)


def scan(*rescan: list[str], **update: object) -> Manifest:
    pages = [
        PageText(number=n, text="Text", source="ocr", rescan=reasons)
        for n, reasons in enumerate(rescan or ([],), start=1)
    ]
    manifest = Manifest(
        id="a" * 64, sha256="a" * 64, size=10, original_filename="stapel-brief-02.pdf", pages=pages
    )
    return manifest.model_copy(update=update)


def typed(name: str, *, unsure: bool = False, corrected: bool = False) -> Classification:
    return Classification(
        type=name, label=name.title(), confidence=0.5, needs_review=unsure, corrected=corrected
    )


def test_only_records_with_ocr_pages_get_a_note(tmp_path: Path) -> None:
    born_digital = scan().model_copy(
        update={"pages": [PageText(number=1, text="Brief", source="text_layer")]}
    )
    assert transfer.note_transfer(born_digital, settings(tmp_path)).transfer_note is None
    assert transfer.note_transfer(scan(), settings(tmp_path)).transfer_note is not None
    mailed = scan(channel="email")  # the paper is the sender's
    assert transfer.note_transfer(mailed, settings(tmp_path)).transfer_note is None


def test_a_letter_of_a_batch_names_its_batch_device_time_person_and_seal(tmp_path: Path) -> None:
    sealed = Event(
        kind=transfer.SEALED,
        details={"time": SEALED_AT, "tsa": "Test-TSA", "sha256": "b" * 64},
    )
    manifest = scan(
        [],
        [],
        received_by="K. Beispiel",
        fields={
            "batch_file": "stapel.pdf",
            "batch_pages": [4, 5],
            "scan_device": "Fujitsu fi-7160",
            "scan_time": "2026-03-01T08:00:00+01:00",
        },
        events=[sealed],
    )
    note = transfer.build_note(manifest, settings(tmp_path))

    assert (note.scanned_by, note.device, note.batch, note.batch_pages) == (
        "K. Beispiel",
        "Fujitsu fi-7160",
        "stapel.pdf",
        [4, 5],
    )
    assert note.scanned_at == datetime(2026, 3, 1, 7, tzinfo=UTC)
    assert (note.pages_checked, note.qa_passed, note.paper_destruction_allowed) == (2, True, True)
    assert note.rendition_timestamp == datetime.fromisoformat(SEALED_AT)
    assert (note.rendition_tsa, note.rendition_sha256) == ("Test-TSA", "b" * 64)
    rows = dict(transfer.note_rows(note))
    assert rows["Stapel"] == "stapel.pdf, Seiten 4–5"
    assert rows["Gescannt von"] == "K. Beispiel"
    assert rows["Zeitpunkt"].endswith("gescannt 01.03.2026, 07:00:00 UTC (Angabe der Datei)")
    assert rows["Vernichtung des Papieroriginals zulässig"].startswith("ja")
    assert "01.03.2026, 09:15:00 UTC, Test-TSA" in rows["Archivfassung (PDF/A) versiegelt"]


def test_a_seal_that_failed_says_why_and_nobody_named_says_so(tmp_path: Path) -> None:
    failed = Event(kind=transfer.NOT_SEALED, details={"reason": "Zeitstempeldienst weg"})
    note = transfer.build_note(scan(events=[failed]), settings(tmp_path))
    assert note.rendition_timestamp is None and note.rendition_not_sealed == "Zeitstempeldienst weg"
    rows = dict(transfer.note_rows(note))
    assert rows["Archivfassung (PDF/A) versiegelt"] == "nein: Zeitstempeldienst weg"
    assert rows["Gescannt von"].startswith("nicht angegeben")
    assert rows["Stapel"] == "stapel-brief-02.pdf"


def test_a_page_to_rescan_keeps_the_paper(tmp_path: Path) -> None:
    manifest = scan([], ["Auflösung 150 dpi unter 200 dpi"], [])
    note = transfer.build_note(manifest, settings(tmp_path))
    assert not note.qa_passed and not note.paper_destruction_allowed
    assert [(p.number, p.reasons) for p in note.flagged] == [
        (2, ["Auflösung 150 dpi unter 200 dpi"])
    ]
    assert note.paper_destruction_reason == "nein: Seite 2 muss neu gescannt werden"
    assert "Seite 2: Auflösung 150 dpi" in dict(transfer.note_rows(note))["Qualitätsprüfung"]


def test_the_keep_list_decides_by_type_and_an_unsure_type_keeps_the_paper(
    tmp_path: Path,
) -> None:
    keep = settings(tmp_path, keep="Urkunde, vollmacht")

    def allowed(manifest: Manifest, chosen: Settings = keep) -> bool:
        return transfer.build_note(manifest, chosen).paper_destruction_allowed

    assert not allowed(scan(classification=typed("urkunde")))
    assert not allowed(scan(classification=typed("vollmacht", corrected=True)))
    assert not allowed(scan(classification=typed("widerspruch", unsure=True)))
    assert not allowed(scan())  # no type: nobody knows whether it is an Urkunde
    assert allowed(scan(classification=typed("widerspruch", unsure=True, corrected=True)))
    assert allowed(scan(classification=typed("widerspruch")))
    assert allowed(scan(), settings(tmp_path))  # no keep list: the checks decide
    reason = transfer.build_note(scan(classification=typed("urkunde")), keep)
    assert (
        reason.paper_destruction_reason
        == "nein: Papier der Dokumentart „Urkunde“ ist aufzubewahren"
    )


def test_a_manifest_written_before_the_note_still_loads() -> None:
    old = json.loads(scan().to_json())
    del old["transfer_note"], old["received_by"]
    loaded = Manifest.from_json(json.dumps(old).encode())
    assert loaded.transfer_note is None and loaded.received_by is None


def test_scan_facts_from_a_tiff_and_a_pdf(tmp_path: Path) -> None:
    page = Image.new("L", (200, 280), 250)
    tiff = tmp_path / "scan.tif"
    tags = {271: "Fujitsu", 272: "fi-7160", 305: "PaperStream", 306: "2026:01:05 10:30:00"}
    page.save(tiff, dpi=(300, 300), tiffinfo=tags)
    assert image_scan_facts(tiff) == {
        "scan_device": "Fujitsu fi-7160 / PaperStream",
        "scan_time": "2026-01-05T10:30:00+00:00",
    }
    plain = tmp_path / "plain.png"
    page.save(plain)
    assert image_scan_facts(plain) == {}
    pdf = tmp_path / "scan.pdf"
    make_image_pdf(pdf, [page])
    facts = pdf_scan_facts(pdf)
    assert facts["scan_device"]  # fpdf2 names itself as producer
    broken = tmp_path / "kaputt.pdf"
    broken.write_bytes(b"%PDF-1.7\nkein PDF")
    assert pdf_scan_facts(broken) == {}


def test_pdf_and_exif_dates() -> None:
    plus_one = timezone(timedelta(hours=1))
    assert pdf_date("D:20260105103000+01'00'") == datetime(2026, 1, 5, 10, 30, tzinfo=plus_one)
    assert pdf_date("D:20260105103000Z") == datetime(2026, 1, 5, 10, 30, tzinfo=UTC)
    assert pdf_date("D:2026") == datetime(2026, 1, 1, tzinfo=UTC)
    assert pdf_date("gestern") is None and pdf_date("D:20261399") is None
    assert exif_date("2026:01:05 10:30:00") == datetime(2026, 1, 5, 10, 30, tzinfo=UTC)
    assert exif_date("kaputt") is None and exif_date(None) is None
