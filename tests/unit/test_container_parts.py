"""Containers (e-mails, ZIP archives) through both schedulers against fakes: a part
refused on its own is listed in the container's ``parts`` with its reason, while the
container and its other parts are stored."""

from __future__ import annotations

import io
import zipfile
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
    assert "PDF" in str(refused.error)
    assert result.refused_anything  # the exit code of `eakte ingest` says so
    stored = load_manifest(ctx.store, result.parts[0].id)
    assert stored is not None and stored.status == "stored"
    mail = load_manifest(ctx.store, str(result.id))
    assert mail is not None and mail.fields["parts"][1]["status"] == "quarantined"


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb(megabytes: int = 40) -> bytes:
    """One member of zeros: ~1000 times smaller packed than unpacked."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("rechnung.pdf", "w", force_zip64=True) as member,
    ):
        for _ in range(megabytes):
            member.write(bytes(1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize("scheduler", sorted(SCHEDULERS))
def test_a_zip_bomb_in_a_mail_is_quarantined_and_the_rest_stored(
    scheduler: str, stage_settings: Settings, tmp_path: Path
) -> None:
    ctx = fake_context(stage_settings)
    path = tmp_path / "antrag.eml"
    path.write_bytes(
        mail_with(
            {
                "antrag.png": ("image/png", scan_png("Antrag auf Sondernutzung")),
                "anlagen.zip": ("application/zip", zip_bomb()),
                "plan.png": ("image/png", scan_png("Lageplan Marktplatz")),
            }
        )
    )
    (result,) = run(ctx, scheduler, [path]).values()
    assert result.status == "stored" and result.parts is not None and len(result.parts) == 3
    (refused,) = result.quarantined_parts
    assert "ZIP-Bombe" in str(refused.error)
    bomb = load_manifest(ctx.store, refused.id)
    assert bomb is not None and bomb.status == "quarantined"
    assert ctx.store.has_original(bomb.id)  # the container is kept
    kept = [load_manifest(ctx.store, part.id) for part in result.parts]
    assert [m.status for m in kept if m is not None] == ["stored", "quarantined", "stored"]


def test_a_zip_upload_becomes_linked_records(stage_settings: Settings, tmp_path: Path) -> None:
    ctx = fake_context(stage_settings)
    inner = zip_bytes({"lageplan.png": scan_png("Lageplan Marktplatz")})
    path = tmp_path / "unterlagen.zip"
    path.write_bytes(
        zip_bytes(
            {
                "antrag.png": scan_png("Antrag auf Sondernutzung"),
                "__MACOSX/._antrag.png": b"\x00\x05\x16\x07",
                "anlagen/": b"",
                "anlagen/innen.zip": inner,
            }
        )
    )
    (result,) = run(ctx, "local", [path]).values()
    assert result.status == "stored" and not result.refused_anything
    assert result.parts is not None and len(result.parts) == 2
    records = [load_manifest(ctx.store, part.id) for part in result.parts]
    assert records[0] is not None and "Sondernutzung" in records[0].full_text
    assert records[0].fields["zip_path"] == "antrag.png"
    nested = records[1]
    assert nested is not None and nested.fields["parts"]  # unpacked one level deeper
    assert "antrag.png" in str(load_manifest(ctx.store, str(result.id)).full_text)  # type: ignore[union-attr]


def test_zip_limits_refuse_the_whole_archive(tmp_path: Path) -> None:
    from eakte.errors import LimitExceeded
    from ingest.handler_zip import ZipHandler

    handler = ZipHandler(max_members=3, max_total_bytes=10_000, max_ratio=100, max_depth=2)
    many = tmp_path / "viele.zip"
    many.write_bytes(zip_bytes({f"{n}.txt": b"x" for n in range(4)}))
    with pytest.raises(LimitExceeded, match="höchstens 3"):
        handler.read_text(many)
    big = tmp_path / "gross.zip"
    big.write_bytes(zip_bytes({"a.bin": bytes(20_000)}))
    with pytest.raises(LimitExceeded, match="ZIP-Bombe"):
        handler.read_text(big)
