"""Errors of pages as German HTML pages: the same statuses and sentences as the API's
JSON (``web.errors`` decides both), never a traceback or a server path. A missing
session sends the browser to the login form instead."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from web.ui.identity import CsrfRejected, LoginRequired
from web.ui.render import page
from web.ui.sessions import COOKIE

TITLES = {
    400: "Ungültige Anfrage",
    401: "Anmeldung erforderlich",
    403: "Zugriff verweigert",
    404: "Nicht gefunden",
    413: "Zu groß",
    422: "Ungültige Eingabe",
    429: "Zu viele Anfragen",
    500: "Interner Fehler",
    502: "Dienst gestört",
    503: "Vorübergehend nicht verfügbar",
}
API_PREFIXES = ("/api/", "/health", "/metrics", "/openapi.json")


def is_page(request: Request) -> bool:
    """A request of the UI (answered in HTML), not of the API (JSON)."""
    path = request.url.path
    return path != "/api" and not path.startswith(API_PREFIXES)


def error_page(
    request: Request, status: int, detail: str, headers: Mapping[str, str] | None = None
) -> Response:
    response = page(
        request,
        "fehler.html",
        status,
        status=status,
        title=TITLES.get(status, "Fehler"),
        detail=detail,
    )
    for name, value in (headers or {}).items():
        if name.lower() != "www-authenticate":
            response.headers[name] = value
    return response


async def _login_required(request: Request, exc: Exception) -> Response:
    expired = COOKIE in request.cookies
    params = {"weiter": request.url.path} if request.method == "GET" else {}
    if expired:
        params["abgelaufen"] = "1"
    response = RedirectResponse("/anmelden?" + urlencode(params), status_code=303)
    if expired:
        response.delete_cookie(COOKIE, path="/")
    return response


async def _csrf_rejected(request: Request, exc: Exception) -> Response:
    return error_page(
        request,
        403,
        "Das Formular ist abgelaufen oder kam nicht von dieser Seite. "
        "Bitte laden Sie die Seite neu und versuchen Sie es erneut.",
    )


def install_page_errors(app: FastAPI) -> None:
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(CsrfRejected, _csrf_rejected)
    app.state.error_page = error_page
    app.state.is_page = is_page
