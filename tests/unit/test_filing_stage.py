"""The pipeline's filing stage with the real adapter on a real SQLite register: what it
writes into the manifest, restricted positions, and a database that cannot be reached."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from accounts.db import open_database
from akten.filing import AutoFiling
from akten.plan import load_plan
from akten.registry import AktenRegister
from eakte.filing import file_document
from eakte.record import Classification, Manifest, PageText
from eakte.settings import Settings
from tests.fakes.context import fake_context

ID = "c" * 64


def _letter(text: str, aktenplan: str | None = "110.2") -> Manifest:
    return Manifest(
        id=ID,
        sha256=ID,
        size=1,
        original_filename="bewerbung.pdf",
        pages=[PageText(number=1, text=text, source="text_layer")],
        fields={"references": [{"label": "Ihr Zeichen", "value": "110.2-2026/0003"}]},
        classification=Classification(
            type="bewerbung", label="Bewerbung", confidence=0.9, aktenplan=aktenplan
        ),
    )


def test_a_letter_filed_into_a_restricted_akte_becomes_restricted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'eakte.db'}"
    register = AktenRegister(open_database(url), load_plan(None))
    for n in range(3):
        register.open("110.2", f"Stelle {n}", actor="t", opened_on=date(2026, 2, 1))
    ctx = dataclasses.replace(
        fake_context(Settings(data_dir=tmp_path)), filing=AutoFiling(url, None)
    )

    filed = file_document(_letter("Bewerbung als Gärtnerin"), ctx)
    assert filed.fields["filing"] == {
        "status": "filed",
        "aktenzeichen": "110.2-2026/3",
        "proposed_position": None,
        "reason": "Aktenzeichen 110.2-2026/3 im Schreiben genannt",
    }
    assert filed.restricted and filed.events[-1].kind == "filed"
    assert [f.record_id for f in register.history(ID)] == [ID]


def test_an_unreachable_database_costs_the_filing_not_the_dokument(tmp_path: Path) -> None:
    unreachable = AutoFiling("postgresql+psycopg://eakte@127.0.0.1:1/eakte", None)
    ctx = dataclasses.replace(fake_context(Settings(data_dir=tmp_path)), filing=unreachable)
    kept = file_document(_letter("Bewerbung"), ctx)
    assert kept.fields["filing"]["status"] == "waiting"
    assert kept.fields["filing"]["reason"].startswith("Ablage nicht möglich: Datenbank")
    assert kept.fields["filing"]["proposed_position"] == "110.2"
    assert not kept.restricted and kept.events[-1].kind == "not_filed"


def test_without_a_filing_adapter_nothing_changes(tmp_path: Path) -> None:
    letter = _letter("Bewerbung")
    assert file_document(letter, fake_context(Settings(data_dir=tmp_path))) == letter
