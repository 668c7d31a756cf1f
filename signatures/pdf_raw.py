"""A PDF signature checked over the bytes its /ByteRange names, without pyHanko's view
of the document: for files pyHanko cannot parse, and for signatures it cannot evaluate.

Why: a damaged structure says nothing about the signature. EU DSS still verifies the
CMS over the signed bytes and finds a failed digest or signature value (TOTAL_FAILED);
stopping at "unreadable" would hide that. Only a cryptographic result is taken from
here: a /ByteRange that does not fit the file is not judged, because without a parsed
document we cannot tell whether that dictionary is a signature of the document at all.
And a signature that verifies vouches only for what it covers: if later bytes follow
that could not be compared, it is at most INDETERMINATE.
"""

from __future__ import annotations

import hashlib
import re

from asn1crypto import cms

from eakte.errors import CorruptInput
from signatures.cades import (
    as_detached,
    enveloped_content,
    parse_signed_data,
    validate_detached_bytes,
)
from signatures.findings import not_evaluable
from signatures.model import SignatureFinding
from signatures.trust import TrustConfig
from signatures.verdicts import LaterChanges, changed

BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")
TST_INFO = "tst_info"


def raw_signatures(data: bytes, trust: TrustConfig, reason: str) -> list[SignatureFinding]:
    """Every distinct /ByteRange in the file, each judged over its signed bytes."""
    ranges = dict.fromkeys(
        tuple(int(number) for number in match.groups()) for match in BYTE_RANGE.finditer(data)
    )
    return [
        finding
        for byte_range in ranges
        for finding in check_over_byte_range(data, byte_range, None, trust, reason)
    ]


def check_over_byte_range(
    data: bytes,
    byte_range: tuple[int, ...],
    contents: bytes | None,
    trust: TrustConfig,
    reason: str,
) -> list[SignatureFinding]:
    """The CMS in the gap of ``byte_range`` (or ``contents``, the dictionary's value)
    verified over the two signed parts of ``data``, one finding per signer."""
    start, first_length, second_start, second_length = byte_range
    fits = start == 0 and first_length < second_start and second_start + second_length <= len(data)
    if not fits:
        return [not_evaluable("pades", f"{reason}; /ByteRange {list(byte_range)} passt nicht")]
    if contents is None:
        try:
            contents = bytes.fromhex(data[first_length + 1 : second_start - 1].decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            return [not_evaluable("pades", f"{reason}; kein Signaturwert lesbar")]
    signed = data[:first_length] + data[second_start : second_start + second_length]
    try:
        signed_data = parse_signed_data(contents)
        content_type = signed_data["encap_content_info"]["content_type"].native
        encapsulated = enveloped_content(signed_data)
    except CorruptInput:  # unreadable CMS: validate_detached_bytes says why, INDETERMINATE
        content_type, encapsulated = None, None
    if content_type == TST_INFO:
        return [not_evaluable("document_timestamp", reason)]
    if encapsulated is not None:
        if encapsulated == hashlib.sha1(signed).digest():  # legacy adbe.pkcs7.sha1
            return [not_evaluable("pades", f"{reason}; adbe.pkcs7.sha1 nicht ausgewertet")]
        # content of its own: RFC 5652 verifies the digest over that content, so the
        # signature vouches for it, not for the document; only its failure is a verdict
        detached = cms.ContentInfo(
            {"content_type": "signed_data", "content": as_detached(signed_data)}
        ).dump()
        note = f"{reason}; die Signatur enthält eigenen Inhalt statt auf den /ByteRange zu zeigen"
        own = validate_detached_bytes(detached, encapsulated, trust, "pades")
        if all(finding.indication == "TOTAL_FAILED" for finding in own):
            return [_capped(finding, note, whole_file=False) for finding in own]
        return [not_evaluable("pades", note)]
    note = f"{reason}; Signatur über die Bytes ihres /ByteRange geprüft"
    whole_file = second_start + second_length == len(data)
    findings = validate_detached_bytes(contents, signed, trust, "pades")
    return [_capped(finding, note, whole_file) for finding in findings]


def _capped(finding: SignatureFinding, note: str, whole_file: bool) -> SignatureFinding:
    update: dict[str, object] = {"warnings": [*finding.warnings, note]}
    if finding.indication == "TOTAL_PASSED" and not whole_file:
        verdict = changed(LaterChanges(undecided=True))
        update |= {
            "indication": verdict.indication,
            "sub_indication": verdict.sub_indication,
            "explanation": verdict.explanation,
        }
    return finding.model_copy(update=update)
