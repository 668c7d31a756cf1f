"""What a person must look at: pages to scan again before the paper may be destroyed
(BSI TR-RESISCAN), document types the classifier was unsure of, and incoming post that
cited no known Akte (to be filed by hand, with the position its type proposes).

Kept as a small ledger in the store (``review/<kind>/<id>.json``), written whenever a
record is completed, so listing it needs no walk over every manifest. The ledger is
derived from the manifests and is rebuilt with them; each entry is checked against
its manifest when listed, so a corrected record drops out by itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from eakte.ports import ObjectStore
from eakte.record import Manifest

ReviewKind = Literal["rescan", "type", "akte"]
KINDS: tuple[ReviewKind, ...] = ("rescan", "type", "akte")
# eakte.records.load_manifest, passed in: the pipeline writes this ledger
ManifestLoader = Callable[[ObjectStore, str], Manifest | None]


@dataclass(frozen=True)
class ReviewItem:
    kind: ReviewKind
    id: str
    original_filename: str
    reasons: list[str]
    pages: list[dict[str, Any]]  # for rescans: number and reasons per page


def review_key(kind: ReviewKind, record_id: str) -> str:
    return f"review/{kind}/{record_id}.json"


def items_of(manifest: Manifest) -> list[ReviewItem]:
    """What the manifest asks a person to do; empty when nothing."""
    items: list[ReviewItem] = []
    if manifest.status != "stored":
        return items
    pages = [
        {"number": page.number, "reasons": list(page.rescan)}
        for page in manifest.pages
        if page.rescan
    ]
    if pages:
        reasons = sorted({reason for page in manifest.pages for reason in page.rescan})
        items.append(ReviewItem("rescan", manifest.id, manifest.original_filename, reasons, pages))
    classification = manifest.classification
    if classification and classification.needs_review and not classification.corrected:
        reason = f"Dokumenttyp unsicher: {classification.label} ({classification.confidence:.0%})"
        items.append(ReviewItem("type", manifest.id, manifest.original_filename, [reason], []))
    filing = manifest.fields.get("filing")
    if isinstance(filing, dict) and filing.get("status") == "waiting":
        reason = f"Akte zuordnen: {filing.get('reason') or 'kein Aktenzeichen erkannt'}"
        if filing.get("proposed_position"):
            reason += f"; Vorschlag Aktenplan {filing['proposed_position']}"
        items.append(ReviewItem("akte", manifest.id, manifest.original_filename, [reason], []))
    return items


def update_ledger(store: ObjectStore, manifest: Manifest) -> None:
    """Write or remove the record's entries to match its manifest."""
    wanted = {item.kind: item for item in items_of(manifest)}
    for kind in KINDS:
        key = review_key(kind, manifest.id)
        item = wanted.get(kind)
        if item is None:
            store.delete_derived(key)  # a missing key is fine: no read first
            continue
        body = {
            "id": item.id,
            "original_filename": item.original_filename,
            "reasons": item.reasons,
            "pages": item.pages,
        }
        store.put_derived(key, json.dumps(body, ensure_ascii=False).encode("utf-8"))


def list_review(
    store: ObjectStore, kinds: tuple[ReviewKind, ...], load: ManifestLoader
) -> list[ReviewItem]:
    """Open items, confirmed against the current manifests."""
    items: list[ReviewItem] = []
    for kind in kinds:
        for key in sorted(store.list_derived(f"review/{kind}")):
            record_id = key.rsplit("/", 1)[-1].removesuffix(".json")
            manifest = load(store, record_id)
            if manifest is None:
                continue
            items.extend(item for item in items_of(manifest) if item.kind == kind)
    return items
