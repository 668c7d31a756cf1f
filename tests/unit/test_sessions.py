"""The browser session cookie: signed, idle-limited, revocable; the CSRF token is the
session's own; the signing key is made once per data dir and kept private."""

from __future__ import annotations

import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from accounts.db import open_database
from accounts.sessions import RevokedSessions
from web.ui.sessions import SessionCodec, session_secret


@pytest.fixture
def revoked(tmp_path: Path) -> Iterator[RevokedSessions]:
    database = open_database(f"sqlite:///{tmp_path / 'eakte.db'}")
    yield RevokedSessions(database)
    database.close()


def test_a_cookie_reads_back_only_unchanged_and_with_the_same_key(
    revoked: RevokedSessions,
) -> None:
    codec = SessionCodec(b"k" * 32, idle_seconds=60, revocations=revoked)
    session = codec.issue("anna")
    cookie = codec.encode(session)
    assert codec.decode(cookie) == session
    body, signature = cookie.split(".")
    forged = SessionCodec(b"x" * 32, idle_seconds=60, revocations=revoked).encode(session)
    assert codec.decode(forged) is None
    tampered = body[:-2] + ("AA" if body[-2:] != "AA" else "BB")
    assert codec.decode(f"{tampered}.{signature}") is None
    for junk in (None, "", "a.b.c", "nodot", f"{body}.{'0' * 64}"):
        assert codec.decode(junk) is None


def test_a_session_ends_after_the_idle_time_and_on_logout(revoked: RevokedSessions) -> None:
    codec = SessionCodec(b"k" * 32, idle_seconds=0.2, revocations=revoked)
    idle = codec.encode(codec.issue("anna"))
    time.sleep(0.3)
    assert codec.decode(idle) is None
    fresh = codec.issue("anna")
    assert codec.decode(codec.encode(fresh)) == fresh
    other = codec.issue("anna")
    codec.revoke(fresh)
    assert codec.decode(codec.encode(fresh)) is None
    assert codec.decode(codec.encode(other)) == other  # only the one logged out
    codec.revoke(fresh)  # a second logout of the same session (two tabs) is harmless


def test_a_logout_is_refused_by_every_process_and_forgotten_once_expired(
    tmp_path: Path,
) -> None:
    """Two codecs over one database file stand for two API processes."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    first_db, second_db = open_database(url), open_database(url)
    try:
        first = SessionCodec(b"k" * 32, idle_seconds=600, revocations=RevokedSessions(first_db))
        second = SessionCodec(b"k" * 32, idle_seconds=600, revocations=RevokedSessions(second_db))
        session = first.issue("anna")
        cookie = first.encode(session)
        assert second.decode(cookie) == session
        first.revoke(session)
        assert second.decode(cookie) is None
        with second_db.engine.begin() as connection:  # as if its time were long past
            connection.execute(text("UPDATE revoked_sessions SET expires_at = 0"))
        RevokedSessions(second_db).revoke("another-sid", idle_seconds=600)
        with second_db.engine.connect() as connection:
            left = connection.execute(text("SELECT sid FROM revoked_sessions")).scalars().all()
        assert left == ["another-sid"]  # the expired one was deleted on the next logout
    finally:
        first_db.close()
        second_db.close()


def test_renewal_keeps_the_session_and_moves_its_last_seen_time(
    revoked: RevokedSessions,
) -> None:
    codec = SessionCodec(b"k" * 32, idle_seconds=600, revocations=revoked)
    session = codec.issue("anna")
    assert codec.renewed(session) is None  # not yet worth a new cookie
    old = type(session)(session.user, session.sid, session.issued, session.seen - 120)
    renewed = codec.renewed(old)
    assert renewed is not None and renewed.sid == session.sid and renewed.seen > old.seen


def test_csrf_tokens_belong_to_one_session(revoked: RevokedSessions) -> None:
    codec = SessionCodec(b"k" * 32, idle_seconds=60, revocations=revoked)
    one, two = codec.issue("anna"), codec.issue("anna")
    assert codec.csrf_ok(one, codec.csrf_token(one))
    assert not codec.csrf_ok(one, codec.csrf_token(two))
    assert not codec.csrf_ok(one, "")


def test_the_key_is_made_once_private_and_shared(tmp_path: Path) -> None:
    first = session_secret("", tmp_path / "data")
    assert session_secret("", tmp_path / "data") == first and len(first) == 64
    mode = stat.S_IMODE((tmp_path / "data" / "session.key").stat().st_mode)
    assert mode == 0o600
    assert session_secret("gesetzt", tmp_path / "data") == b"gesetzt"
    assert session_secret("", tmp_path / "other") != first
