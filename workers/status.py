"""What operators ask first: are workers alive, how long are the queues, what waits for
the index, what is stuck. Flower (``eakte flower``) shows tasks in detail; this is the
one-screen answer for the terminal and for monitoring scripts (``--json``)."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from eakte.context import Context
from workers import state
from workers.app import QUEUES

PING_SECONDS = 2.0


@dataclass(frozen=True)
class Status:
    workers: dict[str, list[str]] = field(default_factory=dict)  # name -> its queues
    active_tasks: int = 0
    queued: dict[str, int] = field(default_factory=dict)
    unacknowledged: int = 0  # taken by a worker, not yet finished (or lost with it)
    in_flight: int = 0
    waiting_for_index: int = 0
    quarantined: int = 0
    broker_error: str | None = None
    # per queue, tasks per second by which it shrank while the workers were asked (two
    # samples PING_SECONDS or more apart; negative: it grew), and the time to empty at
    # that rate (None: not shrinking)
    drain_per_second: dict[str, float] = field(default_factory=dict)
    empty_in_seconds: dict[str, float | None] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def collect(ctx: Context, app: Any) -> Status:
    store = ctx.store
    records = Status(
        in_flight=sum(1 for _ in state.in_flight(store)),
        waiting_for_index=sum(1 for _ in state.waiting_for_index(store)),
        quarantined=sum(1 for _ in store.list_derived("quarantine")),
    )
    try:
        before, started = _queue_lengths(ctx.settings.broker_url or "")[0], time.monotonic()
        workers, active = _workers(app)  # takes up to PING_SECONDS: the sampling window
        time.sleep(max(0.0, started + PING_SECONDS - time.monotonic()))
        queued, unacked = _queue_lengths(ctx.settings.broker_url or "")
        elapsed = time.monotonic() - started
    except Exception as exc:  # any broker failure is what the operator must see
        return replace(records, broker_error=f"{type(exc).__name__}: {exc}")
    drain = {name: round((before[name] - queued[name]) / elapsed, 3) for name in queued}
    empty = {
        name: round(queued[name] / rate, 1) if rate > 0 else (0.0 if not queued[name] else None)
        for name, rate in drain.items()
    }
    return replace(
        records,
        workers=workers,
        active_tasks=active,
        queued=queued,
        unacknowledged=unacked,
        drain_per_second=drain,
        empty_in_seconds=empty,
    )


def duration(seconds: float | None) -> str:
    """German, rounded as an operator reads it: "etwa 3 min", "unbekannt"."""
    if seconds is None:
        return "unbekannt (Warteschlange schrumpft nicht)"
    if seconds < 60:
        return f"etwa {max(1, round(seconds))} s"
    if seconds < 3600:
        return f"etwa {round(seconds / 60)} min"
    return f"etwa {seconds / 3600:.1f} h".replace(".", ",")


def _queue_lengths(broker_url: str) -> tuple[dict[str, int], int]:
    """Kombu keeps each Redis queue as one list per priority step (the list named
    after the queue for priority 0, ``<queue>\\x06\\x16<step>`` for the others), and
    taken-but-unacked messages in the hash ``unacked``."""
    import redis

    client = redis.Redis.from_url(broker_url, socket_timeout=PING_SECONDS)
    try:
        queued = {name: sum(int(client.llen(key)) for key in _lists(name)) for name in QUEUES}
        return queued, int(client.hlen("unacked"))
    finally:
        client.close()


def _workers(app: Any) -> tuple[dict[str, list[str]], int]:
    inspect = app.control.inspect(timeout=PING_SECONDS)
    queues = inspect.active_queues() or {}
    active = inspect.active() or {}
    workers = {name: sorted(q["name"] for q in found) for name, found in queues.items()}
    return workers, sum(len(tasks) for tasks in active.values())


def queued_tasks(broker_url: str, queue: str) -> int:
    """Messages waiting in one queue, every priority counted."""
    import redis

    client = redis.Redis.from_url(broker_url, socket_timeout=PING_SECONDS)
    try:
        return sum(int(client.llen(key)) for key in _lists(queue))
    finally:
        client.close()


def _lists(queue: str) -> list[str]:
    from kombu.transport.redis import PRIORITY_STEPS

    return [queue if step == 0 else f"{queue}\x06\x16{step}" for step in PRIORITY_STEPS]
