"""What the workers keep in the store between tasks, so that any worker can take over
where another died: OCR results per page, the index outbox and in-flight markers.

All of it but the outbox lives under fixed keys derived from the record id, so a task
that runs twice writes the same objects twice instead of creating new ones; an outbox
marker is one object per marking (see below), which a second run only duplicates.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from eakte.ports import ObjectStore
from eakte.record import Manifest, PageText

WORK = "work"
OUTBOX = "outbox/index"
INFLIGHT = "inflight"


def page_result_key(record_id: str, page_number: int) -> str:
    return f"{WORK}/{record_id}/ocr/{page_number:05d}.json"


def save_page_result(store: ObjectStore, record_id: str, page: PageText, seconds: float) -> None:
    body = {"page": page.model_dump(mode="json"), "seconds": seconds}
    store.put_derived(page_result_key(record_id, page.number), json.dumps(body).encode())


def save_page_pdf(store: ObjectStore, record_id: str, page_number: int, pdf: bytes) -> None:
    """The page's searchable PDF for the archival rendition; written before the page
    result, whose arrival tells ``finish`` that the page is complete."""
    store.put_derived(f"{WORK}/{record_id}/pdf/{page_number:05d}.pdf", pdf)


def load_page_pdfs(store: ObjectStore, record_id: str) -> dict[int, bytes]:
    pdfs: dict[int, bytes] = {}
    for key in store.list_derived(f"{WORK}/{record_id}/pdf"):
        data = store.get_derived(key)
        if data is not None:
            pdfs[int(key.rsplit("/", 1)[-1].removesuffix(".pdf"))] = data
    return pdfs


def has_page_result(store: ObjectStore, record_id: str, page_number: int) -> bool:
    return store.get_derived(page_result_key(record_id, page_number)) is not None


def pages_with_result(store: ObjectStore, record_id: str) -> set[int]:
    """Listing only: cheap enough to ask after every page."""
    return {
        int(key.rsplit("/", 1)[-1].removesuffix(".json"))
        for key in store.list_derived(f"{WORK}/{record_id}/ocr")
    }


def load_page_results(store: ObjectStore, record_id: str) -> dict[int, tuple[PageText, float]]:
    results: dict[int, tuple[PageText, float]] = {}
    for key in store.list_derived(f"{WORK}/{record_id}/ocr"):
        data = store.get_derived(key)
        if data is None:
            continue
        body = json.loads(data)
        page = PageText.model_validate(body["page"])
        results[page.number] = (page, float(body["seconds"]))
    return results


def count_attempt(store: ObjectStore, record_id: str, stage: str) -> int:
    """How often this stage has started for this record, this one included. A task that
    kills its worker (out of memory on a hostile file) comes back again and again;
    the count lets the task quarantine the record instead of looping for ever."""
    key = f"{WORK}/{record_id}/attempts/{stage}"
    data = store.get_derived(key)
    attempts = (int(data) if data else 0) + 1
    store.put_derived(key, str(attempts).encode())
    return attempts


def clear_work(store: ObjectStore, record_id: str) -> None:
    for key in list(store.list_derived(f"{WORK}/{record_id}")):
        store.delete_derived(key)


# index outbox ----------------------------------------------------------------------
#
# One object per marking, ``outbox/index/<record id>/<token>``: a marker written while
# an index step runs has a key that step never listed, so the step cannot remove it;
# that is the compare-and-delete the object store itself does not offer. The body says
# which state of the manifest must reach the index (``version``), or null for "the
# stored state of a record that was still received when marked" (``finish``).


@dataclass(frozen=True)
class Marker:
    key: str
    record_id: str
    version: int | None  # the manifest version to index; None: whatever it is once stored


def manifest_version(manifest: Manifest) -> int:
    """Orders the saved states of one record: every save adds an event to its history,
    which only grows."""
    return len(manifest.events)


def mark_for_index(store: ObjectStore, record_id: str, stored: Manifest | None = None) -> None:
    """Until an index step has indexed the state asked for, the view lags behind the
    store. ``finish`` marks before completing (a crash in between cannot leave the
    record unmarked). A later change of a stored record passes the manifest it saves,
    before or after saving it: an index step that still reads the older state keeps
    the marker."""
    body = {
        "version": manifest_version(stored) if stored is not None else None,
        "marked_at": time.time(),
    }
    store.put_derived(f"{OUTBOX}/{record_id}/{uuid.uuid4().hex}", json.dumps(body).encode())


def markers(store: ObjectStore, record_id: str) -> list[Marker]:
    """The record's markers as they are now. An index step lists them *before* it reads
    the manifest, so each one it lists was written before the state it indexes."""
    found = []
    for key in list(store.list_derived(f"{OUTBOX}/{record_id}")):
        data = store.get_derived(key)
        if data is not None:  # else removed meanwhile by another index step
            version = json.loads(data)["version"] if data else None
            found.append(Marker(key, record_id, version))
    return found


def is_satisfied(marker: Marker, indexed: Manifest | None) -> bool:
    """Whether indexing ``indexed`` (read after the marker was listed) is what the
    marker waits for. A record still received keeps its markers: ``finish`` is under
    way and the stored state is yet to come. A record that is gone or quarantined has
    nothing to index, now or later."""
    if indexed is None or indexed.status == "quarantined":
        return True
    if indexed.status != "stored":
        return False
    return marker.version is None or manifest_version(indexed) >= marker.version


def index_done(store: ObjectStore, listed: list[Marker], indexed: Manifest | None) -> int:
    """Remove those of the listed markers that ``indexed`` satisfies, once it is in the
    index; markers written after the listing stay. Returns how many are left of the
    listed ones."""
    left = 0
    for marker in listed:
        if is_satisfied(marker, indexed):
            store.delete_derived(marker.key)
        else:
            left += 1
    return left


def is_waiting_for_index(store: ObjectStore, record_id: str) -> bool:
    return any(True for _ in store.list_derived(f"{OUTBOX}/{record_id}"))


def waiting_for_index(store: ObjectStore) -> Iterator[str]:
    """Each record with a marker once, however many markers it has."""
    seen: set[str] = set()
    for key in store.list_derived(OUTBOX):
        record_id, _, token = key.removeprefix(f"{OUTBOX}/").partition("/")
        if token and record_id not in seen:
            seen.add(record_id)
            yield record_id


# records in flight ------------------------------------------------------------------


def mark_in_flight(store: ObjectStore, record_id: str) -> None:
    """Set when a record is handed to the workers and refreshed on every step, so the
    reconcile job can tell a stalled record (lost task, crashed client) from a busy one."""
    store.put_derived(f"{INFLIGHT}/{record_id}", json.dumps({"touched": time.time()}).encode())


def landed(store: ObjectStore, record_id: str) -> None:
    store.delete_derived(f"{INFLIGHT}/{record_id}")


def stalled(store: ObjectStore, older_than_seconds: float) -> Iterator[str]:
    """Records with no progress for the given time."""
    limit = time.time() - older_than_seconds
    for key in list(store.list_derived(INFLIGHT)):
        data = store.get_derived(key)
        if data is not None and json.loads(data)["touched"] < limit:
            yield key.rsplit("/", 1)[-1]


def in_flight(store: ObjectStore) -> Iterator[str]:
    for key in store.list_derived(INFLIGHT):
        yield key.rsplit("/", 1)[-1]
