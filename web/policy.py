"""The one place that decides what a caller may see and do.

Roles: ``mailroom`` takes in, reviews and corrects the post; ``clerk`` searches, views
and downloads the Dokumente of their own departments (restricted ones included);
``archivist`` searches and views every Dokument that is not restricted; ``admin``
manages users and reads the audit trail. Search gets the caller's ``Visibility``, which
the engines apply inside the query; id lookups go through ``find_record``, which
answers a forbidden id exactly like a missing one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from accounts.roles import Role
from accounts.users import Account
from eakte.context import Context
from eakte.errors import RecordNotFound
from eakte.ports import NO_DEPARTMENT, Visibility
from eakte.record import Manifest
from eakte.records import load_manifest

Action = Literal["search", "view", "download", "upload", "review", "correct", "users", "audit"]

PERMISSIONS: dict[Role, frozenset[Action]] = {
    "mailroom": frozenset({"upload", "review", "correct"}),
    "clerk": frozenset({"search", "view", "download"}),
    "archivist": frozenset({"search", "view"}),
    "admin": frozenset({"users", "audit"}),
}
MIN_PREFIX = 6
_HEX = re.compile(r"[0-9a-f]{1,64}")


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
    visible = visibility(principal, action)
    if manifest.restricted and not visible.restricted:
        return False
    department = manifest.department or NO_DEPARTMENT
    return visible.departments is None or department in visible.departments


def not_found() -> RecordNotFound:
    """One answer, word for word, for unknown, forbidden and malformed ids alike."""
    return RecordNotFound("Kein Dokument mit dieser Kennung.")


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
