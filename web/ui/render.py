"""Rendering pages: the Jinja2 environment (autoescaping everything), the HTML pages'
own Content-Security-Policy, and the few filters templates need.

The CSP allows scripts, styles, fonts and images from this server only, never inline
code: KERN's icons are SVG ``data:`` images in its stylesheet, hence ``img-src data:``.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from eakte.ports import NO_DEPARTMENT
from eakte.record import LOCAL_TIME, VERDICT_WORDS
from search import german
from search.german import MARK_CLOSE, MARK_OPEN
from web.policy import Principal, allows
from web.ui.sessions import Session, SessionCodec

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
# Referrer only to this server: the browser then names our origin in the Origin header of
# our own forms (with no-referrer it sends "null"), which ``check_form`` verifies.
PAGE_HEADERS = {"Content-Security-Policy": PAGE_CSP, "Referrer-Policy": "same-origin"}
_MARKED = re.compile(f"{MARK_OPEN}([^{MARK_OPEN}{MARK_CLOSE}]+){MARK_CLOSE}")
ROLE_WORDS = {
    "mailroom": "Posteingang",
    "clerk": "Sachbearbeitung",
    "archivist": "Archiv",
    "admin": "Verwaltung",
}
VERDICT_SENTENCES = {
    "TOTAL_PASSED": "Die Signatur ist gültig.",
    "TOTAL_FAILED": "Die Signatur ist ungültig: das Dokument wurde verändert oder die "
    "Signatur ist fehlerhaft.",
    "INDETERMINATE": "Die Signatur konnte nicht abschließend geprüft werden.",
    "UNSIGNED": "Das Dokument ist nicht signiert.",
}

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def highlight(snippet: str, query: str) -> Markup:
    """The snippet with every character escaped and only our own ``<mark>`` around the
    hits the index marked (« »). A document's own guillemets (»so« in German print,
    or markup it contains) stay text: a « » pair becomes a mark only around words the
    query matches."""
    terms = set(german.query_terms(query))
    parts: list[str] = []
    position = 0
    for found in _MARKED.finditer(snippet):
        parts.append(str(escape(snippet[position : found.start()])))
        inner = found.group(1)
        words = german.analyze(inner)
        if words and all(word in terms for word in words):
            parts.append(f"<mark>{escape(inner)}</mark>")
        else:
            parts.append(str(escape(found.group(0))))
        position = found.end()
    parts.append(str(escape(snippet[position:])))
    return Markup("".join(parts))


def local_time(value: datetime | str | None) -> str:
    if value is None:
        return "–"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(LOCAL_TIME).strftime("%d.%m.%Y %H:%M")


def local_date(value: str | None) -> str:
    """An ISO date as Germans write it (31.12.2036)."""
    return datetime.fromisoformat(value).strftime("%d.%m.%Y") if value else "–"


def department_name(value: str | None) -> str:
    return "ohne Abteilung" if not value or value == NO_DEPARTMENT else value


environment.filters["highlight"] = highlight
environment.filters["zeit"] = local_time
environment.filters["abteilung"] = department_name
environment.filters["datum"] = local_date
environment.filters["urteil"] = lambda verdict: VERDICT_WORDS.get(verdict, verdict)
environment.globals["VERDICT_SENTENCES"] = VERDICT_SENTENCES
environment.globals["ROLE_WORDS"] = ROLE_WORDS


def navigation(principal: Principal | None) -> list[tuple[str, str]]:
    """The pages this role can use, as (path, label)."""
    if principal is None:
        return []
    items = []
    if allows(principal, "upload"):
        items.append(("/posteingang", "Posteingang"))
    if allows(principal, "search"):
        items.append(("/suche", "Suche"))
    if allows(principal, "akten"):
        items.append(("/akten", "Akten"))
    if allows(principal, "users"):
        items.append(("/verwaltung", "Verwaltung"))
    return items


def page(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    """A whole page (or, for an htmx request, the fragment ``values`` asks for)."""
    principal: Principal | None = getattr(request.state, "principal", None)
    session: Session | None = getattr(request.state, "session", None)
    codec: SessionCodec = request.app.state.sessions
    html = environment.get_template(template).render(
        request=request,
        principal=principal,
        csrf=codec.csrf_token(session) if session else "",
        nav=navigation(principal),
        path=request.url.path,
        **values,
    )
    return HTMLResponse(html, status_code=status_code, headers=PAGE_HEADERS)
