"""Thin Celery tasks around ``workers.steps``, and the one place where a worker turns
errors into retries or quarantine (architecture principle 5):

- ``Transient`` (store or index unreachable): retry with doubling backoff; after the last
  retry the record is quarantined with the error.
- a rejection of the input or a tool failure: quarantine at once; retrying cannot help.
- the soft time limit: quarantine, the input is too much for the worker.
- the installation is broken (``DependencyMissing``): the task fails and the record stays
  in flight; the reconcile job submits it again once it has stalled.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded

from eakte import outcome
from eakte.context import Context
from eakte.errors import EakteError, LimitExceeded, Transient, WorkerCrashed
from eakte.settings import Settings
from workers import state, steps
from workers.timing import section, timings

log = logging.getLogger(__name__)

PREPARE = "eakte.prepare"
OCR_PAGE = "eakte.ocr_page"
FINISH = "eakte.finish"
INDEX = "eakte.index"
RECONCILE = "eakte.reconcile"
# a stage that took its worker down is retried once; a second crash quarantines the
# record, as the local runner does for a page (``WorkerCrashed``)
MAX_CRASHES = 2
INDEX_BATCH = 100
# Redis serves priority 0 first, across queues (Kombu's steps 0, 3, 6, 9): a record
# that can be finished is finished before another page is read, and a page is read
# before another record is prepared. So records leave the system in the order they
# came, the queue holds few half-done records, and the end of a batch does not wait
# for a tail of finishing work.
PRIORITY = {FINISH: 0, INDEX: 0, OCR_PAGE: 3, PREPARE: 6}


def register(app: Any, settings: Settings) -> None:
    options = {"bind": True, "max_retries": settings.task_max_retries}
    app.task(name=PREPARE, **options)(prepare)
    app.task(name=OCR_PAGE, **options)(ocr_page)
    app.task(name=FINISH, **options)(finish)
    app.task(name=INDEX, **options)(index)
    app.task(name=RECONCILE, bind=True)(reconcile)


def prepare(task: Any, record_id: str) -> str:
    with timings("prepare"):
        after = _run_step(task, record_id, "prepare", lambda ctx: steps.prepare(ctx, record_id))
        return _follow(task, record_id, after)


def ocr_page(task: Any, record_id: str, page_number: int) -> str:
    with timings("ocr_page"):
        after = _run_step(
            task,
            record_id,
            f"ocr-{page_number}",
            lambda ctx: steps.ocr_page(ctx, record_id, page_number),
        )
        return _follow(task, record_id, after)


def finish(task: Any, record_id: str) -> str:
    with timings("finish"):
        after = _run_step(task, record_id, "finish", lambda ctx: steps.finish(ctx, record_id))
        return _follow(task, record_id, after)


def index(task: Any, record_ids: list[str]) -> int:
    """The record is safe in the store whatever happens here; a failure leaves it in the
    outbox, where the reconcile job finds it."""
    try:
        return steps.index(_context(task), record_ids)
    except Transient as exc:
        if task.request.retries >= task.max_retries:
            log.warning("Suchindex nicht erreichbar, Abgleich folgt: %s", exc.message)
            return 0
        raise task.retry(exc=exc, countdown=_backoff(task)) from exc


def reconcile(task: Any) -> dict[str, int]:
    """Periodic (``eakte beat``): index what the outbox holds, resubmit stalled records."""
    ctx = _context(task)
    waiting = list(state.waiting_for_index(ctx.store))
    indexed = 0
    try:
        for start in range(0, len(waiting), INDEX_BATCH):
            indexed += steps.index(ctx, waiting[start : start + INDEX_BATCH])
    except Transient as exc:
        log.warning("Suchindex nicht erreichbar, nächster Versuch im nächsten Abgleich: %s", exc)
    steps.forget_ended(ctx)
    stalled = list(state.stalled(ctx.store, ctx.settings.stalled_after_seconds))
    for record_id in stalled:
        state.mark_in_flight(ctx.store, record_id)
        send(task.app, PREPARE, record_id)
    return {"indexed": indexed, "waiting": len(waiting) - indexed, "resubmitted": len(stalled)}


# plumbing ---------------------------------------------------------------------------


def _context(task: Any) -> Context:
    return task.app.eakte.get()  # type: ignore[no-any-return]


def _run_step(
    task: Any, record_id: str, stage: str, step: Callable[[Context], steps.Next]
) -> steps.Next:
    ctx = _context(task)
    try:
        attempt = f"{stage}-{task.request.retries}"
        with section("attempts"):
            crashes = state.count_attempt(ctx.store, record_id, attempt) - 1
        if crashes >= MAX_CRASHES:
            raise WorkerCrashed.twice(_what(stage))
        return step(ctx)
    except SoftTimeLimitExceeded:
        limit = ctx.settings.task_soft_time_limit_seconds
        error: EakteError = LimitExceeded(f"Verarbeitung dauerte länger als {limit} s")
    except Transient as exc:
        if task.request.retries < task.max_retries:
            raise task.retry(exc=exc, countdown=_backoff(task)) from exc
        error = Transient(f"{exc.message} (nach {task.request.retries + 1} Versuchen)")
    except Exception as exc:
        error = outcome.as_rejection(exc)  # installation errors propagate from here
    steps.quarantine(ctx, record_id, error)
    log.warning("Dokument %s in Quarantäne: %s", record_id, error.message)
    return steps.Next()


def send(app: Any, name: str, *args: object) -> None:
    """Nobody waits for a task's return value (the store says how a record ended), so
    the sender does not subscribe to results: one connection less that can fail.
    Through the registered task, so an eager app (the stage tests) runs it in place."""
    app.tasks[name].apply_async(args=list(args), ignore_result=True, priority=PRIORITY.get(name))


def _what(stage: str) -> str:
    """The stage in the words of the local runner's message."""
    if stage.startswith("ocr-"):
        return f"Seite {stage.removeprefix('ocr-')}"
    return {"prepare": "Vorbereitung", "finish": "Abschluss"}.get(stage, stage)


def _follow(task: Any, record_id: str, after: steps.Next) -> str:
    """Send the next messages; each is idempotent, so sending one twice is harmless.
    A finished record goes to the process's index buffer rather than the queue: it is
    indexed with the others of the same second (its outbox marker keeps it safe)."""
    with section("send"):
        for new_record in after.new_records:
            send(task.app, PREPARE, new_record)
        for page_number in after.ocr_pages:
            send(task.app, OCR_PAGE, record_id, page_number)
        if after.finish:
            send(task.app, FINISH, record_id)
    if after.index:
        buffer = getattr(task.app.eakte, "index_buffer", None)
        if buffer is None:  # an app without one (the stage tests' eager app)
            send(task.app, INDEX, [record_id])
        else:
            buffer.add(record_id)
    return record_id


def _backoff(task: Any) -> float:
    settings: Settings = _context(task).settings
    retries: int = task.request.retries
    return float(min(300.0, settings.task_retry_backoff_seconds * 2**retries))
