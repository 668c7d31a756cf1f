"""One ``SignatureFinding`` from a pyHanko status, shared by the PDF and CMS adapters."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import algos, cms
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.validation.status import SignatureStatus

from signatures.certificates import (
    certificate_facts,
    claims_qualified,
    expired_at,
    key_usage_allows_signing,
)
from signatures.model import CertificateFacts, SignatureFinding, SignatureKind
from signatures.raw_signature import verifies_only_as_stored
from signatures.trust import TrustConfig, revocation_was_checked
from signatures.verdicts import LaterChanges, Verdict, explain, format_failed, verdict_of

# ETSI EN 319 102-1 has no sub-indication for "the signature container cannot be read";
# without a readable container no signing certificate can be identified, which is what
# NO_SIGNING_CERTIFICATE_FOUND (INDETERMINATE) says. The explanation names the cause.
NOT_EVALUABLE = "NO_SIGNING_CERTIFICATE_FOUND"


NOT_DER = (
    "Der Signaturwert passt nur zu den signierten Attributen in der gespeicherten, nicht "
    "DER-geordneten Reihenfolge. RFC 5652 definiert die Signatur über deren DER-Kodierung; "
    "darüber ist sie kryptografisch ungültig (so auch EU DSS). Programme, die die "
    "gespeicherte Reihenfolge prüfen (z. B. OpenSSL), erkennen sie an."
)


class NotCheckable(Exception):
    """The file could not be read for the signature check and shows no sign of carrying
    a signature: it is UNSIGNED, and the reason is recorded instead of refusing it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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
    page_count: tuple[int, int] | None = None  # signed revision, latest, if they differ
    changed_pages: tuple[int, ...] = ()  # 1-based, pages that look different now
    changes_undecided: bool = False  # later changes that could not be compared
    warnings: tuple[str, ...] = ()
    format_problem: str | None = None  # /ByteRange or signature dictionary inconsistent


def finding_from_status(
    kind: SignatureKind,
    status: SignatureStatus,
    trust: TrustConfig,
    timing: Timing,
    pdf: PdfFacts | None = None,
    signer_info: cms.SignerInfo | None = None,
) -> SignatureFinding:
    problem = pdf.format_problem if pdf else None
    verdict = verdict_of(
        format_problem=problem,
        intact=status.intact,
        valid=status.valid,
        trust_problem=status.trust_problem_indic,
        has_chain=status.validation_path is not None,
        revoked=status.revoked,
        changes=LaterChanges(
            page_count=pdf.page_count if pdf else None,
            changed_pages=pdf.changed_pages if pdf else (),
            undecided=pdf.changes_undecided if pdf else False,
        ),
        timestamp_ok=timing.timestamp_valid,
    )
    cert = status.signing_cert
    crypto_failed = verdict.sub_indication == "SIG_CRYPTO_FAILURE"
    if crypto_failed and signer_info and verifies_only_as_stored(signer_info, cert.public_key):
        verdict = Verdict(verdict.indication, verdict.sub_indication, NOT_DER)
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
        changed_pages=list(pdf.changed_pages) if pdf else [],
        warnings=list(pdf.warnings) if pdf else [],
        indication=verdict.indication,
        sub_indication=verdict.sub_indication,
        explanation=verdict.explanation,
    )


def not_evaluable(
    kind: SignatureKind,
    reason: str,
    *,
    field_name: str | None = None,
    sub_indication: str = NOT_EVALUABLE,
) -> SignatureFinding:
    """A signature that is there but cannot be evaluated: INDETERMINATE with the reason,
    never a refused document and never a failed signature."""
    explanation = f"Signatur nicht prüfbar: {reason}. {explain(sub_indication)}"
    verdict = Verdict("INDETERMINATE", sub_indication, explanation)
    return finding_without_chain(kind, verdict, field_name=field_name)


def finding_without_chain(
    kind: SignatureKind,
    verdict: Verdict,
    *,
    field_name: str | None = None,
    signer: CertificateFacts | None = None,
    intact: bool | None = None,
    valid: bool | None = None,
) -> SignatureFinding:
    """A finding made without pyHanko's status: no chain was built, nothing trusted."""
    return SignatureFinding(
        kind=kind,
        field_name=field_name,
        signer=signer,
        intact=intact,
        cryptographically_valid=valid,
        trusted=False,
        revoked=False,
        revocation_checked=False,
        indication=verdict.indication,
        sub_indication=verdict.sub_indication,
        explanation=verdict.explanation,
    )


def format_failure(
    kind: SignatureKind, problem: str, *, field_name: str | None = None
) -> SignatureFinding:
    """A signature whose /ByteRange does not describe the file, found where the
    signature itself could not be evaluated: TOTAL_FAILED / FORMAT_FAILURE all the same."""
    return finding_without_chain(kind, format_failed(problem), field_name=field_name, intact=False)


def unknown_digest_reason(signer_info: cms.SignerInfo) -> str | None:
    """The signer's digest algorithm when no hash function answers to it (e.g. a
    signature algorithm's OID written in its place): the digest cannot be computed,
    which proves nothing either way (CRYPTO_CONSTRAINTS_FAILURE, not HASH_FAILURE)."""
    try:
        algorithm = signer_info["digest_algorithm"]["algorithm"]
        if algorithm.native in hashlib.algorithms_available:
            return None
        named = algos.SignedDigestAlgorithmId(algorithm.dotted).native
    except (ValueError, TypeError, KeyError):
        return None
    if named == algorithm.dotted:
        return f"unbekanntes Hashverfahren {algorithm.dotted}"
    return (
        f"als Hashverfahren ist {algorithm.dotted} eingetragen, ein Signaturverfahren "
        f"({named}) und kein Hashverfahren"
    )


def sub_indication_of(exc: BaseException) -> str:
    """pyHanko's sub-indication when it is an INDETERMINATE one; a FAILED one from an
    exception is no verdict on the signature value, so it is not taken over."""
    sub = getattr(exc, "ades_subindication", None)
    return str(sub.standard_name) if isinstance(sub, AdESIndeterminate) else NOT_EVALUABLE


def short_reason(exc: BaseException) -> str:
    """The first line of an error, for a report line."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]
