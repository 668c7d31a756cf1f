"""The distributed mode with real Celery workers: the sample post goes through `eakte
worker` processes; a worker killed with SIGKILL mid-batch and a replacement lose and
duplicate nothing; Elasticsearch down during ingest catches up by itself."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from PIL import Image, ImageDraw

from classify.service import default_model_file
from eakte import pipeline, records
from eakte.context import Context
from eakte.ports import Classifier, Prediction
from eakte.settings import Settings
from eakte.wiring import build_context
from samples import capture
from samples.letters import generate_letters
from samples.render import make_image_pdf
from scripts.servers import free_port
from tests.conftest import REPO
from tests.integration.server_fixtures import (
    RunningServer,
    elasticsearch_server,
    minio_client,
    minio_server,
    real_servers,
    redis_server,
)
from tests.integration.web_fixtures import add_user, api_server
from tests.integration.worker_fixtures import (
    HANG_GUARD_SECONDS,
    Cluster,
    Worker,
    cluster,
    wait_for,
)
from workers import state, steps, tasks
from workers.app import create_app

pytestmark = pytest.mark.integration
MODEL_CACHE = Settings().model_cache_dir  # the real cache the set-up filled
__all__ = ["cluster", "elasticsearch_server", "minio_server", "real_servers", "redis_server"]


def _manifest(cluster: Cluster, record_id: str) -> dict[str, object]:
    shown = cluster.cli("show", record_id, "--json")
    assert shown.returncode == 0, shown.stderr
    return shown.json()  # type: ignore[no-any-return]


def _event_kinds(manifest: dict[str, object]) -> list[str]:
    return [event["kind"] for event in manifest["events"]]  # type: ignore[attr-defined,index]


def _status(cluster: Cluster) -> dict[str, object]:
    result = cluster.cli("status", "--json")
    assert result.returncode == 0, result.stderr
    return result.json()  # type: ignore[no-any-return]


def _distinct_scans(sample_dir: Path, folder: Path, count: int) -> list[Path]:
    """Copies of a scanned letter, each with a dot elsewhere: different bytes, one OCR
    page each."""
    folder.mkdir()
    paths = []
    with Image.open(sample_dir / "scan_beschwerde.png") as scan:
        for n in range(count):
            copy = scan.convert("L")
            ImageDraw.Draw(copy).rectangle((10 + 12 * n, 10, 14 + 12 * n, 14), fill=0)
            path = folder / f"scan_{n:02d}.png"
            copy.save(path)
            paths.append(path)
    return paths


def test_sample_post_through_workers(cluster: Cluster, sample_dir: Path, tmp_path: Path) -> None:
    cluster.worker().start()
    corrupt = tmp_path / "kaputt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n" + os.urandom(2000))

    result = cluster.cli("ingest", sample_dir, corrupt, "--json")

    assert result.returncode == 1, result.stderr  # one input quarantined, the rest stored
    lines = {Path(line["path"]).name: line for line in result.json_lines()}
    assert lines.pop("kaputt.pdf")["status"] == "quarantined"
    assert {line["status"] for line in lines.values()} == {"stored"}
    assert lines["stapel_3_seiten.tif"]["pages"] == 3
    assert "Quarantäne" in cluster.cli("quarantine").stdout + result.stderr
    for line in lines.values():
        kinds = _event_kinds(_manifest(cluster, line["id"]))
        assert kinds.count("stored") == 1 and kinds.count("prepared") == 1, kinds
    tiff = _manifest(cluster, lines["stapel_3_seiten.tif"]["id"])
    assert all(page["source"] == "ocr" and page["text"] for page in tiff["pages"])  # type: ignore[attr-defined,index]

    hits = cluster.cli("search", "Straße", "--json").json()
    assert lines["stapel_3_seiten.tif"]["id"] in {hit["id"] for hit in hits["hits"]}
    status = _status(cluster)
    assert status["in_flight"] == 0 and status["waiting_for_index"] == 0
    assert status["quarantined"] == 1 and status["broker_error"] is None
    assert [sorted(queues) for queues in status["workers"].values()] == [["ingest", "ocr"]]  # type: ignore[attr-defined]

    again = cluster.cli("ingest", sample_dir / "rechnung.pdf", "--json")
    assert again.json_lines()[0]["status"] == "duplicate"


def test_kill_9_of_a_worker_mid_batch_loses_and_duplicates_nothing(
    cluster: Cluster,
    sample_dir: Path,
    tmp_path: Path,
    minio_server: RunningServer,
    elasticsearch_server: RunningServer,
) -> None:
    scans = _distinct_scans(sample_dir, tmp_path / "stapel", 8)
    first = cluster.worker().start()
    ingest = subprocess.Popen(
        [sys.executable, "-m", "eakte", "ingest", str(tmp_path / "stapel"), "--json"],
        env={**os.environ, **cluster.env, "EAKTE_DATA_DIR": str(cluster.cli.data_dir)},
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[dict[str, object]] = []
    reader = threading.Thread(
        target=lambda: lines.extend(json.loads(line) for line in ingest.stdout or []),
        daemon=True,
    )
    reader.start()
    wait_for(lambda: lines, first)

    first.kill()  # mid-batch: the other records are queued or half done
    assert len(lines) < len(scans) and ingest.poll() is None
    cluster.worker().start()
    ingest.wait(timeout=600)  # hang guard only
    reader.join()  # the reader owns stdout; read the rest of stderr only now
    stderr = ingest.stderr.read() if ingest.stderr else ""
    for pipe in (ingest.stdout, ingest.stderr):
        if pipe is not None:
            pipe.close()

    assert ingest.returncode == 0, stderr
    assert sorted(Path(str(line["path"])).name for line in lines) == [p.name for p in scans]
    assert {line["status"] for line in lines} == {"stored"}
    ids = {str(line["id"]) for line in lines}
    assert len(ids) == len(scans)
    for record_id in ids:
        manifest = _manifest(cluster, record_id)
        kinds = _event_kinds(manifest)
        assert kinds.count("stored") == 1 and kinds.count("prepared") == 1, kinds
        assert manifest["pages"][0]["source"] == "ocr"  # type: ignore[index]

    store = minio_client(minio_server)
    bucket = cluster.env["EAKTE_S3_ORIGINALS_BUCKET"]
    originals = list(store.list_objects(bucket, recursive=True, include_version=True))
    assert len(originals) == len(scans)  # one version each: nothing written twice
    wait_for(lambda: _status(cluster)["waiting_for_index"] == 0)
    index = Elasticsearch(elasticsearch_server.url)
    alias = cluster.env["EAKTE_ELASTICSEARCH_ALIAS"]
    index.indices.refresh(index=alias)
    assert index.count(index=alias)["count"] == len(scans)
    index.close()
    wait_for(lambda: _status(cluster)["in_flight"] == 0)  # the reconcile job tidies up


def test_elasticsearch_down_during_ingest_catches_up_by_itself(
    cluster: Cluster, sample_dir: Path, elasticsearch_server: RunningServer
) -> None:
    worker = cluster.worker().start()
    letters = [sample_dir / "brief_bauantrag.pdf", sample_dir / "rechnung.pdf"]
    with elasticsearch_server.stopped():
        result = cluster.cli("ingest", *letters, "--json")
        assert result.returncode == 0, result.stderr
        assert "noch nicht im Suchindex" in result.stderr
        assert _status(cluster)["waiting_for_index"] == 2
    ids = {line["id"] for line in result.json_lines()}

    def searchable() -> bool:
        found = [cluster.cli("search", record_id, "--json") for record_id in ids]
        return all(f.returncode == 0 and f.json()["total"] == 1 for f in found)

    wait_for(searchable, worker)  # nobody runs anything: the reconcile job catches up
    assert _status(cluster)["waiting_for_index"] == 0


class _Midway:
    """The real classifier, which ``finish`` calls after it has marked the record for
    the index and before it completes it; ``meanwhile`` runs there first."""

    def __init__(self, classifier: Classifier, meanwhile: Callable[[], None]) -> None:
        self.classifier = classifier
        self.meanwhile = meanwhile

    def predict(self, text: str) -> Prediction:
        self.meanwhile()
        return self.classifier.predict(text)


def _finish_with_reconcile_midway(ctx: Context, app: Any, record_id: str) -> steps.Next:
    """``finish`` on a thread of its own; the reconcile job runs here while that thread
    waits inside ``finish``: the record marked, its manifest still received."""
    classifying, reconciled = threading.Event(), threading.Event()

    def wait_for_reconcile() -> None:
        classifying.set()
        assert reconciled.wait(HANG_GUARD_SECONDS)

    assert ctx.classifier is not None
    midway = dataclasses.replace(ctx, classifier=_Midway(ctx.classifier, wait_for_reconcile))
    with ThreadPoolExecutor(1) as pool:
        finishing = pool.submit(steps.finish, midway, record_id)
        try:
            wait_for(lambda: classifying.is_set() or finishing.done())
            if not classifying.is_set():
                pytest.fail(f"finish ended without classifying: {finishing.result()}")
            manifest = records.load_manifest(ctx.store, record_id)
            assert manifest is not None and manifest.status == "received"
            assert state.is_waiting_for_index(ctx.store, record_id)
            reconciled_now = app.tasks[tasks.RECONCILE].apply().get()
            assert reconciled_now["indexed"] == 0  # Elasticsearch is down
        finally:
            reconciled.set()
        return finishing.result(HANG_GUARD_SECONDS)


def test_the_reconcile_job_during_finish_loses_no_record_while_elasticsearch_is_down(
    cluster: Cluster, sample_dir: Path, elasticsearch_server: RunningServer
) -> None:
    """Issue 13, item 7: the reconcile job met each record mid-finish and removed its
    marker; the record's own index task then met Elasticsearch down, and nothing was
    left to index it once Elasticsearch was back. With the default model, so that
    ``finish`` classifies as in production; the stages run in process, as a worker
    runs them, the tasks through Celery's eager ``apply`` (retries included)."""
    assert default_model_file(Settings()).is_file(), "scripts/setup.sh trains the default model"
    values = {key.removeprefix("EAKTE_").lower(): value for key, value in cluster.env.items()}
    settings = Settings(
        **{**values, "data_dir": cluster.cli.data_dir, "model_cache_dir": MODEL_CACHE}
    )
    ctx = build_context(settings)
    app = create_app(settings)
    app.eakte = SimpleNamespace(get=lambda: ctx)  # the worker's context, model loaded
    assert ctx.classifier is not None
    ctx.classifier.predict("Sehr geehrte Damen und Herren, anbei meine Rechnung.")
    assert ctx.index.count() == 0  # the alias exists before Elasticsearch goes down
    letters = ["brief_bauantrag.pdf", "rechnung.pdf", "brief_gemeinderat.pdf"]
    ids = []
    for name in letters:
        received = pipeline.store_original(sample_dir / name, ctx)
        steps.submit(ctx, received.manifest)
        assert steps.prepare(ctx, received.manifest.id).finish  # text layer: no OCR
        ids.append(received.manifest.id)

    with elasticsearch_server.stopped():
        for record_id in ids:
            after = _finish_with_reconcile_midway(ctx, app, record_id)
            assert after.index
            assert app.tasks[tasks.INDEX].apply(args=[[record_id]]).get() == 0  # gave up
        assert _status(cluster)["waiting_for_index"] == len(ids)

    assert app.tasks[tasks.RECONCILE].apply().get()["indexed"] == len(ids)
    for record_id in ids:
        found = cluster.cli("search", record_id, "--json")
        assert found.returncode == 0 and found.json()["total"] == 1, found.stderr
        manifest = records.load_manifest(ctx.store, record_id)
        assert manifest is not None and manifest.classification is not None
        assert "tuned-" in str(manifest.classification.model_version)  # the default model
    assert list(state.waiting_for_index(ctx.store)) == []
    assert _status(cluster)["waiting_for_index"] == 0
    ctx.index.close()


def test_flower_shows_the_workers(cluster: Cluster) -> None:
    worker = cluster.worker().start()
    port = free_port()
    flower = subprocess.Popen(
        [sys.executable, "-m", "eakte", "flower", "--port", str(port)],
        env={**os.environ, **cluster.env},
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def answers() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthcheck", timeout=2) as r:
                return bool(r.read() == b"OK")
        except OSError:
            return False

    try:
        wait_for(answers, worker)
    finally:
        flower.terminate()
        flower.wait(timeout=30)


def test_broker_down_fails_loudly_and_the_record_is_finished_later(
    cluster: Cluster, sample_dir: Path, redis_server: RunningServer
) -> None:
    letter = sample_dir / "brief_gemeinderat.pdf"
    with redis_server.stopped():
        result = cluster.cli("ingest", letter, "--json")
    assert result.returncode != 0
    assert "Warteschlange nicht erreichbar" in result.stderr
    assert "Traceback" not in result.stderr

    # The original was stored before the message failed; once a worker runs, the
    # reconcile job finds the stalled record and finishes it without anyone's help.
    worker = Worker(
        {**cluster.env, "EAKTE_STALLED_AFTER_SECONDS": "3"},
        cluster.logs / "stalled-worker.log",
        ("--concurrency", "1", "--beat"),
    )
    cluster.workers.append(worker)
    worker.start()
    record_id = hashlib.sha256(letter.read_bytes()).hexdigest()
    wait_for(lambda: cluster.cli("show", record_id, "--json").json()["status"] == "stored", worker)
    again = cluster.cli("ingest", letter, "--json")
    assert again.json_lines()[0]["status"] == "duplicate"


def test_a_scan_batch_and_an_email_split_into_linked_records_on_the_workers(
    cluster: Cluster, tmp_path: Path
) -> None:
    a, b = (letter.pages()[0] for letter in generate_letters(2, seed=31))
    batch = tmp_path / "stapel.pdf"
    make_image_pdf(
        batch,
        [
            capture.scanned_letter(a, seed=1),
            capture.separator_sheet(),
            capture.scanned_letter(b, seed=2),
        ],
    )
    cluster.worker().start()

    result = cluster.cli("ingest", batch, capture.write_mail(tmp_path), "--json")

    assert result.returncode == 0, result.stderr
    lines = {Path(line["path"]).name: line for line in result.json_lines()}
    letters = lines["stapel.pdf"]["parts"]
    assert [part["pages"] for part in letters] == [[1, 1], [3, 3]]
    for part in letters:
        letter: Any = _manifest(cluster, part["id"])
        assert letter["status"] == "stored"
        assert letter["fields"]["part_of"] == lines["stapel.pdf"]["id"]
        assert "pdfa.pdf" in letter["renditions"]
        assert cluster.cli("get", part["id"], "--pdfa", "-o", tmp_path / "a.pdf").returncode == 0
    attachments = lines["mail.eml"]["parts"]
    assert len(attachments) == 2
    assert all(_manifest(cluster, p["id"])["status"] == "stored" for p in attachments)
    status = _status(cluster)
    assert status["in_flight"] == 0 and status["waiting_for_index"] == 0


def test_an_upload_over_the_api_is_captured_by_the_workers(
    cluster: Cluster, sample_dir: Path, tmp_path: Path
) -> None:
    """Distributed mode: the API takes the upload at once and hands its stages to the
    workers (the API process reads no page itself); the Sendung reports their progress."""
    worker = cluster.worker().start()
    auth = {"Authorization": f"Bearer {add_user(cluster.cli, 'post', 'mailroom')}"}
    env = {**cluster.env, "EAKTE_DATA_DIR": str(cluster.cli.data_dir)}
    scan = sample_dir / "stapel_3_seiten.tif"
    with api_server(env, tmp_path / "api.log") as client:
        files = [("files", ("hochgeladen.tif", scan.read_bytes(), "image/tiff"))]
        accepted = client.post("/api/upload", files=files, headers=auth)
        assert accepted.status_code == 202, accepted.text
        url = accepted.json()["status_url"]
        while not (status := client.get(url, headers=auth).json())["finished_at"]:
            time.sleep(0.5)
    assert status["error"] is None, status
    line = status["files"][0]["line"]
    assert line["status"] == "stored" and line["pages"] == 3, line
    assert status["pages_read"] == 3
    read_there = re.findall(r"Task eakte\.ocr_page\[[^\]]+\] succeeded", worker.log.read_text())
    assert len(read_there) == 3  # the worker read the pages, not the API process
    manifest = _manifest(cluster, line["id"])
    assert manifest["channel"] == "upload" and manifest["received_by"] == "post"
