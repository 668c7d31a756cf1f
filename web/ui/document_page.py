"""Dokument: metadata, extracted fields, the signature panel, downloads, history and
page previews.

Lookups go through ``web.policy.find_record`` (a forbidden id answers exactly like a
missing one); downloads call the API's own handlers (``web.routes``), so the checked
copy of the original, the SHA-256 header and the audit entry are the API's.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse

from eakte.context import Context
from eakte.record import Manifest
from eakte.report import FIELD_DE
from eakte.retrieval import stored_report
from eakte.transfer import note_rows
from web.policy import allows, find_record
from web.previews import MAX_PREVIEWS, Size, preview_response
from web.routes import original, pruefprotokoll, public_manifest
from web.trail import audit
from web.ui.akten_page import akte_url
from web.ui.identity import PageUser
from web.ui.render import page

document_router = APIRouter(include_in_schema=False)


def _ctx(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


@document_router.get("/dokumente/{record_id}")
def document_page(request: Request, caller: PageUser, record_id: str) -> Response:
    ctx = _ctx(request)
    manifest = find_record(ctx, caller, "view", record_id)
    audit(request, caller, "view", manifest.id)
    shown = public_manifest(manifest)
    return page(
        request,
        "dokument.html",
        doc=shown,
        fields=_fields(shown),
        transfer=note_rows(shown.transfer_note) if shown.transfer_note else [],
        signatures=shown.signature.signatures if shown.signature else [],
        may_download=allows(caller, "download"),
        has_report=stored_report(ctx, manifest) is not None,
        previews=range(1, min(shown.page_count, MAX_PREVIEWS) + 1),
        events=list(reversed(shown.events)),
        filed_in=(shown.fields.get("filing") or {}).get("aktenzeichen"),
        may_file=allows(caller, "file"),
        may_see_akten=allows(caller, "akten"),
        akte_url=akte_url,
    )


@document_router.get("/dokumente/{record_id}/original")
def original_download(request: Request, caller: PageUser, record_id: str) -> StreamingResponse:
    """The exact bytes, as ``GET /api/records/{id}/original`` serves them."""
    return original(request, _ctx(request), caller, record_id)


@document_router.get("/dokumente/{record_id}/pruefprotokoll")
def report_download(request: Request, caller: PageUser, record_id: str) -> Response:
    """The Prüfprotokoll as PDF, as ``GET /api/records/{id}/pruefprotokoll`` serves it."""
    return pruefprotokoll(request, _ctx(request), caller, record_id, "pdf")


@document_router.get("/dokumente/{record_id}/seiten/{number}.png")
def preview(
    request: Request,
    caller: PageUser,
    record_id: str,
    number: int,
    size: Annotated[Size, Query(alias="groesse")] = "vorschau",
) -> Response:
    """A page picture, as ``GET /api/records/{id}/pages/{n}.png`` serves it."""
    return preview_response(request, caller, record_id, number, size)


def _fields(manifest: Manifest) -> list[tuple[str, str]]:
    """The extracted fields as (German label, readable value), as ``eakte show`` prints
    them."""
    shown = []
    for key, label in FIELD_DE.items():
        value = manifest.fields.get(key)
        if not value:
            continue
        if key == "references" and isinstance(value, list):
            text = "; ".join(f"{r.get('label', '')} {r.get('value', '')}" for r in value)
        elif key == "total_amount" and isinstance(value, dict):
            text = str(value.get("text", ""))
        elif isinstance(value, list):
            text = ", ".join(map(str, value))
        else:
            text = str(value)
        shown.append((label, text))
    return shown
