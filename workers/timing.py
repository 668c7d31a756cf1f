"""Where a task's time goes: each step measures its parts (reading the record, the
original, the page, writing results, the index) and the task logs them in one line, so
an operator sees where a slow worker waits and ``bench/scale/workers.py`` sums them up.

A pool process runs one task at a time, so the clock of the running task is a module
global; ``timings()`` starts it afresh for each task.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Iterator

log = logging.getLogger("eakte.timings")
PREFIX = "Zeiten "  # what the benchmark looks for in the worker's log

_sections: dict[str, float] = {}


@contextlib.contextmanager
def section(name: str) -> Iterator[None]:
    """Add the time of the block to ``name`` in the running task's timings."""
    started = time.perf_counter()
    try:
        yield
    finally:
        _sections[name] = _sections.get(name, 0.0) + time.perf_counter() - started


@contextlib.contextmanager
def timings(task: str) -> Iterator[None]:
    """Measure one task: its sections and the rest (``other``), logged when it ends."""
    _sections.clear()
    started = time.perf_counter()
    try:
        yield
    finally:
        total = time.perf_counter() - started
        parts = {name: round(seconds, 4) for name, seconds in _sections.items()}
        parts["other"] = round(max(0.0, total - sum(_sections.values())), 4)
        log.info("%s%s", PREFIX, json.dumps({"task": task, "total": round(total, 4), **parts}))
        _sections.clear()
