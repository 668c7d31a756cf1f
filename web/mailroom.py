"""The mailroom's routes: the review queue and the correction of type, department and
the restricted flag. The mailroom routes all post, so it reaches every Dokument."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from classify.corrections import correct as correct_type
from eakte import review as review_ledger
from eakte.assignment import assign
from eakte.contract import IngestLine, ManifestView
from eakte.records import load_manifest
from eakte.wiring import build_runner
from web.auth import CurrentPrincipal, require_principal
from web.policy import find_record, may_see, require
from web.routes import Service, public_manifest, safe_filename
from web.trail import audit

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
    """Correct the type (the next `eakte train` learns from it), assign a department,
    mark restricted or not."""
    manifest = find_record(ctx, caller, "correct", record_id)
    if body.doc_type is not None:
        manifest = correct_type(ctx, manifest, body.doc_type, who=caller.name)
    manifest = assign(
        ctx, manifest, department=body.department, restricted=body.restricted, who=caller.name
    )
    audit(request, caller, "correct", manifest.id, **body.model_dump(exclude_none=True))
    return ManifestView.of(public_manifest(manifest))


@mailroom.post("/upload")
def upload(
    request: Request,
    ctx: Service,
    caller: CurrentPrincipal,
    files: Annotated[list[UploadFile], File(description="Eine oder mehrere Dateien")],
) -> list[IngestLine]:
    """Take in files like ``eakte ingest --json`` (channel ``upload``) and answer when
    they are stored; what a file is, is sniffed from its bytes, never its name."""
    require(caller, "upload")
    if len(files) > MAX_FILES:
        raise HTTPException(413, f"Höchstens {MAX_FILES} Dateien je Sendung.")
    limit = ctx.settings.max_file_bytes
    with tempfile.TemporaryDirectory(prefix="eakte-upload-") as workdir:
        paths = []
        for number, upload_file in enumerate(files):
            name = safe_filename(Path(upload_file.filename or "").name)
            name = name.encode("utf-8")[:200].decode("utf-8", errors="ignore")
            name = name if name.strip(".") else "upload"
            target = Path(workdir) / str(number) / name
            target.parent.mkdir()
            _receive(upload_file, target, limit)
            paths.append(target)
        lines = [
            IngestLine.model_validate(outcome.contract_json())
            for outcome in build_runner(ctx, lambda pages: None).ingest(paths, "upload")
        ]
    for line in lines:
        audit(
            request, caller, "upload", line.id or "", status=line.status, file=Path(line.path).name
        )
    return [line.model_copy(update={"path": Path(line.path).name}) for line in lines]


def _receive(upload_file: UploadFile, target: Path, limit: int) -> None:
    size = 0
    with target.open("wb") as out:
        while chunk := upload_file.file.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise HTTPException(413, f"Datei größer als {limit} Bytes (EAKTE_MAX_FILE_BYTES).")
            out.write(chunk)
