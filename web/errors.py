"""The one place where errors become HTTP responses (``eakte.errors`` names the three).

Every body is ``{"detail": "<German sentence>"}``: the service's own errors carry German
messages already; the framework's (unknown route, bad query parameter) are translated
here so a caller never sees a mix of languages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from akten.model import AkteNotFound, FilingRefused, InvalidAktenzeichen
from eakte.errors import (
    ConfigurationError,
    EakteError,
    InputRejected,
    IntegrityError,
    RecordNotFound,
    ToolFailed,
    Transient,
)
from web.policy import Forbidden
from web.trail import audit

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30

# Most specific first: the first class the error is an instance of decides.
STATUS: tuple[tuple[type[EakteError], int], ...] = (
    (RecordNotFound, 404),
    (AkteNotFound, 404),
    (FilingRefused, 409),  # the Akte is closed or has no such Vorgang
    (InvalidAktenzeichen, 422),
    (InputRejected, 422),
    (Transient, 503),  # a server behind us is unreachable: retry later
    (ToolFailed, 502),  # a server or tool behind us failed on this request
    (IntegrityError, 500),  # stored bytes damaged: never served, an operator must look
    (ConfigurationError, 500),
)

GERMAN_STATUS = {
    400: "Ungültige Anfrage.",
    401: "Anmeldung erforderlich.",
    403: "Zugriff verweigert.",
    404: "Nicht gefunden.",
    405: "Diese Methode ist hier nicht erlaubt.",
    406: "Dieses Antwortformat wird nicht angeboten.",
    413: "Anfrage zu groß.",
    415: "Dieses Format wird nicht angenommen.",
    429: "Zu viele Anfragen: bitte später erneut versuchen.",
}

GERMAN_VALIDATION = {
    "missing": "fehlt",
    "int_parsing": "muss eine ganze Zahl sein",
    "int_from_float": "muss eine ganze Zahl sein",
    "bool_parsing": "muss true oder false sein",
    "greater_than_equal": "muss mindestens {ge} sein",
    "less_than_equal": "darf höchstens {le} sein",
    "string_too_short": "muss mindestens {min_length} Zeichen lang sein",
    "string_too_long": "darf höchstens {max_length} Zeichen lang sein",
    "literal_error": "muss einer dieser Werte sein: {expected}",
    "date_parsing": "muss ein Datum sein (JJJJ-MM-TT)",
    "date_from_datetime_parsing": "muss ein Datum sein (JJJJ-MM-TT)",
    "date_from_datetime_inexact": "muss ein Datum sein (JJJJ-MM-TT)",
}


def status_for(error: EakteError) -> int:
    return next((code for cls, code in STATUS if isinstance(error, cls)), 500)


def _detail(status: int, detail: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def _answer(
    request: Request, status: int, detail: str, headers: Mapping[str, str] | None = None
) -> Response:
    """JSON for the API; the web UI (``web.ui.errors``) answers its pages in HTML."""
    is_page = getattr(request.app.state, "is_page", None)
    if is_page is not None and is_page(request):
        page: Callable[..., Response] = request.app.state.error_page
        return page(request, status, detail, headers)
    return _detail(status, detail, headers)


async def _eakte_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, EakteError)
    status = status_for(exc)
    if status >= 500:
        log.error("%s %s: %s", request.method, request.url.path, exc.message)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if isinstance(exc, Transient) else None
    if isinstance(exc, RecordNotFound):
        await _audit_refusal(request, "not_found")
    return _answer(request, status, exc.message, headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail
    if detail == HTTPStatus(exc.status_code).phrase:  # the framework's English default
        detail = GERMAN_STATUS.get(exc.status_code, f"HTTP-Fehler {exc.status_code}.")
    return _answer(request, exc.status_code, str(detail), exc.headers)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = [_german_problem(error) for error in exc.errors()]
    return _answer(request, 422, "Ungültige Anfrage: " + "; ".join(problems))


async def _unexpected(request: Request, exc: Exception) -> Response:
    """A bug: the caller gets no internals; the server logs the traceback (Starlette
    re-raises it to uvicorn after this response)."""
    return _answer(request, 500, "Interner Fehler; er wurde protokolliert.")


def _german_problem(error: dict[str, Any]) -> str:
    where = ".".join(str(part) for part in error.get("loc", ())[1:]) or "Anfrage"
    template = GERMAN_VALIDATION.get(str(error.get("type")), "ungültiger Wert")
    context = {k: str(v).replace(" or ", " oder ") for k, v in error.get("ctx", {}).items()}
    try:
        return f"{where} {template.format(**context)}"
    except KeyError:
        return f"{where} ungültiger Wert"


async def _forbidden(request: Request, exc: Exception) -> Response:
    """The role may not do this at all; nothing about any Dokument is said."""
    await _audit_refusal(request, "denied")
    return _answer(request, 403, "Ihre Rolle erlaubt das nicht.")


async def _audit_refusal(request: Request, action: str) -> None:
    """A refused or fruitless request of an authenticated caller is an audit entry too:
    someone guessing ids or trying another role's routes shows up in the trail."""
    principal = getattr(request.state, "principal", None)
    if principal is not None:
        await run_in_threadpool(audit, request, principal, action, request.url.path[:300])


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Forbidden, _forbidden)
    app.add_exception_handler(EakteError, _eakte_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
