"""Evidence records of an Akte in the store, next to its documents: one record per data
object (each original and each rendition) under ``evidence/<Akte-UUID>/<sha256>.ers``,
and an index saying which Dokument each belongs to."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from eakte.errors import EakteError
from eakte.ports import ObjectStore
from eakte.record import Manifest
from eakte.records import load_manifest
from evidence import record as ers
from evidence.asn1 import EvidenceRecord
from evidence.tsa import TimeStamper
from evidence.verify import Finding, TokenCheck, check

ORIGINAL = "Original"


class NoEvidence(EakteError):
    """No evidence record exists for that Akte or Dokument."""


@dataclass(frozen=True)
class DataObject:
    record_id: str
    name: str  # ORIGINAL or the rendition's name
    sha256: str


def index_key(akte_uuid: str) -> str:
    return f"evidence/{akte_uuid}/index.json"


def record_key(akte_uuid: str, sha256: str) -> str:
    return f"evidence/{akte_uuid}/{sha256}.ers"


def data_objects(store: ObjectStore, record_ids: Sequence[str]) -> list[DataObject]:
    """Each Dokument's original (its SHA-256 is its identity) and its renditions."""
    found: list[DataObject] = []
    for record_id in record_ids:
        manifest = load_manifest(store, record_id)
        if manifest is None:
            continue
        found.append(DataObject(record_id, ORIGINAL, manifest.sha256))
        for name, key in sorted(manifest.renditions.items()):
            data = store.get_derived(key)
            if data is not None:
                found.append(DataObject(record_id, name, hashlib.sha256(data).hexdigest()))
    return found


def create(
    store: ObjectStore,
    akte_uuid: str,
    aktenzeichen: str,
    record_ids: Sequence[str],
    stamper: TimeStamper,
) -> list[DataObject]:
    objects = data_objects(store, record_ids)
    if not objects:
        raise NoEvidence(f"Akte {aktenzeichen} enthält keine Dokumente")
    _, records = ers.create([bytes.fromhex(o.sha256) for o in objects], stamper)
    _save(store, akte_uuid, {bytes.fromhex(o.sha256): r for o, r in _pairs(objects, records)})
    index = {
        "aktenzeichen": aktenzeichen,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "objects": [asdict(o) for o in objects],
    }
    store.put_derived(index_key(akte_uuid), json.dumps(index, indent=1).encode("utf-8"))
    return objects


def _pairs(
    objects: Sequence[DataObject], records: dict[bytes, EvidenceRecord]
) -> list[tuple[DataObject, EvidenceRecord]]:
    return [(o, records[bytes.fromhex(o.sha256)]) for o in objects]


def _save(store: ObjectStore, akte_uuid: str, records: dict[bytes, EvidenceRecord]) -> None:
    for leaf, record in records.items():
        store.put_derived(record_key(akte_uuid, leaf.hex()), record.dump())


def objects_of(store: ObjectStore, akte_uuid: str, aktenzeichen: str) -> list[DataObject]:
    data = store.get_derived(index_key(akte_uuid))
    if data is None:
        raise NoEvidence(f"Für die Akte {aktenzeichen} gibt es keinen Beweisdatensatz")
    return [DataObject(**o) for o in json.loads(data)["objects"]]


def load_record(store: ObjectStore, akte_uuid: str, sha256: str) -> EvidenceRecord:
    data = store.get_derived(record_key(akte_uuid, sha256))
    if data is None:
        raise NoEvidence(f"Beweisdatensatz für {sha256[:12]} fehlt")
    return ers.load(data)


def renew(
    store: ObjectStore,
    akte_uuid: str,
    aktenzeichen: str,
    stamper: TimeStamper,
    *,
    hash_tree: bool = False,
    algorithm: str = ers.DEFAULT_ALGORITHM,
) -> int:
    """Timestamp renewal, or hash-tree renewal (every document read again)."""
    objects = {o.sha256: o for o in objects_of(store, akte_uuid, aktenzeichen)}
    records = {bytes.fromhex(h): load_record(store, akte_uuid, h) for h in objects}
    if not hash_tree:
        renewed = ers.renew_timestamps(records, stamper)
    else:

        def rehash(leaf: bytes, name: str) -> bytes:
            return hashlib.new(name, _content(store, objects[leaf.hex()])).digest()

        renewed = ers.renew_hash_tree(records, rehash, stamper, algorithm)
    _save(store, akte_uuid, renewed)
    return len(renewed)


def _content(store: ObjectStore, item: DataObject) -> bytes:
    if item.name == ORIGINAL:
        with store.open_original(item.sha256) as stream:
            return stream.read()
    manifest = load_manifest(store, item.record_id)
    key = manifest.renditions.get(item.name) if manifest else None
    data = store.get_derived(key) if key else None
    if data is None:
        raise NoEvidence(f"Abgeleitete Fassung {item.name} von {item.record_id[:12]} fehlt")
    return data


def check_document(
    store: ObjectStore, akte_uuid: str, aktenzeichen: str, manifest: Manifest, tokens: TokenCheck
) -> list[tuple[str, Finding]]:
    """Each data object of the Dokument, hashed from the store now, against its record."""
    mine = [o for o in objects_of(store, akte_uuid, aktenzeichen) if o.record_id == manifest.id]
    if not mine:
        raise NoEvidence(f"Dokument {manifest.id[:12]} ist nicht im Beweisdatensatz")
    results = []
    for item in mine:
        content = _content(store, item)
        record = load_record(store, akte_uuid, item.sha256)
        results.append((item.name, check(record, _hasher(content), tokens)))
    return results


def _hasher(content: bytes) -> Callable[[str], bytes]:
    return lambda name: hashlib.new(name, content).digest()
