"""The Akten over the API: list, show, open, close, and filing a Dokument into one.

An Akte is found only through ``web.policy.find_akte`` (a forbidden Aktenzeichen answers
exactly like a missing one), its Dokumente are listed only where the caller may view
them, and every read and change is audited. Filing by hand is ``akten.manual``, the
same code ``eakte ablegen`` runs.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from akten.manual import close_akte, closing_facts, file_by_hand
from akten.model import Akte
from akten.registry import AktenRegister
from eakte.records import load_manifest
from evidence.tsa import optional_stamper
from web.auth import CurrentPrincipal, require_principal
from web.policy import Principal, find_akte, find_record, may_see, require, visible_akten
from web.routes import Service
from web.trail import audit

akten_api = APIRouter(prefix="/api", dependencies=[Depends(require_principal)])
Short = Annotated[str, Field(min_length=1, max_length=200)]


async def register(request: Request) -> AktenRegister:
    akten: AktenRegister = request.app.state.akten
    return akten


Register = Annotated[AktenRegister, Depends(register)]


class NewAkte(BaseModel):
    model_config = ConfigDict(extra="forbid")

    position: Annotated[str, Field(min_length=1, max_length=40)]
    titel: Short


class NewFiling(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dokument: Annotated[str, Field(min_length=6, max_length=64)]
    vorgang: Annotated[int, Field(ge=1)] | None = None
    grund: Annotated[str, Field(max_length=200)] = ""


class Closing(BaseModel):
    model_config = ConfigDict(extra="forbid")

    datum: date | None = None


def akte_view(akten: AktenRegister, ctx: Any, caller: Principal, akte: Akte) -> dict[str, Any]:
    """The Akte with its Vorgänge, the Dokumente the caller may view and its history."""
    documents = []
    for filed in akten.documents(akte.aktenzeichen):
        manifest = load_manifest(ctx.store, filed.record_id)
        if manifest is None or not may_see(caller, "view", manifest):
            continue
        documents.append(
            {
                **filed.to_json(),
                "original_filename": manifest.original_filename,
                "doc_type": manifest.doc_type,
            }
        )
    return {
        **akte.to_json(),
        "position_title": akten.plan.get(akte.position).title,
        "vorgaenge": [
            {"number": v.number, "title": v.title, "opened_on": v.opened_on.isoformat()}
            for v in akten.vorgaenge(akte.aktenzeichen)
        ],
        "documents": documents,
        "events": akten.events(akte.aktenzeichen),
    }


@akten_api.get("/akten")
def list_akten(
    request: Request,
    akten: Register,
    caller: CurrentPrincipal,
    status: Annotated[Literal["open", "closed"] | None, Query()] = None,
    position: Annotated[str | None, Query(max_length=40)] = None,
) -> list[dict[str, Any]]:
    """The Akten the caller may see, ordered by Aktenzeichen."""
    found = visible_akten(akten, caller, status, position)
    audit(request, caller, "akten", count=len(found), status=status, position=position)
    return [akte.to_json() for akte in found]


@akten_api.post("/akten", status_code=201)
def open_akte(
    request: Request, akten: Register, caller: CurrentPrincipal, body: NewAkte
) -> dict[str, Any]:
    """A new Akte under an Aktenplan position of one of the caller's departments."""
    require(caller, "manage")
    position = akten.plan.positions.get(body.position.strip())
    if position is None or position.department not in caller.departments:
        raise HTTPException(422, "Diese Aktenplanposition gibt es nicht für Ihre Abteilung.")
    created = akten.open(position.number, body.titel, actor=caller.name)
    audit(request, caller, "akte_opened", created.aktenzeichen)
    return created.to_json()


@akten_api.get("/akten/{aktenzeichen:path}")
def show_akte(
    request: Request, ctx: Service, akten: Register, caller: CurrentPrincipal, aktenzeichen: str
) -> dict[str, Any]:
    """An Akte by its Aktenzeichen (any spelling that means it)."""
    akte = find_akte(akten, caller, "akten", aktenzeichen)
    audit(request, caller, "akte", akte.aktenzeichen)
    return akte_view(akten, ctx, caller, akte)


@akten_api.post("/akten/{aktenzeichen:path}/dokumente")
def file_document(
    request: Request,
    ctx: Service,
    akten: Register,
    caller: CurrentPrincipal,
    aktenzeichen: str,
    body: NewFiling,
) -> dict[str, Any]:
    """File a Dokument into the Akte (or correct where it was filed)."""
    akte = find_akte(akten, caller, "file", aktenzeichen)
    manifest = find_record(ctx, caller, "file", body.dokument)
    filing, before = file_by_hand(
        ctx,
        akten,
        manifest,
        akte.aktenzeichen,
        actor=caller.name,
        reason=body.grund,
        vorgang=body.vorgang,
    )
    audit(request, caller, "file", manifest.id, aktenzeichen=akte.aktenzeichen, before=before)
    return {**filing.to_json(), "before": before}


@akten_api.post("/akten/{aktenzeichen:path}/schliessen")
def close(
    request: Request,
    ctx: Service,
    akten: Register,
    caller: CurrentPrincipal,
    aktenzeichen: str,
    body: Closing,
) -> dict[str, Any]:
    """Close the Akte (zdA): each Dokument's retention end is set from its position and
    its original locked in the object store until then."""
    akte = find_akte(akten, caller, "manage", aktenzeichen)
    done = close_akte(
        ctx.store, akten, akte.aktenzeichen, actor=caller.name, closed_on=body.datum,
        stamper=optional_stamper(ctx.settings.tsa_url),
    )  # fmt: skip
    audit(
        request, caller, "akte_closed", akte.aktenzeichen, locked=done.locked,
        evidence=done.evidence,
    )  # fmt: skip
    return {**done.akte.to_json(), **closing_facts(done)}
