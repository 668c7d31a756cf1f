"""The web API's contract, spoken to over HTTP (see ``web_fixtures``): search, manifests,
originals, Prüfprotokolle, errors in German, and the distributed mode on MinIO and
Elasticsearch. The access rules per role are in test_web_access.py, the defects found
from outside in test_web_hardening.py."""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from pathlib import Path
from urllib.parse import quote

import pytest

from eakte.ports import FACETS
from tests.conftest import Cli
from tests.integration.server_fixtures import (
    RunningServer,
    distributed_env,
    elasticsearch_server,
    minio_server,
    real_servers,
)
from tests.integration.web_fixtures import (
    LETTER_NAME,
    Served,
    add_user,
    api_server,
    assert_no_copies_left,
    assign,
    free_port,
    served,
)

pytestmark = pytest.mark.integration
__all__ = ["elasticsearch_server", "minio_server", "real_servers", "served"]  # fixtures


def test_health_reports_store_and_index(served: Served) -> None:
    response = served.client.get("/health")
    assert response.status_code == 200
    checks = {"speicher": "ok", "index": "ok", "datenbank": "ok"}
    assert response.json() == {"status": "ok", "checks": checks}
    assert served.client.get("/health/live").json() == {"status": "ok", "checks": {}}


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, "Anmeldung erforderlich"),
        ({"Authorization": "Bearer falsch"}, "API-Token ungültig"),
        ({"Authorization": "Basic c2FjaGJlYXJiZWl0dW5nOng="}, "Anmeldung erforderlich"),
    ],
)
def test_api_refuses_callers_without_a_valid_token(
    served: Served, headers: dict[str, str], detail: str
) -> None:
    record_id = served.ids[LETTER_NAME]
    for path in ("/api/search?q=Widerspruch", f"/api/records/{record_id}/original"):
        response = served.client.get(path, headers=headers)
        assert response.status_code == 401, path
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert detail in response.json()["detail"]
    # the token is checked before anything else, bad parameters included
    assert served.client.get("/api/search?limit=x", headers=headers).status_code == 401


def test_a_stolen_token_hash_is_no_token(served: Served) -> None:
    token_hash = hashlib.sha256(served.tokens["bau"].encode()).hexdigest()
    response = served.client.get(
        "/api/search?q=x", headers={"Authorization": f"Bearer {token_hash}"}
    )
    assert response.status_code == 401


def test_an_unusable_database_stops_the_start(cli: Cli) -> None:
    result = cli(
        "serve",
        "--port",
        str(free_port()),
        EAKTE_DATABASE_URL="postgresql+psycopg://eakte@127.0.0.1:9/eakte",  # nobody listens
    )
    assert result.returncode == 2
    assert "Datenbank postgresql+psycopg://eakte@127.0.0.1:9/eakte nicht nutzbar" in result.stderr


def test_search_finds_an_ingested_sample(served: Served) -> None:
    response = served.get("/api/search", params={"q": "Widerspruch", "limit": 5})
    assert response.status_code == 200
    body = response.json()
    hit = next(h for h in body["hits"] if h["id"] == served.ids[LETTER_NAME])
    assert body["total"] >= 1 and hit["snippet"]
    assert set(hit) == {"id", "score", "doc_type", "snippet"}

    unsigned = served.get("/api/search", "archiv", params={"signatur": "UNSIGNED", "limit": 100})
    restricted = served.ids["vertraulich.pdf"]
    assert {h["id"] for h in unsigned.json()["hits"]} == set(served.ids.values()) - {restricted}


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("", "Suchbegriff (q) oder einen Filter angeben."),
        ("q=x&limit=0", "Ungültige Anfrage: limit muss mindestens 1 sein"),
        (
            "eingang_von=31.12.2025",
            "Ungültige Anfrage: eingang_von muss ein Datum sein (JJJJ-MM-TT)",
        ),
        (
            "eingang_bis=2025-02-30",
            "Ungültige Anfrage: eingang_bis muss ein Datum sein (JJJJ-MM-TT)",
        ),
        ("eingang_von=2025-01-01T10:00", "Ungültige Anfrage: eingang_von muss ein Datum sein"),
        (
            "eingang_von=2025-02-01&eingang_bis=2025-01-31",
            "Ungültige Anfrage: eingang_bis liegt vor eingang_von",
        ),
        ("jahr=zwanzig", "Ungültige Anfrage: jahr muss eine ganze Zahl sein"),
        ("jahr=0", "Ungültige Anfrage: jahr muss mindestens 1 sein"),
        ("q=x&limit=viele", "Ungültige Anfrage: limit muss eine ganze Zahl sein"),
        ("q=x&signatur=GUT", "Ungültige Anfrage: signatur muss einer dieser Werte sein"),
    ],
)
def test_bad_search_parameters_are_explained_in_german(
    served: Served, query: str, detail: str
) -> None:
    response = served.get(f"/api/search?{query}")
    assert response.status_code == 422
    assert response.json()["detail"].startswith(detail)


def test_show_returns_the_manifest_for_an_id_prefix(served: Served) -> None:
    record_id = served.ids[LETTER_NAME]
    response = served.get(f"/api/records/{record_id[:10]}")
    assert response.status_code == 200
    manifest = response.json()
    assert manifest["id"] == manifest["sha256"] == record_id
    assert manifest["original_filename"] == LETTER_NAME
    assert manifest["media_type"] == "application/pdf"
    assert manifest["pages"] and "Widerspruch" in " ".join(p["text"] for p in manifest["pages"])
    assert manifest["signature"]["verdict"] == "UNSIGNED"
    assert manifest["assigned_department"] == "bauamt" and manifest["restricted"] is False
    assigned = next(e for e in manifest["events"] if e["kind"] == "assigned")
    assert assigned["details"]["by"] == "post"


def test_original_is_the_exact_bytes_with_their_sha256(served: Served) -> None:
    record_id = served.ids[LETTER_NAME]
    response = served.get(f"/api/records/{record_id}/original")
    assert response.status_code == 200
    expected = served.files[LETTER_NAME].read_bytes()
    assert response.content == expected
    digest = hashlib.sha256(expected).digest()
    assert response.headers["X-Eakte-SHA256"] == digest.hex() == record_id
    assert response.headers["Repr-Digest"] == f"sha-256=:{base64.b64encode(digest).decode()}:"
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Length"] == str(len(expected))
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Widerspruch M_llgeb_hren.pdf"')
    assert f"filename*=UTF-8''{quote(LETTER_NAME, safe='')}" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert_no_copies_left(served)


def test_a_damaged_original_is_never_served(served: Served) -> None:
    record_id = served.ids["wird-beschaedigt.pdf"]
    stored = served.data_dir / "store" / "originals" / record_id[:2] / record_id
    os.chmod(stored, stat.S_IWUSR | stat.S_IRUSR)
    data = bytearray(stored.read_bytes())
    data[len(data) // 2] ^= 0x01  # one flipped bit, as a failing disk would leave it
    stored.write_bytes(bytes(data))

    response = served.get(f"/api/records/{record_id}/original")
    assert response.status_code == 500
    assert "beschädigt" in response.json()["detail"]
    assert_no_copies_left(served)


@pytest.mark.parametrize("suffix", ["", "/original", "/pruefprotokoll"])
@pytest.mark.parametrize("record_id", ["f" * 64, "ffffffffff", "abc", "..%2F..%2Fetc", "z" * 64])
def test_unknown_ids_are_404(served: Served, record_id: str, suffix: str) -> None:
    response = served.get(f"/api/records/{record_id}{suffix}")
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert detail == "Kein Dokument mit dieser Kennung." or (
        record_id.startswith("..") and detail == "Nicht gefunden."
    )


def test_pruefprotokoll_as_json_and_pdf(served: Served) -> None:
    record_id = served.ids["rechnung.pdf"]
    url = f"/api/records/{record_id[:8]}/pruefprotokoll"
    as_json = served.get(url, "kasse", params={"format": "json"})
    assert as_json.status_code == 200 and as_json.headers["Content-Type"] == "application/json"
    assert as_json.json()["schema_version"] == 1
    as_pdf = served.get(url, "kasse")
    assert as_pdf.status_code == 200 and as_pdf.headers["Content-Type"] == "application/pdf"
    assert as_pdf.content.startswith(b"%PDF-")
    assert f"pruefprotokoll-{record_id[:12]}.pdf" in as_pdf.headers["Content-Disposition"]


def test_framework_errors_are_german_too(served: Served) -> None:
    assert served.client.get("/api/gibt-es-nicht").json() == {"detail": "Nicht gefunden."}
    page = served.client.get("/gibt-es-nicht")  # outside /api: the web UI's German page
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    response = served.client.post("/health")
    assert response.status_code == 405
    assert response.json() == {"detail": "Diese Methode ist hier nicht erlaubt."}


def test_the_api_on_minio_and_elasticsearch(
    cli: Cli,
    sample_dir: Path,
    minio_server: RunningServer,
    elasticsearch_server: RunningServer,
) -> None:
    env = distributed_env(minio_server, elasticsearch_server)
    distributed = Cli(cli.data_dir, env)
    ingested = distributed("ingest", sample_dir / "rechnung.pdf", "--json")
    assert ingested.returncode == 0, ingested.stderr
    record_id = ingested.json_lines()[0]["id"]
    tokens = {
        "post": add_user(distributed, "post", "mailroom"),
        "kasse": add_user(distributed, "kasse", "clerk", "kaemmerei"),
        "bau": add_user(distributed, "bau", "clerk", "bauamt"),
        "archiv": add_user(distributed, "archiv", "archivist"),
    }

    def auth(user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[user]}"}

    with api_server({**env, "EAKTE_DATA_DIR": str(cli.data_dir)}) as client:
        assert client.get("/health").status_code == 200
        assign(client, tokens["post"], record_id, {"department": "kaemmerei"})
        # the caller's visibility goes to Elasticsearch: hits, totals and facets
        found = client.get("/api/search", params={"q": record_id}, headers=auth("kasse")).json()
        assert [h["id"] for h in found["hits"]] == [record_id]
        hidden = client.get("/api/search", params={"q": "Rechnung"}, headers=auth("bau")).json()
        assert hidden == {"total": 0, "hits": [], "more_than_total": False}
        facets = client.get("/api/search/facets", params={"q": "Rechnung"}, headers=auth("bau"))
        assert facets.json() == {"facets": {name: {} for name in FACETS}}
        counted = client.get("/api/search/facets", params={"q": "Rechnung"}, headers=auth("kasse"))
        assert counted.json()["facets"]["department"] == {"kaemmerei": 1}
        # the year of receipt and a range of days on Elasticsearch, under the same restriction
        year = next(iter(counted.json()["facets"]["received_year"]))
        by_year = {"jahr": year, "eingang_von": f"{year}-01-01", "eingang_bis": f"{year}-12-31"}
        mine = client.get("/api/search", params=by_year, headers=auth("kasse")).json()
        assert [h["id"] for h in mine["hits"]] == [record_id]
        theirs = client.get("/api/search/facets", params=by_year, headers=auth("bau")).json()
        assert theirs["facets"]["received_year"] == {} and theirs["facets"]["department"] == {}
        earlier = {"eingang_bis": f"{int(year) - 1}-12-31"}
        assert client.get("/api/search", params=earlier, headers=auth("kasse")).json()["total"] == 0
        assert client.get(f"/api/records/{record_id}", headers=auth("bau")).status_code == 404
        assign(client, tokens["post"], record_id, {"restricted": True})
        gone = client.get("/api/search", params={"q": "Rechnung"}, headers=auth("archiv")).json()
        assert gone["total"] == 0
        original = client.get(f"/api/records/{record_id}/original", headers=auth("kasse"))
        assert original.content == (sample_dir / "rechnung.pdf").read_bytes()

        with minio_server.stopped():
            health = client.get("/health")
            assert health.status_code == 503
            assert health.json()["checks"] == {
                "speicher": "nicht erreichbar",
                "index": "ok",
                "datenbank": "ok",
            }
            assert client.get("/health/live").status_code == 200  # alive, not ready
            down = client.get(f"/api/records/{record_id}", headers=auth("kasse"))
            assert down.status_code == 503 and down.headers["Retry-After"]
            assert "später" in down.json()["detail"] or "erreichbar" in down.json()["detail"]


def test_search_pages_through_its_hits(served: Served) -> None:
    def ids(**params: object) -> list[str]:
        found = served.get("/api/search", "archiv", params={"q": "Stadt", **params})
        assert found.status_code == 200, found.text
        return [hit["id"] for hit in found.json()["hits"]]

    first_two = ids(limit=2)
    assert len(first_two) == 2
    assert ids(limit=1, seite=1) + ids(limit=1, seite=2) == first_two
    assert ids(limit=10, seite=50) == []  # past the last hit: an empty page
    too_deep = served.get(
        "/api/search", "archiv", params={"q": "Stadt", "limit": 1000, "seite": 11}
    )
    assert too_deep.status_code == 422 and "10000" in too_deep.json()["detail"]
