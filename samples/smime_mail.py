"""S/MIME-signed e-mails (RFC 8551 ``multipart/signed``) signed by the test PKI, built
byte by byte so tests know exactly what was signed and what a store may have changed."""

from __future__ import annotations

import asyncio
import base64
import quopri

from samples.pki import TestPki
from samples.signed import make_signer

BOUNDARY = "----=_eAkte_smime_7f3a"


def signed_part(text: str) -> bytes:
    """The MIME part the signer hashes: headers and a quoted-printable body, CRLF."""
    body = quopri.encodestring(text.encode("utf-8")).replace(b"\r\n", b"\n")
    part = (
        b"Content-Type: text/plain; charset=utf-8\n"
        b"Content-Transfer-Encoding: quoted-printable\n\n" + body
    )
    return part.replace(b"\n", b"\r\n")


def smime_mail(pki: TestPki, text: str, *, subject: str, signer: str = "valid") -> bytes:
    """A complete mail with CRLF line ends whose signature covers ``text``."""
    content = signed_part(text)
    signature = asyncio.run(
        make_signer(pki, signer).async_sign_general_data(content, "sha256", detached=True)
    ).dump()
    encoded = base64.encodebytes(signature).replace(b"\n", b"\r\n")
    head = (
        "From: Anna Beispiel <anna.beispiel@example.org>\r\n"
        "To: poststelle@stadt.example\r\n"
        f"Subject: {subject}\r\n"
        "Date: Thu, 03 Dec 2026 09:15:00 +0100\r\n"
        "Message-ID: <smime-1@example.org>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; '
        f'micalg=sha-256; boundary="{BOUNDARY}"\r\n\r\n'
        "This is an S/MIME signed message\r\n\r\n"
    ).encode("ascii")
    delimiter = f"--{BOUNDARY}\r\n".encode("ascii")
    signature_head = (
        b'Content-Type: application/pkcs7-signature; name="smime.p7s"\r\n'
        b"Content-Transfer-Encoding: base64\r\n"
        b'Content-Disposition: attachment; filename="smime.p7s"\r\n\r\n'
    )
    return (
        head
        + delimiter
        + content
        + b"\r\n"
        + delimiter
        + signature_head
        + encoded
        + f"\r\n--{BOUNDARY}--\r\n".encode("ascii")
    )
