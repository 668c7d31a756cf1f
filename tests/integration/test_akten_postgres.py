"""The Akten register on a real PostgreSQL (migration 0002, its triggers, the numbering
under concurrent openings): the SQLite tests collected again, plus processes at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from accounts.db import open_database
from akten.plan import load_plan
from akten.registry import AktenRegister
from tests.integration.postgres_fixtures import postgres_server, postgres_url
from tests.unit.test_akten_register import (
    database,
    register,
    test_a_dokument_goes_into_a_vorgang_of_its_akte,
    test_a_wrong_filing_is_corrected_by_a_new_one_and_both_stay,
    test_akten_are_numbered_per_position_and_year,
    test_closing_sets_each_documents_retention_from_the_position,
    test_last_document_trigger_counts_from_the_newest_dokument,
    test_unknown_and_malformed_aktenzeichen_are_clear_errors,
)

pytestmark = pytest.mark.integration
__all__ = [  # the SQLite tests, collected here again on PostgreSQL; fixtures
    "database",
    "postgres_server",
    "postgres_url",
    "register",
    "test_a_dokument_goes_into_a_vorgang_of_its_akte",
    "test_a_wrong_filing_is_corrected_by_a_new_one_and_both_stay",
    "test_akten_are_numbered_per_position_and_year",
    "test_closing_sets_each_documents_retention_from_the_position",
    "test_last_document_trigger_counts_from_the_newest_dokument",
    "test_unknown_and_malformed_aktenzeichen_are_clear_errors",
]

PROCESSES = 4
EACH = 10
OPEN = """
import sys
from datetime import date
from accounts.db import open_database
from akten.plan import load_plan
from akten.registry import AktenRegister
register = AktenRegister(open_database(sys.argv[1]), load_plan(None))
for n in range(int(sys.argv[2])):
    register.open("632.1", f"Akte {n}", actor=sys.argv[3], opened_on=date(2026, 1, 1))
"""


@pytest.fixture
def database_url(postgres_url: str) -> str:
    """Overrides the SQLite URL of the imported tests."""
    return postgres_url


def test_processes_opening_at_once_get_distinct_running_numbers(postgres_url: str) -> None:
    open_database(postgres_url).close()  # migrate once before the race
    repo = Path(__file__).resolve().parents[2]
    runs = [
        subprocess.Popen([sys.executable, "-c", OPEN, postgres_url, str(EACH), f"p{n}"], cwd=repo)
        for n in range(PROCESSES)
    ]
    assert [run.wait() for run in runs] == [0] * PROCESSES
    db = open_database(postgres_url)
    try:
        numbers = [a.aktenzeichen for a in AktenRegister(db, load_plan(None)).listing()]
    finally:
        db.close()
    assert sorted(numbers) == sorted(f"632.1-2026/{n}" for n in range(1, PROCESSES * EACH + 1))
