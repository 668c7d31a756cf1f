"""Akten: the list of those one may see, one Akte with its Vorgänge, Dokumente and
history, opening and closing, and filing a Dokument from its page.

Every lookup and change is the API's own handler (``web.akten``), so the policy, the
audit entries and the shared filing code are the same as over the API.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from akten.model import EVENT_WORDS, STATUS_WORDS
from akten.plan import APPRAISALS
from akten.registry import AktenRegister
from eakte.context import Context
from eakte.errors import InputRejected
from web.akten import (
    Closing,
    NewAkte,
    NewFiling,
    close,
    file_document,
    list_akten,
    open_akte,
    show_akte,
)
from web.policy import allows
from web.ui.identity import PageUser, check_form
from web.ui.render import page

akten_router = APIRouter(include_in_schema=False)
Short = Annotated[str, Form(max_length=200)]
STATUS_FILTERS = {"": "alle", "open": "offen", "closed": "geschlossen"}


def _ctx(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


def _akten(request: Request) -> AktenRegister:
    akten: AktenRegister = request.app.state.akten
    return akten


def akte_url(aktenzeichen: str) -> str:
    return "/akten/" + quote(aktenzeichen, safe="/")


@akten_router.get("/akten")
def akten_page(request: Request, caller: PageUser, status: str = "") -> Response:
    akten = _akten(request)
    chosen: Literal["open", "closed"] | None = (
        "open" if status == "open" else "closed" if status == "closed" else None
    )
    found = list_akten(request, akten, caller, chosen, None)
    positions = [
        position
        for position in akten.plan.positions.values()
        if position.department in caller.departments
    ]
    return page(
        request,
        "akten.html",
        akten=found,
        status=chosen or "",
        status_filters=STATUS_FILTERS,
        status_words=STATUS_WORDS,
        positions=positions if allows(caller, "manage") else [],
        akte_url=akte_url,
    )


@akten_router.post("/akten")
def open_from_page(
    request: Request, caller: PageUser, csrf: Short, position: Short = "", titel: Short = ""
) -> Response:
    check_form(request, csrf)
    try:
        body = NewAkte(position=position, titel=titel.strip())
    except ValidationError:
        raise InputRejected("Bitte Aktenplanposition und Titel angeben.") from None
    created = open_akte(request, _akten(request), caller, body)
    return RedirectResponse(akte_url(created["aktenzeichen"]), status_code=303)


@akten_router.get("/akten/{aktenzeichen:path}")
def akte_page(request: Request, caller: PageUser, aktenzeichen: str) -> Response:
    akten = _akten(request)
    shown = show_akte(request, _ctx(request), akten, caller, aktenzeichen)
    return page(
        request,
        "akte.html",
        akte=shown,
        status_words=STATUS_WORDS,
        event_words=EVENT_WORDS,
        appraisals=APPRAISALS,
        may_close=allows(caller, "manage") and shown["status"] == "open",
        akte_url=akte_url,
    )


@akten_router.post("/akten/{aktenzeichen:path}/schliessen")
def close_from_page(request: Request, caller: PageUser, aktenzeichen: str, csrf: Short) -> Response:
    check_form(request, csrf)
    closed = close(request, _ctx(request), _akten(request), caller, aktenzeichen, Closing())
    return RedirectResponse(akte_url(closed["aktenzeichen"]), status_code=303)


@akten_router.post("/dokumente/{record_id}/ablegen")
def file_from_page(
    request: Request, caller: PageUser, record_id: str, csrf: Short, aktenzeichen: Short = ""
) -> Response:
    """File the Dokument shown into the Akte typed in (any spelling of its Aktenzeichen)."""
    check_form(request, csrf)
    try:
        body = NewFiling(dokument=record_id)
    except ValidationError:
        raise InputRejected("Ungültige Kennung des Dokuments.") from None
    ctx, akten = _ctx(request), _akten(request)
    file_document(request, ctx, akten, caller, aktenzeichen.strip(), body)
    return RedirectResponse(f"/dokumente/{record_id}#ablage", status_code=303)
