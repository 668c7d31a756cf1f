"""A real PostgreSQL for the tests: Debian's binaries, a cluster made by ``initdb`` in a
temporary directory, the server on a loopback port, gone with the session.

Debian's ``postgresql`` package provides the binaries (/usr/lib/postgresql/<v>/bin); as
root the server runs as the package's ``postgres`` user (it refuses to run as root).
Each test gets a database of its own (``postgres_url``).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from scripts.servers import HOST, _set_parent_death_signal, free_port

START_SECONDS = 60
SERVICE_USER = "postgres"


@dataclass(frozen=True)
class Postgres:
    port: int
    superuser: str

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.superuser}@{HOST}:{self.port}/{database}"

    def connect(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host=HOST, port=self.port, user=self.superuser, dbname="postgres", autocommit=True
        )


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Postgres]:
    bindir = postgres_bin()
    if bindir is None:
        pytest.skip("PostgreSQL fehlt: apt-get install postgresql")
    root = Path(tempfile.mkdtemp(prefix="eakte-pg-"))  # /tmp: reachable for the service user
    user = SERVICE_USER if os.geteuid() == 0 else None
    if user:
        root.chmod(0o755)
        shutil.chown(root, user, user)
    data, port = root / "data", free_port()
    as_user = {"user": user, "group": user, "extra_groups": []} if user else {}
    subprocess.run(
        [str(bindir / "initdb"), "-D", str(data), "-U", "eakte", "--auth=trust",
         "-E", "UTF8", "--locale=C"],
        check=True, capture_output=True, cwd=root, **as_user,
    )  # fmt: skip
    log = open(root / "postgres.log", "ab")  # noqa: SIM115  # closed below
    process = subprocess.Popen(
        [str(bindir / "postgres"), "-D", str(data), "-h", HOST, "-p", str(port),
         "-k", str(root), "-F", "-c", "fsync=off", "-c", "full_page_writes=off"],
        stdout=log, stderr=subprocess.STDOUT, cwd=root, start_new_session=True,
        preexec_fn=_set_parent_death_signal, **as_user,
    )  # fmt: skip
    server = Postgres(port, "eakte")
    try:
        _wait_ready(server, process, root)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        shutil.rmtree(root, ignore_errors=True)


def _wait_ready(server: Postgres, process: subprocess.Popen[bytes], root: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = (root / "postgres.log").read_text(errors="replace")
            pytest.fail(f"postgres exited with {process.returncode}:\n{output}")
        try:
            with server.connect():
                return
        except psycopg.OperationalError:
            time.sleep(0.1)
    pytest.fail(f"postgres did not accept connections within {START_SECONDS} s")


@pytest.fixture
def postgres_url(postgres_server: Postgres) -> str:
    """A fresh, empty database for one test."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with postgres_server.connect() as connection:
        connection.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    return postgres_server.url(name)
