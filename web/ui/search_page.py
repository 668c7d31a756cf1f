"""Suche: one field, a range of days of receipt, facets, escaped snippets with marked
hits, paging.

Hits, total and facet counts all come from the engine under the caller's
``visibility`` (``web.policy``), the same restriction ``GET /api/search`` applies, so no
number on the page counts a Dokument the caller may not see. Every link of the page
(facets, pages) carries the whole search: words, chosen facets and the range.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from classify.types import load_types
from eakte.context import Context
from eakte.ports import Period
from eakte.record import VERDICTS, Manifest
from eakte.records import load_manifest
from eakte.retrieval import ReversedRange, received_period
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
    "sender": "Absender",
    "holding": "Bestand",
    "place": "Ort",
    "received_year": "Jahr",
}
# the page's query parameter per index field
PARAMS = {
    "doc_type": "typ",
    "department": "abteilung",
    "signature": "signatur",
    "sender": "absender",
    "holding": "bestand",
    "place": "ort",
    "received_year": "jahr",
}
NEWEST_FIRST = frozenset({"received_year"})  # facets listed by value, not by count
Text = Annotated[str, Query(max_length=1000)]
Term = Annotated[str, Query(max_length=200)]
Day = Annotated[str, Query(max_length=10)]  # a date field sends "" when left empty
BAD_DAY = "„Eingang {}“ ist kein gültiges Datum."
REVERSED = "„Eingang bis“ liegt vor „Eingang von“."


@dataclass(frozen=True)
class Criteria:
    """What the page searches for; its ``url`` is the page that shows it."""

    q: str = ""
    filters: dict[str, str] = field(default_factory=dict)
    received: Period | None = None

    def toggled(self, name: str, value: str) -> Criteria:
        """The same search with this facet value chosen, or dropped when it was."""
        changed = dict(self.filters)
        if changed.get(name) == value:
            del changed[name]
        else:
            changed[name] = value
        return replace(self, filters=changed)

    def url(self, page_number: int = 1) -> str:
        params = {"q": self.q} if self.q else {}
        params |= {PARAMS[name]: value for name, value in self.filters.items()}
        if self.received is not None and self.received.start is not None:
            params["eingang_von"] = self.received.start.isoformat()
        if self.received is not None and self.received.end is not None:
            params["eingang_bis"] = self.received.end.isoformat()
        if page_number > 1:
            params["seite"] = str(page_number)
        return "/suche?" + urlencode(params)


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
    absender: Annotated[str, Query(max_length=300)] = "",
    bestand: Term = "",
    ort: Term = "",
    jahr: Term = "",
    eingang_von: Day = "",
    eingang_bis: Day = "",
    seite: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> Response:
    require(caller, "search")
    chosen = {
        "doc_type": typ,
        "department": abteilung,
        "signature": signatur,
        "sender": absender,
        "holding": bestand,
        "place": ort,
        "received_year": jahr,
    }
    filters = {name: value for name, value in chosen.items() if value}
    if signatur and signatur not in VERDICTS:
        filters.pop("signature")
    problem, received = _received(eingang_von, eingang_bis)
    criteria = Criteria(q, filters, received)
    asked = bool(q.strip() or filters or received)
    found = None
    if asked and not problem:
        ctx: Context = request.app.state.ctx
        found = await run_in_threadpool(_search, ctx, caller, criteria, seite)
        await run_in_threadpool(
            audit,
            request,
            caller,
            "search",
            q=q,
            filters=filters,
            eingang_von=eingang_von,
            eingang_bis=eingang_bis,
            page=seite,
            total=found.total,
        )
    return page(
        request,
        "suche.html",
        q=q,
        eingang_von=eingang_von,
        eingang_bis=eingang_bis,
        problem=problem,
        chosen={PARAMS[name]: value for name, value in filters.items()},
        found=found,
        asked=asked,
        seite=seite,
        facet_names=FACET_NAMES,
        type_labels=_type_labels(request.app.state.ctx),
        page_url=criteria.url,
    )


def _received(start: str, end: str) -> tuple[str | None, Period | None]:
    """The range of the two date fields, or what is wrong with it (German, for the
    page: a browser's date field sends ISO days, only a typed address can be wrong)."""
    days: list[date | None] = []
    for value, which in ((start, "von"), (end, "bis")):
        try:
            days.append(date.fromisoformat(value) if value.strip() else None)
        except ValueError:
            return BAD_DAY.format(which), None
    try:
        return None, received_period(*days)
    except ReversedRange:
        return REVERSED, None


def _search(ctx: Context, caller: Principal, criteria: Criteria, page_number: int) -> Found:
    visible = visibility(caller, "search")
    wanted = PAGE_SIZE * page_number
    q, filters, received = criteria.q, criteria.filters, criteria.received
    result = ctx.index.search(q, limit=wanted, filters=filters, visible=visible, received=received)
    counts = ctx.index.facets(q, filters, visible=visible, received=received)
    hits = []
    for hit in result.hits[wanted - PAGE_SIZE : wanted]:
        manifest = load_manifest(ctx.store, hit.id)
        if manifest is None or not may_see(caller, "search", manifest):
            continue  # the engine filtered already; a stale index entry is skipped
        hits.append(_hit(manifest, hit.snippet))
    facets = {
        name: [
            FacetValue(
                value, count, filters.get(name) == value, criteria.toggled(name, value).url()
            )
            for value, count in _ordered(name, counts.get(name, {}))
        ]
        for name in FACET_NAMES
    }
    pages = max(1, min(MAX_PAGE, -(-result.total // PAGE_SIZE)))
    return Found(result.total, hits, facets, pages, result.more_than_total)


def _ordered(name: str, counts: dict[str, int]) -> list[tuple[str, int]]:
    """Most frequent first; years newest first, as people look for the recent ones."""
    if name in NEWEST_FIRST:
        return sorted(counts.items(), reverse=True)
    return sorted(counts.items(), key=lambda kv: -kv[1])


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
