"""Who may do what over the API: every endpoint × every role, what a clerk of another
department and an archivist (restricted Dokumente) can learn, live changes to users,
and the audit trail the requests leave. Embedded mode (tantivy); the same rules on
Elasticsearch in test_web_api.py::test_the_api_on_minio_and_elasticsearch."""

from __future__ import annotations

import io
import json
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from PIL import Image

from eakte.ports import FACETS
from eakte.record import local_day
from tests.integration.web_fixtures import LETTER_NAME, RTL_NAME, Served, add_user, served

pytestmark = pytest.mark.integration
__all__ = ["served"]  # fixture

ROLES = ("post", "bau", "kasse", "archiv", "admin")  # mailroom, 2 clerks, archivist, admin
# (method, path template, expected status per user in ROLES order); {bau} is a bauamt
# Dokument, {vertraulich} a restricted kaemmerei one
MATRIX = [
    ("GET", "/api/search?q=Widerspruch", (403, 200, 200, 200, 403)),
    ("GET", "/api/search/facets?q=Widerspruch", (403, 200, 200, 200, 403)),
    ("GET", "/api/records/{bau}", (403, 200, 404, 200, 403)),
    ("GET", "/api/records/{bau}/original", (403, 200, 404, 403, 403)),
    ("GET", "/api/records/{bau}/pruefprotokoll", (403, 200, 404, 403, 403)),
    ("GET", "/api/records/{vertraulich}", (403, 404, 200, 404, 403)),
    ("GET", "/api/records/{vertraulich}/original", (403, 404, 200, 403, 403)),
    ("GET", "/api/records/{bau}/pages/1.png", (200, 200, 404, 200, 403)),
    ("GET", "/api/records/{bau}/pages/99.png", (404, 404, 404, 404, 403)),
    ("GET", "/api/records/{vertraulich}/pages/1.png?groesse=klein", (200, 404, 200, 404, 403)),
    ("GET", "/api/review", (200, 403, 403, 403, 403)),
    ("PATCH", "/api/records/{bau}", (200, 403, 403, 403, 403)),
    ("PATCH", "/api/records/{vertraulich}", (200, 403, 403, 403, 403)),
    ("GET", "/api/admin/users", (403, 403, 403, 403, 200)),
    ("GET", "/api/admin/audit?from=2026-01-01&to=2099-12-31", (403, 403, 403, 403, 200)),
    ("GET", "/metrics", (403, 403, 403, 403, 200)),
]


@pytest.mark.parametrize(("method", "template", "expected"), MATRIX)
@pytest.mark.parametrize("user", ROLES)
def test_every_endpoint_for_every_role(
    served: Served, method: str, template: str, expected: tuple[int, ...], user: str
) -> None:
    path = template.format(bau=served.ids[LETTER_NAME], vertraulich=served.ids["vertraulich.pdf"])
    body = {} if method == "PATCH" else None
    response = served.client.request(method, path, headers=served.auth(user), json=body)
    assert response.status_code == expected[ROLES.index(user)], response.text
    if response.status_code == 403:
        assert response.json() == {"detail": "Ihre Rolle erlaubt das nicht."}
    if response.status_code == 200 and ".png" in path:
        assert response.headers["content-type"] == "image/png"
        assert response.content.startswith(b"\x89PNG")
    if response.status_code == 404:  # word for word what a missing id gets
        missing = served.get(path.replace(path.split("/")[3], "f" * 64), user)
        assert response.json() == missing.json() == {"detail": "Kein Dokument mit dieser Kennung."}


def test_a_clerk_learns_nothing_of_another_departments_dokument(served: Served) -> None:
    letter = served.ids[LETTER_NAME]
    own = served.get("/api/search", "bau", params={"q": "Widerspruch"}).json()
    assert letter in {hit["id"] for hit in own["hits"]}
    other = served.get("/api/search", "kasse", params={"q": "Widerspruch"}).json()
    assert other == {"total": 0, "hits": [], "more_than_total": False}
    assert served.get("/api/search", "kasse", params={"q": letter}).json()["total"] == 0
    facets = served.get("/api/search/facets", "kasse", params={"q": "Widerspruch"}).json()
    assert facets == {"facets": {name: {} for name in FACETS}}
    everything = served.get("/api/search/facets", "kasse", params={"signatur": "UNSIGNED"})
    assert set(everything.json()["facets"]["department"]) == {"kaemmerei"}
    listed = served.get("/api/search", "kasse", params={"signatur": "UNSIGNED", "limit": 100})
    assert letter not in json.dumps(listed.json())


def test_guessing_id_prefixes_finds_nothing_forbidden(served: Served) -> None:
    letter = served.ids[LETTER_NAME]
    missing = served.get(f"/api/records/{'f' * 64}", "kasse")
    for length in (6, 8, 12, 32, 63, 64):
        for suffix in ("", "/original", "/pruefprotokoll"):
            guess = served.get(f"/api/records/{letter[:length]}{suffix}", "kasse")
            assert (guess.status_code, guess.json()) == (404, missing.json())
    assert served.get(f"/api/records/{letter[:6]}", "bau").status_code == 200


def test_restricted_dokumente_are_hidden_from_archivists(served: Served) -> None:
    restricted = served.ids["vertraulich.pdf"]
    words = served.get(f"/api/records/{restricted}", "kasse").json()["pages"][0]["text"].split()
    word = next(w for w in words if len(w) > 6 and w.isalpha())
    own = served.get("/api/search", "kasse", params={"q": word}).json()
    assert restricted in {hit["id"] for hit in own["hits"]}
    archive = served.get("/api/search", "archiv", params={"q": word, "limit": 100}).json()
    assert restricted not in {hit["id"] for hit in archive["hits"]}
    every = served.get("/api/search", "archiv", params={"signatur": "UNSIGNED", "limit": 100})
    assert every.json()["total"] == len(served.ids) - 1
    facets = served.get("/api/search/facets", "archiv", params={"signatur": "UNSIGNED"}).json()
    assert sum(facets["facets"]["signature"].values()) == len(served.ids) - 1


def _received_day(served: Served, name: str) -> date:
    """The office's day the Dokument came in, as the CLI (which sees all) shows it."""
    shown = served.cli("show", served.ids[name], "--json")
    assert shown.returncode == 0, shown.stderr
    return local_day(datetime.fromisoformat(shown.json()["received_at"]))


def test_year_facet_and_receipt_range_count_only_what_the_caller_may_see(served: Served) -> None:
    """Clerks see their department's, the archivist all but the restricted one: in the
    hits, the date-filtered totals and the year facet alike."""
    days = {name: _received_day(served, name) for name in served.ids}
    whole = {
        "eingang_von": min(days.values()).isoformat(),
        "eingang_bis": max(days.values()).isoformat(),
    }
    visible = {
        "bau": {LETTER_NAME, "wird-beschaedigt.pdf", RTL_NAME},
        "kasse": {"rechnung.pdf", "vertraulich.pdf"},
        "archiv": set(served.ids) - {"vertraulich.pdf"},
    }
    for user, names in visible.items():
        found = served.get("/api/search", user, params={**whole, "limit": 100}).json()
        assert found["total"] == len(names), user
        assert {hit["id"] for hit in found["hits"]} == {served.ids[name] for name in names}
        counted = served.get("/api/search/facets", user, params=whole).json()["facets"]
        assert sum(counted["received_year"].values()) == len(names)
        for year in {day.year for day in days.values()}:
            expected = sum(1 for name in names if days[name].year == year)
            facets = served.get("/api/search/facets", user, params={"jahr": year}).json()
            assert facets["facets"]["received_year"] == ({str(year): expected} if expected else {})
            assert (
                served.get("/api/search", user, params={"jahr": year}).json()["total"] == expected
            )


def test_a_receipt_range_includes_both_of_its_days(served: Served) -> None:
    letter = served.ids[LETTER_NAME]
    day = _received_day(served, LETTER_NAME)
    before, after = day - timedelta(days=1), day + timedelta(days=1)

    def found(user: str, start: date | None, end: date | None) -> set[str]:
        params = {"q": "Widerspruch", "eingang_von": start, "eingang_bis": end}
        response = served.get("/api/search", user, params={k: v for k, v in params.items() if v})
        assert response.status_code == 200, response.text
        return {hit["id"] for hit in response.json()["hits"]}

    assert letter in found("bau", day, day)
    assert letter in found("bau", before, day) and letter in found("bau", day, after)
    assert letter not in found("bau", None, before)
    assert letter not in found("bau", after, None)
    assert found("kasse", day, day) == set()  # another department's, even on its day
    facets = served.get(
        "/api/search/facets", "kasse", params={"q": "Widerspruch", "jahr": day.year}
    )
    assert facets.json()["facets"]["received_year"] == {}


def test_the_mailroom_reassigns_and_search_follows_at_once(served: Served) -> None:
    record_id = served.ids["rechnung.pdf"]
    assert served.get(f"/api/records/{record_id}", "kasse").status_code == 200

    def move(department: str) -> None:
        response = served.client.patch(
            f"/api/records/{record_id}",
            json={"department": department},
            headers=served.auth("post"),
        )
        assert response.status_code == 200 and response.json()["assigned_department"] == department

    move("bauamt")
    try:
        assert served.get(f"/api/records/{record_id}", "kasse").status_code == 404
        assert served.get("/api/search", "bau", params={"q": record_id}).json()["total"] == 1
    finally:
        move("kaemmerei")
    bad = served.client.patch(
        f"/api/records/{record_id}", json={"owner": "x"}, headers=served.auth("post")
    )
    assert bad.status_code == 422


def test_a_disabled_user_or_replaced_token_stops_at_once(served: Served) -> None:
    token = add_user(served.cli, "zeitweise", "clerk", "bauamt")
    headers = {"Authorization": f"Bearer {token}"}
    assert served.client.get("/api/search?q=Widerspruch", headers=headers).status_code == 200
    assert served.cli("users", "disable", "zeitweise").returncode == 0
    assert served.client.get("/api/search?q=Widerspruch", headers=headers).status_code == 401
    reset = served.cli("users", "reset", "zeitweise")
    assert reset.returncode == 0
    fresh = {"Authorization": f"Bearer {reset.stdout.strip()}"}
    assert served.client.get("/api/search?q=Widerspruch", headers=fresh).status_code == 200
    assert served.client.get("/api/search?q=Widerspruch", headers=headers).status_code == 401
    duplicate = served.cli("users", "add", "zeitweise", "--role", "clerk")
    assert duplicate.returncode == 1 and "Benutzer zeitweise gibt es schon" in duplicate.stderr
    unknown = served.cli("users", "reset", "niemand")
    assert unknown.returncode == 1 and "gibt es nicht" in unknown.stderr
    bad_role = served.cli("users", "add", "x", "--role", "chef")
    assert bad_role.returncode == 2
    listed = served.cli("users", "list").stdout
    assert "zeitweise\tclerk\tbauamt\taktiv" in listed
    users = served.get("/api/admin/users", "admin").json()
    assert {
        "name": "zeitweise",
        "role": "clerk",
        "departments": ["bauamt"],
        "disabled": False,
    } in users
    assert token not in json.dumps(users) and "sha256" not in json.dumps(users)


def test_requests_leave_an_audit_trail(served: Served) -> None:
    letter = served.ids[LETTER_NAME]
    served.get(f"/api/records/{letter}", "bau")
    served.get(f"/api/records/{letter}/original", "bau")
    served.get("/api/search", "archiv", params={"q": "Gebühren"})
    served.client.get("/api/search?q=x", headers={"Authorization": "Bearer falsch"})
    served.get(f"/api/records/{letter[:8]}", "kasse")  # another department's: refused
    served.get("/api/admin/users", "archiv")  # another role's route
    today = datetime.now(UTC).date().isoformat()
    exported = served.cli("audit", "export", "--from", today, "--to", today)
    assert exported.returncode == 0, exported.stderr
    entries = [json.loads(line) for line in exported.stdout.splitlines()]
    seen = {(e["action"], e["actor"], e["role"], e["target"]) for e in entries}
    assert ("view", "bau", "clerk", letter) in seen
    assert ("download", "bau", "clerk", letter) in seen
    assert ("correct", "post", "mailroom", letter) in seen
    search = [e for e in entries if e["action"] == "search" and e["actor"] == "archiv"][-1]
    assert search["details"]["q"] == "Gebühren" and search["client"] == "127.0.0.1"
    failed = [e for e in entries if e["action"] == "auth_failed"]
    assert failed and failed[-1]["actor"] == "-" and failed[-1]["client"] == "127.0.0.1"
    assert ("not_found", "kasse", "clerk", f"/api/records/{letter[:8]}") in seen
    assert ("denied", "archiv", "archivist", "/api/admin/users") in seen
    assert all(e["at"].startswith(today) for e in entries)
    over_api = served.get(f"/api/admin/audit?from={today}&to={today}", "admin").json()
    assert len(over_api) >= len(entries)
    verified = served.cli("audit", "verify")
    assert verified.returncode == 0 and "unversehrt" in verified.stderr
    assert served.cli("audit", "export", "--from", "gestern", "--to", today).returncode == 2


def test_the_mailroom_uploads_and_no_one_else(served: Served, sample_dir: Path) -> None:
    data = (sample_dir / "rechnung.pdf").read_bytes() + b"\n% hochgeladen\n"
    files = [("files", ("Rechnung\u202efdp.exe", data, "application/octet-stream"))]
    for user in ("bau", "kasse", "archiv", "admin"):
        refused = served.client.post("/api/upload", files=files, headers=served.auth(user))
        assert refused.status_code == 403, user
    response = served.client.post(
        "/api/upload", params={"warten": "true"}, files=files, headers=served.auth("post")
    )
    assert response.status_code == 202, response.text
    sendung = response.json()
    assert response.headers["location"] == sendung["status_url"]
    assert sendung["finished_at"] and sendung["uploaded_by"] == "post"
    (item,) = sendung["files"]
    line = item["line"]
    assert item["state"] == "done" and item["name"] == "Rechnungfdp.exe"
    assert line["status"] == "stored" and line["path"] == "Rechnungfdp.exe"
    record_id = line["id"]
    assert served.get(f"/api/records/{record_id}", "archiv").json()["channel"] == "upload"
    assert served.get(f"/api/records/{record_id}", "bau").status_code == 404  # no department
    # the status answers those who take in post, no one else; unknown ids are missing
    status = served.get(sendung["status_url"], "post")
    assert status.status_code == 200 and status.json() == sendung
    for user in ("bau", "archiv", "admin"):
        assert served.get(sendung["status_url"], user).status_code == 403, user
    for unknown in ("A" * 16, "x", "..%2F..%2Fmanifests%2F" + record_id):
        assert served.get(f"/api/upload/{unknown}", "post").status_code == 404, unknown
    again = served.client.post(
        "/api/upload", params={"warten": "true"}, files=files, headers=served.auth("post")
    )
    assert again.json()["files"][0]["line"]["status"] == "duplicate"
    today = datetime.now(UTC).date().isoformat()
    entries = served.get(f"/api/admin/audit?from={today}&to={today}", "admin").json()
    assert any(e["action"] == "upload" and e["target"] == sendung["id"] for e in entries)
    assert any(e["action"] == "upload_status" and e["target"] == sendung["id"] for e in entries)


def test_an_upload_answers_at_once_and_its_capture_can_be_followed(
    served: Served, sample_dir: Path
) -> None:
    names = ("brief_bauantrag.pdf", "rechnung.pdf")
    files = [
        ("files", (f"neu-{name}", (sample_dir / name).read_bytes() + b"\n% neu\n", "x/y"))
        for name in names
    ]
    response = served.client.post("/api/upload", files=files, headers=served.auth("post"))
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["finished_at"] is None and accepted["pages_read"] == 0
    assert [item["state"] for item in accepted["files"]] == ["waiting", "waiting"]
    seen = []
    while not (status := served.get(accepted["status_url"], "post").json())["finished_at"]:
        seen.append(status)
        time.sleep(0.2)
    assert status["error"] is None
    assert [item["line"]["status"] for item in status["files"]] == ["stored", "stored"]
    assert all(item["state"] == "done" for item in status["files"])
    # what was seen on the way only ever moved forward
    order = {"waiting": 0, "working": 1, "done": 2}
    for earlier, later in zip([accepted, *seen], [*seen, status], strict=True):
        assert later["pages_read"] >= earlier["pages_read"]
        for before, after in zip(earlier["files"], later["files"], strict=True):
            assert order[after["state"]] >= order[before["state"]]
    spool = served.data_dir / "upload-spool"
    assert not spool.exists() or not any(spool.iterdir())  # the spool is emptied


def test_page_pictures_come_in_two_sizes_and_are_audited(served: Served) -> None:
    letter = served.ids[LETTER_NAME]
    sizes = {}
    for size in ("vorschau", "klein"):
        answer = served.get(f"/api/records/{letter}/pages/1.png", "bau", params={"groesse": size})
        assert answer.status_code == 200
        sizes[size] = Image.open(io.BytesIO(answer.content)).size
        again = served.get(f"/api/records/{letter}/pages/1.png", "bau", params={"groesse": size})
        assert again.content == answer.content  # kept as a derived rendition
    assert max(sizes["klein"]) <= 170 < max(sizes["vorschau"]) <= 560
    refused = served.get(f"/api/records/{letter}/pages/1.png", "bau", params={"groesse": "riesig"})
    assert refused.status_code == 422
    today = datetime.now(UTC).date().isoformat()
    entries = served.get(f"/api/admin/audit?from={today}&to={today}", "admin").json()
    seen = [e for e in entries if e["action"] == "preview" and e["target"] == letter]
    assert {e["details"]["size"] for e in seen if e["actor"] == "bau"} == {"vorschau", "klein"}


def test_the_mailroom_corrects_sender_subject_and_date(served: Served, sample_dir: Path) -> None:
    data = (sample_dir / "brief_bauantrag.pdf").read_bytes() + b"\n% Angaben\n"
    taken = served.client.post(
        "/api/upload",
        params={"warten": "true"},
        files=[("files", ("angaben.pdf", data, "application/pdf"))],
        headers=served.auth("post"),
    ).json()
    record_id = taken["files"][0]["line"]["id"]
    shown = served.get(f"/api/records/{record_id}", "archiv").json()
    before = shown["fields"]

    def patch(body: dict[str, object], user: str = "post") -> httpx.Response:
        url = f"/api/records/{record_id}"
        return served.client.patch(url, json=body, headers=served.auth(user))

    assert patch({"sender": "Zaunkönig GmbH"}, "bau").status_code == 403
    refused = patch({"doc_type": "rechnung", "letter_date": "31.02.2026"})
    assert refused.status_code == 422 and "JJJJ-MM-TT" in refused.json()["detail"]
    unchanged = served.get(f"/api/records/{record_id}", "archiv").json()
    assert unchanged["fields"] == before
    assert unchanged["classification"] == shown["classification"]
    assert unchanged["events"] == shown["events"]
    corrected = patch(
        {"sender": "  Zaunkönig\nGmbH ", "subject": "Bauantrag Flurstück 7", "letter_date": ""}
    )
    assert corrected.status_code == 200, corrected.text
    fields = corrected.json()["fields"]
    assert fields["sender"] == "Zaunkönig GmbH" and fields["subject"] == "Bauantrag Flurstück 7"
    assert fields["letter_date"] is None
    event = corrected.json()["events"][-1]
    assert event["kind"] == "fields_corrected" and event["details"]["by"] == "post"
    assert event["details"]["letter_date"] == {"from": before["letter_date"], "to": None}
    found = served.get("/api/search", "archiv", params={"q": "Zaunkönig"}).json()
    assert [hit["id"] for hit in found["hits"]] == [record_id]
    assert patch({"references": "x"}).status_code == 422  # read from the text: stays
    # the corrected sender is an exact filter and facet, within what the caller may see
    by_sender = {"absender": "Zaunkönig GmbH"}
    listed = served.get("/api/search", "archiv", params=by_sender).json()
    assert [hit["id"] for hit in listed["hits"]] == [record_id]
    facets = served.get("/api/search/facets", "archiv", params={"q": "Flurstück"}).json()
    assert facets["facets"]["sender"]["Zaunkönig GmbH"] == 1
    assert served.get("/api/search", "bau", params=by_sender).json()["total"] == 0
    assert (
        served.get("/api/search", "archiv", params={"absender": "Zaunkönig"}).json()["total"] == 0
    )
    other_type = {**by_sender, "typ": "rechnung"}
    assert served.get("/api/search", "archiv", params=other_type).json()["total"] == 0
