"""S/MIME-signed e-mail (RFC 8551 ``multipart/signed``): the signature in the mail's
``application/pkcs7-signature`` part is checked over the signed MIME part exactly as
received, so the verdict belongs to the mail's own record.

The signed bytes are cut from the stored original, not re-serialised from a parsed
message (Python's ``email`` does not give back what was signed); only line ends are
brought to the canonical CRLF the signer hashed, as RFC 8551 3.1.1 prescribes, because
mail stores and ``.eml`` exports often keep bare LF.

An opaque signature (RFC 8551 3.5.2, ``application/pkcs7-mime; smime-type=signed-data``,
as Outlook and NSS send it) carries the signed MIME entity inside the CMS SignedData; it
is checked over that encapsulated content. A ``pkcs7-mime`` part without ``smime-type``
(older clients) counts when it is named ``smime.p7m`` (or not named) and is SignedData;
a signed document sent as ``.p7m`` is not the mail's signature (see
``opaque_signature``). Enveloped (encrypted) data is not a signature we can check
without the recipient's key and is passed over.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message

from eakte.errors import CorruptInput

SIGNATURE_TYPES = frozenset({"application/pkcs7-signature", "application/x-pkcs7-signature"})
OPAQUE_TYPES = frozenset({"application/pkcs7-mime", "application/x-pkcs7-mime"})
SIGNED_DATA = "1.2.840.113549.1.7.2"  # id-signedData (RFC 5652 5.1)
# a MIME entity begins with a header field (name, colon) or an empty header block
_MIME_ENTITY = re.compile(rb"[!-9;-~]+[ \t]*:|\r?\n")


@dataclass(frozen=True)
class SignedMail:
    """The bytes the signer hashed and the DER of its signature (CMS SignedData)."""

    content: bytes
    signature: bytes


def signed_mail(raw: bytes) -> SignedMail | None:
    """The first S/MIME signature of the mail itself, or None for a mail without one. A
    forwarded message (``message/rfc822``) is not entered: its signature belongs to that
    message, which ingest stores as a record of its own.

    Raises ``CorruptInput`` when a ``multipart/signed`` is there but its parts cannot be
    told apart, or an opaque ``signed-data`` part cannot be read (the caller records that
    as a signature it could not check)."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    for part in _own_parts(message):
        if part.get_content_type() in OPAQUE_TYPES:
            opaque = opaque_signature(part)
            if opaque is not None:
                return opaque
            continue
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


def _own_parts(part: Message) -> Iterator[Message]:
    """The part and those under it, depth first, not entering a forwarded message."""
    yield part
    if part.get_content_type() == "message/rfc822" or not part.is_multipart():
        return
    children = part.get_payload()
    for child in children if isinstance(children, list) else []:
        if isinstance(child, Message):
            yield from _own_parts(child)


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


def opaque_signature(part: Message) -> SignedMail | None:
    """An opaque signature part: the encapsulated MIME entity and the SignedData without
    it (a detached signature over that entity).

    None for enveloped data or another ``smime-type``, and for a signed *document*: a
    CAdES ``Bescheid.pdf.p7m`` sent as ``application/pkcs7-mime`` is an attachment of
    its own, checked on its own record. What tells them apart: an opaque S/MIME
    signature encapsulates a MIME entity (header lines, or an empty header block), and
    without ``smime-type`` it is also named ``smime.p7m`` or not named at all.

    Raises ``CorruptInput`` for a part declared ``signed-data`` that cannot be read."""
    smime_type = str(part.get_param("smime-type", "", header="content-type") or "").lower()
    if smime_type not in ("", "signed-data"):
        return None
    name = part.get_filename() or part.get_param("name", "", header="content-type") or ""
    if not smime_type and str(name).lower() not in ("", "smime.p7m"):
        return None
    der = part.get_payload(decode=True)
    if not isinstance(der, bytes) or not der:
        if smime_type:
            raise CorruptInput("S/MIME-Signatur (signed-data) ist leer oder nicht lesbar")
        return None
    from asn1crypto import cms  # light (no pyHanko); only for mails with such a part

    try:
        info = cms.ContentInfo.load(der)
        if info["content_type"].dotted != SIGNED_DATA:
            return None
        signed = info["content"]
        content = signed["encap_content_info"]["content"].native
    except Exception as exc:  # ASN.1 that does not parse: a signature we cannot read
        if not smime_type:
            return None
        raise CorruptInput("S/MIME-Signatur (signed-data) ist nicht lesbar") from exc
    if not isinstance(content, bytes):
        if not smime_type:
            return None
        raise CorruptInput("S/MIME-Signatur (signed-data) ohne signierten Inhalt")
    if not _MIME_ENTITY.match(content):
        return None  # a signed document (PDF, XML, ...), not a signed message
    # the signature covers the content (or its digest), not its encapsulation: the same
    # SignedData without the content is a detached signature over it
    detached = cms.SignedData.load(signed.untag().dump())
    content_type = detached["encap_content_info"]["content_type"].native
    detached["encap_content_info"] = type(detached["encap_content_info"])(
        {"content_type": content_type}
    )
    wrapped = cms.ContentInfo({"content_type": "signed_data", "content": detached})
    return SignedMail(content, wrapped.dump())


def _signature_part(children: object) -> Message | None:
    if not isinstance(children, list) or len(children) != 2:
        return None
    second = children[1]
    if isinstance(second, Message) and second.get_content_type() in SIGNATURE_TYPES:
        return second
    return None
