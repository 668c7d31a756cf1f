"""Page previews and thumbnails: small grayscale renditions of a Dokument's pages.

Each is rendered once by the Dokument's handler and kept as a derived object
(``previews/<id>/<size>/<page>.png``), so a search page full of thumbnails costs a
store read each. They show the Dokument's content, so they go through the policy and
the audit trail like the Dokument itself: for callers who may view it, and for the
mailroom, which reviews every page without reading Dokumente otherwise.
"""

from __future__ import annotations

import io
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from eakte.context import Context
from eakte.errors import EakteError
from eakte.record import Manifest
from web.auth import CurrentPrincipal, require_principal
from web.policy import Action, Principal, allows, find_record, not_found
from web.trail import audit

previews = APIRouter(prefix="/api", dependencies=[Depends(require_principal)])
Size = Literal["vorschau", "klein"]
# (longest edge box, render resolution): enough to recognise a letter's layout
SIZES: dict[Size, tuple[tuple[int, int], int]] = {
    "vorschau": ((400, 560), 40),
    "klein": ((120, 170), 20),
}
MAX_PREVIEWS = 12  # pages with a preview: enough to recognise a Dokument


@previews.get(
    "/records/{record_id}/pages/{number}.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}},
)
def page_image(
    request: Request,
    caller: CurrentPrincipal,
    record_id: str,
    number: int,
    size: Annotated[Size, Query(alias="groesse")] = "vorschau",
) -> Response:
    """Page ``number`` (from 1, up to ``MAX_PREVIEWS``) as a PNG; ``groesse=klein`` is
    the thumbnail the search shows."""
    return preview_response(request, caller, record_id, number, size)


def preview_response(
    request: Request, caller: Principal, record_id: str, number: int, size: Size
) -> Response:
    """The answer both the API and the web pages give for a page picture."""
    ctx: Context = request.app.state.ctx
    action: Action = "view" if allows(caller, "view") else "review"
    manifest = find_record(ctx, caller, action, record_id)
    if not 1 <= number <= min(manifest.page_count, MAX_PREVIEWS):
        raise not_found()
    key = f"previews/{manifest.id}/{size}/{number}.png"
    data = ctx.store.get_derived(key)
    if data is None:
        data = _render(ctx, manifest, number, size)
        ctx.store.put_derived(key, data)
    audit(request, caller, "preview", manifest.id, page=number, size=size)
    return Response(data, media_type="image/png", headers={"Cache-Control": "private, no-store"})


def _render(ctx: Context, manifest: Manifest, number: int, size: Size) -> bytes:
    box, dpi = SIZES[size]
    try:
        handler = ctx.handlers.for_type(manifest.media_type)
        with ctx.store.original_path(manifest.id) as path:
            image = handler.page_image(path, number - 1, dpi, draft=True)
    except EakteError:
        raise not_found() from None
    image.thumbnail(box)
    out = io.BytesIO()
    image.convert("L").save(out, format="PNG", optimize=True)
    return out.getvalue()
