"""pyHanko adapter for signatures embedded in PDFs (PAdES and document timestamps).

Reads the untouched original; nothing here writes to it. pyHanko's exceptions for
unreadable signature dictionaries become ``CorruptInput`` (quarantine), an encrypted
file we cannot open becomes ``EncryptedInput``.
"""

from __future__ import annotations

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
from signatures.findings import PdfFacts, Timing, finding_from_status
from signatures.model import SignatureFinding, SignatureKind
from signatures.trust import TrustConfig


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
    if isinstance(status, DocumentTimestampStatus):
        timing = Timing(timestamp=status.timestamp)
    elif status.timestamp_validity is not None:
        stamp = status.timestamp_validity
        timing = Timing(status.signer_reported_dt, stamp.timestamp, stamp.valid and stamp.trusted)
    else:
        timing = Timing(claimed=status.signer_reported_dt)
    level = status.modification_level
    pdf = PdfFacts(
        field_name=sig.field_name,
        signed_revision=sig.signed_revision,
        coverage=status.coverage.name if status.coverage is not None else None,
        modification_level=level.name if level is not None else None,
        modifications_allowed=_modifications_allowed(status),
    )
    kind: SignatureKind = (
        "document_timestamp" if isinstance(status, DocumentTimestampStatus) else "pades"
    )
    return finding_from_status(kind, status, trust, timing, pdf)


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
