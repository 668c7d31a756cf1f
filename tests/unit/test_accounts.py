"""Accounts and the audit chain on a real SQLite database (the embedded default); the
same tests run on PostgreSQL in tests/integration/test_accounts_postgres.py."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from accounts.audit import AuditEvent, AuditLog, day_range
from accounts.db import Database, open_database
from accounts.users import AccountError, Accounts, hash_token
from eakte.errors import ConfigurationError


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'eakte.db'}"


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = open_database(database_url)
    yield db
    db.close()


def test_a_user_authenticates_with_its_token_only(database: Database) -> None:
    accounts = Accounts(database)
    token = accounts.add("anna", "clerk", ("bauamt", "ordnungsamt", "bauamt"))
    account = accounts.authenticate(token)
    assert account is not None and account.role == "clerk"
    assert account.departments == ("bauamt", "ordnungsamt")
    assert accounts.authenticate(hash_token(token)) is None
    assert accounts.authenticate(token + "x") is None
    with database.engine.connect() as connection:
        stored = connection.execute(text("SELECT token_sha256 FROM users")).scalar_one()
    assert stored == hash_token(token) and token not in stored


def test_disable_and_reset_take_effect_at_once(database: Database) -> None:
    accounts = Accounts(database)
    old = accounts.add("bernd", "archivist")
    accounts.disable("bernd")
    assert accounts.authenticate(old) is None
    assert accounts.get("bernd").disabled
    new = accounts.reset("bernd")
    assert accounts.authenticate(old) is None
    assert accounts.authenticate(new) is not None


def test_disable_reset_and_a_new_password_end_browser_sessions(database: Database) -> None:
    """Sessions issued before ``sessions_since`` are void (``web.ui.identity``)."""
    accounts = Accounts(database)
    accounts.add("dora", "clerk")
    assert accounts.get("dora").sessions_since == 0.0
    marks = []
    for change in (
        lambda: accounts.set_password("dora", "ein-langes-passwort"),
        lambda: accounts.disable("dora"),
        lambda: accounts.reset("dora"),
    ):
        before = time.time()
        change()
        since = accounts.get("dora").sessions_since
        assert since >= before
        marks.append(since)
    assert marks == sorted(marks)
    token = accounts.reset("dora")
    authenticated = accounts.authenticate(token)
    assert authenticated is not None
    assert authenticated.sessions_since == accounts.get("dora").sessions_since


def test_names_and_roles_are_checked(database: Database) -> None:
    accounts = Accounts(database)
    accounts.add("carla", "admin")
    with pytest.raises(AccountError, match="gibt es schon"):
        accounts.add("carla", "clerk")
    with pytest.raises(AccountError, match="Unbekannte Rolle"):
        accounts.add("dora", "chef")
    with pytest.raises(AccountError, match="Ungültiger Benutzername"):
        accounts.add("x y", "clerk")
    with pytest.raises(AccountError, match="gibt es nicht"):
        accounts.disable("niemand")


def test_passwords_are_stored_as_argon2(database: Database) -> None:
    accounts = Accounts(database)
    accounts.add("erik", "mailroom")
    accounts.set_password("erik", "Sommer 2026!")
    with database.engine.connect() as connection:
        stored = connection.execute(text("SELECT password_hash FROM users")).scalar_one()
    assert stored.startswith("$argon2id$") and "Sommer" not in stored
    assert accounts.check_password("erik", "Sommer 2026!") is not None
    assert accounts.check_password("erik", "sommer 2026!") is None
    assert accounts.check_password("niemand", "Sommer 2026!") is None


def test_migrating_twice_is_harmless(database_url: str, database: Database) -> None:
    Accounts(database).add("fritz", "clerk")
    again = open_database(database_url)
    try:
        assert [a.name for a in Accounts(again).list()] == ["fritz"]
    finally:
        again.close()


def _filled_log(database: Database, count: int = 5) -> AuditLog:
    log = AuditLog(database)
    for number in range(count):
        log.append(
            AuditEvent("view", "anna", "clerk", f"record-{number}", "127.0.0.1", {"n": number})
        )
    return log


def _tamper(database: Database, *statements: str) -> None:
    """What someone with write access to the database does: drop the append-only
    triggers, then edit the table."""
    with database.engine.begin() as connection:
        for trigger in _triggers(database):
            connection.execute(text(trigger))
        for statement in statements:
            connection.execute(text(statement))


def _triggers(database: Database) -> list[str]:
    if database.engine.dialect.name == "postgresql":
        return ["DROP TRIGGER audit_log_append_only ON audit_log"]
    return ["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"]


def test_an_intact_chain_verifies(database: Database) -> None:
    log = _filled_log(database)
    assert log.verify() == (5, None)
    start, end = day_range(datetime.now(UTC).date(), datetime.now(UTC).date())
    assert [row.seq for row in log.entries(start, end)] == [1, 2, 3, 4, 5]


def test_the_database_refuses_changes_to_the_log(database: Database) -> None:
    _filled_log(database)
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="unveraenderlich"), database.engine.begin() as c:
            c.execute(text(statement))


def test_a_changed_entry_is_found(database: Database) -> None:
    log = _filled_log(database)
    _tamper(database, "UPDATE audit_log SET target = 'record-x' WHERE seq = 3")
    intact, broken = log.verify()
    assert intact == 2 and broken is not None and broken.seq == 3
    assert "verändert" in broken.reason


def test_a_deleted_entry_is_found(database: Database) -> None:
    log = _filled_log(database)
    _tamper(database, "DELETE FROM audit_log WHERE seq = 2")
    intact, broken = log.verify()
    assert intact == 1 and broken is not None and broken.seq == 2


def test_a_deleted_last_entry_is_found(database: Database) -> None:
    log = _filled_log(database)
    _tamper(database, "DELETE FROM audit_log WHERE seq = 5")
    intact, broken = log.verify()
    assert intact == 4 and broken is not None and broken.seq == 5


def test_reordered_entries_are_found(database: Database) -> None:
    log = _filled_log(database)
    _tamper(  # entries 2 and 4 swap places, each keeping its own hashes
        database,
        "UPDATE audit_log SET seq = 99 WHERE seq = 2",
        "UPDATE audit_log SET seq = 2 WHERE seq = 4",
        "UPDATE audit_log SET seq = 4 WHERE seq = 99",
    )
    intact, broken = log.verify()
    assert intact == 1 and broken is not None and broken.seq == 2


@pytest.mark.parametrize(
    "url", ["kein-url:geheim@x", "postgresql+gibtsnicht://u:geheim@h/db", "mysql://u:geheim@/"]
)
def test_a_bad_database_url_is_a_configuration_error_without_the_password(url: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        open_database(url)
    assert "EAKTE_DATABASE_URL" in raised.value.message and "geheim" not in raised.value.message
