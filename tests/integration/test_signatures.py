"""Signature verdicts on a corpus signed by a test PKI built for this run, through the
real CLI, pyHanko and revocation data (CRL files offline, OCSP/CRL served on loopback
online). Every case asserts the exact ETSI indication and sub-indication."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from samples.pki import TestPki
from tests.conftest import Cli, CliResult
from tests.integration.signature_fixtures import (  # noqa: F401  (pytest fixtures)
    pki,
    pki_server,
    signature_corpus,
)

pytestmark = pytest.mark.integration

EXPECTED: dict[str, tuple[str, str | None, int]] = {
    # file: (document verdict, sub-indication, number of signatures)
    "valid.pdf": ("TOTAL_PASSED", None, 1),
    "valid_timestamp.pdf": ("TOTAL_PASSED", None, 1),
    "two_signatures.pdf": ("TOTAL_PASSED", None, 2),
    "document_timestamp.pdf": ("TOTAL_PASSED", None, 2),
    "ltv_timestamped.pdf": ("TOTAL_PASSED", None, 2),  # signed, then DSS data, then a timestamp
    "timestamp_typed_sig.pdf": ("TOTAL_PASSED", None, 2),  # document timestamp typed /Sig
    # as in DSS the signature decides; the broken document timestamp fails on its own
    "timestamp_broken.pdf": ("TOTAL_PASSED", None, 2),
    "resources_reissued.pdf": ("TOTAL_PASSED", None, 1),  # pyHanko: OTHER; the page is the same
    # page 1 replaced in a later revision: DSS only warns (visual difference); we do not
    # vouch for the page as shown, so INDETERMINATE, never a broken signature
    "modified_after_signing.pdf": ("INDETERMINATE", "SIG_CONSTRAINTS_FAILURE", 1),
    "byte_flipped.pdf": ("TOTAL_FAILED", "HASH_FAILURE", 1),
    "expired.pdf": ("INDETERMINATE", "OUT_OF_BOUNDS_NO_POE", 1),
    "revoked.pdf": ("INDETERMINATE", "REVOKED_NO_POE", 1),
    "untrusted.pdf": ("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND", 1),
    "unsigned.pdf": ("UNSIGNED", None, 0),
    "qualified.pdf": ("TOTAL_PASSED", None, 1),
    # /ByteRange runs past the end of the file: what was signed is not this file (DSS too)
    "malformed_byterange.pdf": ("TOTAL_FAILED", "FORMAT_FAILURE", 1),
    # not a CMS container: the signature cannot be evaluated, the letter is still stored
    "malformed_signature.pdf": ("INDETERMINATE", "NO_SIGNING_CERTIFICATE_FOUND", 1),
    # a signature field whose value was reserved (zeros) and never written: not signed
    "signature_placeholder.pdf": ("UNSIGNED", None, 0),
    "brainpool.pdf": ("TOTAL_PASSED", None, 1),  # ECDSA on brainpoolP256r1
    "brainpool_plain.pdf": ("TOTAL_PASSED", None, 1),  # the same, value in TR-03111 plain format
    "vertrag.pdf.p7m": ("TOTAL_PASSED", None, 2),  # two signers in one container
    # a PAdES signature, then a legacy adbe.pkcs7.sha1 one: reported, the weak hash named
    "legacy_sha1.pdf": ("INDETERMINATE", "CRYPTO_CONSTRAINTS_FAILURE_NO_POE", 2),
    "brief.pdf.p7s": ("TOTAL_PASSED", None, 1),
    "antrag.pdf.p7m": ("TOTAL_PASSED", None, 1),
    "encrypted_owner_only.pdf": ("TOTAL_PASSED", None, 1),
}
QUARANTINED = {"encrypted_signed.pdf": "encrypted"}
NOT_EVALUABLE = {"malformed_signature.pdf"}  # no signer can be named


@pytest.fixture(scope="module")
def files(signature_corpus: dict[str, Path]) -> dict[str, Path]:  # noqa: F811
    """The corpus by file name (``brief.pdf.p7s`` must sit next to ``brief.pdf``)."""
    return {path.name: path for path in signature_corpus.values()}


@pytest.fixture(scope="module")
def offline(
    pki: TestPki,  # noqa: F811
    files: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Cli, dict[str, dict[str, Any]], CliResult]:
    folder = tmp_path_factory.mktemp("post")
    for name in [*EXPECTED, *QUARANTINED, "brief.pdf"]:
        shutil.copy(files[name], folder / name)
    env = {"EAKTE_TRUST_DIR": str(pki.trust_dir), "EAKTE_CRL_DIR": str(pki.crl_dir)}
    cli = Cli(tmp_path_factory.mktemp("data"), env)
    result = cli("ingest", folder, "--json")
    lines = {Path(line["path"]).name: line for line in result.json_lines()}
    return cli, lines, result


def _manifest(cli: Cli, record_id: str) -> dict[str, Any]:
    shown = cli("show", record_id, "--json")
    assert shown.returncode == 0, shown.stderr
    manifest: dict[str, Any] = shown.json()
    return manifest


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_offline_verdicts(
    offline: tuple[Cli, dict[str, dict[str, Any]], CliResult], name: str
) -> None:
    cli, lines, result = offline
    verdict, sub_indication, count = EXPECTED[name]
    line = lines[name]
    assert line["status"] == "stored", (line, result.stderr)
    assert line["signature"] == verdict
    summary = _manifest(cli, line["id"])["signature"]
    assert (summary["verdict"], summary["sub_indication"]) == (verdict, sub_indication)
    assert len(summary["signatures"]) == count
    for finding in summary["signatures"]:
        assert finding["indication"] in {"TOTAL_PASSED", "TOTAL_FAILED", "INDETERMINATE"}
        assert finding["explanation"]
        if name not in NOT_EVALUABLE:
            assert finding["signer"]["subject"]


@pytest.mark.parametrize(("name", "reason"), sorted(QUARANTINED.items()))
def test_unreadable_signed_files_are_quarantined_and_kept(
    offline: tuple[Cli, dict[str, dict[str, Any]], CliResult],
    files: dict[str, Path],
    name: str,
    reason: str,
    tmp_path: Path,
) -> None:
    cli, lines, result = offline
    assert result.returncode == 1
    line = lines[name]
    assert line["status"] == "quarantined" and "\n" not in line["error"]
    entries = {e["original_filename"]: e for e in cli("quarantine", "--json").json()}
    assert entries[name]["reason"] == reason
    assert cli("get", line["id"], "-o", tmp_path / name).returncode == 0
    assert (tmp_path / name).read_bytes() == files[name].read_bytes()


def test_signed_facts_are_recorded(
    offline: tuple[Cli, dict[str, dict[str, Any]], CliResult],
) -> None:
    cli, lines, _ = offline
    (finding,) = _manifest(cli, lines["valid_timestamp.pdf"]["id"])["signature"]["signatures"]
    assert finding["timestamp_time"] and finding["timestamp_valid"] is True
    assert finding["intact"] and finding["cryptographically_valid"] and finding["trusted"]
    assert finding["revoked"] is False and finding["revocation_checked"] is True
    assert finding["coverage"] == "ENTIRE_FILE" and finding["key_usage_ok"] is True
    assert "Erika Mustermann" in finding["signer"]["subject"]
    (modified,) = _manifest(cli, lines["modified_after_signing.pdf"]["id"])["signature"][
        "signatures"
    ]
    assert modified["intact"] is True and modified["modifications_allowed"] is False
    assert modified["cryptographically_valid"] is True and modified["changed_pages"] == [1]
    assert "Seite 1" in modified["explanation"] and modified["warnings"]
    (reissued,) = _manifest(cli, lines["resources_reissued.pdf"]["id"])["signature"]["signatures"]
    assert reissued["modification_level"] == "OTHER" and reissued["modifications_allowed"] is False
    assert reissued["changed_pages"] == [] and "nicht als zulässig" in reissued["warnings"][0]
    ltv = _manifest(cli, lines["ltv_timestamped.pdf"]["id"])["signature"]["signatures"]
    assert [(f["kind"], f["modification_level"]) for f in ltv] == [
        ("pades", "LTA_UPDATES"),
        ("document_timestamp", "NONE"),
    ]
    plain = _manifest(cli, lines["brainpool_plain.pdf"]["id"])["signature"]["signatures"]
    assert plain[0]["cryptographically_valid"] and "Brainpool" in plain[0]["signer"]["subject"]
    signers = _manifest(cli, lines["vertrag.pdf.p7m"]["id"])["signature"]["signatures"]
    assert [f["kind"] for f in signers] == ["cades_enveloping", "cades_enveloping"]
    assert {f["signer"]["subject"].split(",")[0] for f in signers} == {
        "Common Name: Erika Mustermann",
        "Common Name: Max Mustermann",
    }
    first, legacy = _manifest(cli, lines["legacy_sha1.pdf"]["id"])["signature"]["signatures"]
    assert first["indication"] == "TOTAL_PASSED" and legacy["digest_algorithm"] == "sha1"
    assert legacy["intact"] and legacy["cryptographically_valid"]
    assert "SHA-1" in legacy["explanation"] and legacy["field_name"] == "Alt"
    typed = _manifest(cli, lines["timestamp_typed_sig.pdf"]["id"])["signature"]["signatures"]
    assert [f["kind"] for f in typed] == ["pades", "document_timestamp"]
    assert "/Sig" in typed[1]["warnings"][0]
    stamp = _manifest(cli, lines["timestamp_broken.pdf"]["id"])["signature"]["signatures"][1]
    assert (stamp["kind"], stamp["indication"]) == ("document_timestamp", "TOTAL_FAILED")
    (broken,) = _manifest(cli, lines["malformed_signature.pdf"]["id"])["signature"]["signatures"]
    assert broken["explanation"].startswith("Signatur nicht prüfbar")
    assert broken["intact"] is None and broken["cryptographically_valid"] is None  # unknown
    doc_ts = _manifest(cli, lines["document_timestamp.pdf"]["id"])["signature"]["signatures"]
    assert [f["kind"] for f in doc_ts] == ["pades", "document_timestamp"]
    assert doc_ts[1]["timestamp_time"] and "Zeitstempel" in doc_ts[1]["signer"]["subject"]
    assert doc_ts[0]["modification_level"] == "LTA_UPDATES"
    (untrusted,) = _manifest(cli, lines["untrusted.pdf"]["id"])["signature"]["signatures"]
    assert untrusted["revocation_checked"] is False  # no chain, so nothing established
    (qualified,) = _manifest(cli, lines["qualified.pdf"]["id"])["signature"]["signatures"]
    assert qualified["qualified_claimed"] is True and finding["qualified_claimed"] is False
    (expired,) = _manifest(cli, lines["expired.pdf"]["id"])["signature"]["signatures"]
    assert expired["expired_at_signing"] is True and finding["expired_at_signing"] is False
    (revoked,) = _manifest(cli, lines["revoked.pdf"]["id"])["signature"]["signatures"]
    assert revoked["revoked"] is True and revoked["revocation_date"]


def test_detached_and_enveloping_signatures_link_their_documents(
    offline: tuple[Cli, dict[str, dict[str, Any]], CliResult],
    files: dict[str, Path],
) -> None:
    cli, lines, _ = offline
    p7s = _manifest(cli, lines["brief.pdf.p7s"]["id"])
    assert p7s["fields"]["signs"] == lines["brief.pdf"]["id"]
    assert p7s["signature"]["signatures"][0]["kind"] == "cades_detached"
    p7m_line = lines["antrag.pdf.p7m"]
    (part,) = p7m_line["parts"]
    assert part["pages"] is None
    content = _manifest(cli, part["id"])
    assert content["fields"]["enveloped_in"] == p7m_line["id"]
    assert content["original_filename"] == "antrag.pdf"
    assert content["pages"] and content["pages"][0]["text"]
    assert _manifest(cli, p7m_line["id"])["fields"]["content_record"] == part["id"]


def test_detached_signature_without_its_document_is_indeterminate(
    pki: TestPki,  # noqa: F811
    files: dict[str, Path],
    cli: Cli,
    tmp_path: Path,
) -> None:
    alone = tmp_path / "brief.pdf.p7s"
    shutil.copy(files["brief.pdf.p7s"], alone)
    result = cli("ingest", alone, "--json", EAKTE_TRUST_DIR=str(pki.trust_dir))
    (line,) = result.json_lines()
    summary = _manifest(cli, line["id"])["signature"]
    assert (summary["verdict"], summary["sub_indication"]) == (
        "INDETERMINATE",
        "SIGNED_DATA_NOT_FOUND",
    )


def test_verify_revalidates_without_touching_the_original(
    offline: tuple[Cli, dict[str, dict[str, Any]], CliResult],
    files: dict[str, Path],
    tmp_path: Path,
) -> None:
    cli, lines, _ = offline
    record_id = lines["valid.pdf"]["id"]
    untrusting = cli("verify", record_id, EAKTE_TRUST_DIR=str(tmp_path))  # no anchors now
    assert untrusting.returncode == 0, untrusting.stderr
    manifest = _manifest(cli, record_id)
    assert manifest["signature"]["sub_indication"] == "NO_CERTIFICATE_CHAIN_FOUND"
    events = [e for e in manifest["events"] if e["kind"] == "signature_verified"]
    assert events[-1]["details"] == {"before": "TOTAL_PASSED", "after": "INDETERMINATE"}
    assert cli("verify", record_id).returncode == 0
    assert _manifest(cli, record_id)["signature"]["verdict"] == "TOTAL_PASSED"
    out = tmp_path / "original.pdf"
    assert cli("get", record_id, "-o", out).returncode == 0
    assert hashlib.sha256(out.read_bytes()).hexdigest() == record_id
    assert out.read_bytes() == files["valid.pdf"].read_bytes()


def test_report_is_a_german_pruefprotokoll(
    offline: tuple[Cli, dict[str, dict[str, Any]], CliResult], tmp_path: Path
) -> None:
    cli, lines, _ = offline
    record_id = lines["byte_flipped.pdf"]["id"]
    pdf_path = tmp_path / "protokoll.pdf"
    assert cli("report", record_id, "-o", pdf_path).returncode == 0
    document = pdfium.PdfDocument(str(pdf_path))
    text = "".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    compact = "".join(text.split())
    assert "Prüfprotokoll" in text and record_id in compact
    assert "HASH_FAILURE" in text and "TOTAL_FAILED" in text
    json_path = tmp_path / "bericht.json"
    assert cli("report", record_id, "-o", json_path, "--format", "json").returncode == 0
    assert '"schema_version": 1' in json_path.read_text()


def test_search_filters_signed_and_valid(
    offline: tuple[Cli, dict[str, dict[str, Any]], CliResult],
) -> None:
    cli, lines, _ = offline
    found = cli("search", "--signatur", "TOTAL_PASSED", "--limit", "100", "--json").json()
    passed = {line["id"] for line in lines.values() if line["signature"] == "TOTAL_PASSED"}
    assert {hit["id"] for hit in found["hits"]} == passed


def test_online_mode_finds_revocation_on_the_loopback_servers(
    pki: TestPki,  # noqa: F811
    pki_server: str,  # noqa: F811
    files: dict[str, Path],
    cli: Cli,
) -> None:
    online = {"EAKTE_TRUST_DIR": str(pki.trust_dir), "EAKTE_SIGNATURE_MODE": "online"}
    result = cli(
        "ingest", files["revoked.pdf"], files["valid.pdf"], "--json",
        **online,
    )  # fmt: skip
    revoked, valid = result.json_lines()
    assert valid["signature"] == "TOTAL_PASSED", result.stderr
    summary = _manifest(cli, revoked["id"])["signature"]
    assert (summary["verdict"], summary["sub_indication"]) == ("INDETERMINATE", "REVOKED_NO_POE")


def test_augment_stores_a_long_term_copy_and_leaves_the_original(
    pki: TestPki,  # noqa: F811
    pki_server: str,  # noqa: F811
    files: dict[str, Path],
    cli: Cli,
    tmp_path: Path,
) -> None:
    env = {
        "EAKTE_TRUST_DIR": str(pki.trust_dir),
        "EAKTE_CRL_DIR": str(pki.crl_dir),
        "EAKTE_TSA_URL": f"{pki_server}/tsa",
    }
    cli = Cli(cli.data_dir, env)
    (line,) = cli("ingest", files["valid_timestamp.pdf"], "--json").json_lines()
    copy = tmp_path / "langzeit.pdf"
    result = cli("augment", line["id"], "-o", copy)
    assert result.returncode == 0, result.stderr
    data = copy.read_bytes()
    original = files["valid_timestamp.pdf"].read_bytes()
    assert data.startswith(original) and b"/DSS" in data[len(original) :]
    manifest = _manifest(cli, line["id"])
    assert manifest["renditions"]["ltv.pdf"] == f"renditions/{line['id']}/ltv.pdf"
    assert cli("get", line["id"], "-o", tmp_path / "o.pdf").returncode == 0
    assert (tmp_path / "o.pdf").read_bytes() == original
    (again,) = cli("ingest", copy, "--json").json_lines()  # the copy validates on its own
    summary = _manifest(cli, again["id"])["signature"]
    assert summary["verdict"] == "TOTAL_PASSED"
    assert [f["kind"] for f in summary["signatures"]] == ["pades", "document_timestamp"]
    unsigned = cli("ingest", files["unsigned.pdf"], "--json").json_lines()[0]
    refused = cli("augment", unsigned["id"])
    assert refused.returncode == 1 and "keine Signatur" in refused.stderr


def test_demo_samples_show_a_valid_and_a_tampered_bescheid(cli: Cli, tmp_path: Path) -> None:
    from samples.signed import write_signed_samples

    trust_dir, crl_dir = write_signed_samples(tmp_path / "post")
    env = {"EAKTE_TRUST_DIR": str(trust_dir), "EAKTE_CRL_DIR": str(crl_dir)}
    result = cli("ingest", tmp_path / "post", "--json", **env)
    verdicts = {Path(line["path"]).name: line["signature"] for line in result.json_lines()}
    assert verdicts == {
        "bescheid_signiert.pdf": "TOTAL_PASSED",
        "bescheid_manipuliert.pdf": "TOTAL_FAILED",
    }
    assert write_signed_samples(tmp_path / "post") == (trust_dir, crl_dir)  # built once


def test_detached_signature_is_judged_per_document_and_verify_keeps_the_pair(
    pki: TestPki,  # noqa: F811
    files: dict[str, Path],
    cli: Cli,
    tmp_path: Path,
) -> None:
    """The same .p7s bytes beside an altered copy of the letter: the altered letter's
    own record says TOTAL_FAILED; the genuine pairing stays TOTAL_PASSED, also after
    `eakte verify` on the signature record."""
    from samples.signed import flip_content_byte

    env = {"EAKTE_TRUST_DIR": str(pki.trust_dir), "EAKTE_CRL_DIR": str(pki.crl_dir)}
    genuine, altered = tmp_path / "echt", tmp_path / "geaendert"
    for folder in (genuine, altered):
        folder.mkdir()
        shutil.copy(files["brief.pdf.p7s"], folder / "brief.pdf.p7s")
    shutil.copy(files["brief.pdf"], genuine / "brief.pdf")
    flip_content_byte(files["brief.pdf"], altered / "brief.pdf")

    first = {Path(x["path"]).name: x for x in cli("ingest", genuine, "--json", **env).json_lines()}
    assert first["brief.pdf"]["signature"] == "TOTAL_PASSED"
    assert first["brief.pdf.p7s"]["signature"] == "TOTAL_PASSED"
    second = {Path(x["path"]).name: x for x in cli("ingest", altered, "--json", **env).json_lines()}
    assert second["brief.pdf.p7s"]["status"] == "duplicate"
    # its stored verdict is about the genuine letter: the batch does not repeat it here
    assert second["brief.pdf.p7s"]["signature"] is None
    assert second["brief.pdf"]["signature"] == "TOTAL_FAILED"
    letter = _manifest(cli, second["brief.pdf"]["id"])
    assert letter["fields"]["detached_signature"] == first["brief.pdf.p7s"]["id"]
    summary = letter["signature"]
    assert (summary["verdict"], summary["sub_indication"]) == ("TOTAL_FAILED", "HASH_FAILURE")
    assert [f["kind"] for f in summary["signatures"]] == ["cades_detached"]

    signature_id = first["brief.pdf.p7s"]["id"]
    assert cli("verify", signature_id, **env).returncode == 0
    kept = _manifest(cli, signature_id)
    assert kept["fields"]["signs"] == first["brief.pdf"]["id"]
    assert kept["signature"]["verdict"] == "TOTAL_PASSED"
    assert cli("verify", second["brief.pdf"]["id"], **env).returncode == 0
    assert _manifest(cli, second["brief.pdf"]["id"])["signature"]["verdict"] == "TOTAL_FAILED"


def test_an_altered_legacy_sha1_signature_fails(
    pki: TestPki,  # noqa: F811
    files: dict[str, Path],
    tmp_path: Path,
) -> None:
    """The legacy format is judged, not waved through: a changed byte fails it."""
    from samples.signed import flip_content_byte
    from signatures.pades import validate_pdf
    from signatures.trust import load_trust_config

    altered = flip_content_byte(files["legacy_sha1.pdf"], tmp_path / "alt.pdf")
    findings = validate_pdf(altered, load_trust_config(pki.trust_dir, pki.crl_dir))
    assert [(f.field_name, f.indication, f.sub_indication) for f in findings] == [
        ("Signatur1", "TOTAL_FAILED", "HASH_FAILURE"),
        ("Alt", "TOTAL_FAILED", "HASH_FAILURE"),
    ]
