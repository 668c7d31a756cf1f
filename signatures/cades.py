"""pyHanko adapter for CMS signatures outside PDFs: detached ``.p7s`` and enveloping
``.p7m`` (CAdES). The signed bytes of a ``.p7m`` are extracted, never changed."""

from __future__ import annotations

import asyncio
from pathlib import Path

from asn1crypto import cms
from pyhanko.sign.validation import StandardCMSSignatureStatus, async_validate_detached_cms
from pyhanko.sign.validation.errors import SignatureValidationError

from eakte.errors import CorruptInput
from signatures.certificates import (
    certificate_facts,
    claims_qualified,
    expired_at,
    key_usage_allows_signing,
)
from signatures.model import SignatureFinding
from signatures.trust import TrustConfig, revocation_was_checked
from signatures.verdicts import explain, verdict_of

SIGNED_DATA_OID = "1.2.840.113549.1.7.2"


def read_signed_data(path: Path) -> cms.SignedData:
    try:
        info = cms.ContentInfo.load(path.read_bytes())
        if info["content_type"].dotted != SIGNED_DATA_OID:
            raise CorruptInput("CMS-Datei enthält keine Signatur (kein SignedData)")
        signed_data: cms.SignedData = info["content"]
        _ = signed_data["signer_infos"][0]["sid"].native  # parse now, fail here
    except CorruptInput:
        raise
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise CorruptInput(f"CMS-Signaturdatei ist beschädigt: {exc}"[:200]) from exc
    return signed_data


def enveloped_content(signed_data: cms.SignedData) -> bytes | None:
    """The signed document inside an enveloping signature, or None for a detached one."""
    content = signed_data["encap_content_info"]["content"]
    if content.native is None:
        return None
    data: bytes = content.native if isinstance(content.native, bytes) else content.contents
    return data


def validate_cms(
    path: Path, trust: TrustConfig, detached_content: Path | None
) -> list[SignatureFinding]:
    signed_data = read_signed_data(path)
    enveloped = enveloped_content(signed_data) is not None
    kind = "cades_enveloping" if enveloped else "cades_detached"
    if not enveloped and detached_content is None:
        return [_content_missing(signed_data)]
    if enveloped:
        data = enveloped_content(signed_data) or b""
        signed_data = _as_detached(signed_data)
    else:
        assert detached_content is not None
        data = detached_content.read_bytes()
    try:
        status = asyncio.run(
            async_validate_detached_cms(
                data, signed_data, signer_validation_context=trust.validation_context()
            )
        )
    except (SignatureValidationError, ValueError, TypeError, KeyError) as exc:
        raise CorruptInput(f"CMS-Signatur ist fehlerhaft: {exc}"[:200]) from exc
    return [_finding(kind, status, trust)]


def _as_detached(signed_data: cms.SignedData) -> cms.SignedData:
    """pyHanko validates CMS with detached content only. The signature covers the
    content's digest (a signed attribute), not its encapsulation, so moving the content
    out of the structure validates exactly what was signed."""
    detached = cms.SignedData.load(signed_data.untag().dump())
    content_type = detached["encap_content_info"]["content_type"]
    detached["encap_content_info"] = type(detached["encap_content_info"])(
        {"content_type": content_type.native}
    )
    return detached


def _finding(kind: str, status: StandardCMSSignatureStatus, trust: TrustConfig) -> SignatureFinding:
    timestamp = status.timestamp_validity.timestamp if status.timestamp_validity else None
    timestamp_valid = (
        status.timestamp_validity.valid and status.timestamp_validity.trusted
        if status.timestamp_validity
        else None
    )
    verdict = verdict_of(
        intact=status.intact,
        valid=status.valid,
        trust_problem=status.trust_problem_indic,
        has_chain=status.validation_path is not None,
        revoked=status.revoked,
        modifications_allowed=None,
        timestamp_ok=timestamp_valid,
    )
    cert = status.signing_cert
    revocation = status.revocation_details
    return SignatureFinding(
        kind=kind,  # type: ignore[arg-type]
        signer=certificate_facts(cert),
        signing_time_claimed=status.signer_reported_dt,
        timestamp_time=timestamp,
        timestamp_valid=timestamp_valid,
        intact=status.intact,
        cryptographically_valid=status.valid,
        trusted=status.trusted,
        trust_anchor=status.validation_path[0].subject.human_friendly
        if status.validation_path is not None
        else None,
        revoked=status.revoked,
        revocation_date=revocation.revocation_date if revocation else None,
        revocation_checked=revocation_was_checked(status, trust),
        expired_at_signing=expired_at(cert, timestamp or status.signer_reported_dt),
        key_usage_ok=key_usage_allows_signing(cert),
        qualified_claimed=claims_qualified(cert),
        digest_algorithm=status.md_algorithm,
        indication=verdict.indication,
        sub_indication=verdict.sub_indication,
        explanation=verdict.explanation,
    )


def _content_missing(signed_data: cms.SignedData) -> SignatureFinding:
    """A detached signature whose document did not arrive with it cannot be checked."""
    return SignatureFinding(
        kind="cades_detached",
        intact=False,
        cryptographically_valid=False,
        trusted=False,
        revoked=False,
        revocation_checked=False,
        indication="INDETERMINATE",
        sub_indication="SIGNED_DATA_NOT_FOUND",
        explanation=explain("SIGNED_DATA_NOT_FOUND"),
    )
