"""Defects found from outside in the API, each fixed and kept fixed: temporary copies
left by odd Range headers, 500s with tracebacks for odd ids, internals in manifests,
cached answers, a CDN-loaded /docs, unthrottled token guessing, bidi tricks in download
names, missing security headers."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from eakte.context import Context
from eakte.errors import CorruptInput
from eakte.pipeline import quarantine, store_original
from eakte.records import load_manifest
from tests.integration.web_fixtures import (
    LETTER_NAME,
    RTL_NAME,
    Served,
    add_user,
    api_server,
    assert_no_copies_left,
    served,
)
from web.routes import public_manifest

pytestmark = pytest.mark.integration
__all__ = ["served"]  # fixture


@pytest.mark.parametrize(
    "header", ["bytes=abc", "bytes=5-1", "bytes=999999999-", "lines=1-2", "bytes=0-1,2-3,x"]
)
def test_any_range_header_gets_the_whole_original_and_leaves_no_copy(
    served: Served, header: str
) -> None:
    record_id = served.ids[LETTER_NAME]
    headers = {**served.auth(), "Range": header}
    response = served.client.get(f"/api/records/{record_id}/original", headers=headers)
    assert response.status_code == 200
    assert response.content == served.files[LETTER_NAME].read_bytes()
    assert "Accept-Ranges" not in response.headers
    assert_no_copies_left(served)


def test_an_aborted_download_leaves_no_copy(served: Served) -> None:
    record_id = served.ids[LETTER_NAME]
    with served.client.stream(
        "GET", f"/api/records/{record_id}/original", headers=served.auth()
    ) as response:
        assert response.status_code == 200
        assert not any(served.tmp_dir.iterdir())  # unlinked before the first byte
        next(response.iter_raw(1024))


def test_a_64_character_non_hex_id_is_404_without_a_traceback(served: Served) -> None:
    for record_id in ("z" * 64, "g" + "0" * 63, "%00" * 5 + "a" * 49):
        for suffix in ("", "/original", "/pruefprotokoll"):
            response = served.get(f"/api/records/{record_id}{suffix}")
            assert response.status_code == 404, (record_id, suffix)
            assert response.json() == {"detail": "Kein Dokument mit dieser Kennung."}
    log = served.log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log and " 500 " not in log


def test_served_manifests_carry_no_tracebacks_or_server_paths(ctx: Context, tmp_path: Path) -> None:
    source = tmp_path / "kaputt.pdf"
    source.write_bytes(b"%PDF-1.7\n kaputt")
    manifest = store_original(source, ctx).manifest
    try:
        open(tmp_path / "fehlt" / "datei.bin", "rb")  # noqa: SIM115  # a real OSError
    except OSError as cause:
        error = CorruptInput(f"Datei {tmp_path}/kaputt.pdf ist beschädigt")
        error.__cause__ = cause
    kept = quarantine(manifest, error, ctx)
    stored = load_manifest(ctx.store, kept.id)
    assert stored is not None
    assert "Traceback" in stored.model_dump_json() and str(tmp_path) in stored.model_dump_json()

    shown = public_manifest(stored).model_dump_json()
    assert "Traceback" not in shown and str(tmp_path) not in shown and "/tmp" not in shown
    assert "ist beschädigt" in shown


def test_json_answers_are_never_cached_and_carry_security_headers(served: Served) -> None:
    record_id = served.ids[LETTER_NAME]
    answers = [
        served.client.get("/health"),
        served.get("/api/search?q=Widerspruch"),
        served.get(f"/api/records/{record_id}"),
        served.get(f"/api/records/{record_id}/original"),
        served.get(f"/api/records/{'f' * 64}"),
        served.client.get("/api/search?q=x"),  # 401
        served.get("/api/review"),  # 403
    ]
    for response in answers:
        headers = response.headers
        assert headers["Cache-Control"] == "no-store", response.url
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "no-referrer"
        csp = headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in answers[1].headers["Content-Security-Policy"]
    assert answers[3].headers["Content-Security-Policy"].startswith("sandbox")


def test_no_swagger_ui_from_a_cdn(served: Served) -> None:
    for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        assert served.client.get(path).status_code == 404
    schema = served.client.get("/openapi.json")
    assert schema.status_code == 200 and "/api/search" in schema.json()["paths"]
    assert "cdn" not in schema.text.lower()


def test_download_names_lose_control_and_bidi_characters(served: Served) -> None:
    record_id = served.ids[RTL_NAME]
    response = served.get(f"/api/records/{record_id}/original")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert "\u202e" not in disposition and "%E2%80%AE" not in disposition.upper()
    assert disposition == ("attachment; filename=\"Anlagegpj.exe\"; filename*=UTF-8''Anlagegpj.exe")


def test_failed_authentication_is_throttled(served: Served) -> None:
    env = {**served.env, "EAKTE_AUTH_FAILURES_PER_MINUTE": "3"}
    token = add_user(served.cli, "gedrosselt", "archivist")
    good = {"Authorization": f"Bearer {token}"}
    with api_server(env) as client:
        assert client.get("/api/search?q=Widerspruch", headers=good).status_code == 200
        statuses = [
            client.get("/api/search?q=x", headers={"Authorization": f"Bearer falsch{n}"})
            for n in range(5)
        ]
        assert [r.status_code for r in statuses] == [401, 401, 401, 429, 429]
        assert statuses[-1].headers["Retry-After"] == "60"
        assert "Zu viele" in statuses[-1].json()["detail"]
        # the right token does not help from this address now
        assert client.get("/api/search?q=Widerspruch", headers=good).status_code == 429
        assert isinstance(client, httpx.Client)


def test_the_access_log_names_the_caller_but_no_query_string(served: Served) -> None:
    served.get("/api/search", params={"q": "Geheimwort", "token": "nicht-ins-log"})
    deadline = time.monotonic() + 5
    while "/api/search" not in served.log.read_text("utf-8") and time.monotonic() < deadline:
        time.sleep(0.05)
    log = served.log.read_text("utf-8")
    assert "127.0.0.1 bau GET /api/search 200" in log
    assert "Geheimwort" not in log and "nicht-ins-log" not in log
    assert served.tokens["bau"] not in log


def test_uploads_over_the_limits_are_refused_and_leave_nothing(served: Served) -> None:
    env = {**served.env, "EAKTE_MAX_FILE_BYTES": "1000"}
    with api_server(env) as client:
        big = [("files", ("gross.pdf", b"%PDF-1.7\n" + b"x" * 2000, "application/pdf"))]
        response = client.post("/api/upload", files=big, headers=served.auth("post"))
        assert response.status_code == 413 and "EAKTE_MAX_FILE_BYTES" in response.json()["detail"]
        many = [("files", (f"{n}.txt", b"x", "text/plain")) for n in range(51)]
        response = client.post("/api/upload", files=many, headers=served.auth("post"))
        assert response.status_code == 413 and "Höchstens 50" in response.json()["detail"]
    assert not any(served.tmp_dir.iterdir())
