"""Backpressure: `eakte ingest` with workers queues nothing new while the OCR queue is
longer than ``EAKTE_MAX_QUEUED_OCR_PAGES``, and goes on once the queue is short."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from kombu.transport.redis import PRIORITY_STEPS

from eakte.settings import Settings
from tests.conftest import REPO
from tests.integration.server_fixtures import (
    RunningServer,
    elasticsearch_server,
    minio_client,
    minio_server,
    real_servers,
    redis_server,
)
from tests.integration.worker_fixtures import Cluster, cluster, wait_for
from workers import tasks
from workers.app import OCR_QUEUE, create_app

pytestmark = pytest.mark.integration
__all__ = ["cluster", "elasticsearch_server", "minio_server", "real_servers", "redis_server"]
BOUND = 2


def test_ingest_waits_while_the_ocr_queue_is_full_and_goes_on_after(
    cluster: Cluster, sample_dir: Path, minio_server: RunningServer
) -> None:
    env = {**cluster.env, "EAKTE_MAX_QUEUED_OCR_PAGES": str(BOUND)}
    values = {k.removeprefix("EAKTE_").lower(): v for k, v in env.items() if k.startswith("EAKTE_")}
    app = create_app(Settings(**values))
    for page in range(BOUND + 1):  # no worker: the queue stays this long
        tasks.send(app, tasks.OCR_PAGE, "0" * 64, page + 1)
    status = cluster.cli("status", "--json").json()
    assert status["queued"]["ocr"] == BOUND + 1  # every priority list counted
    assert status["drain_per_second"]["ocr"] == 0 and status["empty_in_seconds"]["ocr"] is None
    assert "leer in unbekannt" in cluster.cli("status").stdout
    letter = sample_dir / "brief_gemeinderat.pdf"
    ingest = subprocess.Popen(
        [sys.executable, "-m", "eakte", "ingest", str(letter), "--json"],
        env={**os.environ, **env, "EAKTE_DATA_DIR": str(cluster.cli.data_dir)},
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert ingest.stderr is not None
    for line in ingest.stderr:  # blocks until the client says it waits
        if "OCR-Warteschlange voll" in line:
            break
    else:
        pytest.fail(f"ingest ended without waiting: {ingest.wait()}")
    store = minio_client(minio_server)
    bucket = env["EAKTE_S3_ORIGINALS_BUCKET"]
    assert list(store.list_objects(bucket, recursive=True)) == []  # nothing queued
    assert ingest.poll() is None

    queue = redis.Redis.from_url(env["EAKTE_BROKER_URL"])
    for step in PRIORITY_STEPS:  # the queue drains (the fake pages are thrown away)
        queue.delete(OCR_QUEUE if step == 0 else f"{OCR_QUEUE}\x06\x16{step}")
    queue.close()
    cluster.worker().start()
    out, err = ingest.communicate(timeout=600)  # hang guard only
    assert ingest.returncode == 0, err
    assert [json.loads(line)["status"] for line in out.splitlines()] == ["stored"]
    wait_for(lambda: len(list(store.list_objects(bucket, recursive=True))) == 1)
