"""Posteingang: upload several files (dropped or chosen), watch their capture file by
file and page by page, see what they became (a scan batch split into its letters), and
work the review queue with one-click confirm or correction of type and department.

Upload, review list and correction are the API's handlers (``web.mailroom``), so the
limits, sniffing, pipeline and audit entries are the same. The upload answers at once;
the page then shows the Sendung's progress (``web.uploads``), refreshed by htmx while
the capture runs, or by a link without JavaScript.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from classify.types import load_types
from eakte.context import Context
from eakte.errors import InputRejected, RecordNotFound
from eakte.field_edits import EDITABLE
from eakte.record import Manifest
from eakte.records import load_manifest
from web.mailroom import Correction, ReviewEntry, correct, receive, review
from web.policy import find_sendung, require
from web.previews import MAX_PREVIEWS
from web.ui.identity import PageUser, check_form
from web.ui.render import page
from web.uploads import Sendung

mailroom_router = APIRouter(include_in_schema=False)
_BATCH = re.compile(r"[A-Za-z0-9_-]{16,32}")
Short = Annotated[str, Form(max_length=200)]


@dataclass(frozen=True)
class Letter:
    """One Dokument of an upload as the mailroom sees it."""

    id: str
    filename: str
    pages: str  # "Seiten 1–2" of the input, or ""
    doc_type: str | None
    type_label: str
    confidence: float | None
    needs_review: bool
    department: str | None
    status: str  # stored, duplicate, quarantined; waiting or working while captured
    error: str | None
    fields: dict[str, str]  # sender, subject, letter_date as read or corrected


@dataclass(frozen=True)
class QueueItem:
    """An entry of the review queue with what the one-click confirm needs."""

    kind: str
    id: str
    original_filename: str
    reasons: list[str]
    pages: list[dict[str, object]]
    doc_type: str | None
    department: str | None
    preview_pages: list[int]  # the pages to scan again, else the first


def _ctx(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


@mailroom_router.get("/posteingang")
def mailroom_page(request: Request, caller: PageUser, sendung: str = "") -> Response:
    require(caller, "upload")
    ctx = _ctx(request)
    found = _sendung(ctx, caller, sendung)
    return page(
        request,
        "posteingang.html",
        letters=_letters(ctx, found) if found else [],
        progress=found,
        sendung=found.id if found else "",
        queue=_queue(ctx, review(request, ctx, caller)),
        types=load_types(ctx.settings.document_types_file).types,
        max_bytes=ctx.settings.max_file_bytes,
    )


@mailroom_router.get("/posteingang/sendungen/{sendung}")
def sendung_progress(request: Request, caller: PageUser, sendung: str) -> Response:
    """The Sendung's table alone: what htmx fetches while the capture runs."""
    ctx = _ctx(request)
    found = find_sendung(ctx, caller, sendung)
    return page(
        request,
        "posteingang_sendung.html",
        letters=_letters(ctx, found),
        progress=found,
        sendung=found.id,
        types=load_types(ctx.settings.document_types_file).types,
    )


@mailroom_router.post("/posteingang")
def upload_files(
    request: Request,
    caller: PageUser,
    csrf: Short,
    dateien: Annotated[list[UploadFile], File()],
) -> Response:
    check_form(request, csrf)
    chosen = [item for item in dateien if item.filename]
    if not chosen:
        raise InputRejected("Bitte mindestens eine Datei auswählen.")
    sendung = receive(request, _ctx(request), caller, chosen)
    return RedirectResponse(f"/posteingang?sendung={sendung.id}", status_code=303)


@mailroom_router.post("/posteingang/dokumente/{record_id}")
def correct_letter(
    request: Request,
    caller: PageUser,
    record_id: str,
    csrf: Short,
    doc_type: Short = "",
    department: Short = "",
    sendung: Short = "",
    absender: Annotated[str | None, Form(max_length=300)] = None,
    betreff: Annotated[str | None, Form(max_length=300)] = None,
    datum: Annotated[str | None, Form(max_length=10)] = None,
) -> Response:
    """Confirm (the same type again) or correct the type and department, and the
    letter's sender, subject and date where the form shows them."""
    check_form(request, csrf)
    try:
        body = Correction(
            doc_type=doc_type or None,
            department=department.strip() or None,
            sender=absender,
            subject=betreff,
            letter_date=datum,
        )
    except ValidationError:
        raise InputRejected("Ungültige Korrektur.") from None
    ctx = _ctx(request)
    corrected = correct(request, ctx, caller, record_id, body)
    in_batch = _BATCH.fullmatch(sendung) is not None
    if request.headers.get("HX-Request") == "true" and in_batch:
        # htmx (JavaScript on): only the Dokument's row of the batch table, swapped in place
        found = find_sendung(ctx, caller, sendung)
        rows = [letter for letter in _letters(ctx, found) if letter.id == corrected.id]
        if rows:
            return page(
                request,
                "posteingang_zeile.html",
                letter=rows[0],
                sendung=sendung,
                types=load_types(ctx.settings.document_types_file).types,
            )
    target = f"/posteingang?sendung={sendung}" if in_batch else "/posteingang"
    return RedirectResponse(target + "#warteschlange", status_code=303)


def _queue(ctx: Context, entries: list[ReviewEntry]) -> list[QueueItem]:
    items = []
    for entry in entries:
        manifest = load_manifest(ctx.store, entry.id)
        items.append(
            QueueItem(
                kind=entry.kind,
                id=entry.id,
                original_filename=entry.original_filename,
                reasons=entry.reasons,
                pages=entry.pages,
                doc_type=manifest.doc_type if manifest else None,
                department=manifest.department if manifest else None,
                preview_pages=_preview_pages(entry, manifest),
            )
        )
    return items


def _preview_pages(entry: ReviewEntry, manifest: Manifest | None) -> list[int]:
    if manifest is None or manifest.page_count == 0:
        return []
    flagged = [int(str(page["number"])) for page in entry.pages if "number" in page]
    return [n for n in flagged if 1 <= n <= min(manifest.page_count, MAX_PREVIEWS)][:3] or [1]


def _sendung(ctx: Context, caller: PageUser, sendung: str) -> Sendung | None:
    if not _BATCH.fullmatch(sendung):
        return None
    try:
        return find_sendung(ctx, caller, sendung)
    except RecordNotFound:
        return None


def _letters(ctx: Context, sendung: Sendung) -> list[Letter]:
    """The Sendung's Dokumente as split, and its files still waiting or being read."""
    letters = []
    for item in sendung.files:
        line = item.line
        if line is None:
            letters.append(_letter(ctx, None, item.name, "", item.state, None))
            continue
        parts = line.parts or []
        if not any(part.pages for part in parts):  # not a split batch: the file itself
            letters.append(_letter(ctx, line.id, line.path, "", line.status, line.error))
        for part in parts:
            if part.pages:
                first, last = part.pages[0], part.pages[-1]
                span = f"Seite {first}" if first == last else f"Seiten {first}–{last}"
                letters.append(_letter(ctx, part.id, line.path, span, "stored", part.error))
    return letters


def _letter(
    ctx: Context, record_id: str | None, filename: str, pages: str, status: str, error: str | None
) -> Letter:
    manifest: Manifest | None = load_manifest(ctx.store, record_id) if record_id else None
    found = manifest.classification if manifest else None
    return Letter(
        id=record_id or "",
        filename=filename,
        pages=pages,
        doc_type=found.type if found else None,
        type_label=found.label if found else "–",
        confidence=found.confidence if found else None,
        needs_review=bool(found and found.needs_review),
        department=manifest.department if manifest else None,
        status=manifest.status if manifest and status == "stored" else status,
        error=error,
        fields=_editable(manifest),
    )


def _editable(manifest: Manifest | None) -> dict[str, str]:
    """The letter's correctable fields, as the correction form shows them."""
    fields = manifest.fields if manifest else {}
    return {key: str(fields.get(key) or "") for key in EDITABLE}
