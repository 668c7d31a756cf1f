"""``GET /metrics``: the Prometheus format, request latency by route template, ingest
outcomes and OCR seconds from a real ingest, queue depth (embedded, and the real Redis
of the distributed mode), and who may read it. The app runs in this process (FastAPI's
TestClient), so two apps can be compared side by side."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from eakte.settings import Settings
from samples.sets import read_truth
from tests.integration.server_fixtures import RunningServer, real_servers, redis_server
from tests.integration.worker_fixtures import _databases
from web.app import create_app
from web.metrics import UNMATCHED, QueueDepth
from workers import tasks
from workers.app import INGEST_QUEUE, OCR_QUEUE
from workers.app import create_app as create_worker_app

pytestmark = pytest.mark.integration
__all__ = ["real_servers", "redis_server"]  # fixtures

FORBIDDEN = {"detail": "Ihre Rolle erlaubt das nicht."}
SEARCH_TERM = "Zaunkoenigweg"  # must never show up in the metrics
SCAN = "scan_beschwerde.png"
LETTER = "brief_bauantrag.pdf"


@dataclass(frozen=True)
class Service:
    app: FastAPI
    client: TestClient
    tokens: dict[str, str]  # role → token
    ids: dict[str, str]  # file name → record id
    ocr_pages: int  # pages the upload read by OCR (as its Sendung reports them)

    def get(self, path: str, role: str, params: dict[str, str] | None = None) -> Any:
        """The TestClient's response (an httpx2 one, whatever Starlette ships)."""
        headers = {"Authorization": f"Bearer {self.tokens[role]}"}
        return self.client.get(path, headers=headers, params=params)

    def scrape(self) -> str:
        response = self.get("/metrics", "admin")
        assert response.status_code == 200, response.text
        return str(response.text)


def _settings(data_dir: Path, tmp: Path) -> Settings:
    return Settings(data_dir=data_dir, workers=2, model_cache_dir=tmp / "no-models")


@pytest.fixture(scope="module")
def service(sample_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """An app that took in a scan, a born-digital letter, a copy of the letter and an
    empty file through its own upload route (the runner with the app's observer)."""
    tmp = tmp_path_factory.mktemp("metrics")
    app = create_app(_settings(tmp / "data", tmp))
    roles = ("mailroom", "clerk", "archivist", "admin")
    tokens = {role: app.state.accounts.add(f"nutzer-{role}", role, ("bauamt",)) for role in roles}
    letter = (sample_dir / LETTER).read_bytes()
    files = [
        ("files", (SCAN, (sample_dir / SCAN).read_bytes(), "x/y")),
        ("files", (LETTER, letter, "x/y")),
        ("files", ("zweite-kopie.pdf", letter, "x/y")),
        ("files", ("leer.pdf", b"", "x/y")),
    ]
    with TestClient(app) as client:
        answer = client.post(
            "/api/upload",
            params={"warten": "true"},
            files=files,
            headers={"Authorization": f"Bearer {tokens['mailroom']}"},
        )
        assert answer.status_code == 202, answer.text
        lines = [item["line"] for item in answer.json()["files"]]
        statuses = [line["status"] for line in lines]
        assert statuses == ["stored", "stored", "duplicate", "quarantined"]
        ids = {line["path"]: str(line["id"]) for line in lines}
        yield Service(app, client, tokens, ids, answer.json()["pages_read"])


def _families(text: str) -> dict[str, list[Sample]]:
    return {family.name: family.samples for family in text_string_to_metric_families(text)}


def _value(samples: list[Sample], name: str, **labels: str) -> float:
    found = [s.value for s in samples if s.name == name and s.labels == labels]
    assert len(found) == 1, (name, labels, samples)
    return found[0]


def test_metrics_answer_in_the_prometheus_text_format(service: Service) -> None:
    response = service.get("/metrics", "admin")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert response.headers["cache-control"] == "no-store"  # the usual headers still
    families = _families(response.text)
    for name in (
        "eakte_http_request_duration_seconds",
        "eakte_ingest_files",
        "eakte_ocr_page_seconds",
        "eakte_queue_depth",
    ):
        assert name in families, sorted(families)


def test_ingest_outcomes_and_ocr_seconds_come_from_the_runner(
    service: Service, sample_dir: Path
) -> None:
    families = _families(service.scrape())
    ingested = families["eakte_ingest_files"]
    for status, count in (("stored", 2), ("duplicate", 1), ("quarantined", 1)):
        assert _value(ingested, "eakte_ingest_files_total", outcome=status) == count
    ocr = families["eakte_ocr_page_seconds"]
    assert service.ocr_pages == len(read_truth(sample_dir / SCAN))  # the letter has text
    assert _value(ocr, "eakte_ocr_page_seconds_count") == service.ocr_pages
    assert _value(ocr, "eakte_ocr_page_seconds_sum") > 0


def test_a_record_route_is_counted_under_its_template_without_the_id(service: Service) -> None:
    record_id = service.ids[LETTER]
    assert service.get(f"/api/records/{record_id}", "archivist").status_code == 200
    assert service.get(f"/api/records/{record_id[:8]}", "archivist").status_code == 200
    assert service.get("/api/records/" + "f" * 64, "archivist").status_code == 404
    searched = service.get("/api/search", "archivist", params={"q": SEARCH_TERM})
    assert searched.status_code == 200
    assert service.client.get(f"/nirgends/{record_id}").status_code == 404
    assert service.client.request("ZAUBERWORT", "/api/search").status_code == 405
    text = service.scrape()
    latency = _families(text)["eakte_http_request_duration_seconds"]
    route = "/api/records/{record_id}"
    count = "eakte_http_request_duration_seconds_count"
    assert _value(latency, count, method="GET", route=route, status="2xx") >= 2
    assert _value(latency, count, method="GET", route=route, status="4xx") >= 1
    assert _value(latency, count, method="GET", route="/api/search", status="2xx") >= 1
    assert _value(latency, count, method="GET", route=UNMATCHED, status="4xx") >= 1
    assert _value(latency, count, method="OTHER", route="/api/search", status="4xx") >= 1
    routes = {s.labels["route"] for s in latency if "route" in s.labels}
    assert all(r == UNMATCHED or r.startswith("/") for r in routes), routes
    for secret in (record_id[:8], SEARCH_TERM, "nirgends", "f" * 16, "ZAUBERWORT"):
        assert secret not in text


@pytest.mark.parametrize("role", ["mailroom", "clerk", "archivist"])
def test_only_the_admin_may_read_the_metrics(service: Service, role: str) -> None:
    refused = service.get("/metrics", role)
    other = service.get("/api/admin/users", role)  # another route this role may not use
    assert refused.status_code == other.status_code == 403
    assert refused.json() == other.json() == FORBIDDEN
    assert refused.headers["content-type"] == other.headers["content-type"]
    assert b"eakte_" not in refused.content


def test_without_a_token_the_metrics_answer_like_any_api_route(service: Service) -> None:
    for headers in ({}, {"Authorization": "Bearer falsch"}):
        refused = service.client.get("/metrics", headers=headers)
        other = service.client.get("/api/admin/users", headers=headers)
        assert refused.status_code == other.status_code == 401
        assert refused.json() == other.json()
        assert refused.headers["www-authenticate"] == "Bearer"


def test_the_embedded_queue_depth_is_the_uploads_waiting(service: Service) -> None:
    depth = _families(service.scrape())["eakte_queue_depth"]
    assert [(s.labels, s.value) for s in depth] == [({"queue": "upload"}, 0.0)]
    waiting = [3]
    service.app.state.metrics.set_waiting_uploads(lambda: waiting[0])
    try:
        depth = _families(service.scrape())["eakte_queue_depth"]
        assert _value(depth, "eakte_queue_depth", queue="upload") == 3
        waiting[0] = 1  # read at every scrape, not cached
        depth = _families(service.scrape())["eakte_queue_depth"]
        assert _value(depth, "eakte_queue_depth", queue="upload") == 1
    finally:
        service.app.state.metrics.set_waiting_uploads(lambda: 0)


def test_each_app_counts_apart(service: Service, tmp_path: Path) -> None:
    other = create_app(_settings(tmp_path / "data", tmp_path))
    token = other.state.accounts.add("admin2", "admin")
    with TestClient(other) as client:
        for _ in range(3):
            assert client.get("/health").status_code == 200
        text = client.get("/metrics", headers={"Authorization": f"Bearer {token}"}).text
    latency = _families(text)["eakte_http_request_duration_seconds"]
    count = "eakte_http_request_duration_seconds_count"
    assert _value(latency, count, method="GET", route="/health", status="2xx") == 3
    stored = "eakte_ingest_files_total"
    assert _value(_families(text)["eakte_ingest_files"], stored, outcome="stored") == 0
    assert _value(_families(service.scrape())["eakte_ingest_files"], stored, outcome="stored") == 2


def test_the_distributed_queue_depth_reads_the_real_queues(
    redis_server: RunningServer, tmp_path: Path
) -> None:
    database = next(_databases) % 16 or 1  # the cluster fixture's counter: never shared
    broker = f"redis://{redis_server.host}:{redis_server.port}/{database}"
    settings = Settings(
        data_dir=tmp_path / "data", mode="distributed", broker_url=broker, workers=1
    )
    connection = redis.Redis.from_url(broker)
    connection.flushdb()
    registry = CollectorRegistry()
    registry.register(QueueDepth(settings))
    try:
        worker_app = create_worker_app(settings)
        for page in range(4):  # nobody takes them: the queue stays this long
            tasks.send(worker_app, tasks.OCR_PAGE, "0" * 64, page + 1)
        tasks.send(worker_app, tasks.PREPARE, "1" * 64)
        depth = {
            s.labels["queue"]: s.value
            for f in registry.collect()
            if f.name == "eakte_queue_depth"
            for s in f.samples
        }
        assert depth == {"upload": 0, INGEST_QUEUE: 1, OCR_QUEUE: 4}
        reachable = registry.get_sample_value("eakte_broker_reachable")
        assert reachable == 1
    finally:
        connection.flushdb()
        connection.close()


def test_an_unreachable_broker_is_a_gauge_not_a_failed_scrape(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings(
        data_dir=tmp_path / "data", mode="distributed", broker_url=f"redis://127.0.0.1:{port}/1"
    )
    registry = CollectorRegistry()
    registry.register(QueueDepth(settings))
    assert registry.get_sample_value("eakte_broker_reachable") == 0
    assert registry.get_sample_value("eakte_queue_depth", {"queue": "upload"}) == 0
    assert registry.get_sample_value("eakte_queue_depth", {"queue": OCR_QUEUE}) is None
