"""Trust configuration: anchors and offline revocation data from directories.

Records offices often cannot reach the CRL addresses in certificates, so revocation
data can be dropped into ``EAKTE_CRL_DIR`` and validation runs offline by default.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import crl, pem, x509
from pyhanko.sign.validation.status import SignatureStatus
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

from eakte.errors import ConfigurationError
from signatures.model import TrustAnchorFacts, ValidationMode
from signatures.raw_signature import TolerantSignatureValidator

CERT_SUFFIXES = {".pem", ".crt", ".cer", ".der"}
CRL_SUFFIXES = {".crl", ".pem", ".der"}


@dataclass(frozen=True)
class TrustConfig:
    anchors: tuple[x509.Certificate, ...]
    crls: tuple[crl.CertificateList, ...]
    mode: ValidationMode = "offline"
    online_timeout_seconds: float = 10.0

    def anchor_facts(self) -> list[TrustAnchorFacts]:
        return [
            TrustAnchorFacts(
                subject=cert.subject.human_friendly, sha256=hashlib.sha256(cert.dump()).hexdigest()
            )
            for cert in self.anchors
        ]

    def context_kwargs(self) -> dict[str, Any]:
        """Arguments for a ``ValidationContext``; pyHanko's DSS reader takes them too.
        Signature values pyHanko cannot check go to ``TolerantSignatureValidator``.

        Online fetching uses the synchronous ``requests`` backend: the aiohttp one leaves
        a client session open per validation when driven through pyHanko's sync API."""
        online = self.mode == "online"
        return {
            "trust_roots": list(self.anchors),
            "crls": list(self.crls),
            "allow_fetching": online,
            "revocation_mode": "hard-fail" if online else "soft-fail",
            "signature_validator": TolerantSignatureValidator(),
            "fetcher_backend": (
                RequestsFetcherBackend(per_request_timeout=self.online_timeout_seconds)
                if online
                else None
            ),
        }

    def validation_context(self) -> ValidationContext:
        """A fresh context per validation: pyhanko-certvalidator caches per context."""
        return ValidationContext(**self.context_kwargs())


def load_trust_config(
    trust_dir: Path | None,
    crl_dir: Path | None,
    mode: ValidationMode = "offline",
    online_timeout_seconds: float = 10.0,
) -> TrustConfig:
    anchors = [cert for path in _files(trust_dir, CERT_SUFFIXES) for cert in _read_certs(path)]
    crls = [item for path in _files(crl_dir, CRL_SUFFIXES) for item in _read_crls(path)]
    return TrustConfig(tuple(anchors), tuple(crls), mode, online_timeout_seconds)


def _files(folder: Path | None, suffixes: set[str]) -> list[Path]:
    if folder is None:
        return []
    if not folder.is_dir():
        raise ConfigurationError(f"Verzeichnis {folder} für Vertrauensanker/Sperrlisten fehlt")
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in suffixes)


def _der_blocks(path: Path, expected: str) -> list[bytes]:
    data = path.read_bytes()
    if pem.detect(data):
        return [der for kind, _, der in pem.unarmor(data, multiple=True) if expected in kind]
    return [data]


def _read_certs(path: Path) -> list[x509.Certificate]:
    try:
        certs = [x509.Certificate.load(der) for der in _der_blocks(path, "CERTIFICATE")]
        for cert in certs:
            _ = cert.subject.human_friendly  # parse now, not during a validation
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(f"Vertrauensanker {path.name} ist kein Zertifikat") from exc
    return certs


def _read_crls(path: Path) -> list[crl.CertificateList]:
    try:
        lists = [crl.CertificateList.load(der) for der in _der_blocks(path, "CRL")]
        for item in lists:
            _ = item.issuer.human_friendly
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(f"Sperrliste {path.name} ist keine gültige CRL") from exc
    return lists


def revocation_was_checked(status: SignatureStatus, trust: TrustConfig) -> bool:
    """Revocation is only established along a chain to an anchor, with revocation data
    at hand (CRL files, embedded data, or fetching); otherwise the report must not
    claim "nicht gesperrt"."""
    if status.revoked:
        return True
    return status.validation_path is not None and (bool(trust.crls) or trust.mode == "online")
