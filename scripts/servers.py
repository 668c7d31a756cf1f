"""Real Redis, MinIO and Elasticsearch for development and CI, started without Docker.

Integration tests must meet the real servers (their errors, restarts and recovery), yet CI
machines have no Docker. So each server is fetched once into a versioned cache
(`~/.cache/eakte`, or `EAKTE_CACHE_DIR`; ``scripts/server_fetch.py``), and this module
starts them on free loopback ports with their data under a state directory, and records
what it started in `STATE/servers.json`, so that another process (`stop`) or a test
(stop one server mid-run, start it again on the same port and data) can find them.

    python scripts/servers.py ensure [redis|minio|elasticsearch|all]
    python scripts/servers.py start redis|minio|elasticsearch|all --state DIR
    python scripts/servers.py stop [NAME|all] --state DIR [--remove-data]
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as `python scripts/servers.py`: find the `scripts` package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.server_fetch import (  # fetching and building: see there
    ES_USER,
    NAMES,
    ServerError,
    ensure,
    ensure_redis,
    es_home,
    minio_binary,
)

__all__ = [
    *("NAMES", "RealServers", "ServerError", "ServerInfo"),
    *("ensure", "free_port", "redis_command"),
]

HOST = "127.0.0.1"
ES_HEAP = "512m"
START_TIMEOUT = {"redis": 30.0, "minio": 60.0, "elasticsearch": 240.0}
# MinIO may spend up to a minute saving heal state on SIGTERM (shutdownHealMRFWithTimeout),
# useless for one drive (a stop took 60 s once here). A kill is safe: writes are atomic.
STOP_TIMEOUT = {"redis": 30.0, "minio": 10.0, "elasticsearch": 60.0}
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def free_port() -> int:
    """A free port below the kernel's ephemeral range: a stopped server's port must not be
    taken by some client's outgoing connection before the server starts again."""
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    for _ in range(100):
        port = secrets.randbelow(max(low - 10000, 1)) + 10000 if low > 11000 else 0
        with socket.socket() as sock:
            try:
                sock.bind((HOST, port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise ServerError("no free port")


def redis_command(port: int, *args: str, host: str = HOST, timeout: float = 5.0) -> str | None:
    """One RESP request; enough for health checks and smoke tests without a client library."""
    request = f"*{len(args)}\r\n" + "".join(f"${len(a.encode())}\r\n{a}\r\n" for a in args)
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(request.encode())
        with sock.makefile("rb") as reply:
            line = reply.readline().decode().rstrip("\r\n")
            kind, rest = line[:1], line[1:]
            if kind == "-":
                raise ServerError(f"redis: {rest}")
            if kind == "$":
                size = int(rest)
                return None if size < 0 else reply.read(size + 2)[:-2].decode()
            return rest


# --- running -------------------------------------------------------------------------


@dataclass
class ServerInfo:
    """What a client needs (url, port, credentials) and what stop needs (pid, started)."""

    name: str
    port: int
    data_dir: str
    log: str
    url: str
    host: str = HOST
    pid: int | None = None
    started: int = 0  # the pid's start time in clock ticks: guards against pid reuse
    credentials: dict[str, str] = field(default_factory=dict)
    extra_ports: dict[str, int] = field(default_factory=dict)


class RealServers:
    """The servers of one state directory; a context manager that stops them on exit."""

    def __init__(
        self,
        state_dir: Path | str,
        es_heap: str = ES_HEAP,
        for_tests: bool = False,
    ) -> None:
        """for_tests: the servers die with this process, even by SIGKILL (a killed test run
        leaves no orphans; the CLI's servers must outlive it), and Elasticsearch's JVM
        compiles with C1 only, starting ~25 % faster but running slower (not for benchmarks)."""
        self.state_dir = Path(state_dir).resolve()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.es_heap = es_heap
        self.for_tests = for_tests
        self._procs: dict[str, subprocess.Popen[bytes]] = {}
        state = self.state_dir / "servers.json"
        loaded = json.loads(state.read_text()) if state.exists() else {}
        self.servers = {name: ServerInfo(**info) for name, info in loaded.items()}

    def __enter__(self) -> RealServers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_all()

    def is_running(self, name: str) -> bool:
        info = self.servers.get(name)
        return info is not None and info.pid is not None and self._alive(name, info.pid)

    def start(self, name: str) -> ServerInfo:
        """Starts NAME (same port and data as before, if it ran here) and waits until healthy."""
        if self.is_running(name):
            return self.servers[name]
        info = self.servers.get(name) or self._new_info(name)
        argv, env, user = getattr(self, f"_command_{name}")(info)
        with open(info.log, "ab") as log:
            proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env=env, cwd=info.data_dir, start_new_session=True,
                user=user, group=user, extra_groups=[] if user else None,
                preexec_fn=_set_parent_death_signal if self.for_tests else None,
            )  # fmt: skip
        self._procs[name] = proc
        info.pid, info.started = proc.pid, _start_ticks(proc.pid)
        self.servers[name] = info
        self._save()
        try:
            self._wait_healthy(name, info)
        except BaseException:
            self.stop(name)
            raise
        return info

    def stop(self, name: str, timeout: float | None = None) -> None:
        """SIGTERM to the server's process group (clean shutdown), SIGKILL after timeout."""
        timeout = STOP_TIMEOUT[name] if timeout is None else timeout
        info = self.servers.get(name)
        if info is None or info.pid is None:
            return
        pid = info.pid
        if self._alive(name, pid):
            self._signal(pid, signal.SIGTERM)
            self._signal(pid, signal.SIGCONT)  # a frozen server must wake to shut down
            deadline = time.monotonic() + timeout
            while self._alive(name, pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if self._alive(name, pid):
                with open(info.log, "a") as log:  # say so where someone will look
                    print(f"servers.py: no exit {timeout:.0f} s after SIGTERM, SIGKILL", file=log)
                self._signal(pid, signal.SIGKILL)
                while self._alive(name, pid):
                    time.sleep(0.05)
        self._procs.pop(name, None)
        info.pid = None
        self._save()

    def restart(self, name: str) -> ServerInfo:
        self.stop(name)
        return self.start(name)

    def freeze(self, name: str) -> None:
        """SIGSTOP: the port stays open but nothing answers, like a hung server."""
        self._signal(self.servers[name].pid, signal.SIGSTOP)

    def thaw(self, name: str) -> None:
        self._signal(self.servers[name].pid, signal.SIGCONT)

    def stop_all(self) -> None:
        for name in reversed(NAMES):
            self.stop(name)

    def remove_data(self) -> None:
        """Deletes Elasticsearch's dir in /tmp, if it had to live outside the state dir."""
        link = self.state_dir / "elasticsearch"
        if link.is_symlink():
            shutil.rmtree(link.resolve(), ignore_errors=True)
            link.unlink()

    # -- internals --

    def _alive(self, name: str, pid: int) -> bool:
        proc = self._procs.get(name)
        if proc is not None and proc.pid == pid:
            proc.poll()  # reap the group leader, or it lingers as a zombie
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        if proc is None:  # started by another process: make sure the pid is still ours
            ticks = _start_ticks(pid)  # 0: the leader is gone, its group still shutting down
            return ticks in (0, self.servers[name].started)
        return True

    @staticmethod
    def _signal(pgid: int | None, sig: signal.Signals) -> None:
        if pgid is None:
            raise ServerError("not running")
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, sig)

    def _save(self) -> None:
        state = self.state_dir / "servers.json"
        tmp = state.with_suffix(".tmp")
        tmp.write_text(json.dumps({n: asdict(i) for n, i in self.servers.items()}, indent=2))
        os.replace(tmp, state)

    def _new_info(self, name: str) -> ServerInfo:
        data = self.state_dir / name
        if name == "elasticsearch" and os.geteuid() == 0 and not _reachable(self.state_dir):
            # ES_USER cannot enter root's 0700 dirs (pytest's tmp): use a dir in /tmp
            data = Path(tempfile.mkdtemp(prefix="eakte-es-"))
            data.chmod(0o755)
            (self.state_dir / name).symlink_to(data)
        data.mkdir(parents=True, exist_ok=True)
        port = free_port()
        info = ServerInfo(name, port, str(data), str(self.state_dir / f"{name}.log"), "")
        info.url = f"redis://{HOST}:{port}/0" if name == "redis" else f"http://{HOST}:{port}"
        if name == "minio":
            info.credentials = {"access_key": "eakte-" + secrets.token_hex(4),
                                "secret_key": secrets.token_urlsafe(24)}  # fmt: skip
            info.extra_ports["console"] = free_port()
        elif name == "elasticsearch":
            info.extra_ports["transport"] = free_port()
            self._prepare_es(data)
        return info

    @staticmethod
    def _prepare_es(root: Path) -> None:
        """A private config dir (ES writes its keystore there) and data/logs/tmp dirs."""
        home = es_home()
        if os.geteuid() == 0 and not _reachable(home):  # root's ~/.cache: hard-link a copy
            shutil.copytree(home, root / "dist", copy_function=_link_or_copy,
                            ignore=shutil.ignore_patterns("config"))  # fmt: skip
        shutil.copytree(home / "config", root / "config")
        options = (root / "config" / "jvm.options").read_text().splitlines()
        keep = [o for o in options if "-Xlog:gc" not in o and "HeapDump" not in o]
        (root / "config" / "jvm.options").write_text("\n".join(keep) + "\n")
        for sub in ("data", "logs", "tmp"):
            (root / sub).mkdir(exist_ok=True)
        if os.geteuid() == 0:
            for path in [root, *root.iterdir(), *(root / "config").rglob("*")]:
                if path.name != "dist":
                    shutil.chown(path, ES_USER, ES_USER)

    def _command_redis(self, info: ServerInfo) -> tuple[list[str], dict[str, str], str | None]:
        argv = [str(ensure_redis()), "--port", str(info.port), "--bind", HOST,
                "--dir", info.data_dir, "--appendonly", "yes", "--save", ""]  # fmt: skip
        return argv, dict(os.environ), None

    def _command_minio(self, info: ServerInfo) -> tuple[list[str], dict[str, str], str | None]:
        argv = [str(minio_binary()), "server", str(Path(info.data_dir) / "data"),
                "--address", f"{HOST}:{info.port}",
                "--console-address", f"{HOST}:{info.extra_ports['console']}"]  # fmt: skip
        env = {**os.environ, "MINIO_ROOT_USER": info.credentials["access_key"],
               "MINIO_ROOT_PASSWORD": info.credentials["secret_key"],
               "MINIO_BROWSER": "off"}  # fmt: skip
        return argv, env, None

    def _command_elasticsearch(
        self, info: ServerInfo
    ) -> tuple[list[str], dict[str, str], str | None]:
        root = Path(info.data_dir)
        home = root / "dist" if (root / "dist").exists() else es_home()
        settings = {
            "cluster.name": "eakte-dev", "node.name": "eakte-dev",
            "path.data": str(root / "data"), "path.logs": str(root / "logs"),
            "network.host": HOST, "http.port": info.port,
            "transport.port": info.extra_ports["transport"],
            "discovery.type": "single-node", "xpack.security.enabled": False,
            "cluster.routing.allocation.disk.threshold_enabled": False,
        }  # fmt: skip
        (root / "config" / "elasticsearch.yml").write_text(
            "".join(f"{k}: {json.dumps(v)}\n" for k, v in settings.items())
        )
        java_home = os.environ.get("ES_JAVA_HOME") or os.environ.get("JAVA_HOME")
        if not java_home and (java := shutil.which("java")):
            java_home = str(Path(os.path.realpath(java)).parent.parent)
        if not java_home:
            raise ServerError("java missing: apt-get install openjdk-17-jre-headless")
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(root),
               "ES_JAVA_HOME": java_home, "ES_PATH_CONF": str(root / "config"),
               "ES_TMPDIR": str(root / "tmp"),
               "ES_JAVA_OPTS": f"-Xms{self.es_heap} -Xmx{self.es_heap}"}  # fmt: skip
        if self.for_tests:
            env["ES_JAVA_OPTS"] += " -XX:TieredStopAtLevel=1"
        user = ES_USER if os.geteuid() == 0 else None
        return [str(home / "bin" / "elasticsearch")], env, user

    def _wait_healthy(self, name: str, info: ServerInfo) -> None:
        deadline = time.monotonic() + START_TIMEOUT[name]
        last = "no answer"
        while time.monotonic() < deadline:
            if info.pid is None or not self._alive(name, info.pid):
                tail = Path(info.log).read_text(errors="replace").splitlines()[-20:]
                raise ServerError("\n".join([f"{name} exited while starting ({info.log}):", *tail]))
            try:
                if self._healthy(name, info):
                    return
            except (OSError, ServerError, ValueError) as exc:
                last = str(exc)
            time.sleep(0.2)
        raise ServerError(f"{name} not healthy after {START_TIMEOUT[name]:.0f} s: {last}")

    @staticmethod
    def _healthy(name: str, info: ServerInfo) -> bool:
        if name == "redis":
            return redis_command(info.port, "PING", timeout=2) == "PONG"
        if name == "minio":
            url = f"{info.url}/minio/health/live"
        else:
            url = f"{info.url}/_cluster/health?wait_for_status=yellow&timeout=2s"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            exc.close()  # it holds the connection open
            return False
        return name == "minio" or json.loads(body)["status"] in ("yellow", "green")


def _set_parent_death_signal() -> None:
    """In the child, after the uid switch (which would reset it), before exec."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _start_ticks(pid: int) -> int:
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    return int(stat_line.rsplit(")", 1)[1].split()[19])


def _reachable(path: Path) -> bool:
    """Can any user enter PATH (every directory on the way has o+x)?"""
    return all(p.stat().st_mode & stat.S_IXOTH for p in [path, *path.parents])


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["ensure", "start", "stop", "status"])
    parser.add_argument("name", nargs="?", default="all", choices=[*NAMES, "all"])
    parser.add_argument("--state", type=Path, help="state dir (servers.json, data, logs)")
    parser.add_argument("--remove-data", action="store_true", help="stop: also delete data")
    args = parser.parse_args(argv)
    names = NAMES if args.name == "all" else (args.name,)
    try:
        if args.command == "ensure":
            ensure(names)
            return 0
        if args.state is None:
            parser.error(f"{args.command} needs --state DIR")
        servers = RealServers(args.state)
        if args.command == "start":
            ensure(names)
            for name in names:
                began = time.monotonic()
                info = servers.start(name)
                print(f"{name}: {info.url} ({time.monotonic() - began:.1f} s)", file=sys.stderr)
        elif args.command == "stop":
            for name in reversed(names):
                servers.stop(name)
            if args.remove_data and args.name == "all":
                servers.remove_data()
                shutil.rmtree(servers.state_dir)
                return 0
        else:
            for name in list(servers.servers):
                if not servers.is_running(name):
                    servers.servers[name].pid = None
        print(json.dumps({n: asdict(i) for n, i in servers.servers.items()}, indent=2))
    except (ServerError, subprocess.CalledProcessError) as exc:
        print(f"servers: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
