"""`eakte watch` as a real process on a real folder: kill -9 mid-batch and restart,
a file still being written, and `--once`."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from eakte import records
from eakte.record import Manifest
from ingest import hotfolder
from samples.render import make_image_pdf, make_text_pdf, render_scan
from search.tantivy_index import TantivyIndex
from storage.filesystem import FilesystemStore
from tests import hostile

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
EAKTE = Path(sys.executable).with_name("eakte")
WAIT_SECONDS = 120.0


def _env(tmp_path: Path, stable: float = 0.5) -> dict[str, str]:
    return {
        **os.environ,
        "EAKTE_DATA_DIR": str(tmp_path / "data"),
        "EAKTE_MODEL_CACHE_DIR": str(tmp_path / "no-models"),
        "EAKTE_HOTFOLDER_STABLE_SECONDS": str(stable),
        "EAKTE_HOTFOLDER_POLL_SECONDS": "0.2",
        "EAKTE_WORKERS": "2",
    }


class Watcher:
    """One `eakte watch` process in a session of its own, so kill -9 takes its OCR pool
    along, as a service manager killing the unit's control group would."""

    def __init__(self, folder: Path, env: dict[str, str], log: Path) -> None:
        self.log = log
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                [str(EAKTE), "watch", str(folder)],
                env=env,
                cwd=REPO,
                stdout=out,
                stderr=out,
                start_new_session=True,
            )

    def kill_hard(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        assert self.process.wait(timeout=WAIT_SECONDS) == -signal.SIGKILL

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=WAIT_SECONDS)

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=WAIT_SECONDS)


@pytest.fixture
def watchers() -> Iterator[list[Watcher]]:
    started: list[Watcher] = []
    yield started
    for watcher in started:
        watcher.close()


def _wait_for(condition: Callable[[], bool], what: str, log: Path) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {WAIT_SECONDS} s\n{log.read_text(errors='replace')}")
        time.sleep(0.1)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _filed(folder: Path) -> dict[str, list[Path]]:
    """Files moved out of the folder, by sub-folder (reason files apart)."""
    return {
        sub: sorted(
            p
            for p in (folder / sub).glob("*")
            if not p.name.startswith(".") and not p.name.endswith(hotfolder.REASON_SUFFIX)
        )
        for sub in (hotfolder.DONE, hotfolder.FAILED)
    }


def _left(folder: Path) -> list[str]:
    return sorted(
        p.name for p in folder.iterdir() if p.name not in (hotfolder.DONE, hotfolder.FAILED)
    )


def _manifests(data_dir: Path) -> dict[str, Manifest]:
    store = FilesystemStore(data_dir / "store")
    result = {}
    for key in store.list_derived("manifests"):
        record_id = Path(key).stem
        manifest = records.load_manifest(store, record_id)
        assert manifest is not None
        result[record_id] = manifest
    return result


def _letters(source: Path) -> dict[str, bytes]:
    """Twelve inputs: letters, a scan and a copy of it, a corrupt PDF, a copy of a letter."""
    source.mkdir()
    names = ["01-brief.pdf", *(f"{n:02d}-antrag.pdf" for n in range(4, 11))]
    for number, name in enumerate(names):
        make_text_pdf(
            source / name, [f"Antrag Nummer {number} auf Sondernutzung Ahornweg {number}"]
        )
    scan = render_scan("Widerspruch gegen den Gebührenbescheid vom 3. März", dpi=200)
    make_image_pdf(source / "02-scan.pdf", [scan])
    shutil.copy(source / "02-scan.pdf", source / "03-scan-kopie.pdf")
    hostile.truncated_pdf(source / "11-kaputt.pdf")
    shutil.copy(source / "01-brief.pdf", source / "12-brief-kopie.pdf")
    return {p.name: p.read_bytes() for p in sorted(source.iterdir())}


def test_kill_9_mid_batch_and_restart_loses_and_duplicates_nothing(
    tmp_path: Path, watchers: list[Watcher]
) -> None:
    inputs = _letters(tmp_path / "quelle")
    assert len(inputs) == 12
    folder = tmp_path / "eingang"
    folder.mkdir()
    env, log = _env(tmp_path), tmp_path / "watch.log"
    watchers.append(first := Watcher(folder, env, log))
    for name, data in inputs.items():
        (folder / name).write_bytes(data)

    _wait_for(lambda: bool(_filed(folder)[hotfolder.DONE]), "first file in done/", log)
    first.kill_hard()
    watchers.append(second := Watcher(folder, env, log))
    _wait_for(lambda: sum(map(len, _filed(folder).values())) >= 12, "all files filed", log)
    _wait_for(lambda: _left(folder) == [hotfolder.LOCK_NAME], "folder empty", log)

    # a new letter under a name already in done/ gets the next free name
    make_text_pdf(folder / "01-brief.pdf", ["Nachtrag zum Antrag: die Anlage fehlte"])
    late = (folder / "01-brief.pdf").read_bytes()
    _wait_for(lambda: (folder / "done" / "01-brief (2).pdf").exists(), "collision name", log)
    assert second.stop() == 0

    filed = _filed(folder)
    assert [p.name for p in filed[hotfolder.FAILED]] == ["11-kaputt.pdf"]
    assert {p.name for p in filed[hotfolder.DONE]} == {*inputs, "01-brief (2).pdf"} - {
        "11-kaputt.pdf"
    }
    every_output = [p.read_bytes() for paths in filed.values() for p in paths]
    assert Counter(map(_sha, every_output)) == Counter(map(_sha, [*inputs.values(), late]))

    manifests = _manifests(tmp_path / "data")
    distinct = {_sha(data) for data in [*inputs.values(), late]}
    assert set(manifests) == distinct  # one record per distinct file
    corrupt = manifests[_sha(inputs["11-kaputt.pdf"])]
    assert corrupt.status == "quarantined"
    reason = (folder / "failed" / "11-kaputt.pdf.grund.txt").read_text(encoding="utf-8")
    assert reason == corrupt.errors[-1] + "\n"
    stored = [m for m in manifests.values() if m is not corrupt]
    for manifest in stored:
        assert manifest.status == "stored"
        assert [e.kind for e in manifest.events].count("stored") == 1, manifest.id
    assert all(m.channel == "hotfolder" for m in manifests.values())
    index = TantivyIndex(tmp_path / "data" / "index")
    try:
        assert index.count() == len(stored)  # none left out of search by the kill
    finally:
        index.close()


def test_a_file_still_being_written_is_taken_only_when_complete(
    tmp_path: Path, watchers: list[Watcher]
) -> None:
    source = tmp_path / "lang.pdf"
    make_text_pdf(
        source, [f"Seite {n}: Bauantrag mit Anlagen, Lageplan, Statik" for n in range(40)]
    )
    data = source.read_bytes()
    folder = tmp_path / "eingang"
    folder.mkdir()
    log = tmp_path / "watch.log"
    watchers.append(watcher := Watcher(folder, _env(tmp_path, stable=3.0), log))

    chunk = len(data) // 10 + 1
    with open(folder / "scan.pdf", "wb") as out:  # as a slow scanner over SMB writes
        for start in range(0, len(data), chunk):
            out.write(data[start : start + chunk])
            out.flush()
            time.sleep(0.3)
    _wait_for(lambda: _left(folder) == [hotfolder.LOCK_NAME], "file taken", log)
    assert watcher.stop() == 0

    assert [p.name for p in _filed(folder)[hotfolder.DONE]] == ["scan.pdf"]
    assert list(FilesystemStore(tmp_path / "data" / "store").list_originals()) == [_sha(data)]


def test_once_files_what_is_there_and_exits(tmp_path: Path) -> None:
    folder = tmp_path / "eingang"
    (folder / "done").mkdir(parents=True)
    (folder / "done" / "a.pdf").write_bytes(b"von gestern")
    make_text_pdf(folder / "a.pdf", ["Anzeige einer Veranstaltung auf dem Marktplatz"])
    shutil.copy(folder / "a.pdf", folder / "a-kopie.pdf")
    hostile.random_bytes_named_pdf(folder / "b.pdf")
    shutil.copy(folder / "b.pdf", folder / "b-kopie.pdf")
    (folder / "c.pdf.part").write_bytes(b"noch im Schreiben")
    (folder / ".versteckt").write_bytes(b"nicht meins")

    done = subprocess.run(
        [str(EAKTE), "watch", str(folder), "--once"],
        env=_env(tmp_path),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=WAIT_SECONDS,
        check=False,
    )
    assert done.returncode == 1, done.stderr  # b.pdf was refused
    assert _left(folder) == sorted([".eakte-watch.lock", ".versteckt", "c.pdf.part"])
    assert sorted(p.name for p in (folder / "done").iterdir()) == [
        "a (2).pdf",
        "a-kopie.pdf",
        "a.pdf",
    ]
    assert sorted(p.name for p in (folder / "failed").iterdir()) == [
        "b-kopie.pdf",
        "b-kopie.pdf.grund.txt",
        "b.pdf",
        "b.pdf.grund.txt",
    ]
    assert len(_manifests(tmp_path / "data")) == 2
    assert "abgewiesen" in done.stderr and "failed/b.pdf" in done.stderr
