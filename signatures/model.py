"""Validation results as data: one finding per signature, one report per validation.

Verdicts use the vocabulary of ETSI EN 319 102-1 (indication + sub-indication), so a
court or another validator reads them without translation. The report is what is
stored with the record and rendered as the German Prüfprotokoll.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from eakte.record import Indication, TransferNote, Verdict

REPORT_SCHEMA_VERSION = 1

SignatureKind = Literal[
    "pades", "document_timestamp", "cades_detached", "cades_enveloping", "smime"
]
ValidationMode = Literal["offline", "online"]

_SEVERITY: dict[str, int] = {"TOTAL_PASSED": 0, "INDETERMINATE": 1, "TOTAL_FAILED": 2}


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CertificateFacts(Frozen):
    subject: str
    issuer: str
    serial: str
    not_before: datetime
    not_after: datetime
    sha256: str


class SignatureFinding(Frozen):
    """Everything we established about one signature, and the verdict it adds up to."""

    kind: SignatureKind
    field_name: str | None = None
    signer: CertificateFacts | None = None
    signing_time_claimed: datetime | None = None
    timestamp_time: datetime | None = None
    timestamp_valid: bool | None = None
    intact: bool | None  # None: not established (the signature could not be evaluated)
    cryptographically_valid: bool | None
    trusted: bool
    trust_anchor: str | None = None
    revoked: bool
    revocation_date: datetime | None = None
    revocation_checked: bool
    expired_at_signing: bool | None = None
    key_usage_ok: bool | None = None
    qualified_claimed: bool = False
    digest_algorithm: str | None = None
    coverage: str | None = None
    signed_revision: int | None = None
    modification_level: str | None = None
    modifications_allowed: bool | None = None
    changed_pages: list[int] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    indication: Indication
    sub_indication: str | None = None
    explanation: str = ""


class TrustAnchorFacts(Frozen):
    subject: str
    sha256: str


class ValidationReport(Frozen):
    """The stored, versioned result of validating one original at one point in time."""

    schema_version: int = REPORT_SCHEMA_VERSION
    document_sha256: str
    original_filename: str
    validated_at: datetime
    mode: ValidationMode
    verdict: Verdict
    sub_indication: str | None = None
    signatures: list[SignatureFinding] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)  # what could not be checked, and why
    trust_anchors: list[TrustAnchorFacts] = Field(default_factory=list)
    tool: str
    # a scan's Transfervermerk (BSI TR-03138), added from the manifest when the
    # Prüfprotokoll is handed out (`eakte report`, the API); not stored with the report
    transfer_note: TransferNote | None = None

    @classmethod
    def combine(
        cls,
        findings: list[SignatureFinding],
        *,
        document_sha256: str,
        original_filename: str,
        validated_at: datetime,
        mode: ValidationMode,
        trust_anchors: list[TrustAnchorFacts],
        tool: str,
        notes: list[str] | None = None,
    ) -> ValidationReport:
        """The document verdict is its worst signature's; no signature means UNSIGNED.
        As in EU DSS, document timestamps decide only when there is no signature: a
        broken or copied timestamp is no proof against a signature (its own finding
        says what is wrong with it)."""
        verdict: Verdict = "UNSIGNED"
        sub_indication = None
        deciding = [f for f in findings if f.kind != "document_timestamp"] or findings
        if deciding:
            worst = max(deciding, key=lambda f: _SEVERITY[f.indication])
            verdict, sub_indication = worst.indication, worst.sub_indication
        return cls(
            document_sha256=document_sha256,
            original_filename=original_filename,
            validated_at=validated_at,
            mode=mode,
            verdict=verdict,
            sub_indication=sub_indication,
            signatures=findings,
            notes=notes or [],
            trust_anchors=trust_anchors,
            tool=tool,
        )
