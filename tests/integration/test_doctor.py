"""`eakte doctor` as a process: the default model the set-up installed (its version is
the one classification then uses), its absence, and the distributed mode against real
MinIO, Elasticsearch and Redis, each stopped once to see its probe fail."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from classify.e5_weights import encoder_id
from eakte.settings import Settings
from tests.conftest import REPO, Cli
from tests.integration.server_fixtures import (
    RunningServer,
    distributed_env,
    elasticsearch_server,
    minio_server,
    real_servers,
    redis_server,
)

pytestmark = pytest.mark.integration
__all__ = ["elasticsearch_server", "minio_server", "real_servers", "redis_server"]  # fixtures

MODEL_CACHE = Settings().model_cache_dir  # the real cache the set-up filled
COMPONENT = {"minio": "Speicher", "elasticsearch": "Suchindex", "redis": "Warteschlange"}


def installed_head() -> dict[str, Any]:
    head_file = MODEL_CACHE / "default-classifier.json"
    assert head_file.is_file(), f"set-up has not trained the default model into {MODEL_CACHE}"
    head: dict[str, Any] = json.loads(head_file.read_bytes())
    return head


def test_doctor_names_the_installed_model_and_its_version(cli: Cli, tmp_path: Path) -> None:
    head = installed_head()
    result = cli("doctor", EAKTE_MODEL_CACHE_DIR=str(MODEL_CACHE))
    assert result.returncode == 0, result.stderr
    assert (
        f"OK  Klassifikator: Standardmodell {head['version']}, {len(head['types'])} Dokumenttypen"
    ) in result.stderr
    stamp = (MODEL_CACHE / "default-classifier.stamp").read_text()
    assert f"OK  Standardmodell: Stand {stamp}, passt zu Code und Einstellungen" in result.stderr
    assert (
        f"OK  Sprachmodell: {encoder_id()}, {head['layers']} Schichten, "
        f"feinabgestimmt ({head['tuned']})"
    ) in result.stderr
    assert "noch nicht enthalten" not in result.stderr

    letter = tmp_path / "brief.txt"
    letter.write_text("Widerspruch gegen den Gebührenbescheid vom 3. März", encoding="utf-8")
    classified = cli("classify", letter, "--json", EAKTE_MODEL_CACHE_DIR=str(MODEL_CACHE))
    assert classified.returncode == 0, classified.stderr
    assert classified.json()["model_version"].startswith(head["version"])  # what doctor said


def test_doctor_says_when_no_model_is_installed(cli: Cli) -> None:
    result = cli("doctor")  # the fixture's model cache is an empty folder
    assert result.returncode == 0, result.stderr  # records are stored, just untyped
    assert "HINWEIS  Klassifikator: kein Modell" in result.stderr
    assert "Abhilfe: `eakte train` oder die Einrichtung ausführen" in result.stderr
    assert "Sprachmodell" not in result.stderr


def test_doctor_reads_the_model_without_loading_torch(tmp_path: Path) -> None:
    installed_head()
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from eakte.doctor import run_probes\n"
        "from eakte.settings import Settings\n"
        f"settings = Settings(data_dir=Path({str(tmp_path)!r}), "
        f"model_cache_dir=Path({str(MODEL_CACHE)!r}))\n"
        "probes = {p.component: p for p in run_probes(settings)}\n"
        "print(probes['Klassifikator'].ok, 'torch' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False"]


@pytest.fixture
def distributed(
    cli: Cli,
    minio_server: RunningServer,
    elasticsearch_server: RunningServer,
    redis_server: RunningServer,
) -> Cli:
    env = distributed_env(minio_server, elasticsearch_server)
    return Cli(cli.data_dir, {**env, "EAKTE_BROKER_URL": redis_server.url})


def answers(result: Any) -> dict[str, dict[str, Any]]:
    assert "Traceback" not in result.stderr, result.stderr
    return {probe["component"]: probe for probe in result.json()}


def test_doctor_asks_each_server_in_distributed_mode(
    distributed: Cli,
    minio_server: RunningServer,
    elasticsearch_server: RunningServer,
    redis_server: RunningServer,
) -> None:
    result = distributed("doctor", "--json")
    assert result.returncode == 0, result.stdout
    probes = answers(result)
    store, index, queue = (probes[name] for name in COMPONENT.values())
    assert store["ok"] and store["detail"].startswith(f"MinIO {minio_server.endpoint}: ")
    originals = distributed.env["EAKTE_S3_ORIGINALS_BUCKET"]
    assert f"Originale in {originals} mit Objektsperre (GOVERNANCE, 3650 Tage" in store["detail"]
    assert index["ok"] and f"auf {elasticsearch_server.url}" in index["detail"]
    assert "Cluster grün" in index["detail"] or "Cluster gelb" in index["detail"]
    alias = distributed.env["EAKTE_ELASTICSEARCH_ALIAS"]
    assert f"Alias {alias} noch nicht angelegt" in index["detail"]  # doctor created nothing
    assert queue["ok"] and queue["detail"].startswith("Redis ")
    assert queue["detail"].endswith(f"auf {redis_server.url} antwortet")

    human = distributed("doctor")
    assert "Betriebsart: verteilt" in human.stderr
    assert f"OK  Speicher: MinIO {minio_server.endpoint}" in human.stderr


def test_doctor_counts_what_elasticsearch_holds(distributed: Cli, sample_dir: Path) -> None:
    # without the broker: this process runs the stages (no workers here)
    ingested = distributed("ingest", sample_dir / "rechnung.pdf", "--json", EAKTE_BROKER_URL="")
    assert ingested.returncode == 0, ingested.stderr
    index = answers(distributed("doctor", "--json"))["Suchindex"]
    alias = distributed.env["EAKTE_ELASTICSEARCH_ALIAS"]
    assert index["ok"] and f"Alias {alias} → {alias}-" in index["detail"]
    assert ", 1 Dokument, Analyse " in index["detail"]


@pytest.mark.parametrize("down", ["minio", "elasticsearch", "redis"])
def test_a_stopped_server_fails_its_probe_only(
    distributed: Cli, down: str, request: pytest.FixtureRequest
) -> None:
    server: RunningServer = request.getfixturevalue(f"{down}_server")
    with server.stopped():
        result = distributed("doctor", "--json")
    assert result.returncode == 2
    probes = answers(result)
    failing = {name for name, probe in probes.items() if probe["required"] and not probe["ok"]}
    assert failing == {COMPONENT[down]}
    assert "nicht erreichbar" in probes[COMPONENT[down]]["detail"] or (
        "antwortet nicht" in probes[COMPONENT[down]]["detail"]
    )
