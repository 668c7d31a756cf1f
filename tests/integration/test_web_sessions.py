"""Browser sessions without a browser: the cookie's flags, CSRF on every form, logout,
throttled failed logins, the pages' CSP and German error pages, over a real `eakte
serve` (the browser itself: test_web_ui.py)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.integration.ui_fixtures import MARKUP, PASSWORD, UiServer, set_password, ui_server
from tests.integration.web_fixtures import add_user, api_server

pytestmark = pytest.mark.integration
__all__ = ["ui_server"]  # fixture
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _client(server: UiServer) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, timeout=60)


def _log_in(client: httpx.Client, user: str, password: str = PASSWORD) -> httpx.Response:
    form = client.get("/anmelden")
    token = _CSRF.search(form.text)
    assert token, form.text
    return client.post(
        "/anmelden", data={"benutzer": user, "passwort": password, "csrf": token.group(1)}
    )


def _csrf_of(client: httpx.Client, path: str) -> str:
    found = _CSRF.search(client.get(path).text)
    assert found
    return found.group(1)


def test_login_sets_a_strict_httponly_session_cookie_and_lands_on_the_roles_page(
    ui_server: UiServer,
) -> None:
    with _client(ui_server) as client:
        answer = _log_in(client, "archiv")
        assert answer.status_code == 303 and answer.headers["location"] == "/suche"
        cookie = next(
            value
            for name, value in answer.headers.multi_items()
            if name == "set-cookie" and value.startswith("eakte_sitzung=")
        )
        flags = {part.strip().lower() for part in cookie.split(";")[1:]}
        assert {"httponly", "samesite=strict", "path=/"} <= flags
        assert "secure" not in flags  # EAKTE_SESSION_COOKIE_SECURE=false in this test
        assert client.get("/").headers["location"] == "/suche"
        page = client.get("/suche")
        assert page.status_code == 200 and '<html lang="de">' in page.text
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp


def test_without_a_session_every_page_sends_to_the_login_form(ui_server: UiServer) -> None:
    letter = ui_server.ids["brief_widerspruch.pdf"]
    with _client(ui_server) as client:
        for path in ("/", "/suche?q=Widerspruch", f"/dokumente/{letter}", "/verwaltung"):
            answer = client.get(path)
            assert answer.status_code == 303, path
            assert answer.headers["location"].startswith("/anmelden?weiter=")
        forged = client.get("/suche", headers={"Cookie": "eakte_sitzung=eyJ1IjoiYWRtaW4ifQ.00"})
        assert forged.status_code == 303


def test_a_wrong_password_is_refused_in_german_and_audited(ui_server: UiServer) -> None:
    with _client(ui_server) as client:
        answer = _log_in(client, "bau", "falsch-falsch")
        assert answer.status_code == 401
        assert "Benutzername oder Passwort ist falsch." in answer.text
        assert "eakte_sitzung" not in answer.headers.get("set-cookie", "")
        unknown = _log_in(client, "niemand", PASSWORD)
        assert unknown.status_code == 401 and unknown.text.count("falsch") == answer.text.count(
            "falsch"
        )
    today = datetime.now(UTC).date().isoformat()
    exported = ui_server.cli("audit", "export", "--from", today, "--to", today)
    failures = [line for line in exported.json_lines() if line["action"] == "auth_failed"]
    assert any(line["target"] == "/anmelden" for line in failures)
    assert "falsch-falsch" not in exported.stdout  # a password never reaches the trail


def test_login_without_the_forms_token_is_refused(ui_server: UiServer) -> None:
    with _client(ui_server) as client:
        client.get("/anmelden")
        answer = client.post(
            "/anmelden", data={"benutzer": "bau", "passwort": PASSWORD, "csrf": "geraten"}
        )
        assert answer.status_code == 403
        assert "Formular ist abgelaufen" in answer.text
        assert "eakte_sitzung" not in answer.headers.get("set-cookie", "")


def test_every_state_changing_form_needs_the_sessions_csrf_token(ui_server: UiServer) -> None:
    letter = ui_server.ids["rechnung.pdf"]
    with _client(ui_server) as client:
        assert _log_in(client, "post").status_code == 303
        token = _csrf_of(client, "/posteingang")
        for path, data in (
            (f"/posteingang/dokumente/{letter}", {"department": "rechtsamt"}),
            ("/abmelden", {}),
        ):
            for csrf in ("", "x" * 64):
                refused = client.post(path, data={**data, "csrf": csrf})
                assert refused.status_code in (403, 422), (path, refused.text)
        upload = client.post(
            "/posteingang", data={"csrf": "x"}, files={"dateien": ("a.pdf", b"%PDF-1.4\n")}
        )
        assert upload.status_code == 403
        other_site = client.post(
            f"/posteingang/dokumente/{letter}",
            data={"department": "rechtsamt", "csrf": token},
            headers={"Origin": "https://boese.example"},
        )
        assert other_site.status_code == 403
    shown = ui_server.cli("show", letter, "--json").json()
    assert shown["assigned_department"] == "kaemmerei"  # nothing was changed


def test_logout_ends_the_session_even_for_a_copied_cookie(ui_server: UiServer) -> None:
    with _client(ui_server) as client:
        assert _log_in(client, "bau").status_code == 303
        copied = client.cookies["eakte_sitzung"]
        token = _csrf_of(client, "/suche")
        out = client.post("/abmelden", data={"csrf": token})
        assert out.status_code == 303 and out.headers["location"] == "/anmelden?abgemeldet=1"
        assert "Sie sind abgemeldet." in client.get("/anmelden?abgemeldet=1").text
    with _client(ui_server) as thief:
        answer = thief.get("/suche", headers={"Cookie": f"eakte_sitzung={copied}"})
        assert answer.status_code == 303
        assert "abgelaufen=1" in answer.headers["location"]


def logout_ends_the_session_in_every_process(
    first: httpx.Client, second: httpx.Client, user: str, set_new_password: Callable[[], None]
) -> None:
    """Two API processes of one installation: a session from the first is good in the
    second until it logs out in the first; a new password ends the next one in both."""
    assert _log_in(first, user).status_code == 303
    copied = first.cookies["eakte_sitzung"]
    stolen = {"Cookie": f"eakte_sitzung={copied}"}
    assert second.get("/suche", headers=stolen).status_code == 200
    out = first.post("/abmelden", data={"csrf": _csrf_of(first, "/suche")})
    assert out.status_code == 303
    refused = second.get("/suche", headers=stolen)
    assert refused.status_code == 303 and "abgelaufen=1" in refused.headers["location"]
    first.cookies.clear()
    assert _log_in(first, user).status_code == 303
    stolen = {"Cookie": f"eakte_sitzung={first.cookies['eakte_sitzung']}"}
    assert second.get("/suche", headers=stolen).status_code == 200
    set_new_password()
    for process in (first, second):
        assert process.get("/suche", headers=stolen).status_code == 303


def test_logout_and_a_new_password_end_the_session_in_every_process(
    ui_server: UiServer, tmp_path: Path
) -> None:
    with (
        _client(ui_server) as first,
        api_server(ui_server.env, tmp_path / "second.log") as second,
    ):
        logout_ends_the_session_in_every_process(
            first, second, "kasse", lambda: set_password(ui_server.cli, "kasse", PASSWORD)
        )


def test_errors_are_german_pages_without_internals(ui_server: UiServer) -> None:
    with _client(ui_server) as client:
        assert _log_in(client, "bau").status_code == 303
        missing = client.get("/gibt-es-nicht")
        assert missing.status_code == 404 and "Nicht gefunden" in missing.text
        assert missing.headers["content-type"].startswith("text/html")
        bad = client.get("/suche", params={"q": "x", "seite": "zwei"})
        assert bad.status_code == 422 and "ganze Zahl" in bad.text
        assert "Traceback" not in bad.text and "/tmp" not in bad.text
        forbidden_role = client.get("/verwaltung")
        assert forbidden_role.status_code == 403 and "Ihre Rolle erlaubt das nicht." in (
            forbidden_role.text
        )
        api = client.get("/api/search", params={"q": "x"})  # the API stays JSON
        assert api.status_code == 401 and api.json()["detail"].startswith("Anmeldung")


def test_an_upload_with_the_token_is_taken_in(ui_server: UiServer) -> None:
    with _client(ui_server) as client:
        assert _log_in(client, "post").status_code == 303
        token = _csrf_of(client, "/posteingang")
        invoice = ui_server.files["rechnung.pdf"]
        answer = client.post(
            "/posteingang",
            data={"csrf": token},
            files={"dateien": (invoice.name, invoice.read_bytes(), "application/pdf")},
            headers={"Origin": ui_server.base_url},
        )
        assert answer.status_code == 303, answer.text
        sendung = answer.headers["location"].split("sendung=")[1]
        batch = client.get(answer.headers["location"]).text.split("<main", 1)[1]
        assert "rechnung.pdf" in batch and "Diese Sendung: 1 Datei" in batch, batch
        # while the capture runs the page names its state and polls; without JavaScript
        # a link reloads it
        while "Wird erfasst" in batch:
            assert f'hx-get="/posteingang/sendungen/{sendung}"' in batch
            assert f'href="/posteingang?sendung={sendung}">Stand aktualisieren' in batch
            time.sleep(0.2)
            batch = client.get(f"/posteingang/sendungen/{sendung}").text
        assert "Erfasst: 1 von 1 Datei" in batch and "hx-trigger" not in batch, batch
        assert "schon vorhanden" in batch
        # without JavaScript a correction is a plain form post answered by a redirect
        record_id = ui_server.ids["rechnung.pdf"]
        corrected = client.post(
            f"/posteingang/dokumente/{record_id}",
            data={"csrf": token, "department": "kaemmerei", "sendung": sendung},
        )
        assert corrected.status_code == 303
        assert corrected.headers["location"].startswith(f"/posteingang?sendung={sendung}")


def test_markup_in_a_documents_text_reaches_the_page_as_text(ui_server: UiServer) -> None:
    record_id = ui_server.ids[MARKUP]
    with _client(ui_server) as client:
        assert _log_in(client, "bau").status_code == 303
        found = client.get("/suche", params={"q": "Zaunbau"})
        main = found.text.split("<main", 1)[1]
        assert record_id in main
        for raw in ("<script>alert", "<img src=x", "<mark><mark>"):
            assert raw not in main, raw
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in main
        assert "&lt;mark&gt;<mark>Zaunbau</mark>&lt;/mark&gt;" in main
        marks = re.findall(r"<mark>([^<]*)</mark>", main)
        assert marks == ["Zaunbau", "Zaunbau"]  # ours, around the hits only
        assert "Flurstück «12»" in main  # the document's own guillemets stay text


def test_page_previews_go_through_the_policy(ui_server: UiServer) -> None:
    letter = ui_server.ids["brief_widerspruch.pdf"]  # bauamt
    path = f"/dokumente/{letter}/seiten/1.png"
    seen = {}
    for user in ("bau", "archiv", "post", "kasse", "admin"):
        with _client(ui_server) as client:
            assert _log_in(client, user).status_code == 303
            answer = client.get(path)
            seen[user] = answer.status_code
            if answer.status_code == 200:
                assert answer.headers["content-type"] == "image/png"
                assert answer.content.startswith(b"\x89PNG")
            if user == "kasse":
                assert client.get(path.replace(letter, "f" * 64)).text == answer.text
            if user == "bau":
                assert client.get(f"/dokumente/{letter}/seiten/99.png").status_code == 404
    assert seen == {"bau": 200, "archiv": 200, "post": 200, "kasse": 404, "admin": 403}


def test_a_disabled_users_session_ends_at_once(ui_server: UiServer) -> None:
    add_user(ui_server.cli, "zeitweise", "archivist")
    set_password(ui_server.cli, "zeitweise", PASSWORD)
    with _client(ui_server) as client:
        assert _log_in(client, "zeitweise").status_code == 303
        assert client.get("/suche").status_code == 200
        assert ui_server.cli("users", "disable", "zeitweise").returncode == 0
        assert client.get("/suche").status_code == 303
        assert _log_in(client, "zeitweise").status_code == 401


def test_failed_logins_are_throttled_per_address_like_wrong_tokens(ui_server: UiServer) -> None:
    env = {**ui_server.env, "EAKTE_AUTH_FAILURES_PER_MINUTE": "3"}
    with api_server(env) as strict:
        server = replace(ui_server, base_url=str(strict.base_url))
        with _client(server) as client:
            for _ in range(3):
                assert _log_in(client, "bau", "falsch-falsch").status_code == 401
            blocked = _log_in(client, "bau")  # even the right password, for a minute
            assert blocked.status_code == 429 and blocked.headers["retry-after"] == "60"
            assert "Zu viele fehlgeschlagene Anmeldungen" in blocked.text
            assert "eakte_sitzung" not in blocked.headers.get("set-cookie", "")
            token = client.get("/api/search", headers={"Authorization": "Bearer x"})
            assert token.status_code == 429  # one counter for tokens and passwords


def test_a_scanned_dokument_shows_its_transfer_note(ui_server: UiServer, sample_dir: Path) -> None:
    post = {"Authorization": f"Bearer {ui_server.tokens['post']}"}
    scan = (sample_dir / "scan_beschwerde.png").read_bytes()
    taken = ui_server.client.post(
        "/api/upload",
        params={"warten": "true"},
        files=[("files", ("scan.png", scan, "image/png"))],
        headers=post,
    ).json()
    record_id = taken["files"][0]["line"]["id"]
    ui_server.client.patch(f"/api/records/{record_id}", json={"department": "bauamt"}, headers=post)
    letter = ui_server.ids["brief_bauantrag.pdf"]  # born digital: no Transfervermerk
    with _client(ui_server) as client:
        assert _log_in(client, "bau").status_code == 303
        page = client.get(f"/dokumente/{record_id}").text.split("<main", 1)[1]
        assert "Transfervermerk (BSI TR-03138 RESISCAN)" in page
        assert "Gescannt von" in page and ">post<" in page  # the uploader
        assert "Transfervermerk" not in client.get(f"/dokumente/{letter}").text
