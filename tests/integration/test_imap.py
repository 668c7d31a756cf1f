"""IMAP intake against a real Dovecot: exactly once, crash safety, clear errors."""

from __future__ import annotations

import imaplib
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from eakte.cli_mail import MailDelivery
from eakte.context import Context
from eakte.errors import ConfigurationError, Transient
from eakte.settings import Settings
from eakte.wiring import build_context
from ingest.mailbox import poll_mailbox
from tests import hostile
from tests.conftest import REPO, Cli
from tests.integration.imap_server import (
    ImapServer,
    dovecot_available,
    free_port,
    running_dovecot,
)

pytestmark = pytest.mark.integration

USER, PASSWORD = "poststelle", "Geheim-123"


@pytest.fixture
def dovecot() -> Iterator[ImapServer]:
    missing = dovecot_available()
    if missing:
        pytest.skip(missing)
    with running_dovecot({USER: PASSWORD}) as server:
        yield server


def _settings(tmp_path: Path, server: ImapServer, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": tmp_path / "data",
        "model_cache_dir": tmp_path / "no-models",
        "workers": 1,
        "imap_host": server.host,
        "imap_port": server.port,
        "imap_ssl": False,
        "imap_user": USER,
        "imap_password": PASSWORD,
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def mail_ctx(tmp_path: Path, dovecot: ImapServer) -> Iterator[Context]:
    context = build_context(_settings(tmp_path, dovecot))
    yield context
    context.index.close()


def _letter(subject: str, body: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Bürgerin <buergerin@example.org>"
    message["To"] = "poststelle@stadt.example"
    message["Subject"] = subject
    message["Date"] = "Tue, 01 Dec 2026 09:30:00 +0100"
    message.set_content(body)
    return message.as_bytes()


def _append(server: ImapServer, raw: bytes) -> None:
    """Deliver the way a mail server would: IMAP APPEND (standard library client)."""
    with imaplib.IMAP4(server.host, server.port) as client:
        client.login(USER, PASSWORD)
        client.append("INBOX", "", None, raw)


def _count(server: ImapServer, folder: str) -> int:
    with imaplib.IMAP4(server.host, server.port) as client:
        client.login(USER, PASSWORD)
        typ, data = client.select(f'"{folder}"', readonly=True)
        assert typ == "OK" or b"doesn't exist" in (data[0] or b""), data
        return int(data[0] or 0) if typ == "OK" else 0


def _records(ctx: Context) -> list[str]:
    return list(ctx.store.list_originals())


def test_each_message_is_ingested_exactly_once_and_moved(
    mail_ctx: Context, dovecot: ImapServer
) -> None:
    _append(dovecot, _letter("Antrag auf Sondernutzung", "Ich beantrage einen Stand."))
    delivery = MailDelivery(mail_ctx)

    first = poll_mailbox(mail_ctx.settings, delivery)

    assert (first.delivered, first.kept) == (1, 0)
    assert len(_records(mail_ctx)) == 1
    assert _count(dovecot, "INBOX") == 0 and _count(dovecot, "Verarbeitet") == 1

    _append(dovecot, _letter("Widerspruch", "Gegen den Bescheid lege ich Widerspruch ein."))
    second = poll_mailbox(mail_ctx.settings, delivery)

    assert (second.delivered, second.kept) == (1, 0)  # the first one is not seen again
    assert len(_records(mail_ctx)) == 2
    assert _count(dovecot, "INBOX") == 0 and _count(dovecot, "Verarbeitet") == 2
    assert poll_mailbox(mail_ctx.settings, delivery).delivered == 0


def test_copy_and_expunge_fallback_moves_like_move(mail_ctx: Context, dovecot: ImapServer) -> None:
    for number in range(3):
        _append(dovecot, _letter(f"Anfrage {number}", f"Text {number}"))
    seen: list[str] = []

    def remember(path: Path) -> bool:
        seen.append(path.name)
        return True

    result = poll_mailbox(mail_ctx.settings, remember, prefer_move=False)

    assert result.delivered == 3 and seen == ["1.eml", "2.eml", "3.eml"]  # UID order
    assert _count(dovecot, "INBOX") == 0 and _count(dovecot, "Verarbeitet") == 3


def test_a_message_not_stored_stays_in_the_folder(mail_ctx: Context, dovecot: ImapServer) -> None:
    _append(dovecot, _letter("Anfrage", "Text"))
    result = poll_mailbox(mail_ctx.settings, lambda path: False)
    assert (result.delivered, result.kept) == (0, 1)
    assert _count(dovecot, "INBOX") == 1


class SimulatedCrash(Exception):
    """Stands for the process dying after the store, before the move."""


class CrashAfterStoring:
    """Fake deliver callback: really stores the message, then 'dies' before returning."""

    def __init__(self, real: MailDelivery) -> None:
        self.real = real
        self.stored: list[Path] = []

    def __call__(self, path: Path) -> bool:
        assert self.real(path)
        self.stored.append(path)
        raise SimulatedCrash(path.name)


def test_crash_between_store_and_move_redelivers_as_a_duplicate(
    mail_ctx: Context, dovecot: ImapServer, capsys: pytest.CaptureFixture[str]
) -> None:
    _append(dovecot, _letter("Beschwerde", "Die Straßenlaterne ist defekt."))

    with pytest.raises(SimulatedCrash):
        poll_mailbox(mail_ctx.settings, CrashAfterStoring(MailDelivery(mail_ctx)))
    assert _count(dovecot, "INBOX") == 1  # not moved: it will come again
    [record_id] = _records(mail_ctx)
    capsys.readouterr()

    again = poll_mailbox(mail_ctx.settings, MailDelivery(mail_ctx))

    assert again.delivered == 1
    assert _records(mail_ctx) == [record_id]  # the same record, not a second one
    assert "schon vorhanden: E-Mail 1" in capsys.readouterr().err
    assert _count(dovecot, "INBOX") == 0 and _count(dovecot, "Verarbeitet") == 1


def test_wrong_password_is_a_configuration_error(tmp_path: Path, dovecot: ImapServer) -> None:
    settings = _settings(tmp_path, dovecot, imap_password="falsch")
    with pytest.raises(
        ConfigurationError, match=r"IMAP-Anmeldung als .poststelle. an .* abgelehnt"
    ):
        poll_mailbox(settings, lambda path: True)


def test_unreachable_server_is_transient(tmp_path: Path, dovecot: ImapServer) -> None:
    settings = _settings(tmp_path, dovecot, imap_port=free_port())  # nobody listens there
    with pytest.raises(Transient, match="nicht erreichbar") as caught:
        poll_mailbox(settings, lambda path: True)
    assert "\n" not in caught.value.message


def test_missing_host_is_a_configuration_error(tmp_path: Path, dovecot: ImapServer) -> None:
    with pytest.raises(ConfigurationError, match="EAKTE_IMAP_HOST"):
        poll_mailbox(_settings(tmp_path, dovecot, imap_host=None), lambda path: True)


def _imap_env(server: ImapServer) -> dict[str, str]:
    return {
        "EAKTE_IMAP_HOST": server.host,
        "EAKTE_IMAP_PORT": str(server.port),
        "EAKTE_IMAP_SSL": "false",
        "EAKTE_IMAP_USER": USER,
        "EAKTE_IMAP_PASSWORD": PASSWORD,
        "EAKTE_WORKERS": "1",
    }


def _with_attachment(tmp_path: Path) -> bytes:
    message = EmailMessage()
    message["From"] = "Bürgerin <buergerin@example.org>"
    message["Subject"] = "Antrag mit Anlage"
    message.set_content("Anbei der Antrag.")
    pdf = hostile.text_pdf(tmp_path / "antrag.pdf").read_bytes()
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename="antrag.pdf")
    return message.as_bytes()


def test_watch_mail_once_through_the_cli(cli: Cli, dovecot: ImapServer, tmp_path: Path) -> None:
    _append(dovecot, _with_attachment(tmp_path))

    result = cli("watch-mail", "--once", **_imap_env(dovecot))

    assert result.returncode == 0, result.stderr
    assert "gespeichert: E-Mail 1 „Antrag mit Anlage“" in result.stderr
    assert "1 Anhang" in result.stderr
    assert _count(dovecot, "INBOX") == 0 and _count(dovecot, "Verarbeitet") == 1
    again = cli("watch-mail", "--once", **_imap_env(dovecot))
    assert again.returncode == 0 and "E-Mail" not in again.stderr.split("\n", 1)[1]


def test_watch_mail_once_says_clearly_when_the_server_is_away(
    cli: Cli, dovecot: ImapServer
) -> None:
    env = {**_imap_env(dovecot), "EAKTE_IMAP_PORT": str(free_port())}
    result = cli("watch-mail", "--once", **env)
    assert result.returncode == 1
    assert "Fehler: IMAP-Server 127.0.0.1:" in result.stderr and "nicht erreichbar" in result.stderr
    wrong = cli("watch-mail", "--once", **{**_imap_env(dovecot), "EAKTE_IMAP_PASSWORD": "x"})
    assert wrong.returncode == 2 and "IMAP-Anmeldung" in wrong.stderr


def test_watch_mail_polls_until_terminated(cli: Cli, dovecot: ImapServer) -> None:
    env = {**os.environ, **cli.env, **_imap_env(dovecot), "EAKTE_IMAP_POLL_SECONDS": "0.5"}
    env |= {
        "EAKTE_DATA_DIR": str(cli.data_dir),
        "EAKTE_MODEL_CACHE_DIR": str(cli.data_dir.parent / "m"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "eakte", "watch-mail"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _append(dovecot, _letter("Anfrage 1", "Text 1"))
        _wait_for(lambda: _count(dovecot, "Verarbeitet") == 1)
        _append(dovecot, _letter("Anfrage 2", "Text 2"))
        _wait_for(lambda: _count(dovecot, "Verarbeitet") == 2)
    finally:
        process.terminate()
        _, stderr = process.communicate()
    assert process.returncode == 0, stderr
    assert "gespeichert: E-Mail 1" in stderr and "gespeichert: E-Mail 2" in stderr
    assert "Abruf beendet." in stderr


def _wait_for(condition: Callable[[], bool]) -> None:
    """Waits on a condition; the bound only keeps a broken run from hanging forever."""
    deadline = time.monotonic() + 120
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.2)
