"""Closing the gap a crash leaves between the store and the index.

The local runner commits the index once per batch, so a run killed between storing its
records and committing their batch leaves them stored but not findable. Each run writes
a marker into the store before its first record and removes it after its last commit;
a marker whose process is gone is the sign of such a crash. Only then does the next
start compare the store's records with the index (a few microseconds per record) and
index what is missing. A clean run costs one marker written and removed.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

from eakte import records
from eakte.indexing import index_document
from eakte.ports import ObjectStore, SearchIndex
from eakte.record import utc_now

JOURNAL = "index-journal"
MANIFESTS = "manifests"
CATCH_UP_BATCH = 500
_OPEN: set[str] = set()  # this process's runs still writing


def open_run(store: ObjectStore) -> str:
    """Mark a run as writing; the key to pass to ``close_run`` after its last commit."""
    key = f"{JOURNAL}/{uuid.uuid4().hex}.json"
    owner = {
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "pid_started": _process_start(os.getpid()),
        "opened": utc_now().isoformat(),
    }
    store.put_derived(key, json.dumps(owner).encode("utf-8"))
    _OPEN.add(key)
    return key


def close_run(store: ObjectStore, key: str) -> None:
    """The run's last batch is committed: nothing left to fill in."""
    store.delete_derived(key)
    _OPEN.discard(key)


def abandon_run(key: str) -> None:
    """The run stopped before its last commit (an error, the caller went away): its
    marker stays, and the next start in any process fills the gap, this one's too."""
    _OPEN.discard(key)


def dead_runs(store: ObjectStore) -> list[str]:
    """Markers of runs on this machine whose process is gone (killed, crashed) or that
    this process abandoned. A run on another machine cannot be checked from here; it is
    left to that machine."""
    dead = []
    for key in store.list_derived(JOURNAL):
        data = store.get_derived(key)
        if data is None:
            continue
        try:
            owner = json.loads(data)
        except ValueError:
            dead.append(key)  # a marker cut short: its run is gone
            continue
        if owner.get("host") != socket.gethostname():
            continue
        if (owner.get("pid") == os.getpid() and key not in _OPEN) or not _alive(owner):
            dead.append(key)
    return dead


def catch_up(store: ObjectStore, index: SearchIndex) -> int:
    """After a crashed run: index every stored record the index lacks; the number
    indexed. Without a crashed run's marker nothing is read."""
    dead = dead_runs(store)
    if not dead:
        return 0
    indexed = fill_gap(store, index)
    for key in dead:
        store.delete_derived(key)
    return indexed


def fill_gap(store: ObjectStore, index: SearchIndex) -> int:
    """Index the stored records the index does not hold (upserts by id, so a record is
    never there twice)."""
    indexed = 0
    for chunk in _chunks(_record_ids(store), CATCH_UP_BATCH):
        documents = []
        for record_id in index.absent(chunk):
            manifest = records.load_manifest(store, record_id)
            if manifest is not None and manifest.status == "stored":
                documents.append(index_document(manifest))
        if documents:
            index.upsert(documents)
            indexed += len(documents)
    return indexed


def _record_ids(store: ObjectStore) -> Iterator[str]:
    for key in store.list_derived(MANIFESTS):
        name = key.rsplit("/", 1)[-1]
        if name.endswith(".json"):
            yield name.removesuffix(".json")


def _chunks(ids: Iterator[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for record_id in ids:
        chunk.append(record_id)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _alive(owner: dict[str, object]) -> bool:
    """The marker's process still runs: same pid and, where Linux tells, the same start
    time (a pid reused by another program does not keep a dead run's marker alive)."""
    pid = owner.get("pid")
    if not isinstance(pid, int):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    started = owner.get("pid_started")
    return started is None or started == _process_start(pid)


def _process_start(pid: int) -> int | None:
    """Clock ticks after boot when ``pid`` started (``/proc/PID/stat`` field 22)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    return int(fields[19]) if len(fields) > 19 else None
