"""Verwaltung: the users with their roles and departments, and the audit export for the
data-protection officer, through the API's own handlers (``web.admin``)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from web.admin import audit_export, users
from web.policy import require
from web.routes import content_disposition
from web.ui.identity import PageUser
from web.ui.render import page

admin_router = APIRouter(include_in_schema=False)


@admin_router.get("/verwaltung")
def admin_page(request: Request, caller: PageUser) -> Response:
    require(caller, "users")
    today = date.today()
    return page(
        request,
        "verwaltung.html",
        users=users(request, caller),
        von=(today - timedelta(days=30)).isoformat(),
        bis=today.isoformat(),
    )


@admin_router.get("/verwaltung/protokoll")
def audit_download(
    request: Request,
    caller: PageUser,
    von: Annotated[date, Query()],
    bis: Annotated[date, Query()],
) -> Response:
    """The audit entries of these days as JSON lines, like ``eakte audit export``."""
    entries = audit_export(request, caller, von, bis)
    body = "".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in entries)
    return Response(
        body.encode("utf-8"),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": content_disposition(f"protokoll-{von}-{bis}.jsonl")},
    )
