"""The Aussonderung through the real CLI: generated letters ingested and filed, Akten
closed, the 0501 and 0503 validated with lxml against the official xdomea 3.0.0 schema,
a 0502 read back deciding what is handed over, every original in the 0503 ZIP compared
by SHA-256 with the file that came in."""

from __future__ import annotations

import dataclasses
import hashlib
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from samples.letters import generate_letters
from samples.render import make_text_pdf, render_scan
from tests.conftest import Cli

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
SCHEMA = REPO / "akten/schemas/xdomea_3.0.0/xdomea-Nachrichten-AussonderungDurchfuehren.xsd"
NS = {"x": "urn:xoev-de:xdomea:schema:3.0.0"}
APPRAISAL_0502 = """<?xml version="1.0" encoding="UTF-8"?>
<xdomea:Aussonderung.Bewertungsverzeichnis.0502 xmlns:xdomea="urn:xoev-de:xdomea:schema:3.0.0">
  <xdomea:Kopf>
    <xdomea:ProzessID>{process}</xdomea:ProzessID>
    <xdomea:Nachrichtentyp><code>0502</code></xdomea:Nachrichtentyp>
    <xdomea:Erstellungszeitpunkt>2100-01-05T10:00:00</xdomea:Erstellungszeitpunkt>
    <xdomea:Absender><xdomea:Behoerdenkennung><xdomea:Behoerdenschluessel>
      <code>archiv</code><name>Stadtarchiv</name>
    </xdomea:Behoerdenschluessel></xdomea:Behoerdenkennung></xdomea:Absender>
    <xdomea:Empfaenger><xdomea:Behoerdenkennung><xdomea:Behoerdenschluessel>
      <code>eakte</code><name>Stadtverwaltung</name>
    </xdomea:Behoerdenschluessel></xdomea:Behoerdenkennung></xdomea:Empfaenger>
    <xdomea:SendendesSystem><xdomea:Produktname>Archiv</xdomea:Produktname></xdomea:SendendesSystem>
    <xdomea:Empfangsbestaetigung>0</xdomea:Empfangsbestaetigung>
  </xdomea:Kopf>
  {objects}
</xdomea:Aussonderung.Bewertungsverzeichnis.0502>
"""
IMPORTED_0506 = APPRAISAL_0502.replace(
    "Bewertungsverzeichnis.0502", "AussonderungImportBestaetigen.0506"
)
IMPORTED_0506 = IMPORTED_0506.replace("<code>0502</code>", "<code>0506</code>").replace(
    "    <xdomea:Empfangsbestaetigung>0</xdomea:Empfangsbestaetigung>\n", ""
)
IMPORTED = """<xdomea:AusgesondertesSGO><xdomea:IDSGO>{id}</xdomea:IDSGO>
<xdomea:Erfolgreich>1</xdomea:Erfolgreich><xdomea:Archivkennung>{archive_id}</xdomea:Archivkennung>
</xdomea:AusgesondertesSGO>"""
DECISION = """<xdomea:BewertetesObjekt><xdomea:ID>{id}</xdomea:ID><xdomea:Aussonderungsart>
<xdomea:Aussonderungsart><code>{code}</code></xdomea:Aussonderungsart>
</xdomea:Aussonderungsart></xdomea:BewertetesObjekt>"""


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def _appraisal(path: Path, process: str, decisions: dict[str, str]) -> Path:
    objects = "".join(DECISION.format(id=i, code=c) for i, c in decisions.items())
    path.write_text(APPRAISAL_0502.format(process=process, objects=objects), "utf-8")
    return path


def test_due_akten_are_offered_appraised_and_handed_over(
    cli: Cli, tmp_path: Path, schema: etree.XMLSchema
) -> None:
    bau = cli("akte", "anlegen", "--position", "632.1", "--titel", "Neubau", "--json").json()
    klage = cli("akte", "anlegen", "--position", "010.5", "--titel", "Lärm", "--json").json()
    letters = list(generate_letters(4, seed=5, kinds=("bauantrag", "beschwerde")))
    post = tmp_path / "post"
    post.mkdir()
    cites = [bau, klage, bau, bau]
    for n, (letter, akte) in enumerate(zip(letters, cites, strict=True)):
        reply = dataclasses.replace(letter, aktenzeichen=f"Az.: {akte['aktenzeichen']}")
        if n == 3:
            render_scan(reply.pages()[0], seed=3).save(post / f"{n}.png", dpi=(300, 300))
        else:
            make_text_pdf(post / f"{n}.pdf", reply.pages())
    ingested = cli("ingest", post, "--json")
    assert ingested.returncode == 0, ingested.stderr
    ids = {Path(line["path"]).name: line["id"] for line in ingested.json_lines()}
    vorgang = cli("akte", "vorgang", bau["aktenzeichen"], "Nachbarbeteiligung")
    assert vorgang.returncode == 0, vorgang.stderr
    moved = cli("ablegen", ids["2.pdf"], bau["aktenzeichen"], "--vorgang", "1")
    assert moved.returncode == 0, moved.stderr
    for akte in (bau, klage):
        closing = cli("akte", "schliessen", akte["aktenzeichen"], "--datum", "2026-12-01")
        assert closing.returncode == 0, closing.stderr

    due = cli("aussonderung", "faellig", "--stichtag", "2032-01-01", "--json").json()
    assert [a["aktenzeichen"] for a in due] == [klage["aktenzeichen"]]  # 5 years, not 30
    nothing = cli("aussonderung", "anbieten", "--stichtag", "2031-12-31", "-o", tmp_path)
    assert nothing.returncode == 1 and "Keine Akte" in nothing.stderr
    offered = cli("aussonderung", "anbieten", "--stichtag", "2100-01-01", "-o", tmp_path, "--json")
    assert offered.returncode == 0, offered.stderr
    offer = offered.json()
    assert sorted(offer["akten"]) == sorted([bau["aktenzeichen"], klage["aktenzeichen"]])
    message = etree.parse(offer["path"])
    schema.assertValid(message)
    akten = {
        a.findtext("x:AllgemeineMetadaten/x:Kennzeichen", namespaces=NS): a
        for a in message.iterfind("x:Schriftgutobjekt/x:Akte", NS)
    }
    code = "x:ArchivspezifischeMetadaten/x:Aussonderungsart/x:Aussonderungsart/code"
    assert akten[bau["aktenzeichen"]].findtext(code, namespaces=NS) == "A"
    assert akten[klage["aktenzeichen"]].findtext(code, namespaces=NS) == "V"
    assert len(akten[bau["aktenzeichen"]].findall(".//x:Dokument", NS)) == 3
    assert len(akten[bau["aktenzeichen"]].findall("x:Akteninhalt/x:Vorgang/x:Dokument", NS)) == 1

    stranger = _appraisal(
        tmp_path / "fremd.xml",
        offer["process_id"],
        {bau["uuid"]: "A"} | {"00000000-0000-4000-8000-000000000000": "A"},
    )
    refused = cli("aussonderung", "bewertung", stranger)
    assert refused.returncode == 1 and "nicht angeboten" in refused.stderr
    broken = tmp_path / "kaputt.xml"
    broken.write_text(
        "<xdomea:Aussonderung.Bewertungsverzeichnis.0502 xmlns:xdomea="
        '"urn:xoev-de:xdomea:schema:3.0.0"/>',
        "utf-8",
    )
    assert "xdomea 3.0.0" in cli("aussonderung", "bewertung", broken).stderr
    decided = _appraisal(
        tmp_path / "0502.xml", offer["process_id"], {bau["uuid"]: "A", klage["uuid"]: "V"}
    )
    schema.assertValid(etree.parse(str(decided)))
    applied = cli("aussonderung", "bewertung", decided, "--json")
    assert applied.returncode == 0, applied.stderr
    assert applied.json() == {bau["aktenzeichen"]: "A", klage["aktenzeichen"]: "V"}

    handed = cli("aussonderung", "abgeben", "-o", tmp_path / "abgabe", "--json")
    assert handed.returncode == 0, handed.stderr
    assert handed.json()["akten"] == [bau["aktenzeichen"]]
    with zipfile.ZipFile(handed.json()["path"]) as package:
        (xml_name,) = [n for n in package.namelist() if n.endswith(".xml")]
        assert xml_name == f"{offer['process_id']}_Aussonderung.Aussonderung.0503.xml"
        transfer = etree.fromstring(package.read(xml_name))
        schema.assertValid(transfer)
        files = transfer.findall(".//x:Primaerdokument/x:Dateiname", NS)
        contents = {f.text: hashlib.sha256(package.read(f.text)).hexdigest() for f in files}
        assert sorted(package.namelist()) == sorted([xml_name, *contents])
    sent = {name: hashlib.sha256((post / name).read_bytes()).hexdigest() for name in ids}
    assert sorted(contents.values()) == sorted(sent[n] for n in ("0.pdf", "2.pdf", "3.png"))
    assert sent["1.pdf"] not in contents.values()  # the V Akte stays (until it is deleted)
    shown = cli("akte", "zeigen", bau["aktenzeichen"], "--json").json()
    assert shown["transferred_on"] is not None and shown["archive_decision"] == "A"
    assert [e["action"] for e in shown["events"]] == [
        "opened",
        "vorgang_opened",
        "closed",
        "evidence_missing",  # no EAKTE_TSA_URL in this test
        "offered",
        "appraised",
        "transferred",
    ]
    again = cli("aussonderung", "abgeben", "-o", tmp_path / "abgabe")
    assert again.returncode == 1 and "Keine als archivwürdig" in again.stderr

    # deletion: the V Akte once its retention ended; the A Akte only after the 0506
    first = cli("aussonderung", "loeschen", "--stichtag", "2100-01-01", "--json")
    assert first.returncode == 0, first.stderr
    assert first.json() == {klage["aktenzeichen"]: [ids["1.pdf"]]}
    assert cli("show", ids["1.pdf"]).returncode == 1
    assert cli("get", ids["1.pdf"], "-o", tmp_path / "weg.pdf").returncode == 1
    assert cli("show", ids["0.pdf"]).returncode == 0  # A: not before the archive confirms
    confirmation = tmp_path / "0506.xml"
    body = IMPORTED.format(id=bau["uuid"], archive_id="StA 1/2100")
    confirmation.write_text(IMPORTED_0506.format(process=offer["process_id"], objects=body))
    schema.assertValid(etree.parse(str(confirmation)))
    confirmed = cli("aussonderung", "bestaetigung", confirmation, "--json")
    assert confirmed.returncode == 0, confirmed.stderr
    assert confirmed.json() == {bau["aktenzeichen"]: "vom Archiv übernommen (StA 1/2100)"}
    second = cli("aussonderung", "loeschen", "--stichtag", "2100-01-01", "--json").json()
    assert sorted(second[bau["aktenzeichen"]]) == sorted(
        ids[n] for n in ("0.pdf", "2.pdf", "3.png")
    )
    assert all(cli("show", ids[name]).returncode == 1 for name in ids)
    assert cli("aussonderung", "loeschen", "--stichtag", "2100-01-01", "--json").json() == {}
    protocol = cli("aussonderung", "loeschprotokoll", "--json").json()
    assert sorted(entry["sha256"] for entry in protocol) == sorted(sent.values())
    assert {entry["original_filename"] for entry in protocol} == set(ids)
    by_akte = {entry["aktenzeichen"]: entry["decision"] for entry in protocol}
    assert "StA 1/2100" in by_akte[bau["aktenzeichen"]]
    assert "vernichten (V" in by_akte[klage["aktenzeichen"]]
