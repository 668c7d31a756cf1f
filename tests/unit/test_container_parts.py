"""Containers (e-mails, ZIP archives) through both schedulers against fakes: a part
refused on its own is listed in the container's ``parts`` with its reason, while the
container and its other parts are stored."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from eakte.records import load_manifest
from eakte.settings import Settings
from tests.fakes.context import fake_context
from tests.unit.test_stages import SCHEDULERS, run, scan_png


@pytest.fixture
def stage_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", workers=2, model_cache_dir=tmp_path / "none")


def mail_with(attachments: dict[str, tuple[str, bytes]]) -> bytes:
    message = EmailMessage()
    message["From"] = "Erika Mustermann <erika@example.org>"
    message["To"] = "poststelle@stadt.example"
    message["Subject"] = "Antrag mit Anlagen"
    message["Date"] = "Fri, 04 Dec 2026 10:00:00 +0100"
    message.set_content("Sehr geehrte Damen und Herren,\nanbei die Unterlagen.\n")
    for name, (content_type, data) in attachments.items():
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return bytes(message)


@pytest.mark.parametrize("scheduler", sorted(SCHEDULERS))
def test_a_refused_attachment_is_listed_in_the_mails_parts(
    scheduler: str, stage_settings: Settings, tmp_path: Path
) -> None:
    ctx = fake_context(stage_settings)
    path = tmp_path / "antrag.eml"
    path.write_bytes(
        mail_with(
            {
                "antrag.png": ("image/png", scan_png("Antrag auf Sondernutzung")),
                "anlage.pdf": ("application/pdf", b"%PDF-1.4\n" + b"\x00kaputt" * 40),
            }
        )
    )
    (result,) = run(ctx, scheduler, [path]).values()
    assert result.status == "stored"
    assert result.parts is not None and len(result.parts) == 2
    (refused,) = result.quarantined_parts
    assert "PDF" in str(refused["error"])
    assert result.refused_anything  # the exit code of `eakte ingest` says so
    stored = load_manifest(ctx.store, result.parts[0]["id"])  # type: ignore[arg-type]
    assert stored is not None and stored.status == "stored"
    mail = load_manifest(ctx.store, str(result.id))
    assert mail is not None and mail.fields["parts"][1]["status"] == "quarantined"
