"""The mailroom's routes: the review queue and the correction of type, department and
the restricted flag. The mailroom routes all post, so it reaches every Dokument."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, Response, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from classify.corrections import correct as correct_type
from eakte import review as review_ledger
from eakte.assignment import assign
from eakte.context import Context
from eakte.contract import ManifestView
from eakte.field_edits import EDITABLE, checked, correct_fields
from eakte.records import load_manifest
from web.auth import CurrentPrincipal, require_principal
from web.policy import Principal, find_record, find_sendung, may_see, require
from web.routes import Service, public_manifest, safe_filename
from web.trail import audit
from web.uploads import Sendung, UploadJobs, new_sendung_id

mailroom = APIRouter(prefix="/api", dependencies=[Depends(require_principal)])
MAX_FILES = 50
CHUNK = 1024 * 1024


class ReviewEntry(BaseModel):
    kind: review_ledger.ReviewKind
    id: str
    original_filename: str
    reasons: list[str]
    pages: list[dict[str, object]]


class Correction(BaseModel):
    """What a person sets; absent fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    doc_type: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    department: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    restricted: bool | None = None
    # the fields read from the letter; "" clears one (eakte.field_edits)
    sender: Annotated[str, Field(max_length=300)] | None = None
    subject: Annotated[str, Field(max_length=300)] | None = None
    letter_date: Annotated[str, Field(max_length=10, description="JJJJ-MM-TT")] | None = None

    def fields(self) -> dict[str, str]:
        return {key: value for key in EDITABLE if (value := getattr(self, key)) is not None}


@mailroom.get("/review")
def review(request: Request, ctx: Service, caller: CurrentPrincipal) -> list[ReviewEntry]:
    """Pages to scan again and uncertain types, like ``eakte review --json``."""
    require(caller, "review")
    items = review_ledger.list_review(ctx.store, review_ledger.KINDS, load_manifest)
    visible = [
        item
        for item in items
        if (manifest := load_manifest(ctx.store, item.id)) and may_see(caller, "review", manifest)
    ]
    audit(request, caller, "review", count=len(visible))
    return [ReviewEntry.model_validate(item, from_attributes=True) for item in visible]


@mailroom.patch("/records/{record_id}")
def correct(
    request: Request, ctx: Service, caller: CurrentPrincipal, record_id: str, body: Correction
) -> ManifestView:
    """Correct the type (the next `eakte train` learns from it), sender, subject and
    date of the letter, assign a department, mark restricted or not."""
    manifest = find_record(ctx, caller, "correct", record_id)
    checked(body.fields())  # a wrong date changes nothing at all
    if body.doc_type is not None:
        manifest = correct_type(ctx, manifest, body.doc_type, who=caller.name)
    manifest = correct_fields(ctx, manifest, body.fields(), who=caller.name)
    manifest = assign(
        ctx, manifest, department=body.department, restricted=body.restricted, who=caller.name
    )
    audit(request, caller, "correct", manifest.id, **body.model_dump(exclude_none=True))
    return ManifestView.of(public_manifest(manifest))


@mailroom.post("/upload", status_code=202)
def upload(
    request: Request,
    response: Response,
    ctx: Service,
    caller: CurrentPrincipal,
    files: Annotated[list[UploadFile], File(description="Eine oder mehrere Dateien")],
    warten: Annotated[bool, Query(description="Erst nach der Erfassung antworten")] = False,
) -> Sendung:
    """Take in files (channel ``upload``) and answer at once with the Sendung and its
    status URL; the capture runs in the background. What a file is, is sniffed from its
    bytes, never its name. ``warten=true`` answers when the capture is done (scripts)."""
    sendung = receive(request, ctx, caller, files)
    response.headers["Location"] = sendung.status_url
    if warten:
        return upload_jobs(request).wait(sendung.id)
    return sendung


@mailroom.get("/upload/{sendung_id}")
def upload_status(request: Request, caller: CurrentPrincipal, sendung_id: str) -> Sendung:
    """How far a Sendung's capture has come, file by file, and what each file became."""
    sendung = find_sendung(request.app.state.ctx, caller, sendung_id)
    audit(request, caller, "upload_status", sendung.id)
    return sendung


def receive(request: Request, ctx: Context, caller: Principal, files: list[UploadFile]) -> Sendung:
    """Write the files to the spool, start their capture, audit the upload."""
    require(caller, "upload")
    if len(files) > MAX_FILES:
        raise HTTPException(413, f"Höchstens {MAX_FILES} Dateien je Sendung.")
    jobs = upload_jobs(request)
    sendung_id = new_sendung_id()
    folder = jobs.folder(sendung_id)
    names = []
    try:
        for number, upload_file in enumerate(files):
            name = safe_filename(Path(upload_file.filename or "").name)
            name = name.encode("utf-8")[:200].decode("utf-8", errors="ignore")
            name = name if name.strip(".") else "upload"
            target = folder / str(number) / name
            target.parent.mkdir(parents=True)
            _receive(upload_file, target, ctx.settings.max_file_bytes)
            names.append(name)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # nothing was captured: nothing kept
        raise
    audit(request, caller, "upload", sendung_id, files=names)
    return jobs.submit(sendung_id, caller.name, names)


def upload_jobs(request: Request) -> UploadJobs:
    jobs: UploadJobs = request.app.state.uploads
    return jobs


def _receive(upload_file: UploadFile, target: Path, limit: int) -> None:
    size = 0
    with target.open("wb") as out:
        while chunk := upload_file.file.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise HTTPException(413, f"Datei größer als {limit} Bytes (EAKTE_MAX_FILE_BYTES).")
            out.write(chunk)
