"""The admin's routes: the users (never a token or hash) and the audit trail."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel

from accounts.audit import AuditLog, day_range, export_line
from accounts.roles import Role
from accounts.users import Accounts
from web.auth import CurrentPrincipal, require_principal
from web.policy import require
from web.trail import audit

admin = APIRouter(prefix="/api/admin", dependencies=[Depends(require_principal)])
MAX_EXPORT = 10_000


class UserView(BaseModel):
    name: str
    role: Role
    departments: list[str]
    disabled: bool


@admin.get("/users")
def users(request: Request, caller: CurrentPrincipal) -> list[UserView]:
    require(caller, "users")
    accounts: Accounts = request.app.state.accounts
    audit(request, caller, "users")
    return [
        UserView(name=a.name, role=a.role, departments=list(a.departments), disabled=a.disabled)
        for a in accounts.list()
    ]


@admin.get("/audit")
def audit_export(
    request: Request,
    caller: CurrentPrincipal,
    start: Annotated[date, Query(alias="from")],
    end: Annotated[date, Query(alias="to")],
) -> list[dict[str, Any]]:
    """The entries of these days (both included), as ``eakte audit export`` writes them."""
    require(caller, "audit")
    if end < start:
        raise HTTPException(422, "Ungültige Anfrage: to liegt vor from")
    log: AuditLog = request.app.state.audit
    audit(request, caller, "audit_export", f"{start}..{end}")
    entries = []
    for row in log.entries(*day_range(start, end)):
        entries.append(json.loads(export_line(row)))
        if len(entries) >= MAX_EXPORT:
            break
    return entries
