"""A real Dovecot IMAP server on a free loopback port, configured in a temp dir.

Plaintext login on loopback, users in a passwd-file, one Maildir per user under a temp
dir of its own. Dovecot runs as root (as CI does) with its helpers as the ``dovecot`` and
``dovenull`` users Debian's package creates. Dovecot never gives mail access to uid 0,
so mailboxes belong to ``nobody``; that is why the temp dir is not pytest's (its parent
is private to root) but one that others may traverse.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
START_BOUND_SECONDS = 60.0  # a bound for a condition, not a time limit: 2 busy cores

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = dovecot
default_login_user = dovenull
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ImapServer:
    root: Path
    port: int
    process: subprocess.Popen[bytes]
    host: str = "127.0.0.1"

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""


def dovecot_available() -> str | None:
    """None when a test can start Dovecot here, else why not."""
    if not Path(DOVECOT).exists():
        return "dovecot fehlt: apt-get install -y dovecot-imapd"
    if os.geteuid() != 0:
        return "der Test-Dovecot läuft als root (wie in CI)"
    return None


@contextmanager
def running_dovecot(users: Mapping[str, str]) -> Iterator[ImapServer]:
    """Start ``dovecot -F`` for these users (name → password) and wait until it accepts
    connections; stop it afterwards. One server per test: nothing leaks between tests."""
    with TemporaryDirectory(prefix="eakte-dovecot-") as tmp:
        root = Path(tmp)
        root.chmod(0o711)  # nobody and dovecot reach their files, list nothing
        for sub in ("run", "state", "mail", "home"):
            (root / sub).mkdir()
        for sub in ("mail", "home"):
            shutil.chown(root / sub, user="nobody", group="nogroup")
        passwd = root / "passwd"
        passwd.touch(mode=0o640)
        passwd.write_text("".join(f"{name}:{{PLAIN}}{pw}::::::\n" for name, pw in users.items()))
        shutil.chown(passwd, group="dovecot")  # the auth process runs as dovecot
        yield from _serve(root)


def _serve(root: Path) -> Iterator[ImapServer]:
    port = free_port()
    config = root / "dovecot.conf"
    config.write_text(CONFIG.format(root=root, port=port))
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    server = ImapServer(root=root, port=port, process=process)
    try:
        _wait_until_listening(server)
        yield server
    finally:
        process.terminate()
        process.communicate()


def _wait_until_listening(server: ImapServer) -> None:
    deadline = time.monotonic() + START_BOUND_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            output = server.process.stdout.read().decode() if server.process.stdout else ""
            raise RuntimeError(f"dovecot exited: {output} {server.log()}")
        try:
            with socket.create_connection((server.host, server.port), timeout=2) as conn:
                if conn.recv(64).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"dovecot did not listen on {server.port}: {server.log()}")
