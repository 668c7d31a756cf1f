"""`eakte beweis` through the real CLI: a closed Akte's Dokumente get an evidence record
from the test PKI's TSA, it is checked, renewed (timestamp, then hash tree) and checked
again; an original changed in the store is no longer confirmed."""

from __future__ import annotations

from pathlib import Path

import pytest

from samples.pki import TestPki
from samples.render import make_text_pdf
from tests.conftest import Cli
from tests.integration.signature_fixtures import pki, pki_server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.integration


def test_evidence_record_of_a_closed_akte(
    cli: Cli,
    tmp_path: Path,
    pki: TestPki,  # noqa: F811
    pki_server: str,  # noqa: F811
) -> None:
    env = {"EAKTE_TSA_URL": f"{pki_server}/tsa", "EAKTE_TRUST_DIR": str(pki.trust_dir)}
    akte = cli("akte", "anlegen", "--position", "632.1", "--titel", "Neubau", "--json").json()
    post = tmp_path / "post"
    post.mkdir()
    for n in range(3):
        make_text_pdf(post / f"{n}.pdf", [f"Bauantrag Nummer {n}\nFlurstück {n * 11}"])
    ids = [line["id"] for line in cli("ingest", post, "--json").json_lines()]
    for record_id in ids:
        assert cli("ablegen", record_id, akte["aktenzeichen"]).returncode == 0
    refused = cli("beweis", "erstellen", akte["aktenzeichen"], **env)
    assert refused.returncode != 0 and "noch offen" in refused.stderr
    assert cli("akte", "schliessen", akte["aktenzeichen"]).returncode == 0
    made = cli("beweis", "erstellen", akte["aktenzeichen"], **env)
    assert made.returncode == 0, made.stderr

    checked = cli("beweis", "pruefen", ids[1], "--json", **env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    answer = checked.json()
    assert answer["ok"] and answer["objects"][0]["name"] == "Original"
    first_time = answer["objects"][0]["proven_time"]
    text = cli("beweis", "pruefen", ids[1], **env).stdout
    assert "Original: bestätigt" in text and "unverändert seit" in text

    for how in ((), ("--hashbaum", "--verfahren", "sha512")):
        renewed = cli("beweis", "erneuern", akte["aktenzeichen"], *how, **env)
        assert renewed.returncode == 0, renewed.stderr
    again = cli("beweis", "pruefen", ids[1], "--json", **env).json()
    assert again["ok"], again
    assert again["objects"][0]["proven_time"] == first_time  # still the first time
    assert any("Kette 2" in step for step in again["objects"][0]["steps"])

    originals = list(cli.data_dir.rglob(f"originals/*/{answer['id']}"))
    assert len(originals) == 1, "original not found in the data dir"
    for path in originals:
        path.chmod(0o644)
        data = bytearray(path.read_bytes())
        data[-20] ^= 0x01
        path.write_bytes(bytes(data))
    broken = cli("beweis", "pruefen", ids[1], **env)
    assert broken.returncode == 1, broken.stderr
    assert "Original: NICHT bestätigt" in broken.stdout
    assert "nicht im Hashbaum" in broken.stdout


def test_closing_an_akte_makes_its_evidence_record(
    cli: Cli,
    tmp_path: Path,
    pki: TestPki,  # noqa: F811
    pki_server: str,  # noqa: F811
) -> None:
    """With a TSA the record is made as the Akte closes and `eakte beweis pruefen` accepts
    it; without one the Akte closes all the same and its events say why there is none."""
    env = {"EAKTE_TSA_URL": f"{pki_server}/tsa", "EAKTE_TRUST_DIR": str(pki.trust_dir)}
    post = tmp_path / "post"
    post.mkdir()
    for n in range(3):
        make_text_pdf(post / f"{n}.pdf", [f"Widerspruch Nummer {n}\nGrundstück {n * 7}"])
    ids = [line["id"] for line in cli("ingest", post, "--json").json_lines()]
    akten = [
        cli("akte", "anlegen", "--position", "632.1", "--titel", title, "--json").json()
        for title in ("Mit Zeitstempel", "Ohne Zeitstempel")
    ]
    with_tsa, without = (akte["aktenzeichen"] for akte in akten)
    for record_id, aktenzeichen in zip(ids, (with_tsa, with_tsa, without), strict=True):
        assert cli("ablegen", record_id, aktenzeichen).returncode == 0

    closed = cli("akte", "schliessen", with_tsa, "--json", **env)
    assert closed.returncode == 0, closed.stderr
    assert (closed.json()["evidence"], closed.json()["evidence_note"]) == (2, None)
    events = cli("akte", "zeigen", with_tsa, "--json").json()["events"]
    assert [e["action"] for e in events][-2:] == ["closed", "evidence_created"]
    for record_id in ids[:2]:
        checked = cli("beweis", "pruefen", record_id, "--json", **env)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert checked.json()["ok"] and checked.json()["aktenzeichen"] == with_tsa

    text = cli("akte", "schliessen", without)  # no EAKTE_TSA_URL
    assert text.returncode == 0, text.stderr
    assert "Kein Beweisdatensatz erstellt: kein Zeitstempeldienst eingestellt" in text.stderr
    events = cli("akte", "zeigen", without, "--json").json()["events"]
    assert events[-1]["action"] == "evidence_missing"
    assert f"eakte beweis erstellen {without}" in events[-1]["message"]
    unproven = cli("beweis", "pruefen", ids[2], **env)
    assert unproven.returncode == 1 and "keinen Beweisdatensatz" in unproven.stderr
