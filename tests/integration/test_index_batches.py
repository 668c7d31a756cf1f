"""The embedded index written in batches (issue 20, item 2): a batch is findable once
committed, and a process killed between storing its records and committing their batch
loses none of them (the next start, or `eakte reindex`, fills the gap).

The kill is real: the CLI runs with ``EAKTE_INDEX_COMMIT_HOLD``, which makes it say on
stderr that the batch is stored and then wait before the commit; the test sends SIGKILL.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from eakte import index_catchup, records
from eakte.local_runner import LocalRunner
from eakte.settings import Settings
from eakte.wiring import build_context
from search.tantivy_index import TantivyIndex
from storage.filesystem import FilesystemStore
from tests import hostile
from tests.conftest import REPO, Cli

pytestmark = pytest.mark.integration

WORDS = ("Zaunkönig", "Gartenschere", "Brückenpfeiler", "Laternenmast", "Regenrinne")


def _letters(folder: Path, words: tuple[str, ...] = WORDS) -> dict[str, str]:
    """One letter per word; word -> record id (the file's SHA-256)."""
    folder.mkdir()
    ids = {}
    for number, word in enumerate(words):
        path = hostile.text_pdf(
            folder / f"brief_{number}.pdf", f"Betreff: {word}. Sehr geehrte Damen und Herren."
        )
        ids[word] = hashlib.sha256(path.read_bytes()).hexdigest()
    return ids


def _kill_before_commit(cli: Cli, folder: Path) -> None:
    """Ingest ``folder`` with one batch for the whole run and kill the process once it
    says the batch is stored and its commit is next."""
    env = {
        **os.environ,
        "EAKTE_MODEL_CACHE_DIR": str(cli.data_dir.parent / "no-models"),
        "EAKTE_DATA_DIR": str(cli.data_dir),
        "EAKTE_INDEX_BATCH_RECORDS": "1000",
        "EAKTE_INDEX_BATCH_SECONDS": "1000000",
        "EAKTE_INDEX_COMMIT_HOLD": "true",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "eakte", "ingest", str(folder), "--json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        cwd=REPO,
        text=True,
    )
    assert process.stderr is not None
    said = []
    for line in process.stderr:
        said.append(line)
        if "index commit held" in line:
            break
    else:
        pytest.fail(f"the run ended without reaching its index commit: {''.join(said)}")
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    process.stderr.close()
    assert process.returncode == -signal.SIGKILL


def _index(cli: Cli) -> TantivyIndex:
    return TantivyIndex(cli.data_dir / "index")


def _assert_each_found_once(cli: Cli, ids: dict[str, str]) -> None:
    index = _index(cli)
    for word, record_id in ids.items():
        result = index.search(word)
        assert result.total == 1, word
        assert result.hits[0].id == record_id
    assert index.count() == len(ids)


@pytest.mark.parametrize("closing", ["next_ingest", "reindex"])
def test_a_kill_between_store_and_index_commit_loses_no_record(
    cli: Cli, tmp_path: Path, closing: str
) -> None:
    ids = _letters(tmp_path / "post")
    _kill_before_commit(cli, tmp_path / "post")

    store = FilesystemStore(cli.data_dir / "store")
    for record_id in ids.values():  # stored in full ...
        manifest = records.load_manifest(store, record_id)
        assert manifest is not None and manifest.status == "stored"
    assert _index(cli).count() == 0  # ... but never committed to the index
    assert index_catchup.dead_runs(store)  # the killed run's marker is left

    if closing == "next_ingest":
        later = _letters(tmp_path / "later", ("Dachziegel",))
        done = cli("ingest", tmp_path / "later")
        ids |= later
    else:
        done = cli("reindex")
    assert done.returncode == 0, done.stderr
    _assert_each_found_once(cli, ids)
    assert not index_catchup.dead_runs(store)


def test_without_a_crash_the_next_start_reads_no_record(cli: Cli, tmp_path: Path) -> None:
    """A clean run removes its marker, so the next start has no gap to look for."""
    _letters(tmp_path / "post")
    assert cli("ingest", tmp_path / "post").returncode == 0
    store = FilesystemStore(cli.data_dir / "store")
    assert list(store.list_derived(index_catchup.JOURNAL)) == []


@pytest.fixture
def batched(tmp_path: Path) -> Iterator[Settings]:
    yield Settings(
        data_dir=tmp_path / "data",
        workers=1,
        model_cache_dir=tmp_path / "no-models",
        index_batch_records=2,
        index_batch_seconds=1_000_000,
    )


def test_a_batch_is_findable_once_committed(batched: Settings, tmp_path: Path) -> None:
    """Batches of two: each second record commits its batch, before it is reported."""
    ids = _letters(tmp_path / "post")
    ctx = build_context(batched)
    try:
        runner = LocalRunner(ctx)
        found_after_each = []
        for _ in runner.ingest(sorted((tmp_path / "post").iterdir())):
            found_after_each.append(sum(ctx.index.search(word).total for word in WORDS))
        assert found_after_each == [0, 2, 2, 4, 4]
        assert [ctx.index.search(word).hits[0].id for word in WORDS] == list(ids.values())
    finally:
        ctx.index.close()


def test_a_batch_is_written_when_its_time_is_up(batched: Settings, tmp_path: Path) -> None:
    """A batch older than its time is committed with the next record, however small."""
    _letters(tmp_path / "post")
    ctx = build_context(batched.model_copy(update={"index_batch_seconds": 1e-9}))
    try:
        found_after_each = [
            sum(ctx.index.search(word).total for word in WORDS)
            for _ in LocalRunner(ctx).ingest(sorted((tmp_path / "post").iterdir()))
        ]
        assert found_after_each == [1, 2, 3, 4, 5]
    finally:
        ctx.index.close()
