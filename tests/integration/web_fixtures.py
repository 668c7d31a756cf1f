"""The API as operators run it, for the web tests: `eakte serve` as a real process
(uvicorn on a free port) over records ingested by the real CLI, users made by
`eakte users add`, Dokumente assigned to departments by the mailroom over HTTP.

A plain module rather than conftest: import the ``served`` fixture by name.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

from tests.conftest import REPO, Cli

LETTER_NAME = "Widerspruch Müllgebühren.pdf"
RTL_NAME = "Anlage\u202egpj.exe"  # shows as "Anlageexe.jpg" where bidi is honoured
START_SECONDS = 60
# user name → (role, departments): every role, and two clerks of different departments
USERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "post": ("mailroom", ()),
    "bau": ("clerk", ("bauamt",)),
    "kasse": ("clerk", ("kaemmerei",)),
    "archiv": ("archivist", ()),
    "admin": ("admin", ()),
}
# file name → (department, restricted) the mailroom assigns after ingest
ASSIGNED: dict[str, tuple[str, bool]] = {
    LETTER_NAME: ("bauamt", False),
    "rechnung.pdf": ("kaemmerei", False),
    "wird-beschaedigt.pdf": ("bauamt", False),
    "vertraulich.pdf": ("kaemmerei", True),
    RTL_NAME: ("bauamt", False),
}


@dataclass(frozen=True)
class Served:
    client: httpx.Client
    tokens: dict[str, str]  # user name → token
    ids: dict[str, str]  # file name → record id
    files: dict[str, Path]
    data_dir: Path
    tmp_dir: Path  # the server's TMPDIR: originals are checked in copies there
    log: Path  # what the server printed
    cli: Cli
    env: dict[str, str]

    def auth(self, user: str = "bau") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def get(self, path: str, user: str = "bau", **kwargs: Any) -> httpx.Response:
        return self.client.get(path, headers=self.auth(user), **kwargs)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def api_server(env: dict[str, str], log_path: Path | None = None) -> Iterator[httpx.Client]:
    """`eakte serve` on a free port until the block ends (SIGTERM, as Docker stops it)."""
    port = free_port()
    log_file = open(log_path, "w+b") if log_path else tempfile.TemporaryFile()  # noqa: SIM115
    with log_file as log:
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


def add_user(cli: Cli, name: str, role: str, *departments: str, **env: str) -> str:
    """A user made the way operators make one; returns the token it printed once."""
    args = [arg for department in departments for arg in ("--department", department)]
    done = cli("users", "add", name, "--role", role, *args, **env)
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip()
    assert len(token) >= 43 and token not in done.stderr
    return token


def assign(client: httpx.Client, token: str, record_id: str, body: dict[str, Any]) -> None:
    """The mailroom routes a Dokument (department, restricted) over the API."""
    response = client.patch(
        f"/api/records/{record_id}", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("web")
    post = tmp / "post"
    post.mkdir()
    sources = {
        LETTER_NAME: sample_dir / "brief_widerspruch.pdf",
        "rechnung.pdf": sample_dir / "rechnung.pdf",
        "wird-beschaedigt.pdf": sample_dir / "brief_gemeinderat.pdf",
        "vertraulich.pdf": sample_dir / "brief_bauantrag.pdf",
    }
    for name, source in sources.items():
        shutil.copyfile(source, post / name)
    # other bytes than rechnung.pdf (a comment after %%EOF), so not a duplicate
    (post / RTL_NAME).write_bytes((sample_dir / "rechnung.pdf").read_bytes() + b"\n% Kopie\n")
    cli = Cli(data_dir=tmp / "data", env={})
    ingested = cli("ingest", post, "--json")
    assert ingested.returncode == 0, ingested.stderr
    ids = {Path(line["path"]).name: line["id"] for line in ingested.json_lines()}
    tokens = {name: add_user(cli, name, role, *deps) for name, (role, deps) in USERS.items()}
    server_tmp = tmp / "server-tmp"
    server_tmp.mkdir()
    env = {
        "EAKTE_DATA_DIR": str(cli.data_dir),
        "EAKTE_MODEL_CACHE_DIR": str(tmp / "no-models"),
        "EAKTE_AUTH_FAILURES_PER_MINUTE": "1000",
        "TMPDIR": str(server_tmp),
    }
    log = tmp / "server.log"
    with api_server(env, log) as client:
        for name, (department, restricted) in ASSIGNED.items():
            assign(
                client,
                tokens["post"],
                ids[name],
                {"department": department, "restricted": restricted},
            )
        files = {name: post / name for name in ids}
        yield Served(client, tokens, ids, files, cli.data_dir, server_tmp, log, cli, env)


def assert_no_copies_left(served: Served) -> None:
    """The verified copy is gone once the answer is sent (allow a moment)."""
    deadline = time.monotonic() + 5
    while any(served.tmp_dir.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(served.tmp_dir.iterdir())
