"""The Akten register on a real SQLite database: opening, filing, correcting, closing;
the same tests run on PostgreSQL in tests/integration/test_akten_postgres.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from accounts.db import Database, open_database
from akten.model import AkteNotFound, FilingRefused, InvalidAktenzeichen
from akten.plan import load_plan
from akten.registry import AktenRegister

A, B = "a" * 64, "b" * 64


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'eakte.db'}"


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = open_database(database_url)
    yield db
    db.close()


@pytest.fixture
def register(database: Database) -> AktenRegister:
    return AktenRegister(database, load_plan(None))


def test_akten_are_numbered_per_position_and_year(register: AktenRegister) -> None:
    first = register.open("632.1", "Neubau Lindenweg 3", actor="anna", opened_on=date(2026, 3, 1))
    second = register.open("632.1", "Carport Ahornstr. 7", actor="anna", opened_on=date(2026, 5, 2))
    other = register.open("32.10.05", "Imbiss am Markt", actor="anna", opened_on=date(2026, 1, 9))
    assert [first.aktenzeichen, second.aktenzeichen] == ["632.1-2026/1", "632.1-2026/2"]
    assert other.aktenzeichen == "32.10.05-2026/1"
    assert first.department == "Amt 63 – Bauordnungsamt" and first.appraisal == "A"
    assert register.get("632.1 – 2026/0002") == second
    assert [a.aktenzeichen for a in register.listing(position="632.1")] == [
        "632.1-2026/1",
        "632.1-2026/2",
    ]


def test_unknown_and_malformed_aktenzeichen_are_clear_errors(register: AktenRegister) -> None:
    with pytest.raises(AkteNotFound, match=r"632\.1-2026/9"):
        register.get("632.1-2026/0009")
    with pytest.raises(InvalidAktenzeichen, match="kein Aktenzeichen"):
        register.get("Bauantrag Müller")


def test_a_wrong_filing_is_corrected_by_a_new_one_and_both_stay(
    register: AktenRegister, database: Database
) -> None:
    wrong = register.open("632.1", "Neubau", actor="anna", opened_on=date(2026, 3, 1))
    right = register.open("632.1", "Anbau", actor="anna", opened_on=date(2026, 3, 2))
    day = date(2026, 4, 1)
    register.file(A, wrong.aktenzeichen, received_on=day, actor="post", how="auto", reason="Az.")
    again = register.file(A, wrong.aktenzeichen, received_on=day, actor="x", how="auto", reason="")
    assert again.actor == "post"  # the same filing again adds nothing
    register.file(A, right.aktenzeichen, received_on=day, actor="anna", how="manual", reason="Fehl")
    assert register.placement(A) is not None
    assert register.placement(A).aktenzeichen == right.aktenzeichen  # type: ignore[union-attr]
    assert [f.aktenzeichen for f in register.history(A)] == [
        wrong.aktenzeichen,
        right.aktenzeichen,
    ]
    assert register.documents(wrong.aktenzeichen) == []
    assert [d.record_id for d in register.documents(right.aktenzeichen)] == [A]
    with pytest.raises(DatabaseError, match="unveraenderlich"), database.engine.begin() as conn:
        conn.execute(text("DELETE FROM filings"))
    with pytest.raises(DatabaseError, match="unveraenderlich"), database.engine.begin() as conn:
        conn.execute(text("UPDATE filings SET akte_id = 1"))


def test_closing_sets_each_documents_retention_from_the_position(register: AktenRegister) -> None:
    bau = register.open("632.1", "Neubau", actor="anna", opened_on=date(2026, 3, 1))
    register.file(
        A, bau.aktenzeichen, received_on=date(2026, 3, 5), actor="p", how="auto", reason=""
    )
    register.file(
        B, bau.aktenzeichen, received_on=date(2026, 6, 5), actor="p", how="auto", reason=""
    )
    closed = register.close(bau.aktenzeichen, actor="anna", closed_on=date(2027, 2, 1))
    # 30 years after the end of the closing year
    assert closed.status == "closed" and closed.retention_until == date(2057, 12, 31)
    assert {d.retain_until for d in register.documents(bau.aktenzeichen)} == {date(2057, 12, 31)}
    with pytest.raises(FilingRefused, match="geschlossen"):
        register.file(
            "c" * 64,
            bau.aktenzeichen,
            received_on=date(2027, 3, 1),
            actor="p",
            how="auto",
            reason="",
        )
    assert [e["action"] for e in register.events(bau.aktenzeichen)] == ["opened", "closed"]
    assert register.due(date(2057, 12, 31)) == []
    assert [a.aktenzeichen for a in register.due(date(2058, 1, 1))] == [bau.aktenzeichen]


def test_last_document_trigger_counts_from_the_newest_dokument(register: AktenRegister) -> None:
    vertrag = register.open("231.4", "Pacht Kleingarten", actor="b", opened_on=date(2020, 1, 2))
    for record_id, day in ((A, date(2020, 2, 1)), (B, date(2023, 8, 30))):
        register.file(
            record_id, vertrag.aktenzeichen, received_on=day, actor="p", how="auto", reason=""
        )
    closed = register.close(vertrag.aktenzeichen, actor="b", closed_on=date(2026, 1, 5))
    assert closed.retention_until == date(2033, 12, 31)  # 10 years after 2023


def test_a_dokument_goes_into_a_vorgang_of_its_akte(register: AktenRegister) -> None:
    akte = register.open("030.4", "Widerspruch Gebühren", actor="c", opened_on=date(2026, 1, 2))
    vorgang = register.add_vorgang(akte.aktenzeichen, "Anhörung", actor="c")
    filing = register.file(
        A,
        akte.aktenzeichen,
        received_on=date(2026, 1, 3),
        actor="c",
        how="manual",
        reason="",
        vorgang=vorgang.number,
    )
    assert filing.vorgang == 1 and register.documents(akte.aktenzeichen)[0].vorgang == 1
    with pytest.raises(FilingRefused, match="Vorgang 2"):
        register.file(
            B,
            akte.aktenzeichen,
            received_on=date(2026, 1, 3),
            actor="c",
            how="manual",
            reason="",
            vorgang=2,
        )
