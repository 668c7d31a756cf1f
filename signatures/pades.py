"""pyHanko adapter for signatures embedded in PDFs (PAdES and document timestamps).

Reads the untouched original; nothing here writes to it. pyHanko's exceptions for
unreadable signature dictionaries become ``CorruptInput`` (quarantine), an encrypted
file we cannot open becomes ``EncryptedInput``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import (
    DocumentTimestampStatus,
    EmbeddedPdfSignature,
    PdfSignatureStatus,
    validate_pdf_signature,
    validate_pdf_timestamp,
)
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError, SignatureValidationError
from pyhanko_certvalidator import ValidationContext

from eakte.errors import CorruptInput, EncryptedInput
from signatures.certificates import (
    certificate_facts,
    claims_qualified,
    expired_at,
    key_usage_allows_signing,
)
from signatures.model import SignatureFinding
from signatures.trust import TrustConfig, revocation_was_checked
from signatures.verdicts import verdict_of


def validate_pdf(path: Path, trust: TrustConfig) -> list[SignatureFinding]:
    """One finding per signature or document timestamp, in document order."""
    with open(path, "rb") as handle:
        reader = _open_reader(handle)
        try:
            embedded = list(reader.embedded_signatures)
        except (PdfError, ValueError, KeyError, TypeError) as exc:
            raise CorruptInput(f"Signaturfeld ist fehlerhaft: {_short(exc)}") from exc
        return [_validate_one(sig, reader, trust) for sig in embedded]


def _open_reader(handle: BinaryIO) -> PdfFileReader:
    try:
        reader = PdfFileReader(handle, strict=False)
        if reader.encrypted:
            result = reader.decrypt("")
            if not getattr(result, "status", None) or result.status.name == "FAILED":
                raise EncryptedInput("PDF ist passwortgeschützt; Signaturen nicht prüfbar")
    except EncryptedInput:
        raise
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        raise CorruptInput(f"PDF für die Signaturprüfung unlesbar: {_short(exc)}") from exc
    return reader


def _context_for(reader: PdfFileReader, trust: TrustConfig) -> ValidationContext:
    """Trust anchors and CRL files, plus what the signer embedded (the DSS); in offline
    mode nothing is fetched."""
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return trust.validation_context()
    return dss.as_validation_context(trust.context_kwargs())


def _validate_one(
    sig: EmbeddedPdfSignature, reader: PdfFileReader, trust: TrustConfig
) -> SignatureFinding:
    try:
        context = _context_for(reader, trust)
        if sig.sig_object_type == "/DocTimeStamp":
            status: PdfSignatureStatus | DocumentTimestampStatus = validate_pdf_timestamp(
                sig, validation_context=context
            )
        else:
            status = validate_pdf_signature(sig, signer_validation_context=context)
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as exc:
        name = sig.field_name if _has_name(sig) else "?"
        raise CorruptInput(f"Signatur {name} ist fehlerhaft: {_short(exc)}") from exc
    return _finding(sig, status, trust)


def _finding(
    sig: EmbeddedPdfSignature,
    status: PdfSignatureStatus | DocumentTimestampStatus,
    trust: TrustConfig,
) -> SignatureFinding:
    is_doc_ts = isinstance(status, DocumentTimestampStatus)
    timestamp: datetime | None = None
    timestamp_valid: bool | None = None
    claimed: datetime | None = None
    if isinstance(status, DocumentTimestampStatus):
        timestamp = status.timestamp
    else:
        claimed = status.signer_reported_dt
        if status.timestamp_validity is not None:
            timestamp = status.timestamp_validity.timestamp
            timestamp_valid = status.timestamp_validity.valid and status.timestamp_validity.trusted
    cert = status.signing_cert
    level = status.modification_level
    allowed = _modifications_allowed(status)
    verdict = verdict_of(
        intact=status.intact,
        valid=status.valid,
        trust_problem=status.trust_problem_indic,
        has_chain=status.validation_path is not None,
        revoked=status.revoked,
        modifications_allowed=allowed,
        timestamp_ok=timestamp_valid,
    )
    revocation = status.revocation_details
    return SignatureFinding(
        kind="document_timestamp" if is_doc_ts else "pades",
        field_name=sig.field_name,
        signer=certificate_facts(cert),
        signing_time_claimed=claimed,
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
        expired_at_signing=expired_at(cert, timestamp or claimed),
        key_usage_ok=key_usage_allows_signing(cert),
        qualified_claimed=claims_qualified(cert),
        digest_algorithm=status.md_algorithm,
        coverage=status.coverage.name if status.coverage is not None else None,
        signed_revision=sig.signed_revision,
        modification_level=level.name if level is not None else None,
        modifications_allowed=allowed,
        indication=verdict.indication,
        sub_indication=verdict.sub_indication,
        explanation=verdict.explanation,
    )


def _modifications_allowed(status: PdfSignatureStatus | DocumentTimestampStatus) -> bool | None:
    level = status.modification_level
    if level is None:
        return None if status.coverage is None else True
    if status.docmdp_ok is False:
        return False
    return bool(level <= ModificationLevel.FORM_FILLING)


def _has_name(sig: EmbeddedPdfSignature) -> bool:
    try:
        return bool(sig.field_name)
    except (KeyError, ValueError, TypeError):
        return False


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]
