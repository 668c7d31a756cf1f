"""S/MIME-signed e-mail through the real CLI and pyHanko: the signature is checked over
the signed MIME part as received and is the mail record's verdict; OpenSSL, as a peer,
agrees on which mails are intact."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from samples.pki import TestPki
from samples.smime_mail import smime_mail
from tests.conftest import Cli
from tests.integration.signature_fixtures import pki  # noqa: F401  (pytest fixture)

pytestmark = pytest.mark.integration

TEXT = "Sehr geehrte Damen und Herren,\nhiermit widerspreche ich dem Bescheid vom 1. Dezember.\n"


@pytest.fixture()
def mails(pki: TestPki, tmp_path: Path) -> dict[str, Path]:  # noqa: F811
    """The same signed mail with CRLF, with LF as many stores keep it, and altered."""
    raw = smime_mail(pki, TEXT, subject="Widerspruch")
    folder = tmp_path / "post"
    folder.mkdir()
    cases = {
        "crlf.eml": raw,
        "lf.eml": raw.replace(b"\r\n", b"\n"),
        "altered.eml": raw.replace(b"1. Dezember", b"7. Dezember"),
    }
    for name, data in cases.items():
        (folder / name).write_bytes(data)
    return {name: folder / name for name in cases}


def _env(pki: TestPki) -> dict[str, str]:  # noqa: F811
    return {"EAKTE_TRUST_DIR": str(pki.trust_dir), "EAKTE_CRL_DIR": str(pki.crl_dir)}


def _ingest(cli: Cli, path: Path, pki: TestPki) -> dict[str, Any]:  # noqa: F811
    (line,) = cli("ingest", path, "--json", **_env(pki)).json_lines()
    return line


def _manifest(cli: Cli, record_id: str) -> dict[str, Any]:
    shown = cli("show", record_id, "--json")
    assert shown.returncode == 0, shown.stderr
    manifest: dict[str, Any] = shown.json()
    return manifest


@pytest.mark.parametrize("name", ["crlf.eml", "lf.eml"])
def test_a_signed_mail_carries_its_verdict_and_no_signature_record(
    name: str,
    mails: dict[str, Path],
    cli: Cli,
    pki: TestPki,  # noqa: F811
) -> None:
    line = _ingest(cli, mails[name], pki)
    assert (line["status"], line["signature"]) == ("stored", "TOTAL_PASSED")
    assert "parts" not in line  # smime.p7s is the mail's signature, not an attachment
    manifest = _manifest(cli, line["id"])
    (finding,) = manifest["signature"]["signatures"]
    assert finding["kind"] == "smime"
    assert any("Signatur der E-Mail" in e["message"] for e in manifest["events"])
    found = cli("search", "widerspreche", "--json").json()
    assert [hit["id"] for hit in found["hits"]] == [line["id"]]


def test_a_mail_altered_after_signing_fails(
    mails: dict[str, Path],
    cli: Cli,
    pki: TestPki,  # noqa: F811
) -> None:
    line = _ingest(cli, mails["altered.eml"], pki)
    assert line["status"] == "stored"  # stored all the same: the verdict says what happened
    summary = _manifest(cli, line["id"])["signature"]
    assert (summary["verdict"], summary["sub_indication"]) == ("TOTAL_FAILED", "HASH_FAILURE")


def test_a_multipart_signed_mail_without_a_usable_signature_is_indeterminate(
    mails: dict[str, Path],
    cli: Cli,
    pki: TestPki,  # noqa: F811
    tmp_path: Path,
) -> None:
    raw = mails["crlf.eml"].read_bytes()
    head, _, tail = raw.partition(b'filename="smime.p7s"\r\n\r\n')
    broken = tmp_path / "kaputt.eml"
    broken.write_bytes(head + b'filename="smime.p7s"\r\n\r\nbm90IGEgc2lnbmF0dXJl' + tail[-40:])
    line = _ingest(cli, broken, pki)
    assert (line["status"], line["signature"]) == ("stored", "INDETERMINATE")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="OpenSSL is the peer here")
@pytest.mark.parametrize("name", ["crlf.eml", "altered.eml"])
def test_openssl_agrees_on_integrity(
    name: str,
    mails: dict[str, Path],
    cli: Cli,
    pki: TestPki,  # noqa: F811
    tmp_path: Path,
) -> None:
    """OpenSSL's S/MIME check (chain trusted from the test root) and eAkte agree."""
    roots = sorted(pki.trust_dir.iterdir())
    peer = subprocess.run(
        [
            "openssl",
            "smime",
            "-verify",
            "-in",
            str(mails[name]),
            "-CAfile",
            str(roots[0]),
            "-purpose",
            "any",
            "-out",
            str(tmp_path / "content"),
        ],
        capture_output=True,
    )
    line = _ingest(cli, mails[name], pki)
    assert (peer.returncode == 0) == (line["signature"] == "TOTAL_PASSED"), peer.stderr
