"""Aktenzeichen spellings and the Aktenplan's validation, on the real YAML loader."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from akten import aktenzeichen as az
from akten.filing import cited_aktenzeichen
from akten.plan import load_plan
from classify.types import load_types
from eakte.errors import ConfigurationError


@pytest.mark.parametrize(
    "written",
    [
        "32.10.05-2026/0042",
        "32.10.05 – 2026/42",
        "Az 32.10.05/2026-0042",
        "Az.: 32.10.05 - 2026 / 042",
        "32.10.05—2026/42",
    ],
)
def test_every_spelling_of_one_file_has_one_canonical_form(written: str) -> None:
    assert az.canonical(written) == "32.10.05-2026/42"


@pytest.mark.parametrize(
    "written", ["Bauantrag", "12.03.2026", "32.10.05", "632.1-26/4", "632.1-2026"]
)
def test_what_is_not_an_aktenzeichen(written: str) -> None:
    assert az.canonical(written) is None


def test_aktenzeichen_in_running_text_and_references_in_order() -> None:
    text = "vom 12.03.2026 zu Ihrem Schreiben (Az 32.10.05/2026-0042) und 632.1 – 2026/7."
    assert cited_aktenzeichen(["030.4-2025/0003"], text) == [
        "030.4-2025/3",
        "32.10.05-2026/42",
        "632.1-2026/7",
    ]


def test_the_shipped_plan_covers_every_routed_type() -> None:
    types, plan = load_types(None), load_plan(None)
    routed = {t.aktenplan for t in types.types if t.aktenplan}
    assert routed <= set(plan.positions)
    bau = plan.get("632.1")
    assert (bau.retention_years, bau.trigger, bau.appraisal) == (30, "closed", "A")
    assert bau.retention_end(date(2026, 1, 1)) == date(2056, 12, 31)
    assert plan.get("110.2").restricted


def _write(tmp_path: Path, change: dict[str, object]) -> Path:
    data = yaml.safe_load(Path("classify/default_types.yaml").read_text("utf-8"))
    data.update(change)
    path = tmp_path / "types.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return path


def _position(**change: object) -> dict[str, object]:
    return {
        "number": "632.1",
        "title": "Baugenehmigungsverfahren",
        "department": "Amt 63 – Bauordnungsamt",
        "retention_years": 30,
        "trigger": "closed",
        "appraisal": "A",
        **change,
    }


def test_every_mistake_in_the_plan_is_named_in_german(tmp_path: Path) -> None:
    plan = [
        _position(),
        _position(),  # duplicate
        _position(number="63.x", department="Amt 99 – Unbekannt"),
        _position(number="7", retention_years=-1, trigger="irgendwann", appraisal="Q"),
        {"number": "8", "title": "ohne Rest"},
    ]
    path = _write(tmp_path, {"aktenplan": plan})
    with pytest.raises(ConfigurationError) as caught:
        load_types(path)
    message = caught.value.message
    for expected in (
        "Position 2 (632.1): Nummer 632.1 ist doppelt vergeben",
        "Nummer '63.x' ungültig",
        "unbekannte Abteilung 'Amt 99 – Unbekannt'",
        "Aufbewahrungsfrist -1 ungültig",
        "Fristbeginn 'irgendwann' unbekannt",
        "Bewertung 'Q' unbekannt",
        "Feld 'department' fehlt",
    ):
        assert expected in message, message


def test_a_type_routed_to_a_missing_position_or_department_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, {"aktenplan": [_position()]})
    with pytest.raises(ConfigurationError, match=r"Typ rechnung: Position 902\.3 fehlt"):
        load_types(path)
    departments = _write(tmp_path, {"departments": ["Amt 63 – Bauordnungsamt"], "aktenplan": []})
    with pytest.raises(ConfigurationError, match="Typ rechnung: unbekannte Abteilung"):
        load_types(departments)


def test_a_types_file_without_a_plan_still_routes(tmp_path: Path) -> None:
    data = yaml.safe_load(Path("classify/default_types.yaml").read_text("utf-8"))
    del data["aktenplan"], data["departments"]
    path = tmp_path / "old.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    assert load_types(path).get("bauantrag").aktenplan == "632.1"
    assert load_plan(path).positions == {}
