"""The index view of a record: always derived from its stored manifest alone, so the
index can be rebuilt from the store at any time (``eakte reindex``)."""

from __future__ import annotations

import itertools
import multiprocessing
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

from eakte import records
from eakte.ports import IndexDocument, ObjectStore
from eakte.record import Manifest

READ_CHUNK = 200  # manifests per parsing job: large enough that pickling is cheap


def index_terms(fields: Mapping[str, object]) -> list[str]:
    """The field values worth indexing, so a letter is found by its Aktenzeichen, IBAN,
    sender or subject: each once, in the order references, IBANs, sender, subject.

    Takes the stored manifest's ``fields`` as well as a fresh result, so it checks types
    instead of trusting them (a manifest may come from an older version).
    """
    terms: list[str] = []
    references = fields.get("references")
    if isinstance(references, list):
        terms += [
            str(ref["value"]) for ref in references if isinstance(ref, dict) and ref.get("value")
        ]
    ibans = fields.get("ibans")
    if isinstance(ibans, list):
        terms += [str(number) for number in ibans if number]
    for key in ("sender", "subject"):
        value = fields.get(key)
        if isinstance(value, str) and value.strip():
            terms.append(value.strip())
    media = fields.get("media")
    if isinstance(media, dict):
        terms += _texts(media, ("title", "caption", "creator", "copyright", "city", "camera"))
        terms += _words(media, "keywords") + _words(media, "tags")
    return list(dict.fromkeys(terms))


def _texts(media: Mapping[str, object], keys: Sequence[str]) -> list[str]:
    return [v.strip() for k in keys if isinstance(v := media.get(k), str) and v.strip()]


def _words(media: Mapping[str, object], key: str) -> list[str]:
    found = media.get(key)
    if not isinstance(found, list):
        return []
    return [w.strip() for w in found if isinstance(w, str) and w.strip()]


def media_fields(fields: Mapping[str, object]) -> dict[str, Any]:
    """The facet values of a photo's, video's or recording's ``fields["media"]``."""
    media = fields.get("media")
    if not isinstance(media, dict):
        return {}
    one = {key: next(iter(_texts(media, (key,))), None) for key in ("kind", "camera", "creator")}
    taken = next(iter(_texts(media, ("taken_at",))), "")
    return {
        "medium": one["kind"],
        "camera": one["camera"],
        "creator": one["creator"],
        "year": taken[:4] if taken[:4].isdigit() else None,
        "subjects": tuple(dict.fromkeys(_words(media, "keywords"))),
        "tags": tuple(dict.fromkeys(_words(media, "tags"))),
    }


def _sender(fields: Mapping[str, object]) -> str | None:
    sender = fields.get("sender")
    return sender.strip() or None if isinstance(sender, str) else None


def archival_terms(manifest: Manifest) -> list[str]:
    """The archive's words a record is found by: its title, Signatur, Bestand and place."""
    description = manifest.archival
    if description is None:
        return []
    values = (description.title, description.reference_code, description.holding)
    return [value.strip() for value in (*values, description.place) if value and value.strip()]


def index_document(manifest: Manifest) -> IndexDocument:
    description = manifest.archival
    return IndexDocument(
        id=manifest.id,
        text=manifest.full_text,
        title=manifest.original_filename,
        media_type=manifest.media_type,
        doc_type=manifest.doc_type,
        signature=manifest.signature.verdict if manifest.signature else None,
        status=manifest.status,
        received_at=manifest.received_at,
        department=manifest.department,
        keywords=tuple(dict.fromkeys([*archival_terms(manifest), *index_terms(manifest.fields)])),
        restricted=manifest.restricted,
        holding=description.holding if description else None,
        sender=_sender(manifest.fields),
        place=description.place if description else None,
        date_from=description.date_from if description else None,
        date_to=description.date_to if description else None,
        **media_fields(manifest.fields),
    )


def stored_documents(store: ObjectStore, record_ids: Sequence[str]) -> list[IndexDocument]:
    """Index documents of those records that are stored (re-read from the store)."""
    manifests = [records.load_manifest(store, record_id) for record_id in record_ids]
    return [index_document(m) for m in manifests if m is not None and m.status == "stored"]


def all_stored_documents(store: ObjectStore, workers: int = 1) -> Iterator[IndexDocument]:
    """Every stored record's index document, straight from the manifests. With more
    than one worker, threads read the manifests (a remote store waits on the network)
    and as many processes parse them, while the caller's single index writer takes the
    documents as they come (in no fixed order)."""
    keys = store.list_derived("manifests")
    if workers <= 1:
        for key in keys:
            yield from documents_of([store.get_derived(key)])
        return
    context = multiprocessing.get_context("forkserver")  # the caller may run threads
    with (
        ThreadPoolExecutor(workers) as readers,
        ProcessPoolExecutor(workers, mp_context=context) as parsers,
    ):
        window: deque[Future[list[IndexDocument]]] = deque()
        for chunk in _chunks(keys, READ_CHUNK):
            blobs = list(readers.map(store.get_derived, chunk))
            window.append(parsers.submit(documents_of, blobs))
            if len(window) > 2 * workers:
                yield from window.popleft().result()
        while window:
            yield from window.popleft().result()


def documents_of(blobs: Sequence[bytes | None]) -> list[IndexDocument]:
    """The index documents of those stored manifests (JSON) whose record is stored."""
    manifests = (Manifest.from_json(data) for data in blobs if data is not None)
    return [index_document(m) for m in manifests if m.status == "stored"]


def _chunks(keys: Iterator[str], size: int) -> Iterator[list[str]]:
    while chunk := list(itertools.islice(keys, size)):
        yield chunk
