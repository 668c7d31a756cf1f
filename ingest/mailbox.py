"""IMAP intake for ``eakte watch-mail``; the only module that imports imapclient.

Exactly once, without any state of our own: each message is fetched (``BODY.PEEK[]``, so
it stays unread), handed to ``deliver`` as a temporary ``<uid>.eml`` file, and moved to
the processed folder only after ``deliver`` said its original is stored. A crash in
between leaves the message where it was; the next poll delivers the same bytes again,
and the store recognises them as a duplicate (same SHA-256), so no second record arises.

Errors: an unreachable or vanishing server is ``Transient`` (the next poll tries again);
a refused login, a missing host setting or an untrusted TLS certificate is a
``ConfigurationError`` (retrying would not help). Errors raised by ``deliver`` pass
through untouched: they are the pipeline's, not the mailbox's.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from imapclient import DELETED, IMAPClient  # type: ignore[import-untyped]
from imapclient.exceptions import IMAPClientError, LoginError  # type: ignore[import-untyped]

from eakte.errors import ConfigurationError, Transient
from eakte.settings import Settings

Deliver = Callable[[Path], bool]
TIMEOUT_SECONDS = 60.0  # per connect and per server reply; a big attachment needs time


@dataclass(frozen=True)
class PollResult:
    delivered: int  # stored and moved to the processed folder
    kept: int  # ``deliver`` returned False: left in the folder for the next poll


def poll_mailbox(settings: Settings, deliver: Deliver, *, prefer_move: bool = True) -> PollResult:
    """Deliver every message of ``imap_folder`` in UID order, then move it away.

    ``prefer_move=False`` forces COPY + ``\\Deleted`` + EXPUNGE even where the server
    offers MOVE (RFC 6851), so the fallback for older servers is tested too."""
    delivered = kept = 0
    with _session(settings) as client, TemporaryDirectory(prefix="eakte-mail-") as tmp:
        with _imap_errors(settings):
            _ensure_folder(client, settings.imap_processed_folder)
            client.select_folder(settings.imap_folder)
            uids = sorted(int(uid) for uid in client.search("ALL"))
            use_move = prefer_move and bool(client.has_capability("MOVE"))
        for uid in uids:
            with _imap_errors(settings):
                data = _fetch(client, uid)
            if data is None:
                continue  # expunged by someone else since the search
            path = Path(tmp) / f"{uid}.eml"
            path.write_bytes(data)
            try:
                stored = deliver(path)
            finally:
                path.unlink(missing_ok=True)
            if not stored:
                kept += 1
                continue
            with _imap_errors(settings):
                _move(client, uid, settings.imap_processed_folder, use_move=use_move)
            delivered += 1
    return PollResult(delivered=delivered, kept=kept)


@contextmanager
def _session(settings: Settings) -> Iterator[Any]:
    """A logged-in client; logged out whatever happens (a dead connection is fine)."""
    if not settings.imap_host:
        raise ConfigurationError("EAKTE_IMAP_HOST ist nicht gesetzt: kein Postfach zum Abrufen")
    with _imap_errors(settings):
        client = IMAPClient(
            settings.imap_host,
            port=settings.imap_port,
            ssl=settings.imap_ssl,
            ssl_context=ssl.create_default_context() if settings.imap_ssl else None,
            timeout=TIMEOUT_SECONDS,
        )
    try:
        with _imap_errors(settings):
            try:
                client.login(settings.imap_user, settings.imap_password.get_secret_value())
            except LoginError as exc:
                raise ConfigurationError(
                    f"IMAP-Anmeldung als {settings.imap_user!r} an {_where(settings)} "
                    "abgelehnt: EAKTE_IMAP_USER und EAKTE_IMAP_PASSWORD prüfen"
                ) from exc
        yield client
    finally:
        with suppress(IMAPClientError, OSError):
            client.logout()


@contextmanager
def _imap_errors(settings: Settings) -> Iterator[None]:
    """Server and network failures as ours; only around IMAP calls, never around ``deliver``."""
    try:
        yield
    except ssl.SSLCertVerificationError as exc:
        raise ConfigurationError(
            f"TLS-Zertifikat von {_where(settings)} nicht vertrauenswürdig: {exc.verify_message}"
        ) from exc
    except (IMAPClientError, OSError) as exc:
        detail = str(exc) or type(exc).__name__
        raise Transient(f"IMAP-Server {_where(settings)} nicht erreichbar: {detail}") from exc


def _where(settings: Settings) -> str:
    return f"{settings.imap_host}:{settings.imap_port}"


def _ensure_folder(client: Any, folder: str) -> None:
    if client.folder_exists(folder):
        return
    try:
        client.create_folder(folder)
    except IMAPClientError:
        if not client.folder_exists(folder):  # else another poller created it just now
            raise


def _fetch(client: Any, uid: int) -> bytes | None:
    response = client.fetch([uid], ["BODY.PEEK[]"]).get(uid, {})
    data = response.get(b"BODY[]")
    return bytes(data) if isinstance(data, bytes | bytearray) else None


def _move(client: Any, uid: int, folder: str, *, use_move: bool) -> None:
    """MOVE where offered; else COPY, flag and expunge just this UID (UIDPLUS), or the
    folder's deleted messages (a plain EXPUNGE is all an old server knows)."""
    if use_move:
        client.move([uid], folder)
        return
    client.copy([uid], folder)
    client.add_flags([uid], [DELETED], silent=True)
    if client.has_capability("UIDPLUS"):
        client.uid_expunge([uid])
    else:
        client.expunge()
