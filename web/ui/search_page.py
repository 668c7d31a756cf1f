"""Suche: one field, facets, escaped snippets with marked hits, paging.

Hits, total and facet counts all come from the engine under the caller's
``visibility`` (``web.policy``), the same restriction ``GET /api/search`` applies, so no
number on the page counts a Dokument the caller may not see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from classify.types import load_types
from eakte.context import Context
from eakte.record import VERDICTS, Manifest
from eakte.records import load_manifest
from eakte.wording import hit_count
from web.policy import Principal, may_see, require, visibility
from web.trail import audit
from web.ui.identity import PageUser
from web.ui.render import page

search_router = APIRouter(include_in_schema=False)
PAGE_SIZE = 10
MAX_PAGE = 100
FACET_NAMES = {
    "doc_type": "Dokumenttyp",
    "department": "Abteilung",
    "signature": "Signatur",
    "holding": "Bestand",
    "place": "Ort",
}
# the page's query parameter per index field
PARAMS = {
    "doc_type": "typ",
    "department": "abteilung",
    "signature": "signatur",
    "holding": "bestand",
    "place": "ort",
}
Text = Annotated[str, Query(max_length=1000)]
Term = Annotated[str, Query(max_length=200)]


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    doc_type: str | None
    department: str | None
    received: str
    verdict: str | None
    snippet: str
    pages: int  # the first page's thumbnail is shown when there is one


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    active: bool
    url: str  # the search with this value chosen (or dropped, when active)


@dataclass(frozen=True)
class Found:
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    pages: int
    more_than_total: bool = False

    @property
    def heading(self) -> str:
        """``12 Treffer``, ``mehr als 10.000 Treffer``: the engine counts up to a bound."""
        return hit_count(self.total, self.more_than_total)


@search_router.get("/suche")
async def search_page(
    request: Request,
    caller: PageUser,
    q: Text = "",
    typ: Term = "",
    abteilung: Term = "",
    signatur: Term = "",
    bestand: Term = "",
    ort: Term = "",
    seite: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> Response:
    require(caller, "search")
    chosen = {
        "doc_type": typ,
        "department": abteilung,
        "signature": signatur,
        "holding": bestand,
        "place": ort,
    }
    filters = {field: value for field, value in chosen.items() if value}
    if signatur and signatur not in VERDICTS:
        filters.pop("signature")
    asked = bool(q.strip() or filters)
    found = None
    if asked:
        ctx: Context = request.app.state.ctx
        found = await run_in_threadpool(_search, ctx, caller, q, filters, seite)
        await run_in_threadpool(
            audit, request, caller, "search", q=q, filters=filters, page=seite, total=found.total
        )
    return page(
        request,
        "suche.html",
        q=q,
        found=found,
        asked=asked,
        seite=seite,
        facet_names=FACET_NAMES,
        type_labels=_type_labels(request.app.state.ctx),
        page_url=lambda number: _url(q, filters, number),
    )


def _search(
    ctx: Context, caller: Principal, q: str, filters: dict[str, str], page_number: int
) -> Found:
    visible = visibility(caller, "search")
    wanted = PAGE_SIZE * page_number
    result = ctx.index.search(q, limit=wanted, filters=filters, visible=visible)
    counts = ctx.index.facets(q, filters, visible=visible)
    hits = []
    for hit in result.hits[wanted - PAGE_SIZE : wanted]:
        manifest = load_manifest(ctx.store, hit.id)
        if manifest is None or not may_see(caller, "search", manifest):
            continue  # the engine filtered already; a stale index entry is skipped
        hits.append(_hit(manifest, hit.snippet))
    facets = {
        field: [
            FacetValue(
                value,
                count,
                filters.get(field) == value,
                _url(q, _toggle(filters, field, value), 1),
            )
            for value, count in sorted(counts.get(field, {}).items(), key=lambda kv: -kv[1])
        ]
        for field in FACET_NAMES
    }
    pages = max(1, min(MAX_PAGE, -(-result.total // PAGE_SIZE)))
    return Found(result.total, hits, facets, pages, result.more_than_total)


def _type_labels(ctx: Context) -> dict[str, str]:
    return {kind.id: kind.label for kind in load_types(ctx.settings.document_types_file).types}


def _hit(manifest: Manifest, snippet: str) -> Hit:
    return Hit(
        id=manifest.id,
        title=manifest.original_filename,
        doc_type=manifest.classification.label if manifest.classification else None,
        department=manifest.department,
        received=manifest.received_at.isoformat(),
        verdict=manifest.signature.verdict if manifest.signature else None,
        snippet=snippet,
        pages=manifest.page_count,
    )


def _toggle(filters: dict[str, str], field: str, value: str) -> dict[str, str]:
    changed = dict(filters)
    if changed.get(field) == value:
        del changed[field]
    else:
        changed[field] = value
    return changed


def _url(q: str, filters: dict[str, str], page_number: int) -> str:
    params = {"q": q} if q else {}
    params |= {PARAMS[field]: value for field, value in filters.items()}
    if page_number > 1:
        params["seite"] = str(page_number)
    return "/suche?" + urlencode(params)
