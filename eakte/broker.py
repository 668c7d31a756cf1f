"""The Celery broker as ``eakte doctor`` sees it: the server that `eakte ingest` hands its
stages to in distributed mode (``EAKTE_BROKER_URL``). The workers reach it through
Celery (``workers.app``); this adapter only asks whether it answers.

Redis (what the set-up runs) is asked directly: PING and its version. Other transports
Celery supports (AMQP) are asked through kombu, Celery's own connection layer.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from eakte.health import Probe, probe_errors

NAME = "Warteschlange"
FIX = "Broker starten bzw. EAKTE_BROKER_URL prüfen"


class CeleryBroker:
    def __init__(self, url: str, *, timeout_seconds: float = 5.0) -> None:
        self.url = url
        self.timeout_seconds = timeout_seconds

    @property
    def where(self) -> str:
        """The URL without user and password."""
        parts = urlsplit(self.url)
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{parts.hostname or ''}{port}{parts.path}"

    @probe_errors(NAME)
    def health(self) -> list[Probe]:
        if urlsplit(self.url).scheme in ("redis", "rediss"):
            return [self._ask_redis()]
        return [self._ask_kombu()]

    def _ask_redis(self) -> Probe:
        import redis

        client = redis.Redis.from_url(
            self.url,
            socket_connect_timeout=self.timeout_seconds,
            socket_timeout=self.timeout_seconds,
        )
        try:
            client.ping()
            version = client.info("server")["redis_version"]
        except redis.RedisError as exc:
            return Probe(NAME, False, f"Redis {self.where} antwortet nicht ({exc})", FIX)
        finally:
            client.close()
        return Probe(NAME, True, f"Redis {version} auf {self.where} antwortet")

    def _ask_kombu(self) -> Probe:
        from kombu.connection import Connection

        connect = Connection(self.url, connect_timeout=self.timeout_seconds)  # type: ignore[no-untyped-call]
        with connect as connection:
            try:
                connection.ensure_connection(max_retries=1)
            except Exception as exc:  # kombu raises the transport's own errors
                return Probe(NAME, False, f"{self.where} antwortet nicht ({exc})", FIX)
            transport = connection.transport.driver_name
        return Probe(NAME, True, f"{transport} auf {self.where} antwortet")
