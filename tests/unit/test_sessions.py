"""The browser session cookie: signed, idle-limited, revocable; the CSRF token is the
session's own; the signing key is made once per data dir and kept private."""

from __future__ import annotations

import stat
import time
from pathlib import Path

from web.ui.sessions import SessionCodec, session_secret


def test_a_cookie_reads_back_only_unchanged_and_with_the_same_key() -> None:
    codec = SessionCodec(b"k" * 32, idle_seconds=60)
    session = codec.issue("anna")
    cookie = codec.encode(session)
    assert codec.decode(cookie) == session
    body, signature = cookie.split(".")
    forged = SessionCodec(b"x" * 32, idle_seconds=60).encode(session)
    assert codec.decode(forged) is None
    tampered = body[:-2] + ("AA" if body[-2:] != "AA" else "BB")
    assert codec.decode(f"{tampered}.{signature}") is None
    for junk in (None, "", "a.b.c", "nodot", f"{body}.{'0' * 64}"):
        assert codec.decode(junk) is None


def test_a_session_ends_after_the_idle_time_and_on_logout() -> None:
    codec = SessionCodec(b"k" * 32, idle_seconds=0.2)
    idle = codec.encode(codec.issue("anna"))
    time.sleep(0.3)
    assert codec.decode(idle) is None
    fresh = codec.issue("anna")
    assert codec.decode(codec.encode(fresh)) == fresh
    codec.revoke(fresh)
    assert codec.decode(codec.encode(fresh)) is None


def test_renewal_keeps_the_session_and_moves_its_last_seen_time() -> None:
    codec = SessionCodec(b"k" * 32, idle_seconds=600)
    session = codec.issue("anna")
    assert codec.renewed(session) is None  # not yet worth a new cookie
    old = type(session)(session.user, session.sid, session.issued, session.seen - 120)
    renewed = codec.renewed(old)
    assert renewed is not None and renewed.sid == session.sid and renewed.seen > old.seen


def test_csrf_tokens_belong_to_one_session() -> None:
    codec = SessionCodec(b"k" * 32, idle_seconds=60)
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
