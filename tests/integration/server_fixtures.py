"""Session fixtures for the real Redis, MinIO and Elasticsearch (see scripts/servers.py).

A plain module rather than conftest so that only the tests that need a server pay for it;
import the fixtures you need by name. Each yields a `RunningServer`; its `stop()` and
`start()` take that one server down and bring it back on the same port with the same data,
so tests can check what the adapters do while a server is away. The servers are shared by
the session: a test that stops one must start it again, best with `with server.stopped():`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from minio import Minio

from scripts.servers import RealServers, ensure


@dataclass(frozen=True)
class RunningServer:
    """Where a server listens, and a handle to stop, start, freeze or thaw it in place."""

    name: str
    host: str
    port: int
    url: str
    data_dir: Path
    credentials: Mapping[str, str]
    _servers: RealServers = field(repr=False, compare=False)

    @property
    def endpoint(self) -> str:
        """host:port, as the minio SDK wants it."""
        return f"{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._servers.is_running(self.name)

    def stop(self) -> None:
        """Clean shutdown (SIGTERM; SIGKILL after 10-60 s); the port then refuses."""
        self._servers.stop(self.name)

    def start(self) -> None:
        """Starts it again on the same port and data; returns once it is healthy."""
        self._servers.start(self.name)

    def freeze(self) -> None:
        """SIGSTOP: connections open but nothing answers, like a hung server."""
        self._servers.freeze(self.name)

    def thaw(self) -> None:
        self._servers.thaw(self.name)

    @contextmanager
    def stopped(self) -> Iterator[None]:
        """Down for the block, back up (same port and data) afterwards, even on failure."""
        self.stop()
        try:
            yield
        finally:
            self.start()

    @contextmanager
    def frozen(self) -> Iterator[None]:
        """Hung for the block, answering again afterwards."""
        self.freeze()
        try:
            yield
        finally:
            self.thaw()


@pytest.fixture(scope="session")
def real_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServers]:
    servers = RealServers(tmp_path_factory.mktemp("servers"), for_tests=True)
    try:
        yield servers
    finally:
        servers.stop_all()
        servers.remove_data()  # Elasticsearch's dir outside the pytest tmp, when root


def _running(servers: RealServers, name: str) -> RunningServer:
    ensure((name,))
    info = servers.start(name)
    return RunningServer(
        name=name,
        host=info.host,
        port=info.port,
        url=info.url,
        data_dir=Path(info.data_dir),
        credentials=dict(info.credentials),
        _servers=servers,
    )


@pytest.fixture(scope="session")
def redis_server(real_servers: RealServers) -> RunningServer:
    """Redis with appendonly on: what it acknowledged survives a restart."""
    return _running(real_servers, "redis")


@pytest.fixture(scope="session")
def minio_server(real_servers: RealServers) -> RunningServer:
    """MinIO, single drive; credentials `access_key`/`secret_key`; plain http."""
    return _running(real_servers, "minio")


@pytest.fixture(scope="session")
def elasticsearch_server(real_servers: RealServers) -> RunningServer:
    """Elasticsearch single node, no security; core analysis only (no `german`)."""
    return _running(real_servers, "elasticsearch")


def distributed_env(minio: RunningServer, elasticsearch: RunningServer) -> dict[str, str]:
    """Settings for the distributed mode against these servers. Locked buckets cannot be
    dropped, so every caller gets fresh bucket and alias names."""
    tag = uuid.uuid4().hex[:10]
    return {
        "EAKTE_MODE": "distributed",
        "EAKTE_S3_ENDPOINT": minio.endpoint,
        "EAKTE_S3_ACCESS_KEY": minio.credentials["access_key"],
        "EAKTE_S3_SECRET_KEY": minio.credentials["secret_key"],
        "EAKTE_S3_ORIGINALS_BUCKET": f"orig-{tag}",
        "EAKTE_S3_DERIVED_BUCKET": f"derived-{tag}",
        "EAKTE_ELASTICSEARCH_URL": elasticsearch.url,
        "EAKTE_ELASTICSEARCH_ALIAS": f"eakte-{tag}",
    }


def minio_client(server: RunningServer) -> Minio:
    """A plain SDK client, to look at the buckets behind the store's back."""
    return Minio(
        server.endpoint,
        access_key=server.credentials["access_key"],
        secret_key=server.credentials["secret_key"],
        secure=False,
    )
