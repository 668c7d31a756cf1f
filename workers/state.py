"""What the workers keep in the store between tasks, so that any worker can take over
where another died: OCR results per page, the index outbox and in-flight markers.

All of it lives under fixed keys derived from the record id, so a task that runs twice
writes the same objects twice instead of creating new ones.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

from eakte.ports import ObjectStore
from eakte.record import PageText

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


def mark_for_index(store: ObjectStore, record_id: str) -> None:
    """Written before the record is completed: until the index confirms it, the marker
    says the view still lags behind the store."""
    store.put_derived(f"{OUTBOX}/{record_id}", b"")


def index_done(store: ObjectStore, record_id: str) -> None:
    store.delete_derived(f"{OUTBOX}/{record_id}")


def is_waiting_for_index(store: ObjectStore, record_id: str) -> bool:
    return store.get_derived(f"{OUTBOX}/{record_id}") is not None


def waiting_for_index(store: ObjectStore) -> Iterator[str]:
    for key in store.list_derived(OUTBOX):
        yield key.rsplit("/", 1)[-1]


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
