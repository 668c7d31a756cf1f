"""The record repository: where a record's manifest, reports, renditions and quarantine
entry live in the store, and how they are read and written.

Every scheduler, the CLI and the API find a record's objects through these keys only, so
the store's layout is written down once.
"""

from __future__ import annotations

import json

from eakte.ports import ObjectStore
from eakte.record import Manifest


def manifest_key(record_id: str) -> str:
    return f"manifests/{record_id}.json"


def quarantine_key(record_id: str) -> str:
    return f"quarantine/{record_id}.json"


def signature_report_key(record_id: str) -> str:
    return f"reports/{record_id}/signature.json"


def rendition_key(record_id: str, name: str) -> str:
    return f"renditions/{record_id}/{name}"


def load_manifest(store: ObjectStore, record_id: str) -> Manifest | None:
    data = store.get_derived(manifest_key(record_id))
    return Manifest.from_json(data) if data is not None else None


def save_manifest(store: ObjectStore, manifest: Manifest) -> Manifest:
    store.put_derived(manifest_key(manifest.id), manifest.to_json())
    return manifest


def list_quarantined(store: ObjectStore) -> list[dict[str, str]]:
    """The quarantine ledger: one entry per refused record (id, name, reason, when)."""
    entries = []
    for key in store.list_derived("quarantine"):
        data = store.get_derived(key)
        if data is not None:
            entries.append(json.loads(data))
    return entries


def put_quarantine_entry(store: ObjectStore, entry: dict[str, str]) -> None:
    data = json.dumps(entry, ensure_ascii=False, indent=2).encode("utf-8")
    store.put_derived(quarantine_key(entry["id"]), data)


def clear_quarantine_entry(store: ObjectStore, record_id: str) -> None:
    store.delete_derived(quarantine_key(record_id))
