"""Akten over the API, as clerks, the mailroom, the archive and an admin use them: opening
under one's own Aktenplan positions, filing a Dokument by any spelling of the
Aktenzeichen, what each role may see of an Akte (a forbidden one answers exactly like a
missing one), closing with retention, and the audit trail. Real `eakte serve`, embedded."""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import quote

import pytest

from tests.integration.web_fixtures import LETTER_NAME, Served, add_user, assign, served

pytestmark = pytest.mark.integration
__all__ = ["served"]  # fixture

RECHTSAMT = "Amt 30 – Rechtsamt"
MISSING = {"detail": "Keine Akte mit diesem Aktenzeichen."}


def _path(aktenzeichen: str, tail: str = "") -> str:
    return "/api/akten/" + quote(aktenzeichen, safe="/") + tail


def test_akten_from_opening_to_closing_through_the_one_policy(served: Served) -> None:
    served.tokens["recht"] = add_user(served.cli, "recht", "clerk", RECHTSAMT)
    letter = served.ids[LETTER_NAME]
    assign(served.client, served.tokens["post"], letter, {"department": RECHTSAMT})

    # only a clerk opens Akten, and only under positions of their own department
    body = {"position": "030.4", "titel": "Widerspruch Müllgebühren Schmidt"}
    for user in ("post", "archiv", "admin"):
        refused = served.client.post("/api/akten", json=body, headers=served.auth(user))
        assert refused.status_code == 403, user
    foreign = served.client.post("/api/akten", json=body, headers=served.auth("bau"))
    assert foreign.status_code == 422
    created = served.client.post("/api/akten", json=body, headers=served.auth("recht"))
    assert created.status_code == 201, created.text
    akte = created.json()
    aktenzeichen = akte["aktenzeichen"]
    assert akte["department"] == RECHTSAMT and akte["status"] == "open"
    position, year_number = aktenzeichen.split("-")
    year, number = year_number.split("/")
    spelled_otherwise = f"Az {position}/{year}-{int(number)}"  # the same Akte

    # another department's clerk: exactly what a missing or malformed Aktenzeichen gets
    forbidden = served.get(_path(aktenzeichen), "bau")
    missing = served.get(_path(f"{position}-{year}/{int(number) + 40:04d}"), "bau")
    malformed = served.get(_path("kein Aktenzeichen"), "recht")
    assert forbidden.status_code == missing.status_code == malformed.status_code == 404
    assert forbidden.json() == missing.json() == malformed.json() == MISSING
    assert aktenzeichen not in {a["aktenzeichen"] for a in served.get("/api/akten", "bau").json()}
    assert served.get("/api/akten", "admin").status_code == 403

    # filing by a spelling the letter might cite; the Dokument shows where it is
    filed = served.client.post(
        _path(spelled_otherwise, "/dokumente"),
        json={"dokument": letter[:12]},
        headers=served.auth("recht"),
    )
    assert filed.status_code == 200, filed.text
    assert filed.json()["aktenzeichen"] == aktenzeichen and filed.json()["before"] is None
    manifest = served.get(f"/api/records/{letter}", "recht").json()
    assert manifest["fields"]["filing"]["aktenzeichen"] == aktenzeichen
    shown = served.get(_path(aktenzeichen), "recht").json()
    assert [d["record_id"] for d in shown["documents"]] == [letter]
    assert shown["documents"][0]["original_filename"] == LETTER_NAME

    # the archive sees the Akte and its Dokument (not restricted); the mailroom may file
    # but not read Akten
    assert served.get(_path(aktenzeichen), "archiv").json()["documents"][0]["record_id"] == letter
    assert served.get(_path(aktenzeichen), "post").status_code == 403

    # a Dokument the filer may not see is not filed, and is answered like a missing one
    other = served.ids["rechnung.pdf"]  # kaemmerei
    refused = served.client.post(
        _path(aktenzeichen, "/dokumente"), json={"dokument": other}, headers=served.auth("recht")
    )
    assert refused.status_code == 404
    assert refused.json() == {"detail": "Kein Dokument mit dieser Kennung."}

    # closing sets the retention end; a closed Akte takes no more post
    closed = served.client.post(
        _path(aktenzeichen, "/schliessen"), json={}, headers=served.auth("recht")
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed" and closed.json()["documents"] == 1
    assert closed.json()["evidence"] is None and "EAKTE_TSA_URL" in closed.json()["evidence_note"]
    assert date.fromisoformat(closed.json()["retention_until"]).year == date.today().year + 10
    again = served.client.post(
        _path(aktenzeichen, "/dokumente"), json={"dokument": letter}, headers=served.auth("recht")
    )
    assert again.status_code == 409 and "geschlossen" in again.json()["detail"]
    listed = served.get("/api/akten", "recht", params={"status": "closed"}).json()
    assert aktenzeichen in {a["aktenzeichen"] for a in listed}

    today = datetime.now(UTC).date().isoformat()
    entries = served.get(f"/api/admin/audit?from={today}&to={today}", "admin").json()
    seen = {(e["action"], e["actor"], e["target"]) for e in entries}
    assert ("akte_opened", "recht", aktenzeichen) in seen
    assert ("file", "recht", letter) in seen
    assert ("akte", "archiv", aktenzeichen) in seen
    assert ("akte_closed", "recht", aktenzeichen) in seen
