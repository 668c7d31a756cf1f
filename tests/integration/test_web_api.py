"""The web API as operators run it: `eakte serve` as a real process (uvicorn on a free
port) over records ingested by the real CLI, spoken to over HTTP.

Embedded mode (filesystem store, tantivy) for the contract; one test runs the same API
on MinIO and Elasticsearch, where the caller's groups reach the index's visibility filter.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import quote

import httpx
import pytest

from eakte.settings import Settings
from search.elasticsearch_index import ElasticsearchIndex
from search.tantivy_index import TantivyIndex
from tests.conftest import REPO, Cli
from tests.integration.server_fixtures import (
    RunningServer,
    distributed_env,
    elasticsearch_server,
    minio_server,
    real_servers,
)
from web.app import create_app
from web.visibility import filters_by_group

pytestmark = pytest.mark.integration
__all__ = ["elasticsearch_server", "minio_server", "real_servers"]  # pytest fixtures

LETTER_NAME = "Widerspruch Müllgebühren.pdf"
START_SECONDS = 60


@dataclass(frozen=True)
class Served:
    client: httpx.Client
    key: str
    ids: dict[str, str]  # file name → record id
    files: dict[str, Path]
    data_dir: Path
    tmp_dir: Path  # the server's TMPDIR: originals are checked in copies there

    def auth(self, key: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key or self.key}"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def api_server(env: dict[str, str]) -> Iterator[httpx.Client]:
    """`eakte serve` on a free port until the block ends (SIGTERM, as Docker stops it)."""
    port = _free_port()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "eakte", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env={**os.environ, **env},
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
                _wait_until_listening(process, client, log)
                yield client
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_listening(
    process: subprocess.Popen[bytes], client: httpx.Client, log: IO[bytes]
) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            output = log.read().decode(errors="replace")
            pytest.fail(f"eakte serve exited with {process.returncode}:\n{output}")
        try:
            client.get("/health")
            return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail(f"eakte serve did not listen within {START_SECONDS} s")


def make_key(tmp: Path, name: str, *groups: str) -> tuple[str, Path]:
    """A key made the way operators make one, and a keys file holding its entry."""
    done = subprocess.run(
        [sys.executable, "-m", "web.keygen", name, *groups],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    key = done.stderr.splitlines()[0].rsplit(" ", 1)[1]
    entry = json.loads(done.stdout)
    assert entry["groups"] == list(groups) and key not in done.stdout
    keys_file = tmp / f"keys-{name}.json"
    keys_file.write_text(json.dumps([entry]), encoding="utf-8")
    return key, keys_file


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("web")
    post = tmp / "post"
    post.mkdir()
    files = {
        LETTER_NAME: sample_dir / "brief_widerspruch.pdf",
        "rechnung.pdf": sample_dir / "rechnung.pdf",
        "wird-beschaedigt.pdf": sample_dir / "brief_gemeinderat.pdf",
    }
    for name, source in files.items():
        shutil.copyfile(source, post / name)
    cli = Cli(data_dir=tmp / "data", env={})
    ingested = cli("ingest", post, "--json")
    assert ingested.returncode == 0, ingested.stderr
    ids = {Path(line["path"]).name: line["id"] for line in ingested.json_lines()}
    key, keys_file = make_key(tmp, "sachbearbeitung", "bauamt")
    server_tmp = tmp / "server-tmp"
    server_tmp.mkdir()
    env = {
        "EAKTE_DATA_DIR": str(cli.data_dir),
        "EAKTE_API_KEYS_FILE": str(keys_file),
        "TMPDIR": str(server_tmp),
    }
    with api_server(env) as client:
        yield Served(client, key, ids, {n: post / n for n in files}, cli.data_dir, server_tmp)


def assert_no_copies_left(served: Served) -> None:
    """The verified copy is removed once sent (after the response: allow a moment)."""
    deadline = time.monotonic() + 5
    while any(served.tmp_dir.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(served.tmp_dir.iterdir())


def test_health_reports_store_and_index(served: Served) -> None:
    response = served.client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"speicher": "ok", "index": "ok"}}


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, "Anmeldung erforderlich"),
        ({"Authorization": "Bearer falsch"}, "API-Schlüssel ungültig"),
        ({"Authorization": "Basic c2FjaGJlYXJiZWl0dW5nOng="}, "Anmeldung erforderlich"),
    ],
)
def test_api_refuses_callers_without_a_valid_key(
    served: Served, headers: dict[str, str], detail: str
) -> None:
    record_id = served.ids[LETTER_NAME]
    for path in ("/api/search?q=Widerspruch", f"/api/records/{record_id}/original"):
        response = served.client.get(path, headers=headers)
        assert response.status_code == 401, path
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert detail in response.json()["detail"]
    # the key is checked before anything else, bad parameters included
    assert served.client.get("/api/search?limit=x", headers=headers).status_code == 401


def test_a_stolen_key_hash_is_no_key(served: Served) -> None:
    key_hash = hashlib.sha256(served.key.encode()).hexdigest()
    response = served.client.get("/api/search?q=x", headers=served.auth(key_hash))
    assert response.status_code == 401


def test_without_configured_keys_the_api_refuses_everything(served: Served) -> None:
    with api_server({"EAKTE_DATA_DIR": str(served.data_dir)}) as client:
        assert client.get("/health").status_code == 200
        for headers in ({}, served.auth()):
            response = client.get("/api/search?q=Widerspruch", headers=headers)
            assert response.status_code == 503
            assert "Keine API-Schlüssel eingerichtet" in response.json()["detail"]


def test_a_malformed_keys_file_stops_the_start(cli: Cli, tmp_path: Path) -> None:
    keys_file = tmp_path / "keys.json"
    keys_file.write_text('[{"name": "x", "key_sha256": "geheim"}]', encoding="utf-8")
    result = cli("serve", "--port", str(_free_port()), EAKTE_API_KEYS_FILE=str(keys_file))
    assert result.returncode == 2
    assert "keine gültige Schlüsselliste" in result.stderr


def test_search_finds_an_ingested_sample(served: Served) -> None:
    response = served.client.get(
        "/api/search", params={"q": "Widerspruch", "limit": 5}, headers=served.auth()
    )
    assert response.status_code == 200
    body = response.json()
    hit = next(h for h in body["hits"] if h["id"] == served.ids[LETTER_NAME])
    assert (
        body["total"] >= 1
        and hit["snippet"]
        and set(hit)
        == {
            "id",
            "score",
            "doc_type",
            "snippet",
        }
    )

    unsigned = served.client.get(
        "/api/search", params={"signatur": "UNSIGNED", "limit": 100}, headers=served.auth()
    ).json()
    assert {h["id"] for h in unsigned["hits"]} == set(served.ids.values())


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("", "Suchbegriff (q) oder signatur angeben."),
        ("q=x&limit=0", "Ungültige Anfrage: limit muss mindestens 1 sein"),
        ("q=x&limit=viele", "Ungültige Anfrage: limit muss eine ganze Zahl sein"),
        ("q=x&signatur=GUT", "Ungültige Anfrage: signatur muss einer dieser Werte sein"),
    ],
)
def test_bad_search_parameters_are_explained_in_german(
    served: Served, query: str, detail: str
) -> None:
    response = served.client.get(f"/api/search?{query}", headers=served.auth())
    assert response.status_code == 422
    assert response.json()["detail"].startswith(detail)


def test_show_returns_the_manifest_for_an_id_prefix(served: Served) -> None:
    record_id = served.ids[LETTER_NAME]
    response = served.client.get(f"/api/records/{record_id[:10]}", headers=served.auth())
    assert response.status_code == 200
    manifest = response.json()
    assert manifest["id"] == manifest["sha256"] == record_id
    assert manifest["original_filename"] == LETTER_NAME
    assert manifest["media_type"] == "application/pdf"
    assert manifest["pages"] and "Widerspruch" in " ".join(p["text"] for p in manifest["pages"])
    assert manifest["signature"]["verdict"] == "UNSIGNED"


def test_original_is_the_exact_bytes_with_their_sha256(served: Served) -> None:
    record_id = served.ids[LETTER_NAME]
    response = served.client.get(f"/api/records/{record_id}/original", headers=served.auth())
    assert response.status_code == 200
    expected = served.files[LETTER_NAME].read_bytes()
    assert response.content == expected
    digest = hashlib.sha256(expected).digest()
    assert response.headers["X-Eakte-SHA256"] == digest.hex() == record_id
    assert response.headers["Repr-Digest"] == f"sha-256=:{base64.b64encode(digest).decode()}:"
    assert response.headers["Content-Type"] == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Widerspruch M_llgeb_hren.pdf"')
    assert f"filename*=UTF-8''{quote(LETTER_NAME, safe='')}" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert_no_copies_left(served)


def test_a_damaged_original_is_never_served(served: Served) -> None:
    record_id = served.ids["wird-beschaedigt.pdf"]
    stored = served.data_dir / "store" / "originals" / record_id[:2] / record_id
    os.chmod(stored, stat.S_IWUSR | stat.S_IRUSR)
    data = bytearray(stored.read_bytes())
    data[len(data) // 2] ^= 0x01  # one flipped bit, as a failing disk would leave it
    stored.write_bytes(bytes(data))

    response = served.client.get(f"/api/records/{record_id}/original", headers=served.auth())
    assert response.status_code == 500
    assert "beschädigt" in response.json()["detail"]
    assert_no_copies_left(served)


@pytest.mark.parametrize("suffix", ["", "/original", "/pruefprotokoll"])
@pytest.mark.parametrize("record_id", ["f" * 64, "ffffffffff", "abc", "..%2F..%2Fetc"])
def test_unknown_ids_are_404(served: Served, record_id: str, suffix: str) -> None:
    response = served.client.get(f"/api/records/{record_id}{suffix}", headers=served.auth())
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert "Kennung" in detail or (record_id.startswith("..") and detail == "Nicht gefunden.")


def test_pruefprotokoll_as_json_and_pdf(served: Served) -> None:
    record_id = served.ids["rechnung.pdf"]
    url = f"/api/records/{record_id[:8]}/pruefprotokoll"
    as_json = served.client.get(url, params={"format": "json"}, headers=served.auth())
    assert as_json.status_code == 200 and as_json.headers["Content-Type"] == "application/json"
    assert as_json.json()["schema_version"] == 1
    as_pdf = served.client.get(url, headers=served.auth())
    assert as_pdf.status_code == 200 and as_pdf.headers["Content-Type"] == "application/pdf"
    assert as_pdf.content.startswith(b"%PDF-")
    assert f"pruefprotokoll-{record_id[:12]}.pdf" in as_pdf.headers["Content-Disposition"]


def test_framework_errors_are_german_too(served: Served) -> None:
    assert served.client.get("/gibt-es-nicht").json() == {"detail": "Nicht gefunden."}
    response = served.client.post("/health")
    assert response.status_code == 405
    assert response.json() == {"detail": "Diese Methode ist hier nicht erlaubt."}


def test_the_group_filter_is_found_where_the_engine_has_one(tmp_path: Path) -> None:
    assert not filters_by_group(TantivyIndex(tmp_path / "index"))
    index = ElasticsearchIndex("http://127.0.0.1:9")  # builds a client, connects on use
    try:
        assert filters_by_group(index)
    finally:
        index.close()
    app = create_app(Settings(data_dir=tmp_path / "data"))
    assert app.state.search_by_group is False


def test_the_api_on_minio_and_elasticsearch(
    cli: Cli,
    sample_dir: Path,
    tmp_path: Path,
    minio_server: RunningServer,
    elasticsearch_server: RunningServer,
) -> None:
    env = distributed_env(minio_server, elasticsearch_server)
    distributed = Cli(cli.data_dir, env)
    ingested = distributed("ingest", sample_dir / "rechnung.pdf", "--json")
    assert ingested.returncode == 0, ingested.stderr
    record_id = ingested.json_lines()[0]["id"]
    key, keys_file = make_key(tmp_path, "kasse", "kaemmerei")
    auth = {"Authorization": f"Bearer {key}"}

    with api_server({**env, "EAKTE_API_KEYS_FILE": str(keys_file)}) as client:
        assert client.get("/health").status_code == 200
        # the caller's groups go to Elasticsearch; public records stay visible to them
        found = client.get("/api/search", params={"q": record_id}, headers=auth).json()
        assert [h["id"] for h in found["hits"]] == [record_id]
        original = client.get(f"/api/records/{record_id}/original", headers=auth)
        assert original.content == (sample_dir / "rechnung.pdf").read_bytes()

        with minio_server.stopped():
            health = client.get("/health")
            assert health.status_code == 503
            assert health.json()["checks"] == {"speicher": "nicht erreichbar", "index": "ok"}
            down = client.get(f"/api/records/{record_id}", headers=auth)
            assert down.status_code == 503 and down.headers["Retry-After"]
            assert "später" in down.json()["detail"] or "erreichbar" in down.json()["detail"]
