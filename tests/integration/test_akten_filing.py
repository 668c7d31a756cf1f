"""Akten through the real CLI: generated replies citing an Aktenzeichen in three
spellings (two born-digital, one scanned and read by Tesseract) are filed into their
Akte by the pipeline; an unknown or missing one waits in review with a proposed
position; filing by hand, correcting a wrong filing, closing and retention."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from eakte.settings import Settings
from samples.letters import Letter, generate_letters
from samples.render import make_text_pdf, render_scan
from tests.conftest import Cli

pytestmark = pytest.mark.integration

MODEL_CACHE = Settings().model_cache_dir  # the default model the set-up tuned
AZ = "32.10.05-2026/42"


def _reply(letter: Letter, reference: str) -> Letter:
    return dataclasses.replace(letter, aktenzeichen=reference)


def _write(folder: Path, letters: dict[str, Letter]) -> None:
    folder.mkdir()
    for name, letter in letters.items():
        if name.endswith(".png"):
            scan = render_scan(letter.pages()[0], angle=0.3, noise=0.05, blur=0.4, seed=7)
            scan.save(folder / name, dpi=(300, 300))
        else:
            make_text_pdf(folder / name, letter.pages())


def _manifest(cli: Cli, record_id: str) -> dict[str, Any]:
    shown = cli("show", record_id, "--json")
    assert shown.returncode == 0, shown.stderr
    manifest: dict[str, Any] = shown.json()
    return manifest


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(data_dir=tmp_path / "data", env={"EAKTE_MODEL_CACHE_DIR": str(MODEL_CACHE)})


def test_replies_are_filed_into_the_akte_they_cite(cli: Cli, tmp_path: Path) -> None:
    opened = cli(
        "akte", "anlegen", "--aktenzeichen", "32.10.05-2026/0042", "--titel", "Imbiss", "--json"
    )
    assert opened.returncode == 0, opened.stderr
    assert opened.json()["aktenzeichen"] == AZ
    kinds = ("gewerbe", "widerspruch", "beschwerde", "gewerbe", "bauantrag")
    letters = list(generate_letters(5, seed=18, kinds=kinds))
    post = {
        "a_hyphen.pdf": _reply(letters[0], "Ihr Zeichen: 32.10.05-2026/0042"),
        "b_dash.pdf": _reply(letters[1], "Az.: 32.10.05 – 2026/42"),
        "c_scan.png": _reply(letters[2], "Az 32.10.05/2026-0042"),
        "d_unknown.pdf": _reply(letters[3], "Ihr Zeichen: 32.10.05-2026/0043"),
        "e_none.pdf": letters[4],  # the sender's own number only
    }
    _write(tmp_path / "post", post)

    result = cli("ingest", tmp_path / "post", "--json")
    assert result.returncode == 0, result.stderr
    ids = {Path(line["path"]).name: line["id"] for line in result.json_lines()}
    filings = {name: _manifest(cli, ids[name])["fields"]["filing"] for name in post}
    for name in ("a_hyphen.pdf", "b_dash.pdf", "c_scan.png"):
        assert filings[name]["status"] == "filed", (name, filings[name])
        assert filings[name]["aktenzeichen"] == AZ
    shown = cli("akte", "zeigen", "32.10.05 - 2026/0042", "--json").json()
    filed = {ids["a_hyphen.pdf"], ids["b_dash.pdf"], ids["c_scan.png"]}
    assert {d["record_id"] for d in shown["documents"]} == filed

    unknown = _manifest(cli, ids["d_unknown.pdf"])
    assert unknown["fields"]["filing"]["status"] == "waiting"
    assert "32.10.05-2026/43 unbekannt" in unknown["fields"]["filing"]["reason"]
    # the position its type routes to; without one, that of the number it cites
    proposed = (unknown["classification"] or {}).get("aktenplan") or "32.10.05"
    assert unknown["fields"]["filing"]["proposed_position"] == proposed
    assert filings["e_none.pdf"] == {
        "status": "waiting",
        "aktenzeichen": None,
        "proposed_position": _manifest(cli, ids["e_none.pdf"])["classification"]["aktenplan"],
        "reason": "kein Aktenzeichen erkannt",
    }
    waiting = cli("review", "--akte", "--json").json()
    assert {item["id"] for item in waiting} == {ids["d_unknown.pdf"], ids["e_none.pdf"]}
    assert all(item["kind"] == "akte" for item in waiting)
    assert f"Vorschlag Aktenplan {proposed}" in next(
        item["reasons"][0] for item in waiting if item["id"] == ids["d_unknown.pdf"]
    )

    # by hand into the wrong Akte, then corrected: both filings stay in the history
    other = cli("akte", "anlegen", "--position", "32.10.05", "--titel", "Kiosk", "--json").json()
    wrong = cli("ablegen", ids["d_unknown.pdf"][:12], AZ)
    assert wrong.returncode == 0, wrong.stderr
    assert cli("review", "--akte", "--json").json()[0]["id"] == ids["e_none.pdf"]
    moved = cli(
        "ablegen", ids["d_unknown.pdf"], other["aktenzeichen"], "--grund", "Korrektur", "--json"
    ).json()
    assert (moved["before"], moved["aktenzeichen"]) == (AZ, other["aktenzeichen"])
    events = _manifest(cli, ids["d_unknown.pdf"])["events"]
    assert [e["details"]["aktenzeichen"] for e in events if e["kind"] == "filed"] == [
        AZ,
        other["aktenzeichen"],
    ]
    assert {d["record_id"] for d in cli("akte", "zeigen", AZ, "--json").json()["documents"]} == (
        filed
    )

    # closing: 10 years after the end of the closing year (position 32.10.05)
    closed = cli("akte", "schliessen", AZ, "--datum", "2027-01-15", "--json").json()
    assert closed["status"] == "closed" and closed["documents"] == 3
    assert closed["retention_until"] == "2037-12-31"
    after = cli("akte", "zeigen", AZ, "--json").json()
    assert {d["retain_until"] for d in after["documents"]} == {"2037-12-31"}
    # no TSA set: closed all the same, the events say why there is no evidence record
    assert [e["action"] for e in after["events"]] == ["opened", "closed", "evidence_missing"]
    assert "EAKTE_TSA_URL" in after["events"][-1]["message"] == closed["evidence_note"]
    listed = cli("akte", "liste", "--geschlossen", "--json").json()
    assert [a["aktenzeichen"] for a in listed] == [AZ]

    # a reply to a closed Akte is not filed into it
    late = tmp_path / "late"
    _write(late, {"f_late.pdf": _reply(letters[1], "Az.: 32.10.05-2026/42")})
    line = cli("ingest", late, "--json").json_lines()[0]
    filing = _manifest(cli, line["id"])["fields"]["filing"]
    assert filing["status"] == "waiting" and filing["reason"] == f"Akte {AZ} ist geschlossen"
    refused = cli("ablegen", line["id"], AZ)
    assert refused.returncode == 1 and "geschlossen" in refused.stderr
