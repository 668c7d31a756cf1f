"""The mailroom's routes: the review queue and the correction of type, department and
the restricted flag. The mailroom routes all post, so it reaches every Dokument."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from classify.corrections import correct as correct_type
from eakte import review as review_ledger
from eakte.assignment import assign
from eakte.contract import ManifestView
from eakte.records import load_manifest
from web.auth import CurrentPrincipal, require_principal
from web.policy import find_record, may_see, require
from web.routes import Service, public_manifest
from web.trail import audit

mailroom = APIRouter(prefix="/api", dependencies=[Depends(require_principal)])


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
