"""The Celery application, built from the settings at start (never at import time).

Reliability settings follow Celery's own guidance for tasks that must not be lost:
acknowledge late (after the task ran), reject and requeue when a pool process dies,
take one long task at a time, time-limit every task. With Redis as broker a task whose
worker vanished entirely (``kill -9``) returns after the visibility timeout.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterable
from typing import Any

from celery import Celery, signals

from eakte.context import Context
from eakte.settings import Settings
from eakte.wiring import build_context
from workers.index_buffer import IndexBuffer

log = logging.getLogger(__name__)

INGEST_QUEUE = "ingest"
OCR_QUEUE = "ocr"
QUEUES = (INGEST_QUEUE, OCR_QUEUE)
HARD_LIMIT_GRACE_SECONDS = 60  # after the soft limit, time to write the quarantine entry


class WorkerContext:
    """The adapters of one worker process, built on first use: connection pools must
    not be shared across the fork that creates the pool processes."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._ctx: Context | None = None
        self._pid = 0
        self._lock = threading.Lock()  # the warm-up thread and the first task
        self.index_buffer = IndexBuffer(
            self._index, batch=INDEX_BUFFER_BATCH, attempts=settings.task_max_retries + 1
        )

    def get(self) -> Context:
        with self._lock:
            if self._ctx is None or self._pid != os.getpid():
                self._ctx = build_context(self.settings)
                self._pid = os.getpid()
            return self._ctx

    def warm_up(self, queues: Iterable[str]) -> None:
        """Load in a fresh pool process what its first task would otherwise wait for:
        the classifier (finishing on the ingest queue) and the OCR engine's libraries.
        A worker is long-lived; its first document should not pay a model load."""
        started = time.perf_counter()
        try:
            ctx = self.get()
            if OCR_QUEUE in queues:
                import ingest.scan_read  # noqa: F401  (Tesseract, OpenCV, pikepdf)
            if INGEST_QUEUE in queues and ctx.classifier is not None:
                ctx.classifier.predict("Sehr geehrte Damen und Herren")
        except Exception as exc:  # a server away, no model: the first task says so
            log.warning("Worker-Prozess nicht vorbereitet: %s", exc)
            return
        log.info("%s in %.1f s", WARM, time.perf_counter() - started)

    def _index(self, record_ids: list[str]) -> int:
        from workers import steps

        return steps.index(self.get(), record_ids, refresh=False)


INDEX_BUFFER_BATCH = 100
WARM = "Worker-Prozess vorbereitet"  # logged once a pool process has loaded its models


def create_app(settings: Settings) -> Any:
    """A Celery app for these settings with the eAkte tasks registered."""
    from workers import tasks  # registers against the app below; imports Celery parts

    if not settings.broker_url:
        from eakte.errors import ConfigurationError

        raise ConfigurationError("EAKTE_BROKER_URL fehlt: ohne Warteschlange keine Worker")
    app = Celery("eakte", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        result_backend=settings.result_backend or settings.broker_url,
        result_expires=24 * 3600,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_default_queue=INGEST_QUEUE,
        task_routes={tasks.OCR_PAGE: {"queue": OCR_QUEUE}},
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_track_started=True,
        task_send_sent_event=True,
        worker_send_task_events=True,
        worker_prefetch_multiplier=1,
        task_soft_time_limit=settings.task_soft_time_limit_seconds,
        task_time_limit=settings.task_soft_time_limit_seconds + HARD_LIMIT_GRACE_SECONDS,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": settings.queue_visibility_timeout_seconds,
            # look for abandoned tasks often enough for the timeout to mean what it says
            "unacked_restore_interval": max(1, settings.queue_visibility_timeout_seconds // 4),
            "unacked_restore_throttle": 1,
        },
        beat_schedule={
            "reconcile": {"task": tasks.RECONCILE, "schedule": settings.reconcile_interval_seconds}
        },
        timezone="Europe/Berlin",
    )
    app.eakte = WorkerContext(settings)
    tasks.register(app, settings)
    return app


def prepare_pool_processes(app: Any, queues: list[str]) -> None:
    """For `eakte worker`: each pool process warms up on a thread of its own as soon as
    it exists (it takes tasks meanwhile), and sends what waits in its index buffer
    before it ends."""

    def warm_up(**_: object) -> None:
        threading.Thread(target=app.eakte.warm_up, args=(queues,), daemon=True).start()

    def flush(**_: object) -> None:
        app.eakte.index_buffer.flush()

    signals.worker_process_init.connect(warm_up, weak=False)
    signals.worker_process_shutdown.connect(flush, weak=False)
    signals.worker_shutdown.connect(flush, weak=False)  # a pool without processes (solo)
