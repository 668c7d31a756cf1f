"""Legacy ``adbe.pkcs7.sha1`` PDF signatures, which pyHanko skips without a word.

The CMS container does not sign the PDF's bytes directly: it encapsulates their SHA-1
digest, and its signed attributes cover that digest. So the check is twofold: the
digest must match the signed byte range, and the CMS signature must verify over the
encapsulated digest. SHA-1 is no longer fit for signatures (collisions can be made), so
an intact legacy signature is at best INDETERMINATE / CRYPTO_CONSTRAINTS_FAILURE_NO_POE,
with the weak hash named; a wrong digest or value still fails it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
from typing import Any

from asn1crypto import cms
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_detached_cms
from pyhanko.sign.validation.pdf_embedded import extract_contents
from pyhanko_certvalidator import ValidationContext

from signatures.cades import as_detached, enveloped_content
from signatures.changes import page_changes
from signatures.findings import (
    PdfFacts,
    Timing,
    finding_from_status,
    not_evaluable,
    short_reason,
    sub_indication_of,
)
from signatures.model import SignatureFinding
from signatures.trust import TrustConfig

PKCS7_SHA1 = "/adbe.pkcs7.sha1"
WEAK = "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"
CRYPTO_CONSTRAINTS = {"CRYPTO_CONSTRAINTS_FAILURE", WEAK}


def validate_pkcs7_sha1(
    reader: PdfFileReader,
    name: str,
    value: Any,
    context: ValidationContext,
    trust: TrustConfig,
) -> SignatureFinding:
    try:
        sig_object = value.get_object()
        start, first, second, length = (int(x) for x in sig_object["/ByteRange"])
        stream = reader.stream
        stream.seek(start)
        signed = stream.read(first)
        stream.seek(second)
        signed += stream.read(length)
        stream.seek(0, 2)
        whole_file = start == 0 and second + length == stream.tell()
        signed_data = cms.ContentInfo.load(extract_contents(sig_object))["content"]
        digest = enveloped_content(signed_data) or b""
        status = asyncio.run(
            async_validate_detached_cms(
                digest, as_detached(signed_data), signer_validation_context=context
            )
        )
        revision = reader.xrefs.get_last_change(value.reference)
    except Exception as exc:  # a damaged legacy signature: not evaluable, not refused
        return not_evaluable(
            "pades", short_reason(exc), field_name=name, sub_indication=sub_indication_of(exc)
        )
    matches = hashlib.sha1(signed, usedforsecurity=False).digest() == digest
    status = dataclasses.replace(status, intact=status.intact and matches)
    changes = None if whole_file else page_changes(reader, revision)
    pdf = PdfFacts(
        field_name=name,
        signed_revision=revision,
        coverage="ENTIRE_FILE" if whole_file else "ENTIRE_REVISION",
        modification_level=None,
        modifications_allowed=None,
        page_count=(changes.pages_signed, changes.pages_now) if changes else None,
        changed_pages=changes.changed if changes else (),
        changes_undecided=not whole_file and changes is None,
        warnings=("Veraltetes Signaturformat adbe.pkcs7.sha1: der Inhalt ist mit SHA-1 erfasst",),
    )
    timing = Timing(claimed=status.signer_reported_dt)
    finding = finding_from_status("pades", status, trust, timing, pdf)
    weak = finding.sub_indication in CRYPTO_CONSTRAINTS
    if finding.indication != "TOTAL_PASSED" and not weak:
        return finding  # a failed digest or value, or a chain problem, says more
    return finding.model_copy(
        update={
            "indication": "INDETERMINATE",
            "sub_indication": WEAK,  # as DSS: the weak hash, and no proof it was signed in time
            "explanation": (
                "Signatur unversehrt und passend zum Zertifikat, aber im veralteten Format "
                "adbe.pkcs7.sha1: der Inhalt ist nur mit SHA-1 erfasst, das heute als "
                "unsicher gilt; ein Nachweis, dass vor dem Ende seiner Zulässigkeit "
                "signiert wurde, fehlt."
            ),
        }
    )
