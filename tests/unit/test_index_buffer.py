"""The workers' index buffer: records finished together go to the index in one call,
a full batch goes at once, an unreachable index is tried again, ``flush`` empties it."""

from __future__ import annotations

import threading

from eakte.errors import Transient
from workers.index_buffer import IndexBuffer

HANG_GUARD_SECONDS = 300.0  # not a performance limit: only stops a hung test


class _Index:
    """Collects the batches; fails the first ``failures`` calls as an unreachable
    server would (a failure we cannot cause here for real)."""

    def __init__(self, failures: int = 0) -> None:
        self.batches: list[list[str]] = []
        self.failures = failures
        self.called = threading.Event()

    def __call__(self, ids: list[str]) -> int:
        if self.failures:
            self.failures -= 1
            raise Transient("Elasticsearch nicht erreichbar")
        self.batches.append(ids)
        self.called.set()
        return len(ids)


def test_records_of_the_same_moment_go_in_one_batch() -> None:
    index = _Index()
    buffer = IndexBuffer(index, interval=0.5, batch=100)
    for n in range(5):
        buffer.add(f"r{n}")
    assert index.called.wait(HANG_GUARD_SECONDS)
    assert index.batches == [["r0", "r1", "r2", "r3", "r4"]]
    assert buffer.pending() == 0


def test_a_full_batch_does_not_wait_for_the_interval() -> None:
    index = _Index()
    buffer = IndexBuffer(index, interval=3600, batch=3)
    for n in range(3):
        buffer.add(f"r{n}")
    assert index.called.wait(HANG_GUARD_SECONDS)
    assert index.batches == [["r0", "r1", "r2"]]


def test_an_unreachable_index_is_tried_again() -> None:
    index = _Index(failures=1)
    buffer = IndexBuffer(index, interval=0.05, batch=100, attempts=3)
    buffer.add("r0")
    assert index.called.wait(HANG_GUARD_SECONDS)
    assert index.batches == [["r0"]]


def test_flush_sends_what_waits_without_the_thread() -> None:
    index = _Index()
    buffer = IndexBuffer(index, interval=3600, batch=100)
    buffer.add("r0")
    buffer.add("r0")  # finished twice: indexed once
    assert buffer.flush() == 1
    assert index.batches == [["r0"]] and buffer.pending() == 0
