"""The real servers start, answer, and keep their data across a stop and start in place,
which the adapter tests (Elasticsearch stopped mid-ingest, MinIO away) rely on."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from typing import Any

import pytest

from scripts.servers import ServerError, redis_command
from tests.integration.server_fixtures import (
    RunningServer,
    elasticsearch_server,
    minio_client,
    minio_server,
    real_servers,
    redis_server,
)

# pytest fixtures imported by name; listing them marks them used (else ruff F401/F811)
__all__ = ["elasticsearch_server", "minio_server", "real_servers", "redis_server"]

pytestmark = pytest.mark.integration


def es(server: RunningServer, method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        server.url + path, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def refuses_connections(server: RunningServer) -> bool:
    try:
        socket.create_connection((server.host, server.port), timeout=5).close()
    except ConnectionRefusedError:
        return True
    return False


def test_redis_answers_and_keeps_data_across_restart(redis_server: RunningServer) -> None:
    assert redis_command(redis_server.port, "PING") == "PONG"
    assert redis_command(redis_server.port, "SET", "eakte:probe", "Bürgeramt") == "OK"
    assert redis_command(redis_server.port, "GET", "eakte:probe") == "Bürgeramt"

    with redis_server.stopped():
        assert refuses_connections(redis_server)

    assert redis_command(redis_server.port, "GET", "eakte:probe") == "Bürgeramt"


def test_redis_errors_are_ours(redis_server: RunningServer) -> None:
    with pytest.raises(ServerError, match="unknown command"):
        redis_command(redis_server.port, "NOSUCHCOMMAND")


def test_minio_is_live_and_keeps_buckets_across_restart(minio_server: RunningServer) -> None:
    with urllib.request.urlopen(f"{minio_server.url}/minio/health/live", timeout=10) as live:
        assert live.status == 200
    client = minio_client(minio_server)
    client.make_bucket("eakte-probe")
    assert client.bucket_exists("eakte-probe")

    with minio_server.stopped():
        assert refuses_connections(minio_server)

    assert minio_client(minio_server).bucket_exists("eakte-probe")


def test_elasticsearch_is_healthy_and_keeps_indices_across_restart(
    elasticsearch_server: RunningServer,
) -> None:
    assert es(elasticsearch_server, "GET", "/_cluster/health")["status"] in ("green", "yellow")
    created = es(
        elasticsearch_server, "PUT", "/eakte-probe", {"settings": {"number_of_replicas": 0}}
    )
    assert created["acknowledged"]
    es(elasticsearch_server, "PUT", "/eakte-probe/_doc/1?refresh=true", {"text": "Widerspruch"})

    with elasticsearch_server.stopped():
        assert refuses_connections(elasticsearch_server)

    doc = es(elasticsearch_server, "GET", "/eakte-probe/_doc/1")
    assert doc["_source"] == {"text": "Widerspruch"}


def test_elasticsearch_has_core_analysis_only(elasticsearch_server: RunningServer) -> None:
    """The integ-test-zip lacks the analysis-common module: the search adapter must not
    rely on the `german` analyzer (or stemmer, asciifolding) being there."""
    standard = es(
        elasticsearch_server,
        "POST",
        "/_analyze",
        {"analyzer": "standard", "text": "Straße Gebühren"},
    )
    assert [t["token"] for t in standard["tokens"]] == ["straße", "gebühren"]
    with pytest.raises(urllib.error.HTTPError) as refused:
        es(elasticsearch_server, "POST", "/_analyze", {"analyzer": "german", "text": "Straße"})
    refused.value.close()
    assert refused.value.code == 400


def test_frozen_server_accepts_but_does_not_answer(redis_server: RunningServer) -> None:
    with redis_server.frozen(), pytest.raises(TimeoutError):
        redis_command(redis_server.port, "PING", timeout=1)
    assert redis_command(redis_server.port, "PING") == "PONG"


def test_frozen_server_still_stops_cleanly(redis_server: RunningServer) -> None:
    redis_server.freeze()
    with redis_server.stopped():
        assert refuses_connections(redis_server)
    assert redis_command(redis_server.port, "PING") == "PONG"
