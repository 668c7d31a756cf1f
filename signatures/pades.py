"""pyHanko adapter for signatures embedded in PDFs (PAdES and document timestamps).

Reads the untouched original; nothing here writes to it. A PDF pyHanko cannot parse
or decrypt (owner password only, or a scheme it lacks) is not refused:
without a signature in it, it is UNSIGNED and the reason is noted (``NotCheckable``);
with one, each signature is verified over its /ByteRange (``signatures.pdf_raw``) and
is otherwise INDETERMINATE with the reason. A signature pyHanko cannot evaluate (odd
ASN.1, unsupported algorithm, adbe.x509.rsa_sha1) is INDETERMINATE too, unless its
digest or value fails over its bytes. What fails a signature: a failed digest or value,
or a format check (/ByteRange not describing the file, signature dictionary rewritten
after signing). Legacy adbe.pkcs7.sha1 signatures, which pyHanko skips, are judged in
``signatures.legacy``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, BinaryIO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import (
    DocumentTimestampStatus,
    EmbeddedPdfSignature,
    PdfSignatureStatus,
    validate_pdf_signature,
    validate_pdf_timestamp,
)
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko_certvalidator import ValidationContext

from signatures.byterange import byte_range_problem
from signatures.changes import page_changes, signature_dictionary_changed
from signatures.findings import (
    NotCheckable,
    PdfFacts,
    Timing,
    finding_from_status,
    format_failure,
    not_evaluable,
    short_reason,
    sub_indication_of,
    unknown_digest_reason,
)
from signatures.legacy import PKCS7_SHA1, validate_pkcs7_sha1
from signatures.model import SignatureFinding, SignatureKind
from signatures.pdf_raw import check_over_byte_range, raw_signatures
from signatures.sharing import SharedDiffPolicy
from signatures.trust import TrustConfig

# A signature value sits at byte offsets, so its dictionary is never in a compressed
# object stream: a file without this marker carries no signature.
SIGNATURE_MARKER = re.compile(rb"/ByteRange\s*\[")
PDF_HEADER = b"%PDF-"  # ISO 32000 7.5.2; readers accept it within the first 1024 bytes
TIMESTAMP_SUBFILTER = "/ETSI.RFC3161"
LEGACY_SUBFILTERS = {"/adbe.x509.rsa_sha1"}  # not evaluated (PKCS#1 value, no CMS)
CRYPTO_CONSTRAINTS = "CRYPTO_CONSTRAINTS_FAILURE"
_LAST = 1 << 30  # sort key for a signature whose revision cannot be read
# pyHanko's default difference analysis; what it looks up is kept on each document's
# reader, so the signatures of one file share it (``signatures.sharing``)
SHARED_DIFF_POLICY = SharedDiffPolicy()


def validate_pdf(path: Path, trust: TrustConfig) -> list[SignatureFinding]:
    """One finding per signature or document timestamp, in document order."""
    with open(path, "rb") as handle:
        try:
            reader = _open_reader(handle)
            fields = list(enumerate_sig_fields(reader, filled_status=True))
        except Exception as exc:  # pyHanko on a damaged file raises all kinds of errors
            return _unreadable(path, exc, trust)
        if not fields:
            return []
        signed = [(name, value, field) for name, value, field in fields if not _placeholder(value)]
        if not signed:
            raise NotCheckable(
                "Signaturfeld mit reserviertem, nie geschriebenem Signaturwert (nur Nullen): "
                "das Dokument ist nicht signiert"
            )
        fields = signed
        context, context_note = _context_for(reader, trust)
        slots = sorted(
            (_embed(reader, name, value, field, context, trust) for name, value, field in fields),
            key=lambda slot: slot[0],
        )
        findings = []
        data = path.read_bytes()
        for _, item in slots:
            if isinstance(item, EmbeddedPdfSignature):
                item = _validate_one(item, reader, context, trust, data)
            if context_note:
                item = item.model_copy(update={"warnings": [*item.warnings, context_note]})
            findings.append(item)
        return findings


def _placeholder(value: Any) -> bool:
    """A signature dictionary whose /Contents is still the zeros reserved for a value
    that was never written (signing abandoned): no signature, as EU DSS counts it."""
    try:
        contents = value.get_object().get("/Contents")
        return isinstance(contents, bytes) and not contents.strip(b"\x00")
    except Exception:  # unreadable: not known to be empty, so judged as a signature
        return False


class NotDecryptable(Exception):
    """pyHanko cannot open an encrypted PDF without a password. The pipeline has read it
    by then (pdfium refuses a user password first), so only the owner password is set,
    or the scheme is one pyHanko lacks (revision 5, AESV2 without key length): the file
    is unreadable for the signature check, like a damaged one, and not refused."""


def _open_reader(handle: BinaryIO) -> PdfFileReader:
    reader = PdfFileReader(handle, strict=False)
    if reader.encrypted:
        result = reader.decrypt("")
        if not getattr(result, "status", None) or result.status.name == "FAILED":
            raise NotDecryptable("verschlüsselt, ohne Passwort nicht zu entschlüsseln")
    return reader


def _unreadable(path: Path, exc: BaseException, trust: TrustConfig) -> list[SignatureFinding]:
    """Without a signature: UNSIGNED with the reason. With one: each /ByteRange's
    signature checked over its bytes, so a failed digest or value is still found."""
    reason = f"PDF-Struktur für die Signaturprüfung unlesbar ({short_reason(exc)})"
    data = path.read_bytes()
    if SIGNATURE_MARKER.search(data) is None:
        raise NotCheckable(f"{reason}; das Dokument enthält keine Signatur")
    if PDF_HEADER not in data[:1024]:  # not a PDF: what its offsets name is unknown
        return [not_evaluable("pades", reason)]
    findings = raw_signatures(data, trust, reason) or [not_evaluable("pades", reason)]
    if isinstance(exc, NotDecryptable):
        # what was signed cannot be read without the password, so an intact value
        # vouches for bytes nobody here can show: at most INDETERMINATE, as DSS (which
        # does not evaluate such a file) would not pass it either; a failure still counts
        unread = f"{reason}; der signierte Inhalt ist ohne Passwort nicht lesbar"
        return [
            f if f.indication == "TOTAL_FAILED" else not_evaluable("pades", unread)
            for f in findings
        ]
    return findings


def _context_for(reader: PdfFileReader, trust: TrustConfig) -> tuple[ValidationContext, str]:
    """Trust anchors and CRL files, plus what the signer embedded (the DSS); in offline
    mode nothing is fetched. An unreadable DSS is noted and left out."""
    try:
        dss = DocumentSecurityStore.read_dss(reader)
        return dss.as_validation_context(trust.context_kwargs()), ""
    except NoDSSFoundError:
        return trust.validation_context(), ""
    except Exception as exc:  # a damaged DSS must not cost the signatures their check
        note = f"Eingebettete Validierungsdaten (DSS) unlesbar, nicht genutzt: {short_reason(exc)}"
        return trust.validation_context(), note


def _embed(
    reader: PdfFileReader,
    name: str,
    value: Any,
    field: Any,
    context: ValidationContext,
    trust: TrustConfig,
) -> tuple[int, EmbeddedPdfSignature | SignatureFinding]:
    """pyHanko's view of one filled signature field, or what we found instead (a legacy
    signature pyHanko skips, or the reason the field cannot be read)."""
    revision = _LAST
    try:
        revision = reader.xrefs.get_last_change(value.reference)
        subfilter = str(value.get_object().get("/SubFilter", ""))
        if subfilter == PKCS7_SHA1:
            return revision, validate_pkcs7_sha1(reader, name, value, context, trust)
        if subfilter in LEGACY_SUBFILTERS:
            reason = f"veraltetes Signaturformat {subfilter[1:]} (SHA-1) wird nicht ausgewertet"
            return revision, not_evaluable("pades", reason, field_name=name)
        return revision, EmbeddedPdfSignature(reader, field, name)
    except Exception as exc:  # an odd signature dictionary or CMS blob: noted, not refused
        kind: SignatureKind = "pades"
        reason = f"Signaturfeld oder Signaturcontainer fehlerhaft ({short_reason(exc)})"
        return revision, not_evaluable(kind, reason, field_name=name)


def _validate_one(
    sig: EmbeddedPdfSignature,
    reader: PdfFileReader,
    context: ValidationContext,
    trust: TrustConfig,
    data: bytes,
) -> SignatureFinding:
    warnings: list[str] = []
    problem = byte_range_problem(data, sig.byte_range, sig.pkcs7_content)
    subfilter = str(sig.sig_object.get("/SubFilter", ""))
    is_timestamp = sig.sig_object_type == "/DocTimeStamp" or subfilter == TIMESTAMP_SUBFILTER
    if is_timestamp and sig.sig_object_type != "/DocTimeStamp":
        # pyHanko checks the dictionary's /Type; the /SubFilter says what it really is.
        # This changes pyHanko's view in memory only, never the original's bytes.
        view = generic.DictionaryObject(dict(sig.sig_object))  # type: ignore[no-untyped-call]
        view[generic.NameObject("/Type")] = generic.NameObject("/DocTimeStamp")
        sig.sig_object = view
        warnings.append("Dokumentzeitstempel ist als /Sig statt /DocTimeStamp eingetragen")
    kind: SignatureKind = "document_timestamp" if is_timestamp else "pades"
    try:
        if is_timestamp:
            status: PdfSignatureStatus | DocumentTimestampStatus = validate_pdf_timestamp(
                sig, validation_context=context, diff_policy=SHARED_DIFF_POLICY
            )
        else:
            status = validate_pdf_signature(
                sig, signer_validation_context=context, diff_policy=SHARED_DIFF_POLICY
            )
    except Exception as exc:  # pyHanko could not evaluate it: INDETERMINATE, not refused
        if problem is not None:  # ... unless what was signed is not this file
            return format_failure(kind, problem, field_name=_name(sig))
        unknown = unknown_digest_reason(sig.signer_info)
        if unknown is not None:
            return not_evaluable(
                kind, unknown, field_name=_name(sig), sub_indication=CRYPTO_CONSTRAINTS
            )
        if not is_timestamp:  # the CMS over its signed bytes, without pyHanko's view
            return _checked_over_bytes(sig, data, trust, short_reason(exc))
        return not_evaluable(
            kind, short_reason(exc), field_name=_name(sig), sub_indication=sub_indication_of(exc)
        )
    return _finding(sig, status, reader, trust, warnings, problem)


def _dictionary_problem(sig: EmbeddedPdfSignature) -> str | None:
    """The signature dictionary rewritten after signing (/Reason, /Name, /M replaced
    to show something else than was signed): EU DSS's FORMAT_FAILURE."""
    reference = sig.sig_field.raw_get("/V")
    if not isinstance(reference, generic.IndirectObject):
        return None
    _, _, start, length = (int(n) for n in sig.byte_range)
    if not signature_dictionary_changed(sig.reader, reference, start + length):
        return None
    return (
        "Das Signaturfeld (z. B. Grund, Name oder Zeit der Signatur) wurde nach dem "
        "Signieren in einer späteren Version der Datei überschrieben; angezeigt wird "
        "nicht, was signiert wurde."
    )


def _checked_over_bytes(
    sig: EmbeddedPdfSignature, data: bytes, trust: TrustConfig, reason: str
) -> SignatureFinding:
    """pyHanko could not evaluate the signature: a failed digest or signature value
    still fails it; otherwise it stays INDETERMINATE with pyHanko's reason."""
    byte_range = tuple(int(n) for n in sig.byte_range)
    checked = check_over_byte_range(data, byte_range, sig.pkcs7_content, trust, reason)
    failed = [f for f in checked if f.indication == "TOTAL_FAILED"]
    if len(checked) == 1 and failed:
        return failed[0].model_copy(update={"field_name": _name(sig)})
    return not_evaluable("pades", reason, field_name=_name(sig))


def _finding(
    sig: EmbeddedPdfSignature,
    status: PdfSignatureStatus | DocumentTimestampStatus,
    reader: PdfFileReader,
    trust: TrustConfig,
    warnings: list[str],
    byte_range: str | None,
) -> SignatureFinding:
    if isinstance(status, DocumentTimestampStatus):
        timing = Timing(timestamp=status.timestamp)
    elif status.timestamp_validity is not None:
        stamp = status.timestamp_validity
        timing = Timing(status.signer_reported_dt, stamp.timestamp, stamp.valid and stamp.trusted)
    else:
        timing = Timing(claimed=status.signer_reported_dt)
    level = status.modification_level
    allowed = _modifications_allowed(status)
    changes = page_changes(reader, sig.signed_revision) if allowed is False else None
    if allowed is False:
        warnings.append(_modification_warning(status, certified=sig.docmdp_level is not None))
    pdf = PdfFacts(
        field_name=sig.field_name,
        signed_revision=sig.signed_revision,
        coverage=status.coverage.name if status.coverage is not None else None,
        modification_level=level.name if level is not None else None,
        modifications_allowed=allowed,
        page_count=(changes.pages_signed, changes.pages_now) if changes else None,
        changed_pages=changes.changed if changes else (),
        changes_undecided=allowed is False and changes is None,
        warnings=tuple(warnings),
        format_problem=byte_range or _dictionary_problem(sig),
    )
    kind: SignatureKind = (
        "document_timestamp" if isinstance(status, DocumentTimestampStatus) else "pades"
    )
    signer = sig.signer_info if kind == "pades" else None
    return finding_from_status(kind, status, trust, timing, pdf, signer)


def _modifications_allowed(status: PdfSignatureStatus | DocumentTimestampStatus) -> bool | None:
    level = status.modification_level
    if level is None:
        return None if status.coverage is None else True
    if status.docmdp_ok is False:
        return False
    return bool(level <= ModificationLevel.FORM_FILLING)


def _modification_warning(
    status: PdfSignatureStatus | DocumentTimestampStatus, *, certified: bool
) -> str:
    level = status.modification_level
    text = (
        "Spätere Änderungen am Dokument sind nicht als zulässig eingeordnet "
        f"(Stufe {level.name if level is not None else '?'})"
    )
    if certified and status.docmdp_ok is False:
        text += "; die Zertifizierung (DocMDP) des Dokuments erlaubt sie nicht"
    return text


def _name(sig: EmbeddedPdfSignature) -> str | None:
    try:
        return str(sig.field_name) or None
    except Exception:  # the field name is decoration; a broken one is no reason to fail
        return None
