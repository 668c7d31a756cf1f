"""pyHanko adapter for CMS signatures outside PDFs: detached ``.p7s`` and enveloping
``.p7m`` (CAdES). The signed bytes of a ``.p7m`` are extracted, never changed."""

from __future__ import annotations

import asyncio
from pathlib import Path

from asn1crypto import cms
from pyhanko.sign.validation import StandardCMSSignatureStatus, async_validate_detached_cms

from eakte.errors import CorruptInput
from signatures.countersignatures import failed_countersignatures
from signatures.findings import (
    Timing,
    finding_from_status,
    not_evaluable,
    short_reason,
    sub_indication_of,
    unknown_digest_reason,
)
from signatures.model import SignatureFinding, SignatureKind
from signatures.trust import TrustConfig
from signatures.verdicts import explain

SIGNED_DATA_OID = "1.2.840.113549.1.7.2"


def read_signed_data(path: Path) -> cms.SignedData:
    return parse_signed_data(path.read_bytes())


def parse_signed_data(data: bytes) -> cms.SignedData:
    try:
        info = cms.ContentInfo.load(data)
        if info["content_type"].dotted != SIGNED_DATA_OID:
            raise CorruptInput("CMS-Datei enthält keine Signatur (kein SignedData)")
        signed_data: cms.SignedData = info["content"]
        _ = signed_data["signer_infos"][0]["sid"].native  # parse now, fail here
    except CorruptInput:
        raise
    except Exception as exc:  # asn1crypto parses lazily and raises many kinds of errors
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CorruptInput(f"CMS-Signaturdatei ist beschädigt: {first}"[:200]) from exc
    return signed_data


def enveloped_content(signed_data: cms.SignedData) -> bytes | None:
    """The signed document inside an enveloping signature, or None for a detached one."""
    try:
        content = signed_data["encap_content_info"]["content"]
        if content.native is None:
            return None
        data: bytes = content.native if isinstance(content.native, bytes) else content.contents
    except Exception as exc:  # a damaged encapsulation: the content cannot be taken out
        raise CorruptInput(f"Signierter Inhalt der CMS-Datei unlesbar: {exc}"[:200]) from exc
    return data


def validate_cms(
    path: Path, trust: TrustConfig, detached_content: Path | None
) -> list[SignatureFinding]:
    """One finding per signer (SignerInfo); a container we cannot read is one
    INDETERMINATE finding with the reason, never a refused document."""
    try:
        signed_data = read_signed_data(path)
        enveloped = enveloped_content(signed_data)
    except CorruptInput as exc:
        kind: SignatureKind = "cades_detached" if detached_content else "cades_enveloping"
        return [not_evaluable(kind, exc.message)]
    kind = "cades_enveloping" if enveloped is not None else "cades_detached"
    if enveloped is None and detached_content is None:
        return [_content_missing(signed_data)]
    if enveloped is not None:
        data = enveloped
        signed_data = as_detached(signed_data)
    else:
        assert detached_content is not None
        data = detached_content.read_bytes()
    return _validate_signers(kind, data, signed_data, trust)


def validate_detached_bytes(
    signature: bytes, content: bytes, trust: TrustConfig, kind: SignatureKind
) -> list[SignatureFinding]:
    """One finding per signer of a detached signature over ``content`` (an S/MIME
    mail's signed part); an unreadable signature is one INDETERMINATE finding."""
    try:
        signed_data = parse_signed_data(signature)
    except CorruptInput as exc:
        return [not_evaluable(kind, exc.message)]
    return _validate_signers(kind, content, signed_data, trust)


def _validate_signers(
    kind: SignatureKind, data: bytes, signed_data: cms.SignedData, trust: TrustConfig
) -> list[SignatureFinding]:
    """Every signer, then every countersignature that fails (RFC 5652 §11.4)."""
    signers = signed_data["signer_infos"]
    findings = [
        _validate_signer(kind, data, _only_signer(signed_data, index), trust)
        for index in range(len(signers))
    ]
    for signer in signers:
        findings += failed_countersignatures(signed_data, signer, kind)
    return findings


def _validate_signer(
    kind: SignatureKind, data: bytes, signed_data: cms.SignedData, trust: TrustConfig
) -> SignatureFinding:
    try:
        status = asyncio.run(
            async_validate_detached_cms(
                data, signed_data, signer_validation_context=trust.validation_context()
            )
        )
    except Exception as exc:  # pyHanko could not evaluate it: INDETERMINATE, not refused
        unknown = unknown_digest_reason(signed_data["signer_infos"][0])
        if unknown is not None:
            return not_evaluable(kind, unknown, sub_indication="CRYPTO_CONSTRAINTS_FAILURE")
        return not_evaluable(kind, short_reason(exc), sub_indication=sub_indication_of(exc))
    return _finding(kind, status, trust, signed_data["signer_infos"][0])


def _only_signer(signed_data: cms.SignedData, index: int) -> cms.SignedData:
    """The container with just one of its signers: pyHanko validates exactly one, and
    each signer's signature covers only its own attributes and the content."""
    signers = signed_data["signer_infos"]
    if len(signers) == 1:
        return signed_data
    single = cms.SignedData.load(signed_data.dump())
    single["signer_infos"] = cms.SignerInfos([signers[index].copy()])
    return single


def as_detached(signed_data: cms.SignedData) -> cms.SignedData:
    """pyHanko validates CMS with detached content only. The signature covers the
    content's digest (a signed attribute), not its encapsulation, so moving the content
    out of the structure validates exactly what was signed."""
    detached = cms.SignedData.load(signed_data.untag().dump())
    content_type = detached["encap_content_info"]["content_type"]
    detached["encap_content_info"] = type(detached["encap_content_info"])(
        {"content_type": content_type.native}
    )
    return detached


def _finding(
    kind: SignatureKind,
    status: StandardCMSSignatureStatus,
    trust: TrustConfig,
    signer: cms.SignerInfo,
) -> SignatureFinding:
    stamp = status.timestamp_validity
    timing = Timing(
        claimed=status.signer_reported_dt,
        timestamp=stamp.timestamp if stamp else None,
        timestamp_valid=stamp.valid and stamp.trusted if stamp else None,
    )
    return finding_from_status(kind, status, trust, timing, signer_info=signer)


def _content_missing(signed_data: cms.SignedData) -> SignatureFinding:
    """A detached signature whose document did not arrive with it cannot be checked."""
    return SignatureFinding(
        kind="cades_detached",
        intact=None,
        cryptographically_valid=None,
        trusted=False,
        revoked=False,
        revocation_checked=False,
        indication="INDETERMINATE",
        sub_indication="SIGNED_DATA_NOT_FOUND",
        explanation=explain("SIGNED_DATA_NOT_FOUND"),
    )
