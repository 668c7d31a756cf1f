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
from pyhanko.sign.timestamps.requests_client import HTTPTimeStamper
from pyhanko.sign.validation.dss import async_add_validation_info
from pyhanko.sign.validation.errors import SignatureValidationError, ValidationInfoReadingError

from eakte.errors import CorruptInput, Transient
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
            output = io.BytesIO()
            client = HTTPTimeStamper(tsa_url, timeout=10)  # type: ignore[no-untyped-call]
            stamper = signers.PdfTimeStamper(client)
            stamper.timestamp_pdf(
                IncrementalPdfFileWriter(buffer, strict=False),
                "sha256",
                validation_context=trust.validation_context(),
                output=output,
            )
            buffer = output
    except (SignatureValidationError, ValidationInfoReadingError, PdfError, ValueError) as exc:
        raise CorruptInput(f"Validierungsdaten nicht ergänzbar: {exc}"[:200]) from exc
    except OSError as exc:
        raise Transient(f"Zeitstempeldienst {tsa_url} nicht erreichbar: {exc}"[:200]) from exc
    return buffer.getvalue()


def _signature_count(buffer: io.BytesIO) -> int:
    try:
        return len(PdfFileReader(buffer, strict=False).embedded_regular_signatures)
    except (PdfError, ValueError) as exc:
        raise CorruptInput(f"PDF für die Ergänzung unlesbar: {exc}"[:200]) from exc
