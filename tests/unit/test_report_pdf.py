"""The Prüfprotokoll must state, in readable German text, what the stored report says:
the full SHA-256, the verdict in words and code, who signed and why a signature failed."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from eakte.errors import DependencyMissing
from signatures.model import (
    CertificateFacts,
    SignatureFinding,
    TrustAnchorFacts,
    ValidationReport,
)
from signatures.report_pdf import render_pruefprotokoll

DOC_SHA = hashlib.sha256(b"Widerspruch gegen den Gebuehrenbescheid").hexdigest()
ANCHOR_SHA = "9e" * 32
SIGNER = "Common Name: Jürgen Weiß, Organization: Stadt Görlitz, Country: DE"
VALIDATED_AT = datetime(2025, 3, 14, 9, 30, 5, tzinfo=UTC)


def page_texts(pdf_bytes: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        return [re.sub(r"\s+", " ", page.get_textpage().get_text_range()) for page in pdf]
    finally:
        pdf.close()


def signer() -> CertificateFacts:
    return CertificateFacts(
        subject=SIGNER,
        issuer="Common Name: eAkte Test Zwischen-CA, Organization: Stadt Görlitz",
        serial="4d2f",
        not_before=datetime(2024, 1, 1, tzinfo=UTC),
        not_after=datetime(2027, 1, 1, tzinfo=UTC),
        sha256="ab" * 32,
    )


def passed_signature() -> SignatureFinding:
    return SignatureFinding(
        kind="pades",
        field_name="Signatur1",
        signer=signer(),
        signing_time_claimed=datetime(2025, 3, 1, 8, 0, tzinfo=UTC),
        intact=True,
        cryptographically_valid=True,
        trusted=True,
        trust_anchor="Common Name: eAkte Test Wurzel-CA",
        revoked=False,
        revocation_checked=True,
        expired_at_signing=False,
        key_usage_ok=True,
        digest_algorithm="sha256",
        coverage="ENTIRE_REVISION",
        signed_revision=1,
        modification_level="NONE",
        modifications_allowed=True,
        indication="TOTAL_PASSED",
        explanation="Signatur gültig, Zertifikatskette vertrauenswürdig.",
    )


def failed_signature() -> SignatureFinding:
    return SignatureFinding(
        kind="pades",
        field_name="Signatur2",
        signer=signer(),
        intact=False,
        cryptographically_valid=False,
        trusted=False,
        revoked=False,
        revocation_checked=False,
        indication="TOTAL_FAILED",
        sub_indication="HASH_FAILURE",
        explanation="Der signierte Inhalt wurde nach dem Signieren verändert.",
    )


def report(findings: list[SignatureFinding]) -> ValidationReport:
    return ValidationReport.combine(
        findings,
        document_sha256=DOC_SHA,
        original_filename="Widerspruch_Gebühren.pdf",
        validated_at=VALIDATED_AT,
        mode="offline",
        trust_anchors=[
            TrustAnchorFacts(subject="Common Name: eAkte Test Wurzel-CA", sha256=ANCHOR_SHA)
        ],
        tool="pyHanko 0.38.0",
    )


def test_unsigned_document_gets_a_one_page_protocol() -> None:
    pages = page_texts(render_pruefprotokoll(report([])))

    assert len(pages) == 1
    text = pages[0]
    assert "Prüfprotokoll zur Signaturprüfung" in text
    assert DOC_SHA in text
    assert "Widerspruch_Gebühren.pdf" in text
    assert "Gesamtergebnis: nicht signiert (UNSIGNED)" in text
    assert "14.03.2025, 09:30:05 UTC" in text
    assert "offline" in text
    assert ANCHOR_SHA in text
    assert "Seite 1 von 1" in text


def test_failed_signature_decides_the_verdict_and_is_explained() -> None:
    pages = page_texts(render_pruefprotokoll(report([passed_signature(), failed_signature()])))
    text = " ".join(pages)

    assert 1 <= len(pages) <= 4
    assert DOC_SHA in text
    assert "Prüfprotokoll" in text
    assert "Gesamtergebnis: ungültig (TOTAL_FAILED)" in text
    assert "gültig (TOTAL_PASSED)" in text
    assert "HASH_FAILURE" in text
    assert "maßgeblich ist Nr. 2" in text
    assert "Der signierte Inhalt wurde nach dem Signieren verändert." in text
    assert SIGNER in text
    assert "PAdES-Signatur" in text
    assert "nicht geprüft" in text  # expired_at_signing unknown for the broken one
    for number, page in enumerate(pages, start=1):
        assert f"Seite {number} von {len(pages)}" in page
        assert "Berichtsschema Version 1" in page


def test_later_pages_repeat_the_document_hash() -> None:
    """A printed page that comes loose must still say which original it is about."""
    findings = [passed_signature() for _ in range(5)]
    pages = page_texts(render_pruefprotokoll(report(findings)))

    assert len(pages) > 1
    assert all(DOC_SHA in page for page in pages)
    assert "Gesamtergebnis: gültig (TOTAL_PASSED)" in pages[0]


def test_indeterminate_is_named_in_words() -> None:
    finding = passed_signature().model_copy(
        update={
            "trusted": False,
            "trust_anchor": None,
            "indication": "INDETERMINATE",
            "sub_indication": "NO_CERTIFICATE_CHAIN_FOUND",
        }
    )
    text = " ".join(page_texts(render_pruefprotokoll(report([finding]))))

    assert "Gesamtergebnis: unbestimmt (INDETERMINATE)" in text
    assert "Unterindikation: NO_CERTIFICATE_CHAIN_FOUND" in text
    assert "keiner gefunden" in text
    assert "Sperrstatus nicht festgestellt" in text  # no chain: revocation is unproven


def test_same_report_gives_the_same_bytes() -> None:
    one = report([passed_signature(), failed_signature()])
    assert render_pruefprotokoll(one) == render_pruefprotokoll(one)


def test_missing_font_is_a_dependency_error(tmp_path: Path) -> None:
    with pytest.raises(DependencyMissing, match="fonts-dejavu"):
        render_pruefprotokoll(report([]), font_dir=tmp_path)
