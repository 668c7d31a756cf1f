"""Finding the signed bytes and the signature in an S/MIME mail (signatures.smime), on
mails made by other software (bench/signatures/smime: Thunderbird's NSS test mails)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from asn1crypto import cms

from eakte.errors import CorruptInput
from ingest.email_message import read_message
from signatures.smime import signed_mail

CORPUS = Path(__file__).resolve().parents[2] / "bench/signatures/smime/files"
# opaque: the signed entity travels inside the CMS SignedData (tuning half of the corpus)
OPAQUE = CORPUS / "comm-central/alice.sig.SHA512.opaque.eml"
MULTIPART = CORPUS / "comm-central/alice.dsig.SHA512.multipart.eml"


def _opaque() -> bytes:
    """The opaque mail with bare LF (it comes with CRLF; the header edits below are
    simpler this way, and the signed entity inside the CMS does not change)."""
    return OPAQUE.read_bytes().replace(b"\r\n", b"\n")


def test_an_opaque_signature_yields_its_encapsulated_entity_and_a_detached_signature() -> None:
    signed = signed_mail(_opaque())
    assert signed is not None
    assert signed.content.startswith(b"Content-Type: text/plain\r\n\r\n")
    assert b"This is a test message from Alice to Bob." in signed.content
    info = cms.ContentInfo.load(signed.signature)
    assert info["content_type"].native == "signed_data"
    encapsulated = info["content"]["encap_content_info"]
    assert encapsulated["content_type"].native == "data"
    assert encapsulated["content"].native is None  # detached: the content is passed beside


def test_an_opaque_signature_without_smime_type_is_recognised_by_its_content() -> None:
    raw = _opaque().replace(b";\n    smime-type=signed-data", b"")
    assert b"smime-type" not in raw
    signed = signed_mail(raw)
    assert signed is not None and b"Alice to Bob" in signed.content


def test_x_pkcs7_mime_is_an_opaque_signature_too() -> None:
    raw = _opaque().replace(b"application/pkcs7-mime", b"application/x-pkcs7-mime")
    signed = signed_mail(raw)
    assert signed is not None and b"Alice to Bob" in signed.content


def test_enveloped_data_is_not_a_signature() -> None:
    raw = _opaque().replace(b"smime-type=signed-data", b"smime-type=enveloped-data")
    assert signed_mail(raw) is None


def test_an_unreadable_opaque_signature_is_corrupt_input() -> None:
    head, _, _ = _opaque().partition(b"\n\n")
    with pytest.raises(CorruptInput):
        signed_mail(head + b"\n\nbm90IGEgc2lnbmF0dXJl\n")


def test_a_pkcs7_mime_part_without_smime_type_that_is_no_cms_is_passed_over() -> None:
    head, _, _ = _opaque().replace(b";\n    smime-type=signed-data", b"").partition(b"\n\n")
    assert signed_mail(head + b"\n\nbm90IGEgc2lnbmF0dXJl\n") is None


def test_a_multipart_signature_is_still_cut_from_the_original() -> None:
    signed = signed_mail(MULTIPART.read_bytes())
    assert signed is not None
    assert b"\n" not in signed.content.replace(b"\r\n", b"")
    assert cms.ContentInfo.load(signed.signature)["content_type"].native == "signed_data"


def test_an_opaque_signed_mail_is_read_with_its_text_and_no_p7m_attachment() -> None:
    content = read_message(_opaque(), max_attachments=10)
    assert "This is a test message from Alice to Bob." in content.text
    assert content.attachments == []
    assert any("signed-data" in note for note in content.notes)


def test_an_unreadable_opaque_signature_stays_an_attachment() -> None:
    head, _, _ = _opaque().partition(b"\n\n")
    content = read_message(head + b"\n\nbm90IGEgc2lnbmF0dXJl\n", max_attachments=10)
    assert [a.filename for a in content.attachments] == ["smime.p7m"]


def _document_p7m(smime_type: str) -> bytes:
    """A mail with a text body and a signed document (CAdES of a PDF) attached as
    ``application/pkcs7-mime``: the SignedData of the opaque corpus mail with a PDF as
    its content (its signature no longer fits; only the part's kind matters here)."""
    raw = _opaque()
    der = base64.b64decode(raw.partition(b"\n\n")[2])
    info = cms.ContentInfo.load(der)
    signed = cms.SignedData.load(info["content"].untag().dump())
    signed["encap_content_info"] = type(signed["encap_content_info"])(
        {"content_type": "data", "content": b"%PDF-1.7\n% Bescheid\n%%EOF\n"}
    )
    document = cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump()
    encoded = base64.encodebytes(document)
    return (
        b"From: amt@example.org\nSubject: Bescheid\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="b"\n\n--b\n'
        b"Content-Type: text/plain; charset=utf-8\n\nAnbei der signierte Bescheid.\n--b\n"
        b"Content-Type: application/pkcs7-mime" + smime_type + b'; name="Bescheid.pdf.p7m"\n'
        b"Content-Transfer-Encoding: base64\n"
        b'Content-Disposition: attachment; filename="Bescheid.pdf.p7m"\n\n' + encoded + b"--b--\n"
    )


@pytest.mark.parametrize("smime_type", [b"", b"; smime-type=signed-data"])
def test_a_signed_document_sent_as_p7m_is_an_attachment_not_the_mails_signature(
    smime_type: bytes,
) -> None:
    raw = _document_p7m(smime_type)
    assert signed_mail(raw) is None
    content = read_message(raw, max_attachments=10)
    assert [a.filename for a in content.attachments] == ["Bescheid.pdf.p7m"]
    assert "Anbei der signierte Bescheid." in content.text


def test_a_forwarded_signed_mail_is_not_the_forwarding_mails_signature() -> None:
    forwarded = MULTIPART.read_bytes()
    raw = (
        b"From: buerger@example.org\r\nSubject: WG: clear-signed\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="fwd"\r\n\r\n--fwd\r\n'
        b"Content-Type: text/plain\r\n\r\nSiehe unten.\r\n--fwd\r\n"
        b"Content-Type: message/rfc822\r\n\r\n" + forwarded + b"\r\n--fwd--\r\n"
    )
    assert signed_mail(forwarded) is not None
    assert signed_mail(raw) is None
