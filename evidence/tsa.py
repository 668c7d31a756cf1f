"""RFC 3161 timestamps for evidence records: requested from the TSA named by
``EAKTE_TSA_URL`` through pyHanko's HTTP client, and read back (time, imprint)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from asn1crypto import cms, tsp

from eakte.errors import ConfigurationError, Transient


class TimeStamper(Protocol):
    def stamp(self, digest: bytes, algorithm: str) -> cms.ContentInfo:
        """A timestamp token (CMS ContentInfo) over ``digest``."""
        ...


@dataclass(frozen=True)
class HttpTimeStamper:
    url: str
    timeout: float = 30.0

    def stamp(self, digest: bytes, algorithm: str) -> cms.ContentInfo:
        from pyhanko.sign.timestamps.common_utils import TimestampRequestError
        from pyhanko.sign.timestamps.requests_client import HTTPTimeStamper

        client = HTTPTimeStamper(self.url, timeout=self.timeout)  # type: ignore[no-untyped-call]
        try:
            token: cms.ContentInfo = asyncio.run(client.async_timestamp(digest, algorithm))
        except (OSError, TimestampRequestError) as exc:
            raise Transient(f"Zeitstempeldienst {self.url} nicht erreichbar: {exc}"[:200]) from exc
        return token


def optional_stamper(tsa_url: str | None) -> TimeStamper | None:
    """The TSA's client, or None when none is set (closing an Akte goes on without)."""
    return HttpTimeStamper(tsa_url) if tsa_url else None


def stamper_from(tsa_url: str | None) -> TimeStamper:
    if not tsa_url:
        raise ConfigurationError(
            "Kein Zeitstempeldienst eingestellt: EAKTE_TSA_URL (RFC 3161) setzen"
        )
    return HttpTimeStamper(tsa_url)


@dataclass(frozen=True)
class TokenFacts:
    """What a timestamp token says: when, over which hash, by whom."""

    time: datetime
    algorithm: str
    imprint: bytes
    tsa: str


def facts(token: cms.ContentInfo) -> TokenFacts:
    info: tsp.TSTInfo = token["content"]["encap_content_info"]["content"].parsed
    imprint = info["message_imprint"]
    signer = token["content"]["signer_infos"][0]["sid"]
    certs = token["content"]["certificates"]
    name = "unbekannt"
    for cert in certs if certs.native is not None else []:
        chosen = cert.chosen
        if signer.name == "issuer_and_serial_number" and (
            chosen.serial_number == signer.chosen["serial_number"].native
        ):
            name = chosen.subject.human_friendly
    return TokenFacts(
        time=info["gen_time"].native,
        algorithm=imprint["hash_algorithm"]["algorithm"].native,
        imprint=imprint["hashed_message"].native,
        tsa=name,
    )
