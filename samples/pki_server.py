"""The network side of the test PKI: CRLs, an OCSP responder and a time-stamping authority.

A real validator fetches revocation data over HTTP from the URLs in the certificates, and
pyHanko fetches signature time-stamps from a TSA; serving all three from one loopback
thread lets tests exercise exactly those code paths without any outside network.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from samples.pki import _CRL_LAG, _FRESHNESS, INTERMEDIATE, OCSP, TSA, Entity, TestPki

OCSP_REQUEST = "application/ocsp-request"
OCSP_RESPONSE = "application/ocsp-response"
TSA_QUERY = "application/timestamp-query"
TSA_REPLY = "application/timestamp-reply"
CRL_TYPE = "application/pkix-crl"
CERT_TYPE = "application/pkix-cert"


def free_port() -> int:
    """A loopback port nobody listens on right now (the certificates need it up front)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def as_asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    """pyHanko speaks asn1crypto; convert once at the boundary."""
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def as_asn1_key(entity: Entity) -> asn1_keys.PrivateKeyInfo:
    der = entity.key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return asn1_keys.PrivateKeyInfo.load(der)


class _Authority:
    """Answers OCSP and time-stamp requests for one TestPki; safe to share across threads."""

    def __init__(self, pki: TestPki) -> None:
        self.pki = pki
        self.issued: dict[tuple[str, int], Entity] = {
            (entity.issuer, entity.cert.serial_number): entity
            for entity in pki.entities.values()
            if entity.issuer != entity.name
        }
        self.revoked: dict[tuple[str, int], datetime] = {
            (issuer, entry.serial_number): entry.revocation_date_utc
            for issuer, crl in pki.crls.items()
            for entry in crl
        }
        self.key_hashes: dict[bytes, Entity] = {}
        for entity in pki.entities.values():
            if entity.cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
                info = asn1_keys.PublicKeyInfo.load(
                    entity.cert.public_key().public_bytes(
                        serialization.Encoding.DER,
                        serialization.PublicFormat.SubjectPublicKeyInfo,
                    )
                )
                self.key_hashes[info.sha1] = entity
                self.key_hashes[info.sha256] = entity
        tsa = pki.tsa
        self.timestamper = DummyTimeStamper(
            tsa_cert=as_asn1_cert(tsa.cert),
            tsa_key=as_asn1_key(tsa),
            certs_to_embed=[as_asn1_cert(cert) for cert in pki.chain(TSA)],  # type: ignore[arg-type]
        )

    def answer_ocsp(self, body: bytes) -> bytes:
        try:
            request = ocsp.load_der_ocsp_request(body)
        except ValueError:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.MALFORMED_REQUEST
            ).public_bytes(serialization.Encoding.DER)
        issuer = self.key_hashes.get(request.issuer_key_hash)
        if issuer is None:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.UNAUTHORIZED
            ).public_bytes(serialization.Encoding.DER)
        key = (issuer.name, request.serial_number)
        revoked_at = self.revoked.get(key)
        if key not in self.issued:
            status = ocsp.OCSPCertStatus.UNKNOWN
        elif revoked_at is not None:
            status = ocsp.OCSPCertStatus.REVOKED
        else:
            status = ocsp.OCSPCertStatus.GOOD
        # The intermediate delegates to its OCSP responder; the roots answer themselves.
        responder = self.pki.entities[OCSP] if issuer.name == INTERMEDIATE else issuer
        builder = (
            ocsp.OCSPResponseBuilder()
            .add_response_by_hash(
                issuer_name_hash=request.issuer_name_hash,
                issuer_key_hash=request.issuer_key_hash,
                serial_number=request.serial_number,
                algorithm=request.hash_algorithm,
                cert_status=status,
                this_update=self.pki.now - _CRL_LAG,
                next_update=self.pki.now + _FRESHNESS,
                revocation_time=revoked_at,
                revocation_reason=x509.ReasonFlags.key_compromise if revoked_at else None,
            )
            .responder_id(ocsp.OCSPResponderEncoding.HASH, responder.cert)
        )
        if responder is not issuer:  # a delegated responder must show its certificate
            builder = builder.certificates([responder.cert])
        for extension in request.extensions:
            if isinstance(extension.value, x509.OCSPNonce):
                builder = builder.add_extension(extension.value, critical=False)
        response = builder.sign(responder.key, hashes.SHA256())
        return response.public_bytes(serialization.Encoding.DER)

    def answer_timestamp(self, body: bytes) -> bytes:
        request = tsp.TimeStampReq.load(body)
        response: tsp.TimeStampResp = self.timestamper.request_tsa_response(request)
        return bytes(response.dump())

    def static(self, path: str) -> tuple[bytes, str] | None:
        """CRLs under /crl/NAME.crl and CA certificates (AIA caIssuers) under /certs/NAME.cer."""
        folder, _, file = path.strip("/").partition("/")
        name, _, suffix = file.partition(".")
        if folder == "crl" and suffix == "crl" and name in self.pki.crls:
            return self.pki.crls[name].public_bytes(serialization.Encoding.DER), CRL_TYPE
        if folder == "certs" and suffix == "cer" and name in self.pki.entities:
            cert = self.pki.entities[name].cert
            return cert.public_bytes(serialization.Encoding.DER), CERT_TYPE
        return None


def _handler(authority: _Authority) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            found = authority.static(self.path.split("?")[0])
            if found is None:
                self._reply(404, b"not found", "text/plain")
            else:
                self._reply(200, *found)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            content_type = self.headers.get("Content-Type", "")
            path = self.path.rstrip("/")
            if path == "/ocsp" and content_type.startswith(OCSP_REQUEST):
                self._reply(200, authority.answer_ocsp(body), OCSP_RESPONSE)
            elif path == "/tsa" and content_type.startswith(TSA_QUERY):
                try:
                    answer = authority.answer_timestamp(body)
                except ValueError:
                    self._reply(400, b"bad time-stamp request", "text/plain")
                    return
                self._reply(200, answer, TSA_REPLY)
            else:
                self._reply(404, b"not found", "text/plain")

        def _reply(self, code: int, body: bytes, content_type: str) -> None:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: pytest output is for failures, not access logs."""

    return Handler


@contextmanager
def serve_pki(pki: TestPki) -> Iterator[str]:
    """Serve CRLs (GET /crl/NAME.crl), OCSP (POST /ocsp) and a TSA (POST /tsa).

    Yields the base URL; the server thread is stopped and the socket closed on exit.
    """
    server = ThreadingHTTPServer(("127.0.0.1", pki.port), _handler(_Authority(pki)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="eakte-test-pki", daemon=True)
    thread.start()
    try:
        yield pki.base_url
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
