"""Long-term validation copies: the signed PDF plus the validation data a verifier in
twenty years will need (certificates, CRLs/OCSP in the DSS) and, if a time-stamping
authority is configured, a document timestamp over all of it.

The result is a *derived* object: pyHanko writes incremental updates to a copy in
memory; the original's bytes are only read.
"""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.timestamps.requests_client import HTTPTimeStamper
from pyhanko.sign.validation.dss import async_add_validation_info
from pyhanko.sign.validation.errors import SignatureValidationError, ValidationInfoReadingError
from pyhanko_certvalidator import ValidationContext

from eakte.errors import CorruptInput, Transient
from eakte.ports import SealedPdf
from signatures.trust import TrustConfig


def augment_pdf(path: Path, trust: TrustConfig, tsa_url: str | None) -> bytes:
    """Add validation data for every signature (one revision each), then a document
    timestamp when ``tsa_url`` is given. Raises ``CorruptInput`` for unsigned input."""
    buffer = io.BytesIO(path.read_bytes())
    count = _signature_count(buffer)
    if count == 0:
        raise CorruptInput("PDF enthält keine Signatur, die ergänzt werden könnte")
    try:
        for index in range(count):
            reader = PdfFileReader(buffer, strict=False)
            signature = reader.embedded_regular_signatures[index]
            output = io.BytesIO()
            asyncio.run(
                async_add_validation_info(
                    signature, trust.validation_context(), output=output, force_write=True
                )
            )
            buffer = output
        if tsa_url:
            buffer = _document_timestamp(buffer, tsa_url, trust.validation_context())
    except (SignatureValidationError, ValidationInfoReadingError, PdfError, ValueError) as exc:
        raise CorruptInput(f"Validierungsdaten nicht ergänzbar: {exc}"[:200]) from exc
    except OSError as exc:
        raise Transient(f"Zeitstempeldienst {tsa_url} nicht erreichbar: {exc}"[:200]) from exc
    return buffer.getvalue()


def seal_pdf(pdf: bytes, *, tsa_url: str) -> SealedPdf:
    """A document timestamp over a PDF we made (the PDF/A rendition of a scan), as an
    incremental update: the rendition is derived, the original is never touched. PDF/A-2
    allows the timestamp's signature field; no validation data is embedded (the TSA's
    chain is in the token, its status is the verifier's to fetch)."""
    try:
        stamped = _document_timestamp(io.BytesIO(pdf), tsa_url, None)
        found = PdfFileReader(stamped, strict=False).embedded_timestamp_signatures[-1]
    except (PdfError, ValueError, IndexError) as exc:
        raise CorruptInput(f"Dokumentzeitstempel nicht anbringbar: {exc}"[:200]) from exc
    info = found.signed_data["encap_content_info"]["content"].parsed
    return SealedPdf(
        data=stamped.getvalue(),
        time=info["gen_time"].native,
        tsa=found.signer_cert.subject.human_friendly,
    )


def _document_timestamp(
    buffer: io.BytesIO, tsa_url: str, context: ValidationContext | None
) -> io.BytesIO:
    """Append a PAdES document timestamp from the TSA at ``tsa_url`` (pyHanko's client:
    the one `eakte augment` and the evidence records use)."""
    output = io.BytesIO()
    client = HTTPTimeStamper(tsa_url, timeout=10)  # type: ignore[no-untyped-call]
    try:
        signers.PdfTimeStamper(client).timestamp_pdf(
            IncrementalPdfFileWriter(buffer, strict=False),
            "sha256",
            validation_context=context,
            output=output,
        )
    except (OSError, TimestampRequestError) as exc:
        raise Transient(f"Zeitstempeldienst {tsa_url} nicht erreichbar: {exc}"[:200]) from exc
    return output


def _signature_count(buffer: io.BytesIO) -> int:
    try:
        return len(PdfFileReader(buffer, strict=False).embedded_regular_signatures)
    except (PdfError, ValueError) as exc:
        raise CorruptInput(f"PDF für die Ergänzung unlesbar: {exc}"[:200]) from exc
