"""`eakte duplikate`: groups of photos that show the same picture (rescanned, rescaled,
recompressed, lighter or darker, cropped), found by their perceptual hashes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import click

from eakte import records
from eakte.ports import ObjectStore, SearchHit, SearchResult
from eakte.record import Manifest
from eakte.settings import load_settings


@dataclass(frozen=True)
class HashedRecord:
    id: str
    filename: str
    hashes: dict[str, Any]
    width: int | None
    height: int | None


def hashed_records(store: ObjectStore) -> list[HashedRecord]:
    """Every stored record with perceptual hashes (photos), read from its manifest."""
    found = []
    for key in store.list_derived("manifests"):
        data = store.get_derived(key)
        if data is None:
            continue
        manifest = Manifest.from_json(data)
        hashes = manifest.fields.get("image_hashes")
        if manifest.status != "stored" or not isinstance(hashes, dict):
            continue
        media = manifest.fields.get("media")
        media = media if isinstance(media, dict) else {}
        found.append(
            HashedRecord(
                manifest.id,
                manifest.original_filename,
                hashes,
                media.get("width"),
                media.get("height"),
            )
        )
    return sorted(found, key=lambda record: record.id)


@click.command("duplikate")
@click.option("--json", "as_json", is_flag=True, help="Die Gruppen als JSON.")
def duplicates(as_json: bool) -> None:
    """Gruppen von Fotos auflisten, die dasselbe Bild zeigen (anders gescannt,
    verkleinert, neu komprimiert, heller oder dunkler, beschnitten)."""
    from eakte.wiring import build_store
    from ingest.image_hashes import group

    records = hashed_records(build_store(load_settings()))
    by_id = {record.id: record for record in records}
    groups = group([(record.id, record.hashes) for record in records])
    if as_json:
        listed = [
            [{"id": i, "original_filename": by_id[i].filename} for i in ids] for ids in groups
        ]
        click.echo(json.dumps({"photos": len(records), "groups": listed}, ensure_ascii=False))
        return
    for number, ids in enumerate(groups, start=1):
        click.echo(f"Gruppe {number} ({len(ids)} Fotos):")
        for record_id in ids:
            record = by_id[record_id]
            size = f"  {record.width}×{record.height}" if record.width and record.height else ""
            click.echo(f"  {record_id[:12]}  {record.filename}{size}")
    photos = "ein Foto" if len(records) == 1 else f"{len(records)} Fotos"
    if not groups:
        click.echo(f"Keine Duplikate unter {photos}.", err=True)
    else:
        kinds = "eine Gruppe" if len(groups) == 1 else f"{len(groups)} Gruppen"
        click.echo(f"{kinds} ähnlicher Fotos unter {photos}.", err=True)


def collapse_duplicates(result: SearchResult, store: ObjectStore) -> SearchResult:
    """The hits with each near-duplicate photo after its best-ranked copy left out (the
    total shrinks by as many); hits without hashes are kept as they are."""
    from ingest.image_hashes import near_duplicates

    kept: list[SearchHit] = []
    shown: list[dict[str, Any]] = []
    for hit in result.hits:
        manifest = records.load_manifest(store, hit.id)
        hashes = manifest.fields.get("image_hashes") if manifest else None
        if isinstance(hashes, dict):
            if any(near_duplicates(hashes, other) for other in shown):
                continue
            shown.append(hashes)
        kept.append(hit)
    return SearchResult(total=result.total - (len(result.hits) - len(kept)), hits=kept)
