"""Sanity of the generated PKI, its servers and the signed corpus, not of any verdict.

If these fail, a verdict test failing is about the fixture, not the validator.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import urllib.request
from pathlib import Path

import pytest
from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from pyhanko.pdf_utils.reader import PdfFileReader
from pypdf import PdfReader

from samples.pki import QC_STATEMENTS_OID, SIGNERS, TestPki
from samples.signed import PASSWORD
from tests.integration.signature_fixtures import (  # noqa: F401  (pytest fixtures)
    pki,
    pki_server,
    signature_corpus,
)

pytestmark = pytest.mark.integration

SIGNATURE_COUNT = {
    "unsigned.pdf": 0,
    "brief.pdf": 0,
    "valid.pdf": 1,
    "valid_timestamp.pdf": 1,
    "two_signatures.pdf": 2,
    "document_timestamp.pdf": 2,
    "ltv_timestamped.pdf": 2,
    "resources_reissued.pdf": 1,
    "qualified.pdf": 1,
    "modified_after_signing.pdf": 1,
    "byte_flipped.pdf": 1,
    "expired.pdf": 1,
    "revoked.pdf": 1,
    "untrusted.pdf": 1,
    "malformed_signature.pdf": 1,
    "malformed_byterange.pdf": 1,
    "signature_placeholder.pdf": 1,  # the field is there; its value was never written
    "encrypted_signed.pdf": 1,
    "encrypted_owner_only.pdf": 1,
    "brainpool.pdf": 1,
    "brainpool_plain.pdf": 1,
    "legacy_sha1.pdf": 2,
    "timestamp_typed_sig.pdf": 2,
    "timestamp_broken.pdf": 2,
}
CADES = ("brief.pdf.p7s", "antrag.pdf.p7m", "vertrag.pdf.p7m")
USER_PASSWORDS = {"encrypted_signed.pdf": PASSWORD, "encrypted_owner_only.pdf": ""}


def test_corpus_holds_exactly_the_expected_files(
    signature_corpus: dict[str, Path],  # noqa: F811
) -> None:
    assert set(signature_corpus) == set(SIGNATURE_COUNT) | set(CADES)
    for name, path in signature_corpus.items():
        assert path.name == name
        assert path.stat().st_size > 0
    folder = signature_corpus["valid.pdf"].parent
    assert {path.name for path in folder.iterdir()} == set(signature_corpus)


@pytest.mark.parametrize("name", sorted(SIGNATURE_COUNT))
def test_pdf_parses_with_pypdf_and_pyhanko(
    name: str,
    signature_corpus: dict[str, Path],  # noqa: F811
) -> None:
    path = signature_corpus[name]
    reader = PdfReader(path)
    if name in USER_PASSWORDS:
        assert reader.is_encrypted
        assert reader.decrypt(USER_PASSWORDS[name])
    assert len(reader.pages) == 1
    with path.open("rb") as stream:
        hanko = PdfFileReader(stream, strict=False)
        if name in USER_PASSWORDS:
            hanko.decrypt(USER_PASSWORDS[name])
        assert hanko.root["/Pages"]["/Count"] == 1


@pytest.mark.parametrize("name", sorted(SIGNATURE_COUNT))
def test_pdfsig_lists_the_expected_number_of_signatures(
    name: str,
    signature_corpus: dict[str, Path],  # noqa: F811
) -> None:
    password = ["-upw", USER_PASSWORDS[name]] if USER_PASSWORDS.get(name) else []
    result = subprocess.run(
        ["pdfsig", "-nocert", *password, str(signature_corpus[name])],
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.findall(r"^Signature #\d+:", result.stdout, flags=re.MULTILINE)
    assert len(found) == SIGNATURE_COUNT[name], result.stdout + result.stderr


def test_cades_files_are_signed_data_with_signing_certificate_v2(
    signature_corpus: dict[str, Path],  # noqa: F811
) -> None:
    for name in CADES:
        info = cms.ContentInfo.load(signature_corpus[name].read_bytes())
        assert info["content_type"].native == "signed_data"
        signed = info["content"]
        attributes = {attr["type"].native for attr in signed["signer_infos"][0]["signed_attrs"]}
        assert "signing_certificate_v2" in attributes
    detached = cms.ContentInfo.load(signature_corpus["brief.pdf.p7s"].read_bytes())
    assert detached["content"]["encap_content_info"]["content"].native is None
    enveloping = cms.ContentInfo.load(signature_corpus["antrag.pdf.p7m"].read_bytes())
    assert enveloping["content"]["encap_content_info"]["content"].native.startswith(b"%PDF-")


def test_trust_and_crl_folders_hold_what_the_settings_expect(pki: TestPki) -> None:  # noqa: F811
    assert [path.name for path in pki.trust_dir.iterdir()] == ["root.pem"]
    assert sorted(path.name for path in pki.crl_dir.iterdir()) == [
        "intermediate.crl",
        "root.crl",
    ]
    crl = x509.load_der_x509_crl((pki.crl_dir / "intermediate.crl").read_bytes())
    revoked = crl.get_revoked_certificate_by_serial_number(pki.signer("revoked").cert.serial_number)
    assert revoked is not None
    assert revoked.revocation_date_utc == pki.revoked_at
    assert (
        crl.get_revoked_certificate_by_serial_number(pki.signer("valid").cert.serial_number) is None
    )
    assert crl.is_signature_valid(pki.intermediate.cert.public_key())  # type: ignore[arg-type]


def test_certificates_fit_their_roles(pki: TestPki) -> None:  # noqa: F811
    for name in SIGNERS:
        cert = pki.signer(name).cert
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        assert usage.digital_signature and usage.content_commitment
        assert cert.extensions.get_extension_for_class(x509.CRLDistributionPoints)
        assert cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess)
    assert pki.signer("expired").cert.not_valid_after_utc < pki.now
    assert pki.signer("untrusted").cert.issuer != pki.root.cert.subject
    assert pki.signer("qualified").cert.extensions.get_extension_for_oid(QC_STATEMENTS_OID)
    tsa_eku = pki.tsa.cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert tsa_eku.critical


def _post(url: str, body: bytes, content_type: str) -> bytes:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    with urllib.request.urlopen(request) as response:
        data: bytes = response.read()
        return data


def _ask_ocsp(pki: TestPki, base_url: str, name: str) -> ocsp.OCSPResponse:  # noqa: F811
    cert = pki.signer(name).cert
    request = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(cert, pki.intermediate.cert, hashes.SHA1())
        .build()
        .public_bytes(serialization.Encoding.DER)
    )
    answer = _post(f"{base_url}/ocsp", request, "application/ocsp-request")
    return ocsp.load_der_ocsp_response(answer)


def test_ocsp_answers_revoked_and_good(pki: TestPki, pki_server: str) -> None:  # noqa: F811
    revoked = _ask_ocsp(pki, pki_server, "revoked")
    assert revoked.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
    assert revoked.certificate_status == ocsp.OCSPCertStatus.REVOKED
    assert revoked.revocation_time_utc == pki.revoked_at
    assert revoked.serial_number == pki.signer("revoked").cert.serial_number
    good = _ask_ocsp(pki, pki_server, "valid")
    assert good.certificate_status == ocsp.OCSPCertStatus.GOOD
    assert good.certificates[0] == pki.ocsp.cert


def test_tsa_answers_a_request(pki_server: str) -> None:  # noqa: F811
    digest = hashlib.sha256(b"Bescheid \xc3\xbcber Abfallgeb\xc3\xbchren 2026").digest()
    request = tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": digest,
            },
            "nonce": 4711,
            "cert_req": True,
        }
    )
    answer = _post(f"{pki_server}/tsa", request.dump(), "application/timestamp-query")
    response = tsp.TimeStampResp.load(answer)
    assert response["status"]["status"].native == "granted"
    tst_info = response["time_stamp_token"]["content"]["encap_content_info"]["content"].parsed
    assert tst_info["message_imprint"]["hashed_message"].native == digest
    assert tst_info["nonce"].native == 4711


def test_crls_are_served_as_written(pki: TestPki, pki_server: str) -> None:  # noqa: F811
    for name in ("root", "intermediate"):
        with urllib.request.urlopen(f"{pki_server}/crl/{name}.crl") as response:
            assert response.read() == (pki.crl_dir / f"{name}.crl").read_bytes()
