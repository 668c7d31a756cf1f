"""The same CLI and pipeline wired to the real engines: originals in MinIO under
retention, search from Elasticsearch, and loud failure (input kept) when MinIO is gone.
Celery workers come later; here the local process pool drives the stages."""

from __future__ import annotations

from pathlib import Path

import pytest
from minio.error import S3Error

from tests.conftest import Cli
from tests.integration.server_fixtures import (
    RunningServer,
    distributed_env,
    elasticsearch_server,
    minio_client,
    minio_server,
    real_servers,
)

pytestmark = pytest.mark.integration
__all__ = ["elasticsearch_server", "minio_server", "real_servers"]  # pytest fixtures


@pytest.fixture
def distributed(cli: Cli, minio_server: RunningServer, elasticsearch_server: RunningServer) -> Cli:
    return Cli(cli.data_dir, distributed_env(minio_server, elasticsearch_server))


def test_sample_post_lands_in_minio_and_is_found_in_elasticsearch(
    distributed: Cli, sample_dir: Path, minio_server: RunningServer, tmp_path: Path
) -> None:
    result = distributed("ingest", sample_dir, "--json")
    assert result.returncode == 0, result.stderr
    lines = {Path(line["path"]).name: line for line in result.json_lines()}
    assert all(line["status"] == "stored" for line in lines.values())
    assert not (distributed.data_dir / "store").exists()  # nothing went to the filesystem

    hits = distributed("search", "Straße", "--json").json()
    assert lines["stapel_3_seiten.tif"]["id"] in {hit["id"] for hit in hits["hits"]}
    out = tmp_path / "rechnung.pdf"
    assert distributed("get", lines["rechnung.pdf"]["id"], "-o", out).returncode == 0
    assert out.read_bytes() == (sample_dir / "rechnung.pdf").read_bytes()

    client = minio_client(minio_server)
    bucket = distributed.env["EAKTE_S3_ORIGINALS_BUCKET"]
    keys = [o.object_name for o in client.list_objects(bucket, recursive=True)]
    key = next(k for k in keys if k and k.endswith(lines["rechnung.pdf"]["id"]))
    version = next(iter(client.list_objects(bucket, prefix=key, include_version=True)))
    with pytest.raises(S3Error):  # object lock: the original cannot be deleted
        client.remove_object(bucket, key, version_id=version.version_id)

    rebuilt = distributed("reindex")
    assert rebuilt.returncode == 0, rebuilt.stderr
    again = distributed("search", "Straße", "--json").json()
    assert {h["id"] for h in again["hits"]} == {h["id"] for h in hits["hits"]}


def test_minio_unreachable_fails_loudly_and_keeps_the_input(
    distributed: Cli, sample_dir: Path, minio_server: RunningServer, tmp_path: Path
) -> None:
    letter = tmp_path / "brief.pdf"
    letter.write_bytes((sample_dir / "brief_bauantrag.pdf").read_bytes())
    with minio_server.stopped():
        result = distributed("ingest", letter, "--json")
    assert result.returncode != 0
    assert "nicht erreichbar" in result.stderr and "Traceback" not in result.stderr
    assert letter.read_bytes() == (sample_dir / "brief_bauantrag.pdf").read_bytes()
    retried = distributed("ingest", letter, "--json")
    assert retried.json_lines()[0]["status"] == "stored", retried.stderr
