"""The API routes: the CLI's read commands (search, show, get, report) over HTTP.

Handlers are plain ``def``: the store and index calls block, so FastAPI runs them in
its thread pool. Errors are raised, never turned into responses here (``web.errors``).
"""

from __future__ import annotations

import base64
import logging
import shutil
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from eakte.context import Context
from eakte.contract import Health, ManifestView, Reachability, ReportFormat, SearchResponse
from eakte.record import Verdict
from eakte.retrieval import (
    copy_original_verified,
    get_manifest,
    manifest_view,
    search_records,
    signature_report,
)
from signatures.model import ValidationReport
from web.auth import Caller, require_caller
from web.visibility import search_visible

log = logging.getLogger(__name__)

SHA256_HEADER = "X-Eakte-SHA256"
UNUSED_ID = "0" * 64  # a lookup that touches the store without needing a record


def service(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


Service = Annotated[Context, Depends(service)]
CurrentCaller = Annotated[Caller, Depends(require_caller)]

health_router = APIRouter()
api = APIRouter(prefix="/api", dependencies=[Depends(require_caller)])


@health_router.get("/health", responses={503: {"model": Health}})
def health(ctx: Service, response: Response) -> Health:
    """For load balancers and the compose healthcheck: no authentication, no internals
    in the answer (the reason goes to the log)."""
    checks = {
        "speicher": _probe("store", lambda: ctx.store.has_original(UNUSED_ID)),
        "index": _probe("index", ctx.index.count),
    }
    healthy = all(state == "ok" for state in checks.values())
    response.status_code = 200 if healthy else 503
    return Health(status="ok" if healthy else "gestört", checks=checks)


def _probe(name: str, check: Callable[[], object]) -> Reachability:
    try:
        check()
    except Exception:  # any failure means "not usable"; the log keeps the reason
        log.warning("health check %s failed", name, exc_info=True)
        return "nicht erreichbar"
    return "ok"


@api.get("/search")
def search(
    request: Request,
    ctx: Service,
    caller: CurrentCaller,
    q: Annotated[str, Query(max_length=1000)] = "",
    limit: Annotated[int, Query(ge=1, le=1000)] = 10,
    signatur: Verdict | None = None,
) -> SearchResponse:
    """Like ``eakte search --json``; the caller's groups restrict the hits."""
    if not q.strip() and not signatur:
        raise HTTPException(422, "Suchbegriff (q) oder signatur angeben.")
    visible = partial(
        search_visible,
        ctx.index,
        groups=caller.groups,
        by_group=request.app.state.search_by_group,
    )
    return search_records(visible, q, limit=limit, signature=signatur)


@api.get("/records/{record_id}")
def show(ctx: Service, record_id: str) -> ManifestView:
    """The manifest, like ``eakte show --json``; a unique id prefix is enough."""
    return manifest_view(ctx, record_id)


@api.get(
    "/records/{record_id}/original",
    response_class=FileResponse,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def original(ctx: Service, record_id: str) -> FileResponse:
    """The exact bytes, like ``eakte get``: copied aside and checked against the SHA-256
    before the first byte goes out, so a damaged original is never served (500)."""
    manifest = get_manifest(ctx, record_id)
    workdir = Path(tempfile.mkdtemp(prefix="eakte-original-"))
    try:
        copy_original_verified(ctx, manifest.id, workdir / "original")
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    digest = base64.b64encode(bytes.fromhex(manifest.id)).decode("ascii")
    return FileResponse(
        workdir / "original",
        media_type=manifest.media_type,
        headers={
            "Content-Disposition": content_disposition(manifest.original_filename),
            SHA256_HEADER: manifest.id,
            "Repr-Digest": f"sha-256=:{digest}:",  # RFC 9530
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",
        },
        background=BackgroundTask(shutil.rmtree, workdir, ignore_errors=True),
    )


@api.get(
    "/records/{record_id}/pruefprotokoll",
    response_class=Response,
    responses={200: {"model": ValidationReport, "content": {"application/pdf": {}}}},
)
def pruefprotokoll(
    ctx: Service,
    record_id: str,
    fmt: Annotated[ReportFormat, Query(alias="format")] = "pdf",
) -> Response:
    """The report of the last signature validation, like ``eakte report``: the stored
    JSON as it is, or the PDF to download."""
    report = signature_report(ctx, record_id, fmt)
    download = {"Content-Disposition": content_disposition(report.filename)}
    return Response(
        report.content,
        media_type=report.media_type,
        headers=download if fmt == "pdf" else None,
    )


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback and the exact name (RFC 6266/5987), so
    "Widerspruch Gebühren.pdf" arrives with its umlaut and a quote cannot break out."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
