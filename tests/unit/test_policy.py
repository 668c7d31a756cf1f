"""The access policy as a table: what each role may do and which Dokumente it sees."""

from __future__ import annotations

import pytest

from eakte.ports import Visibility
from eakte.record import Classification, Manifest
from web.policy import Principal, allows, may_see, visibility
from web.routes import content_disposition

MAILROOM = Principal("post", "mailroom", ())
CLERK = Principal("bau", "clerk", ("bauamt",))
ARCHIVIST = Principal("archiv", "archivist", ())
ADMIN = Principal("admin", "admin", ())


def manifest(
    department: str | None, restricted: bool = False, routed: str | None = None
) -> Manifest:
    classification = (
        Classification(type="x", label="X", confidence=1.0, department=routed) if routed else None
    )
    return Manifest(
        id="a" * 64,
        sha256="a" * 64,
        size=1,
        original_filename="x.pdf",
        assigned_department=department,
        restricted=restricted,
        classification=classification,
    )


@pytest.mark.parametrize(
    ("principal", "may"),
    [
        (MAILROOM, {"upload", "review", "correct"}),
        (CLERK, {"search", "view", "download"}),
        (ARCHIVIST, {"search", "view"}),
        (ADMIN, {"users", "audit"}),
        (Principal("x", "chef", ()), set()),  # type: ignore[arg-type]  # unknown role
    ],
)
def test_each_role_may_exactly_its_actions(principal: Principal, may: set[str]) -> None:
    actions = ("search", "view", "download", "upload", "review", "correct", "users", "audit")
    assert {a for a in actions if allows(principal, a)} == may  # type: ignore[arg-type]


def test_visibility_per_role() -> None:
    assert visibility(CLERK, "search") == Visibility(departments=("bauamt",), restricted=True)
    assert visibility(ARCHIVIST, "search") == Visibility(departments=None, restricted=False)
    assert visibility(ADMIN, "search").nothing
    assert visibility(ARCHIVIST, "download").nothing


def test_one_dokument_follows_the_same_rule() -> None:
    assert may_see(CLERK, "view", manifest("bauamt", restricted=True))
    assert not may_see(CLERK, "view", manifest("kaemmerei"))
    assert not may_see(CLERK, "view", manifest(None))
    assert may_see(CLERK, "view", manifest(None, routed="bauamt"))  # the classifier's routing
    assert not may_see(CLERK, "view", manifest("kaemmerei", routed="bauamt"))  # corrected
    assert may_see(ARCHIVIST, "view", manifest(None))
    assert not may_see(ARCHIVIST, "view", manifest("bauamt", restricted=True))
    assert may_see(MAILROOM, "correct", manifest("bauamt", restricted=True))
    assert not may_see(ADMIN, "view", manifest("bauamt"))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Anlage\u202egpj.exe", "Anlagegpj.exe"),
        ("a\r\nSet-Cookie: x.pdf", "aSet-Cookie: x.pdf"),
        ("\u200f\u2066", "dokument"),
    ],
)
def test_download_names_lose_control_and_format_characters(name: str, expected: str) -> None:
    disposition = content_disposition(name)
    assert f'filename="{expected}"' in disposition
    assert "\r" not in disposition and "\n" not in disposition
