"""The one place that decides what a caller may see and do.

Roles: ``mailroom`` takes in, reviews and corrects the post; ``clerk`` searches, views
and downloads the Dokumente of their own departments (restricted ones included);
``archivist`` searches and views every Dokument that is not restricted; ``admin``
manages users, reads the audit trail and the service's metrics (``/metrics``: no
Dokument in them, see ``web.metrics``). Search gets the caller's ``Visibility``, which
the engines apply inside the query; id lookups go through ``find_record``, which
answers a forbidden id exactly like a missing one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from accounts.roles import Role
from accounts.users import Account
from akten.model import Akte, AkteNotFound, InvalidAktenzeichen
from akten.registry import AktenRegister
from eakte.context import Context
from eakte.errors import RecordNotFound
from eakte.ports import NO_DEPARTMENT, Visibility
from eakte.record import Manifest
from eakte.records import load_manifest
from web.uploads import Sendung, load_sendung

Action = Literal[
    "search",
    "view",
    "download",
    "upload",
    "review",
    "correct",
    "users",
    "audit",
    "akten",  # see Akten: their list, their Vorgänge and the Dokumente one may view
    "file",  # put a Dokument into an Akte (or correct a filing)
    "manage",  # open and close Akten
    "metrics",  # /metrics: counts and timings, no Dokument (see web.metrics)
]

PERMISSIONS: dict[Role, frozenset[Action]] = {
    "mailroom": frozenset({"upload", "review", "correct", "file"}),
    "clerk": frozenset({"search", "view", "download", "akten", "file", "manage"}),
    "archivist": frozenset({"search", "view", "akten"}),
    "admin": frozenset({"users", "audit", "metrics"}),
}
MIN_PREFIX = 6
_HEX = re.compile(r"[0-9a-f]{1,64}")
_SENDUNG = re.compile(r"[A-Za-z0-9_-]{16,32}")


class Forbidden(Exception):
    """The role may not do this at all (403); says nothing about any Dokument."""


@dataclass(frozen=True)
class Principal:
    """The authenticated caller."""

    name: str
    role: Role
    departments: tuple[str, ...]

    @classmethod
    def of(cls, account: Account) -> Principal:
        return cls(account.name, account.role, account.departments)


def allows(principal: Principal, action: Action) -> bool:
    return action in PERMISSIONS.get(principal.role, frozenset())


def require(principal: Principal, action: Action) -> None:
    if not allows(principal, action):
        raise Forbidden(action)


def visibility(principal: Principal, action: Action) -> Visibility:
    """Which Dokumente ``action`` may touch: the filter search engines apply."""
    if not allows(principal, action):
        return Visibility(departments=())
    if principal.role == "clerk":
        return Visibility(departments=principal.departments, restricted=True)
    if principal.role == "archivist":
        return Visibility(departments=None, restricted=False)
    return Visibility(departments=None, restricted=True)  # the mailroom routes everything


def may_see(principal: Principal, action: Action, manifest: Manifest) -> bool:
    """The same rule as ``visibility`` for one Dokument, for id lookups."""
    return _visible(visibility(principal, action), manifest.department, manifest.restricted)


def may_see_akte(principal: Principal, action: Action, akte: Akte) -> bool:
    """The same rule for an Akte: its department and its position's restriction."""
    return _visible(visibility(principal, action), akte.department, akte.restricted)


def _visible(visible: Visibility, department: str | None, restricted: bool) -> bool:
    if visible.nothing or (restricted and not visible.restricted):
        return False
    return visible.departments is None or (department or NO_DEPARTMENT) in visible.departments


def not_found() -> RecordNotFound:
    """One answer, word for word, for unknown, forbidden and malformed ids alike."""
    return RecordNotFound("Kein Dokument mit dieser Kennung.")


def akte_not_found() -> AkteNotFound:
    """One answer for unknown, forbidden and malformed Aktenzeichen alike."""
    return AkteNotFound("Keine Akte mit diesem Aktenzeichen.")


def find_sendung(ctx: Context, principal: Principal, sendung_id: str) -> Sendung:
    """A Sendung (an upload) for those who take in post: the mailroom routes all post,
    so it may follow every upload's capture. Unknown ids get the 404 a record gets."""
    require(principal, "upload")
    sendung = load_sendung(ctx, sendung_id) if _SENDUNG.fullmatch(sendung_id) else None
    if sendung is None:
        raise RecordNotFound("Keine Sendung mit dieser Kennung.")
    return sendung


def find_akte(akten: AktenRegister, principal: Principal, action: Action, key: str) -> Akte:
    """The Akte an Aktenzeichen (in any of its spellings) names, if the caller may
    ``action`` it; otherwise exactly what a missing one gets."""
    require(principal, action)
    try:
        akte = akten.get(key)
    except (AkteNotFound, InvalidAktenzeichen):
        raise akte_not_found() from None
    if not may_see_akte(principal, action, akte):
        raise akte_not_found()
    return akte


def visible_akten(
    akten: AktenRegister, principal: Principal, status: str | None, position: str | None
) -> list[Akte]:
    """The Akten the caller may see, for listings."""
    require(principal, "akten")
    found = akten.listing(status=status, position=position)
    return [akte for akte in found if may_see_akte(principal, "akten", akte)]


def find_record(ctx: Context, principal: Principal, action: Action, record_id: str) -> Manifest:
    """The Dokument a full id or unique prefix names, among those the caller may
    ``action``; guessing prefixes therefore finds nothing forbidden."""
    require(principal, action)
    wanted = record_id.strip().lower()
    if len(wanted) < MIN_PREFIX or not _HEX.fullmatch(wanted):
        raise not_found()
    if len(wanted) == 64:
        candidates = [wanted]
    else:
        candidates = [
            key.removeprefix("manifests/").removesuffix(".json")
            for key in ctx.store.list_derived("manifests")
            if key.removeprefix("manifests/").startswith(wanted)
        ]
    seen = [
        manifest
        for candidate in candidates
        if (manifest := load_manifest(ctx.store, candidate)) is not None
        and may_see(principal, action, manifest)
    ]
    if len(seen) != 1:
        raise not_found()
    return seen[0]
