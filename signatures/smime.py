"""S/MIME-signed e-mail (RFC 8551 ``multipart/signed``): the signature in the mail's
``application/pkcs7-signature`` part is checked over the signed MIME part exactly as
received, so the verdict belongs to the mail's own record.

The signed bytes are cut from the stored original, not re-serialised from a parsed
message (Python's ``email`` does not give back what was signed); only line ends are
brought to the canonical CRLF the signer hashed, as RFC 8551 3.1.1 prescribes, because
mail stores and ``.eml`` exports often keep bare LF.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from email.message import Message

from eakte.errors import CorruptInput

SIGNATURE_TYPES = frozenset({"application/pkcs7-signature", "application/x-pkcs7-signature"})


@dataclass(frozen=True)
class SignedMail:
    """The bytes the signer hashed and the DER of its signature (CMS SignedData)."""

    content: bytes
    signature: bytes


def signed_mail(raw: bytes) -> SignedMail | None:
    """The first S/MIME signature in the mail, or None for a mail without one.

    Raises ``CorruptInput`` when a ``multipart/signed`` is there but its parts cannot be
    told apart (the caller records that as a signature it could not check)."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() != "multipart/signed" or not part.is_multipart():
            continue
        children = part.get_payload()
        signature = _signature_part(children)
        if signature is None:
            continue
        boundary = part.get_boundary()
        if not boundary:
            raise CorruptInput("S/MIME-Signatur ohne MIME-Grenze (boundary)")
        der = signature.get_payload(decode=True)
        if not isinstance(der, bytes) or not der:
            raise CorruptInput("S/MIME-Signaturteil ist leer oder nicht lesbar")
        return SignedMail(canonical(first_body_part(raw, boundary)), der)
    return None


def first_body_part(raw: bytes, boundary: str) -> bytes:
    """The bytes of the first body part under ``boundary``, as received: from the line
    after the first delimiter to the line end before the next (RFC 2046 5.1.1: the CRLF
    before a delimiter belongs to the delimiter)."""
    delimiter = re.escape(b"--" + boundary.encode("ascii", "replace"))
    opening = re.search(rb"(?:\A|\n)" + delimiter + rb"[ \t]*\r?\n", raw)
    if opening is None:
        raise CorruptInput("S/MIME-Signatur: erste MIME-Grenze nicht gefunden")
    closing = re.compile(rb"\r?\n" + delimiter).search(raw, opening.end())
    if closing is None:
        raise CorruptInput("S/MIME-Signatur: Ende des signierten Teils nicht gefunden")
    return raw[opening.end() : closing.start()]


def canonical(content: bytes) -> bytes:
    """Line ends as CRLF, the canonical form S/MIME signs."""
    return re.sub(rb"\r?\n", b"\r\n", content)


def _signature_part(children: object) -> Message | None:
    if not isinstance(children, list) or len(children) != 2:
        return None
    second = children[1]
    if isinstance(second, Message) and second.get_content_type() in SIGNATURE_TYPES:
        return second
    return None
