"""The checks that made eAkte agree with EU DSS on the real-world corpus (issue 14), one
test per class of difference, each on a real file that failed the old way.

Real-world files come from bench/signatures/realworld_manifest.json (tuning split, DSS's
own test resources, sha256-checked); the rewritten signature dictionary and the unknown
digest algorithm are made from the test PKI's signatures.
"""

from __future__ import annotations

import hashlib
import io
import logging
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import cms
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from bench.signatures.realworld_corpus import fetch
from eakte.ports import SignatureCheck
from samples.pki import TestPki
from signatures.cades import validate_detached_bytes
from signatures.service import PyHankoValidator
from tests.integration.signature_fixtures import (  # noqa: F401  (pytest fixtures)
    pki,
    pki_server,
    signature_corpus,
)

pytestmark = pytest.mark.integration

PADES = "dss-pades/validation/"
CADES = "dss-cades/validation/"


@pytest.fixture(scope="module")
def corpus() -> Path:
    return fetch()


@pytest.fixture(scope="module")
def untrusting() -> PyHankoValidator:
    """Offline, no trust anchors: as the manifest's DSS verdicts were made."""
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    return PyHankoValidator(trust_dir=None, crl_dir=None)


def _check(validator: PyHankoValidator, path: Path) -> SignatureCheck:
    return validator.validate(
        path,
        "pdf" if path.suffix == ".pdf" else "cms",
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        filename=path.name,
    )


def _verdicts(check: SignatureCheck) -> list[tuple[Any, Any]]:
    return [(s["indication"], s["sub_indication"]) for s in check.signatures]


def test_rsa_value_whose_digest_info_omits_null_verifies(
    corpus: Path, untrusting: PyHankoValidator
) -> None:
    """RFC 5754: absent parameters are the same SHA-256; Bouncy Castle and DSS accept
    it. Before, strict PKCS#1 parsing called this signature broken."""
    check = _check(untrusting, corpus / CADES / "cades-broken-sig-tst.p7m")
    (finding,) = check.signatures
    assert finding["cryptographically_valid"] is True
    assert (check.verdict, check.sub_indication) == ("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND")


@pytest.mark.parametrize(
    "name",
    [
        "dss-818/Signature-P-IT_ADO-1 (HASH_FAILURE) (ECDSA).pdf",
        "dss-818/Signature-P-SK-1 (HASH_FAILURE).pdf",
    ],
)
def test_value_over_unsorted_signed_attributes_fails(
    corpus: Path, untrusting: PyHankoValidator, name: str
) -> None:
    """ETSI plugtest negatives: the value verifies only over the attributes as stored,
    not sorted; RFC 5652 signs their DER encoding, so the signature value fails."""
    check = _check(untrusting, corpus / PADES / name)
    signatures = [s for s in check.signatures if s["kind"] == "pades"]
    assert signatures and all(s["cryptographically_valid"] is False for s in signatures)
    assert (check.verdict, check.sub_indication) == ("TOTAL_FAILED", "SIG_CRYPTO_FAILURE")
    assert "nicht DER-geordneten Reihenfolge" in signatures[0]["explanation"]
    assert "kryptografisch ungültig" in signatures[0]["explanation"]


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("pdf-eof.pdf", "über das Dateiende"),  # ranges one byte past the end
        ("siwa.pdf", "kein Signaturwert"),  # wrapped: the gap holds other bytes, no value
    ],
)
def test_byte_range_that_does_not_describe_the_file_fails(
    corpus: Path, untrusting: PyHankoValidator, name: str, said: str
) -> None:
    """Before, the untrusted chain was reported and the broken /ByteRange never was."""
    check = _check(untrusting, corpus / PADES / name)
    assert (check.verdict, check.sub_indication) == ("TOTAL_FAILED", "FORMAT_FAILURE")
    assert said in check.signatures[0]["explanation"]


def test_signature_in_an_unparseable_pdf_is_checked_over_its_bytes(
    corpus: Path, untrusting: PyHankoValidator
) -> None:
    """pyHanko cannot read this file's structure; its five signatures still fail on
    their value (the SK plugtest's signatures) and its timestamp stays unevaluated."""
    check = _check(untrusting, corpus / PADES / "pades-5-signatures-and-1-document-timestamp.pdf")
    assert sorted(_verdicts(check)) == [
        ("INDETERMINATE", "NO_SIGNING_CERTIFICATE_FOUND"),
        *[("TOTAL_FAILED", "SIG_CRYPTO_FAILURE")] * 5,
    ]
    failed = [s for s in check.signatures if s["indication"] == "TOTAL_FAILED"]
    assert all("über die Bytes ihres /ByteRange" in s["warnings"][0] for s in failed)


def test_pdf_signature_with_content_of_its_own_fails(
    corpus: Path, untrusting: PyHankoValidator
) -> None:
    """The CMS encapsulates (empty) content; its digest is not that content's, so RFC
    5652 verification fails, although the digest happens to match the /ByteRange."""
    check = _check(untrusting, corpus / PADES / "pades-enveloping-empty-bytes-cms.pdf")
    assert check.verdict == "TOTAL_FAILED"
    assert "eigenen Inhalt" in check.signatures[0]["warnings"][0]


def test_countersignature_with_two_signing_times_fails(
    corpus: Path, untrusting: PyHankoValidator
) -> None:
    """RFC 5652 11.3 allows one signing-time; the signer itself is untrusted only."""
    check = _check(untrusting, corpus / CADES / "cades-double-signing-time.p7m")
    assert _verdicts(check) == [
        ("INDETERMINATE", "NO_CERTIFICATE_CHAIN_FOUND"),
        ("TOTAL_FAILED", "FORMAT_FAILURE"),
    ]
    assert check.signatures[1]["explanation"].startswith("Gegensignatur: Signierte Attribute")
    assert "signing_time" in check.signatures[1]["explanation"]


def test_signature_dictionary_rewritten_after_signing_fails(
    pki: TestPki,  # noqa: F811
    signature_corpus: dict[str, Path],  # noqa: F811
    tmp_path: Path,
) -> None:
    """A later revision replaces the /Reason a viewer shows; the signed bytes are
    untouched. The same file without the rewrite passes (benign updates stay)."""
    validator = PyHankoValidator(trust_dir=pki.trust_dir, crl_dir=pki.crl_dir)
    original = signature_corpus["valid.pdf"]
    assert _check(validator, original).verdict == "TOTAL_PASSED"
    with original.open("rb") as handle:
        writer = IncrementalPdfFileWriter(handle)
        field = writer.root["/AcroForm"]["/Fields"][0]
        reference = field.raw_get("/V")
        dictionary = reference.get_object()
        dictionary["/Reason"] = generic.TextStringObject("Genehmigt durch den Bürgermeister")
        writer.mark_update(reference)
        out = io.BytesIO()
        writer.write(out)
    spoofed = tmp_path / "spoofed.pdf"
    spoofed.write_bytes(out.getvalue())
    check = _check(validator, spoofed)
    assert (check.verdict, check.sub_indication) == ("TOTAL_FAILED", "FORMAT_FAILURE")
    assert "überschrieben" in check.signatures[0]["explanation"]


def test_signature_oid_as_digest_algorithm_is_not_evaluable(
    pki: TestPki,  # noqa: F811
    signature_corpus: dict[str, Path],  # noqa: F811
) -> None:
    """sha256WithRSAEncryption written where the digest algorithm belongs (as in the
    Hungarian plugtest file): no digest can be computed, which proves nothing either
    way. Before, the reason was Python's AttributeError text."""
    signed_data = cms.ContentInfo.load(signature_corpus["brief.pdf.p7s"].read_bytes())
    signer = signed_data["content"]["signer_infos"][0]
    signer["digest_algorithm"] = {"algorithm": "1.2.840.113549.1.1.11"}
    validator = PyHankoValidator(trust_dir=pki.trust_dir, crl_dir=pki.crl_dir)
    content = signature_corpus["brief.pdf"].read_bytes()
    (finding,) = validate_detached_bytes(
        signed_data.dump(force=True), content, validator.trust, "cades_detached"
    )
    assert (finding.indication, finding.sub_indication) == (
        "INDETERMINATE",
        "CRYPTO_CONSTRAINTS_FAILURE",
    )
    assert "ein Signaturverfahren (sha256_rsa) und kein Hashverfahren" in finding.explanation
