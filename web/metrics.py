"""``GET /metrics``: the service's numbers in the Prometheus text format.

Who may read them is decided in ``web.policy`` like every other route: the ``admin``
role (action ``metrics``) with its API token, ``Authorization: Bearer …`` in the scrape
configuration; anyone else gets the 401/403 every API route gives. Scrapes are not
written to the audit trail (one every few seconds would bury what it is for); refusals
are, as everywhere.

What is exported must not leak a Dokument: labels are the HTTP method, the route
*template* (``/api/records/{record_id}``, never the path with its id, never a query
string), the status class, the ingest outcome and the queue name. Each app has its own
``CollectorRegistry``, so several apps in one process (the tests) count apart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import get_args

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, choose_encoder
from prometheus_client.registry import Collector

from eakte.contract import IngestStatus
from eakte.settings import Settings
from web.auth import CurrentPrincipal
from web.policy import require

log = logging.getLogger(__name__)

UNMATCHED = "<keine Route>"  # a path no route knows: its text is the caller's, not ours
# any other method a caller makes up counts as "OTHER": labels must not grow at its will
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UPLOAD_QUEUE = "upload"  # uploads taken but not yet handed to the runner
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
OCR_BUCKETS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0)

metrics_router = APIRouter()


class Metrics:
    """The metrics of one app, and its ``IngestObserver``: ``web.app`` hands it to the
    upload runner (``eakte.wiring.build_runner(..., observer=metrics)``)."""

    def __init__(self, settings: Settings) -> None:
        self.registry = CollectorRegistry()
        self.requests = Histogram(
            "eakte_http_request_duration_seconds",
            "Antwortzeit je Methode, Routen-Vorlage und Statusklasse",
            ["method", "route", "status"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.ingested = Counter(
            "eakte_ingest_files",
            "Eingelieferte Dateien je Ergebnis (stored, duplicate, quarantined)",
            ["outcome"],
            registry=self.registry,
        )
        for status in get_args(IngestStatus):  # every outcome from 0, not from its first
            self.ingested.labels(outcome=status)
        self.ocr_seconds = Histogram(
            "eakte_ocr_page_seconds",
            "Sekunden je per OCR gelesener Seite",
            buckets=OCR_BUCKETS,
            registry=self.registry,
        )
        self.queues = QueueDepth(settings)
        self.registry.register(self.queues)

    # IngestObserver ---------------------------------------------------------------

    def outcome(self, status: IngestStatus) -> None:
        self.ingested.labels(outcome=status).inc()

    def ocr_page(self, seconds: float) -> None:
        self.ocr_seconds.observe(seconds)

    # the rest ----------------------------------------------------------------------

    def request_done(self, request: Request, status_code: int, seconds: float) -> None:
        """Called by the access-log middleware with the time it measured."""
        method = request.method if request.method in METHODS else "OTHER"
        route, status = route_template(request), f"{status_code // 100}xx"
        self.requests.labels(method=method, route=route, status=status).observe(seconds)

    def set_waiting_uploads(self, count: Callable[[], int]) -> None:
        """Register how many uploads wait for the runner (read at every scrape)."""
        self.queues.waiting_uploads = count

    def exposition(self, accept: str) -> tuple[bytes, str]:
        """The body and its content type, in the format the scraper asks for (the
        Prometheus text format unless it asks for OpenMetrics)."""
        encoder, content_type = choose_encoder(accept)
        return encoder(self.registry), content_type


class QueueDepth(Collector):
    """``eakte_queue_depth`` read when scraped, never cached: distributed with a broker,
    the messages waiting in the Celery queues (``workers.status.queued_tasks``, the
    function the backpressure reads); always the uploads waiting in this process."""

    def __init__(self, settings: Settings) -> None:
        self._broker_url = settings.broker_url if settings.mode == "distributed" else None
        self.waiting_uploads: Callable[[], int] = lambda: 0

    def collect(self) -> Iterator[Metric]:
        depth = GaugeMetricFamily(
            "eakte_queue_depth", "Wartende Aufträge je Warteschlange", labels=["queue"]
        )
        depth.add_metric([UPLOAD_QUEUE], self.waiting_uploads())
        if self._broker_url:
            reachable = GaugeMetricFamily(
                "eakte_broker_reachable", "1, wenn die Warteschlangen lesbar waren, sonst 0"
            )
            try:
                for queue, count in broker_queues(self._broker_url).items():
                    depth.add_metric([queue], count)
            except Exception as exc:  # a scrape must answer; the gauge says what failed
                log.warning("Warteschlangen nicht lesbar: %s", exc)
                reachable.add_metric([], 0)
            else:
                reachable.add_metric([], 1)
            yield reachable
        yield depth


def broker_queues(broker_url: str) -> dict[str, int]:
    """Messages waiting per worker queue (Celery and Redis: imported only when used)."""
    from workers.app import QUEUES
    from workers.status import queued_tasks

    return {queue: queued_tasks(broker_url, queue) for queue in QUEUES}


def route_template(request: Request) -> str:
    """The route's template as declared (``/api/records/{record_id}``), never the path
    that was asked for: ids and made-up paths would leak and multiply the series."""
    route = request.scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    return template if isinstance(template, str) and template else UNMATCHED


def install_metrics(app: FastAPI, metrics: Metrics) -> None:
    """Serve ``metrics`` at ``/metrics``; the access-log middleware feeds its latency."""
    app.state.metrics = metrics
    app.include_router(metrics_router)


@metrics_router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_PLAIN_0_0_4: {}}}},
)
def scrape(request: Request, caller: CurrentPrincipal) -> Response:
    """For Prometheus; see the module's docstring for who may read it and why."""
    require(caller, "metrics")
    metrics: Metrics = request.app.state.metrics
    body, content_type = metrics.exposition(request.headers.get("accept", ""))
    return Response(body, media_type=content_type)
