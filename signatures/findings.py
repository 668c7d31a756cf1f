"""One ``SignatureFinding`` from a pyHanko status, shared by the PDF and CMS adapters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pyhanko.sign.validation.status import SignatureStatus

from signatures.certificates import (
    certificate_facts,
    claims_qualified,
    expired_at,
    key_usage_allows_signing,
)
from signatures.model import SignatureFinding, SignatureKind
from signatures.trust import TrustConfig, revocation_was_checked
from signatures.verdicts import verdict_of


@dataclass(frozen=True)
class Timing:
    """When the signer says it signed, and what a timestamp proves (if any)."""

    claimed: datetime | None = None
    timestamp: datetime | None = None
    timestamp_valid: bool | None = None


@dataclass(frozen=True)
class PdfFacts:
    """What only a signature inside a PDF has: its field, revision and later changes."""

    field_name: str | None
    signed_revision: int | None
    coverage: str | None
    modification_level: str | None
    modifications_allowed: bool | None


def finding_from_status(
    kind: SignatureKind,
    status: SignatureStatus,
    trust: TrustConfig,
    timing: Timing,
    pdf: PdfFacts | None = None,
) -> SignatureFinding:
    verdict = verdict_of(
        intact=status.intact,
        valid=status.valid,
        trust_problem=status.trust_problem_indic,
        has_chain=status.validation_path is not None,
        revoked=status.revoked,
        modifications_allowed=pdf.modifications_allowed if pdf else None,
        timestamp_ok=timing.timestamp_valid,
    )
    cert = status.signing_cert
    revocation = status.revocation_details
    path = status.validation_path
    return SignatureFinding(
        kind=kind,
        field_name=pdf.field_name if pdf else None,
        signer=certificate_facts(cert),
        signing_time_claimed=timing.claimed,
        timestamp_time=timing.timestamp,
        timestamp_valid=timing.timestamp_valid,
        intact=status.intact,
        cryptographically_valid=status.valid,
        trusted=status.trusted,
        trust_anchor=path[0].subject.human_friendly if path is not None else None,
        revoked=status.revoked,
        revocation_date=revocation.revocation_date if revocation else None,
        revocation_checked=revocation_was_checked(status, trust),
        expired_at_signing=expired_at(cert, timing.timestamp or timing.claimed),
        key_usage_ok=key_usage_allows_signing(cert),
        qualified_claimed=claims_qualified(cert),
        digest_algorithm=status.md_algorithm,
        coverage=pdf.coverage if pdf else None,
        signed_revision=pdf.signed_revision if pdf else None,
        modification_level=pdf.modification_level if pdf else None,
        modifications_allowed=pdf.modifications_allowed if pdf else None,
        indication=verdict.indication,
        sub_indication=verdict.sub_indication,
        explanation=verdict.explanation,
    )
