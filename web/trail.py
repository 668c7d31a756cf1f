"""Writing the audit trail from a request: the caller, their role and address."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from accounts.audit import AuditEvent, AuditLog
from web.auth import client_address
from web.policy import Principal


def audit(
    request: Request, principal: Principal, action: str, target: str = "", **details: Any
) -> None:
    log: AuditLog = request.app.state.audit
    log.append(
        AuditEvent(
            action=action,
            actor=principal.name,
            role=principal.role,
            target=target,
            client=client_address(request),
            details=details,
        )
    )
