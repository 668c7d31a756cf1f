"""Real `eakte worker` processes against the real Redis, MinIO and Elasticsearch.

Each test gets its own Redis database (so no worker of another test takes its tasks),
fresh buckets and index alias, and a short visibility timeout: a killed worker's tasks
come back after it, which is what the crash tests wait for.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import REPO, Cli
from tests.integration.server_fixtures import RunningServer, distributed_env

VISIBILITY_TIMEOUT = "15"
HANG_GUARD_SECONDS = 300.0  # not a performance limit: only stops a hung test
_databases = itertools.count(1)  # Redis has 16; 0 is left to people


@dataclass
class Worker:
    """One `eakte worker` in its own process group, so `kill -9` takes its pool too."""

    env: dict[str, str]
    log: Path
    args: tuple[str, ...] = ("--concurrency", "2")
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self) -> Worker:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "eakte", "worker", *self.args],
                env={**os.environ, **self.env},
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        starts = self.log.read_text(errors="replace").count(" ready.")
        wait_for(lambda: self.log.read_text(errors="replace").count(" ready.") > starts, self)
        return self

    def kill(self) -> None:
        """SIGKILL for the worker and its pool processes: nothing gets to clean up."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.kill()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


def wait_for(condition: object, worker: Worker | None = None) -> None:
    """Poll until ``condition()`` holds; fail with the worker's log if it never does."""
    deadline = time.monotonic() + HANG_GUARD_SECONDS
    while not condition():  # type: ignore[operator]
        if worker is not None and not worker.alive():
            pytest.fail(f"worker exited:\n{worker.log.read_text(errors='replace')[-3000:]}")
        if time.monotonic() > deadline:
            tail = worker.log.read_text(errors="replace")[-3000:] if worker else ""
            pytest.fail(f"gave up waiting after {HANG_GUARD_SECONDS} s\n{tail}")
        time.sleep(0.5)


@dataclass
class Cluster:
    """The CLI and workers sharing one set of settings; workers stop with the test."""

    cli: Cli
    env: dict[str, str]
    logs: Path
    workers: list[Worker] = field(default_factory=list)

    def worker(self, *args: str) -> Worker:
        """Not yet started; the default runs both queues and the reconcile schedule."""
        log = self.logs / f"worker-{len(self.workers)}.log"
        worker = Worker(self.env, log, args or ("--concurrency", "2", "--beat"))
        self.workers.append(worker)
        return worker


@pytest.fixture
def cluster(
    cli: Cli,
    tmp_path: Path,
    redis_server: RunningServer,
    minio_server: RunningServer,
    elasticsearch_server: RunningServer,
) -> Iterator[Cluster]:
    database = next(_databases) % 16 or 1
    broker = f"redis://{redis_server.host}:{redis_server.port}/{database}"
    env = {
        **distributed_env(minio_server, elasticsearch_server),
        "EAKTE_BROKER_URL": broker,
        "EAKTE_QUEUE_VISIBILITY_TIMEOUT_SECONDS": VISIBILITY_TIMEOUT,
        "EAKTE_RECONCILE_INTERVAL_SECONDS": "2",
        "EAKTE_TASK_MAX_RETRIES": "2",
        "EAKTE_TASK_RETRY_BACKOFF_SECONDS": "1",
        "EAKTE_MODEL_CACHE_DIR": str(tmp_path / "no-models"),
    }
    logs = tmp_path / "logs"
    logs.mkdir()
    cluster = Cluster(Cli(cli.data_dir, env), env, logs)
    try:
        yield cluster
    finally:
        for worker in cluster.workers:
            worker.stop()
