"""Does a PDF signature's /ByteRange describe the file it is in?

Why: the digest only proves that the bytes the /ByteRange names are unchanged. If the
ranges reach past the end of the file, or the gap between them is not the signature
value of the dictionary (signature wrapping: the signed bytes are moved and other
content is shown), what was signed is not this file. EU DSS 6.4 checks exactly this
before anything else (format checking, "Is the /ByteRange dictionary consistent?")
and answers TOTAL_FAILED / FORMAT_FAILURE, whatever the certificate; so do we.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def byte_range_problem(data: bytes, byte_range: Any, contents: Any) -> str | None:
    """None when the /ByteRange is consistent with ``data`` (the whole file) and with
    the dictionary's /Contents; else the explanation, in German, for the report."""
    reason = _inconsistency(data, byte_range, contents)
    if reason is None:
        return None
    return (
        f"Der signierte Bereich passt nicht zur Datei: {reason}. Was signiert wurde, "
        "ist nicht dieses Dokument."
    )


def _inconsistency(data: bytes, byte_range: Any, contents: Any) -> str | None:
    ranges = _integers(byte_range)
    if ranges is None:
        return "/ByteRange ist keine Liste aus vier ganzen Zahlen"
    start, first_length, second_start, second_length = ranges
    if start != 0:
        return "/ByteRange beginnt nicht am Dateianfang"
    if first_length < 0 or second_start < first_length or second_length < 0:
        return f"/ByteRange {list(ranges)} beschreibt keine zwei aufeinanderfolgenden Bereiche"
    if second_start + second_length > len(data):
        return f"/ByteRange {list(ranges)} reicht über das Dateiende ({len(data)} Bytes) hinaus"
    gap = data[first_length + 1 : second_start - 1]  # between "<" and ">"
    try:
        value = bytes.fromhex(gap.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return "zwischen den signierten Bereichen steht kein Signaturwert"
    if not isinstance(contents, bytes) or value != contents:
        return (
            "zwischen den signierten Bereichen steht ein anderer Wert als der Signaturwert "
            "des Signaturfelds (verschobene Signatur, „Signature Wrapping“)"
        )
    return None


def _integers(byte_range: Any) -> tuple[int, int, int, int] | None:
    if not isinstance(byte_range, Sequence) or len(byte_range) != 4:
        return None
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in byte_range):
        return None
    return (byte_range[0], byte_range[1], byte_range[2], byte_range[3])
