"""Accounts and the audit chain on PostgreSQL, as in distributed mode: the same tests as
on SQLite (tests/unit/test_accounts.py), a chain that several processes append to at
once, and the API with its users in PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from accounts.audit import AuditLog
from accounts.db import Database, open_database
from tests.conftest import REPO, Cli
from tests.integration.postgres_fixtures import postgres_server, postgres_url
from tests.integration.test_web_sessions import logout_ends_the_session_in_every_process
from tests.integration.ui_fixtures import PASSWORD, set_password
from tests.integration.web_fixtures import add_user, api_server
from tests.unit.test_accounts import (
    database,
    test_a_changed_entry_is_found,
    test_a_deleted_entry_is_found,
    test_a_deleted_last_entry_is_found,
    test_a_user_authenticates_with_its_token_only,
    test_an_intact_chain_verifies,
    test_disable_and_reset_take_effect_at_once,
    test_disable_reset_and_a_new_password_end_browser_sessions,
    test_migrating_twice_is_harmless,
    test_names_and_roles_are_checked,
    test_passwords_are_stored_as_argon2,
    test_reordered_entries_are_found,
    test_the_database_refuses_changes_to_the_log,
)

pytestmark = pytest.mark.integration
__all__ = [  # the SQLite tests, collected here again on PostgreSQL; fixtures
    "database",
    "postgres_server",
    "postgres_url",
    "test_a_changed_entry_is_found",
    "test_a_deleted_entry_is_found",
    "test_a_deleted_last_entry_is_found",
    "test_a_user_authenticates_with_its_token_only",
    "test_an_intact_chain_verifies",
    "test_disable_and_reset_take_effect_at_once",
    "test_disable_reset_and_a_new_password_end_browser_sessions",
    "test_migrating_twice_is_harmless",
    "test_names_and_roles_are_checked",
    "test_passwords_are_stored_as_argon2",
    "test_reordered_entries_are_found",
    "test_the_database_refuses_changes_to_the_log",
]

WRITERS = 4
ENTRIES_EACH = 25
APPEND = """
import sys
from accounts.audit import AuditEvent, AuditLog
from accounts.db import Database, open_database
db = open_database(sys.argv[1])
log = AuditLog(db)
for n in range(int(sys.argv[2])):
    log.append(AuditEvent("view", sys.argv[3], "clerk", f"record-{n}"))
"""


@pytest.fixture
def database_url(postgres_url: str) -> str:
    """Overrides the SQLite URL of the imported tests."""
    return postgres_url


def test_processes_appending_at_once_keep_one_chain(postgres_url: str) -> None:
    open_database(postgres_url).close()  # migrated once, before the race
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", APPEND, postgres_url, str(ENTRIES_EACH), f"w{n}"], cwd=REPO
        )
        for n in range(WRITERS)
    ]
    assert [writer.wait(timeout=120) for writer in writers] == [0] * WRITERS
    database = open_database(postgres_url)
    try:
        assert AuditLog(database).verify() == (WRITERS * ENTRIES_EACH, None)
    finally:
        database.close()


def test_the_api_with_users_and_audit_in_postgres(
    postgres_url: str, sample_dir: Path, tmp_path: Path
) -> None:
    cli = Cli(tmp_path / "data", {"EAKTE_DATABASE_URL": postgres_url})
    ingested = cli("ingest", sample_dir / "rechnung.pdf", "--json")
    assert ingested.returncode == 0, ingested.stderr
    token = add_user(cli, "archiv", "archivist")
    auth = {"Authorization": f"Bearer {token}"}
    env = {"EAKTE_DATA_DIR": str(cli.data_dir), "EAKTE_DATABASE_URL": postgres_url}
    with api_server(env) as client:
        assert client.get("/api/search?q=Rechnung", headers=auth).json()["total"] == 1
        assert cli("users", "disable", "archiv").returncode == 0
        assert client.get("/api/search?q=Rechnung", headers=auth).status_code == 401
    assert not (cli.data_dir / "eakte.db").exists()
    exported = cli("audit", "export", "--from", "2026-01-01", "--to", "2099-12-31")
    actions = [json.loads(line)["action"] for line in exported.stdout.splitlines()]
    assert actions == ["search", "auth_failed"]
    assert cli("audit", "verify").returncode == 0


def test_a_logout_ends_the_session_in_every_process_on_postgres(
    postgres_url: str, tmp_path: Path
) -> None:
    cli = Cli(tmp_path / "data", {"EAKTE_DATABASE_URL": postgres_url})
    add_user(cli, "bau", "clerk", "bauamt")
    set_password(cli, "bau", PASSWORD)
    env = {
        "EAKTE_DATA_DIR": str(cli.data_dir),
        "EAKTE_DATABASE_URL": postgres_url,
        "EAKTE_SESSION_COOKIE_SECURE": "false",
    }
    with api_server(env) as first, api_server(env) as second:
        logout_ends_the_session_in_every_process(
            first, second, "bau", lambda: set_password(cli, "bau", PASSWORD + "-neu")
        )
    assert not (cli.data_dir / "eakte.db").exists()


def test_the_shared_tests_really_run_on_postgres(database: Database) -> None:
    assert database.engine.dialect.name == "postgresql"
