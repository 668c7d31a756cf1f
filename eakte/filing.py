"""The filing stage: incoming post that cites an existing Aktenzeichen goes into its
Akte; the rest waits in review with the Aktenplan position its type proposes.

The decision is the adapter's (``ctx.filing``, the Akten register); this stage hands it
what the letter says and writes the answer into the manifest (``fields["filing"]`` and
an event), from which the review ledger lists what a person must still file.
"""

from __future__ import annotations

import time
from typing import Any

from eakte.context import Context
from eakte.record import Event, Manifest

CITING_LABELS = {"Aktenzeichen", "Ihr Zeichen", "Unser Zeichen", "Geschäftszeichen"}


def cited_references(fields: dict[str, Any]) -> list[str]:
    """Reference values a letter gives under a file-number label, labels of other
    numbers (invoice, customer) last: an Aktenzeichen is most likely among the first."""
    references = fields.get("references")
    if not isinstance(references, list):
        return []
    entries = [ref for ref in references if isinstance(ref, dict) and ref.get("value")]
    entries.sort(key=lambda ref: ref.get("label") not in CITING_LABELS)
    return [str(ref["value"]) for ref in entries]


def file_document(manifest: Manifest, ctx: Context) -> Manifest:
    if ctx.filing is None:
        return manifest
    started = time.perf_counter()
    proposed = manifest.classification.aktenplan if manifest.classification else None
    decision = ctx.filing.file_incoming(
        manifest.id,
        manifest.received_at.date(),
        cited_references(manifest.fields),
        manifest.full_text,
        proposed,
    )
    seconds = round(time.perf_counter() - started, 6)
    timings = [Event(kind="stage", stage="filing", seconds=seconds)]
    filed = decision.aktenzeichen is not None
    state = {
        "status": "filed" if filed else "waiting",
        "aktenzeichen": decision.aktenzeichen,
        "proposed_position": decision.proposed_position,
        "reason": decision.reason,
    }
    event = Event(
        kind="filed" if filed else "not_filed",
        message=(
            f"In Akte {decision.aktenzeichen} abgelegt: {decision.reason}"
            if filed
            else f"Nicht abgelegt: {decision.reason}"
        ),
        details={k: v for k, v in state.items() if v is not None},
    )
    update: dict[str, Any] = {
        "fields": {**manifest.fields, "filing": state},
        "events": [*manifest.events, *timings, event],
    }
    if decision.restricted:
        update["restricted"] = True  # never lifted here: only a person makes it visible
    return manifest.model_copy(update=update)
