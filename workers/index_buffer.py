"""Index writes of one worker process, sent together: the records a process finished
within a second go to the index in one bulk request without a forced refresh.

One record per index task with a refresh each cost more than the record's own write
(a refresh is ~60 ms on the test server) and a queue round trip. Nothing is lost by
waiting: every finished record has its outbox marker in the store until it is in the
index (``workers.state``); a process that dies with records in its buffer leaves their
markers, and the reconcile job indexes them. So the buffer holds only record ids, and
the flush reads markers and manifests as the index task does (``steps.index``).

A flush runs on a thread of the process, at most ``interval`` seconds after the first
record arrived, earlier once ``batch`` records wait; the index's refresh interval
(one second) then makes them searchable.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

from eakte.errors import EakteError, Transient

log = logging.getLogger(__name__)


class IndexBuffer:
    def __init__(
        self,
        index: Callable[[list[str]], int],
        *,
        interval: float = 1.0,
        batch: int = 100,
        attempts: int = 5,
    ) -> None:
        self._index = index
        self.interval = interval
        self.batch = batch
        self.attempts = attempts
        self._waiting: dict[str, int] = {}  # record id -> failed attempts so far
        self._since = 0.0  # when the oldest waiting record arrived
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def add(self, record_id: str) -> None:
        with self._changed:
            if not self._waiting:
                self._since = time.monotonic()
            self._waiting.setdefault(record_id, 0)
            self._start()
            self._changed.notify()

    def pending(self) -> int:
        with self._changed:
            return len(self._waiting)

    def flush(self) -> int:
        """Index what waits now (the process is about to end); returns how many."""
        with self._changed:
            taken, self._waiting = self._waiting, {}
        return self._send(taken, retry=False)

    def _start(self) -> None:
        """A thread per process: one started before a fork does not run in the child."""
        if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="index-buffer", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._waiting:
                    self._changed.wait()
                due = self._since + self.interval
                while len(self._waiting) < self.batch and (left := due - time.monotonic()) > 0:
                    self._changed.wait(left)
                taken, self._waiting = self._waiting, {}
            self._send(taken, retry=True)

    def _send(self, taken: dict[str, int], *, retry: bool) -> int:
        if not taken:
            return 0
        try:
            return self._index(list(taken))
        except Transient as exc:
            again = {i: n + 1 for i, n in taken.items() if retry and n + 1 < self.attempts}
            log.warning(
                "Suchindex nicht erreichbar (%s); %d Dokument(e) später erneut, der Rest "
                "über den Abgleich",
                exc.message,
                len(again),
            )
            if again:
                time.sleep(min(30.0, self.interval * 2 ** max(again.values())))
                with self._changed:
                    for record_id, failed in again.items():
                        self._waiting.setdefault(record_id, failed)
                    self._since = time.monotonic()
        except EakteError as exc:
            log.warning("Suchindex lehnt ab (%s); der Abgleich versucht es erneut", exc.message)
        except Exception:  # the thread must live on; the outbox keeps the records
            log.exception("Schreiben in den Suchindex fehlgeschlagen; der Abgleich holt es nach")
        return 0
