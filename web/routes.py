"""The API routes for reading: search, facets, manifests, originals, Prüfprotokolle.

Every route asks ``web.policy`` first and writes its audit entry. Handlers are plain
``def``: the store and index calls block, so FastAPI runs them in its thread pool.
Errors are raised, never turned into responses here (``web.errors``).
"""

from __future__ import annotations

import base64
import logging
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response, StreamingResponse

from accounts.db import Database
from eakte.context import Context
from eakte.contract import (
    Health,
    ManifestView,
    Reachability,
    ReportFormat,
    SearchFacets,
    SearchResponse,
)
from eakte.ports import SearchResult
from eakte.record import Event, Manifest, Verdict
from eakte.retrieval import copy_original_verified, search_records, signature_report
from signatures.model import ValidationReport
from web.auth import CurrentPrincipal, require_principal
from web.policy import find_record, require, visibility
from web.search_filters import Receipt, exact_query, receipt_query
from web.trail import audit

log = logging.getLogger(__name__)

SHA256_HEADER = "X-Eakte-SHA256"
UNUSED_ID = "0" * 64  # a lookup that touches the store without needing a record
CHUNK = 1024 * 1024
INTERNAL_DETAILS = frozenset({"cause", "traceback", "path", "paths"})
_SERVER_PATH = re.compile(r"(?<![\w.])(?:[A-Za-z]:)?(?:[/\\][\w.~+-]+){2,}[/\\]?")


async def service(request: Request) -> Context:
    """No I/O here: ``async`` spares each request a trip through the thread pool."""
    ctx: Context = request.app.state.ctx
    return ctx


Service = Annotated[Context, Depends(service)]

health_router = APIRouter()
api = APIRouter(prefix="/api", dependencies=[Depends(require_principal)])


@health_router.get("/health", responses={503: {"model": Health}})
def health(request: Request, ctx: Service, response: Response) -> Health:
    """Readiness, for load balancers and the compose healthcheck: can this process
    serve requests (store, index, accounts database)? No authentication, no internals
    in the answer (the reason goes to the log)."""
    database: Database = request.app.state.database
    checks = {
        "speicher": _probe("store", lambda: ctx.store.has_original(UNUSED_ID)),
        "index": _probe("index", ctx.index.count),
        "datenbank": _probe("database", database.ping),
    }
    healthy = all(state == "ok" for state in checks.values())
    response.status_code = 200 if healthy else 503
    return Health(status="ok" if healthy else "gestört", checks=checks)


@health_router.get("/health/live")
def live() -> Health:
    """Liveness: the process answers. It touches nothing else, so an orchestrator does
    not restart the API because Elasticsearch or the store is away (that is
    ``/health``'s business: take it out of the load balancer instead)."""
    return Health(status="ok", checks={})


def _probe(name: str, check: Callable[[], object]) -> Reachability:
    try:
        check()
    except Exception:  # any failure means "not usable"; the log keeps the reason
        log.warning("health check %s failed", name, exc_info=True)
        return "nicht erreichbar"
    return "ok"


Query_ = Annotated[str, Query(max_length=1000)]
ReceiptQuery = Annotated[Receipt, Depends(receipt_query)]
ExactQuery = Annotated[dict[str, str], Depends(exact_query)]
MAX_PAGE = 1000
MAX_HITS = 10_000  # the deepest hit a page may reach (the engines' total bound)


@api.get("/search")
def search(
    request: Request,
    ctx: Service,
    caller: CurrentPrincipal,
    receipt: ReceiptQuery,
    exact: ExactQuery,
    q: Query_ = "",
    limit: Annotated[int, Query(ge=1, le=1000)] = 10,
    seite: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    signatur: Verdict | None = None,
) -> SearchResponse:
    """Like ``eakte search --json``, over the Dokumente the caller may see: the engine
    filters hits, total and snippets alike. ``typ``, ``abteilung``, ``absender``,
    ``bestand``, ``ort`` take a value as the facets list it; ``jahr``, ``eingang_von``
    and ``eingang_bis`` (both days included) restrict to when a Dokument came in.
    ``seite`` pages through the hits ``limit`` at a time (up to the 10,000th hit)."""
    require(caller, "search")
    if not q.strip() and not signatur and not receipt.given and not exact:
        raise HTTPException(422, "Suchbegriff (q) oder einen Filter angeben.")
    visible = visibility(caller, "search")

    def engine(query: str, *, limit: int, filters: Mapping[str, str]) -> SearchResult:
        return ctx.index.search(
            query,
            limit=limit,
            filters={**filters, **exact, **receipt.filters},
            visible=visible,
            received=receipt.received,
        )

    if limit * seite > MAX_HITS:
        raise HTTPException(422, f"Ungültige Anfrage: limit × seite höchstens {MAX_HITS}.")
    found = search_records(engine, q, limit=limit * seite, signature=signatur)
    result = found.model_copy(update={"hits": found.hits[limit * (seite - 1) :]})
    details = receipt.audit_details() | exact
    audit(
        request, caller, "search", q=q, signatur=signatur, total=result.total, page=seite, **details
    )
    return result


@api.get("/search/facets")
def facets(
    request: Request,
    ctx: Service,
    caller: CurrentPrincipal,
    receipt: ReceiptQuery,
    exact: ExactQuery,
    q: Query_ = "",
    signatur: Verdict | None = None,
) -> SearchFacets:
    """Counts per type, signature verdict, department, sender, Bestand, Ort and year
    of receipt of what ``/search`` finds with the same parameters."""
    require(caller, "search")
    filters = ({"signature": signatur} if signatur else {}) | exact | receipt.filters
    visible = visibility(caller, "search")
    counts = ctx.index.facets(q, filters, visible=visible, received=receipt.received)
    details = receipt.audit_details() | exact
    audit(request, caller, "search", q=q, signatur=signatur, facets=True, **details)
    return SearchFacets(facets=counts)


@api.get("/records/{record_id}")
def show(request: Request, ctx: Service, caller: CurrentPrincipal, record_id: str) -> ManifestView:
    """The manifest, like ``eakte show --json``, without server internals in its events;
    a unique id prefix is enough."""
    manifest = find_record(ctx, caller, "view", record_id)
    audit(request, caller, "view", manifest.id)
    return ManifestView.of(public_manifest(manifest))


@api.get(
    "/records/{record_id}/original",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def original(
    request: Request, ctx: Service, caller: CurrentPrincipal, record_id: str
) -> StreamingResponse:
    """The exact bytes, like ``eakte get``: copied aside and checked against the SHA-256
    before the first byte goes out, so a damaged original is never served (500). The
    checked copy is unlinked before sending (the open handle keeps it readable), so no
    answer, aborted or not, leaves a copy on disk; ranges are not offered."""
    manifest = find_record(ctx, caller, "download", record_id)
    workdir = Path(tempfile.mkdtemp(prefix="eakte-original-"))
    try:
        copy_original_verified(ctx, manifest.id, workdir / "original")
        handle = open(workdir / "original", "rb")  # noqa: SIM115  # closed by _send
        size = os.fstat(handle.fileno()).st_size
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    audit(request, caller, "download", manifest.id, what="original")
    digest = base64.b64encode(bytes.fromhex(manifest.id)).decode("ascii")
    return StreamingResponse(
        _send(handle),
        media_type=manifest.media_type,
        headers={
            "Content-Length": str(size),
            "Content-Disposition": content_disposition(manifest.original_filename),
            SHA256_HEADER: manifest.id,
            "Repr-Digest": f"sha-256=:{digest}:",  # RFC 9530
            "Content-Security-Policy": "sandbox; default-src 'none'",
        },
    )


def _send(handle: IO[bytes]) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(CHUNK):
            yield chunk


@api.get(
    "/records/{record_id}/pruefprotokoll",
    response_class=Response,
    responses={200: {"model": ValidationReport, "content": {"application/pdf": {}}}},
)
def pruefprotokoll(
    request: Request,
    ctx: Service,
    caller: CurrentPrincipal,
    record_id: str,
    fmt: Annotated[ReportFormat, Query(alias="format")] = "pdf",
) -> Response:
    """The report of the last signature validation, like ``eakte report``: the stored
    JSON as it is, or the PDF to download."""
    manifest = find_record(ctx, caller, "download", record_id)
    report = signature_report(ctx, manifest.id, fmt)
    audit(request, caller, "download", manifest.id, what="pruefprotokoll", format=fmt)
    download = {"Content-Disposition": content_disposition(report.filename)}
    return Response(
        report.content,
        media_type=report.media_type,
        headers=download if fmt == "pdf" else None,
    )


def public_manifest(manifest: Manifest) -> Manifest:
    """The manifest as callers see it: tracebacks and server paths stay on the server."""
    events = [
        Event(
            at=event.at,
            kind=event.kind,
            message=_no_paths(event.message),
            stage=event.stage,
            seconds=event.seconds,
            details={
                key: _no_paths(value) if isinstance(value, str) else value
                for key, value in event.details.items()
                if key not in INTERNAL_DETAILS
            },
        )
        for event in manifest.events
    ]
    errors = [_no_paths(error) for error in manifest.errors]
    return manifest.model_copy(update={"events": events, "errors": errors})


def _no_paths(text: str) -> str:
    text = text.split("Traceback (most recent call last)", 1)[0].rstrip()
    return _SERVER_PATH.sub("…", text)


def safe_filename(filename: str) -> str:
    """Without control and format characters (bidi overrides, line breaks)."""
    return "".join(c for c in filename if not unicodedata.category(c).startswith("C")).strip()


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback and the exact name (RFC 6266/5987), so
    "Widerspruch Gebühren.pdf" arrives with its umlaut and a quote cannot break out.
    Control and format characters (a right-to-left override turning "exe.pdf" around,
    line breaks) are dropped from both forms first."""
    safe = safe_filename(filename) or "dokument"
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in safe
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(safe, safe='')}"
