"""Fetching and building the servers of ``scripts/servers.py`` once into a versioned
cache (``~/.cache/eakte``, or ``EAKTE_CACHE_DIR``): Redis from Debian, MinIO built from
source, Elasticsearch's integ-test-zip from Maven Central. Idempotent and safe to run in
parallel (each entry is published by one rename)."""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

MINIO_VERSION = "v0.0.0-20260212201848-7aac2a2c5b7c"  # newest the Go proxy serves
ES_VERSION = "8.19.21"  # newest 8.x of the integ-test-zip on Maven Central
NAMES = ("redis", "minio", "elasticsearch")
ES_USER = "eakte"  # Elasticsearch refuses to run as root


class ServerError(RuntimeError):
    """A server could not be fetched, started or stopped; the message says what to do."""


def cache_dir() -> Path:
    return Path(os.environ.get("EAKTE_CACHE_DIR", Path.home() / ".cache" / "eakte"))


def minio_binary() -> Path:
    return cache_dir() / "minio" / MINIO_VERSION / "minio"


def es_home() -> Path:
    return cache_dir() / "elasticsearch" / ES_VERSION / f"elasticsearch-{ES_VERSION}"


def ensure_redis() -> Path:
    found = shutil.which("redis-server")
    if not found:
        raise ServerError("redis-server missing: apt-get install redis-server")
    return Path(found)


def _publish(target: Path, make: Callable[[Path], Path]) -> None:
    """Builds into a fresh dir beside TARGET, then renames: a crash or a parallel run
    (pytest-xdist workers) never leaves a half-written cache entry."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=target.parent))
    try:
        os.replace(make(staging), target)
    except OSError:
        if not target.exists():  # else another process published it first
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def ensure_minio() -> Path:
    """Builds MinIO from source: the Go proxy serves its commits, not its release tags."""
    target = minio_binary()
    if target.exists():
        return target
    go = shutil.which("go") or shutil.which("go", path="/usr/local/go/bin")
    if not go:
        raise ServerError("go missing: MinIO is built from source (Go >= 1.24)")

    def build(staging: Path) -> Path:
        env = {**os.environ, "GOBIN": str(staging), "GOPATH": str(cache_dir() / "go")}
        env["GOFLAGS"] = "-mod=mod"
        cmd = [str(go), "install", f"github.com/minio/minio@{MINIO_VERSION}"]
        subprocess.run(cmd, env=env, check=True)
        return staging / "minio"

    began = time.monotonic()
    print(f"building MinIO {MINIO_VERSION} (first time only, minutes)", file=sys.stderr)
    _publish(target, build)
    print(f"built MinIO in {time.monotonic() - began:.0f} s", file=sys.stderr)
    return target


def maven_copy(artifact: str, target: Path, group_path: str) -> None:
    """`mvn dependency:copy` of one artifact from Maven Central into ``target``; the
    copy Maven keeps in its local repository (``group_path`` below it) is removed, so
    the cache holds one copy only."""
    if not shutil.which("mvn"):
        raise ServerError("mvn missing: apt-get install maven")
    repo = cache_dir() / "maven"
    subprocess.run(
        ["mvn", "-B", "-q", "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy",
         f"-Dartifact={artifact}", f"-DoutputDirectory={target}",
         f"-Dmaven.repo.local={repo}"],
        check=True, cwd=target,
    )  # fmt: skip
    shutil.rmtree(repo / group_path, ignore_errors=True)


def ensure_elasticsearch() -> Path:
    """Fetches the integ-test-zip from Maven Central: no bundled JDK, only core modules."""
    home = es_home()
    archive = home.parent / f"{home.name}.zip"
    if not archive.exists():
        artifact = f"org.elasticsearch.distribution.integ-test-zip:elasticsearch:{ES_VERSION}:zip"

        def download(staging: Path) -> Path:
            maven_copy(artifact, staging, "org/elasticsearch")
            return staging / archive.name

        began = time.monotonic()
        _publish(archive, download)
        size = archive.stat().st_size / 1e6
        print(f"downloaded {size:.0f} MB in {time.monotonic() - began:.0f} s", file=sys.stderr)
    if not (home / "bin" / "elasticsearch").exists():
        _publish(home, lambda staging: _unzip(archive, staging) / home.name)
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(ES_USER)
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", "--shell",
                            "/usr/sbin/nologin", ES_USER], check=True)  # fmt: skip
    return home


def _unzip(archive: Path, into: Path) -> Path:
    with zipfile.ZipFile(archive) as zipped:
        for member in zipped.infolist():
            path = Path(zipped.extract(member, into))
            mode = member.external_attr >> 16  # zipfile drops the executable bits
            if mode and not member.is_dir():
                path.chmod(stat.S_IMODE(mode))
    return into


ENSURE = {"redis": ensure_redis, "minio": ensure_minio, "elasticsearch": ensure_elasticsearch}


def ensure(names: tuple[str, ...] = NAMES) -> None:
    """Fetches or builds what is missing; cached by version, so cheap once done."""
    for name in names:
        ENSURE[name]()
