"""Sendungen captured in the background (``web.uploads``) on the real local pipeline:
what a stopped process left in the spool is captured when the next one starts, and a
capture that fails keeps its files for the next start."""

from __future__ import annotations

import shutil
from pathlib import Path

from eakte.context import Context
from eakte.record import utc_now
from eakte.records import load_manifest
from eakte.wiring import build_runner
from web.uploads import Sendung, SendungFile, UploadJobs, load_sendung, new_sendung_id


def _receive(jobs: UploadJobs, sendung_id: str, files: list[Path]) -> list[str]:
    """Write files to the spool the way the upload route does."""
    for number, path in enumerate(files):
        target = jobs.folder(sendung_id) / str(number) / path.name
        target.parent.mkdir(parents=True)
        shutil.copyfile(path, target)
    return [path.name for path in files]


def test_a_sendung_left_by_a_stopped_process_is_captured_on_the_next_start(
    ctx: Context, sample_dir: Path, tmp_path: Path
) -> None:
    spool = tmp_path / "spool"
    files = [sample_dir / "rechnung.pdf", sample_dir / "brief_bauantrag.pdf"]
    first = UploadJobs(ctx, spool, build_runner)
    sendung_id = new_sendung_id()
    names = _receive(first, sendung_id, files)
    # what a process that stopped right after taking the upload leaves behind
    left = Sendung(
        id=sendung_id,
        status_url=f"/api/upload/{sendung_id}",
        uploaded_by="post",
        received_at=utc_now(),
        files=[SendungFile(name=name) for name in names],
    )
    first.save(left)
    first.close()

    second = UploadJobs(ctx, spool, build_runner)
    assert second.resume() == [sendung_id]
    done = second.wait(sendung_id)
    second.close()
    assert done.error is None and done.finished_at is not None
    assert [item.line.status for item in done.files if item.line] == ["stored", "stored"]
    assert [item.line.path for item in done.files if item.line] == names
    assert load_sendung(ctx, sendung_id) == done
    assert not (spool / sendung_id).exists()  # the originals are in the store now
    for item in done.files:
        assert item.line is not None and item.line.id is not None
        manifest = load_manifest(ctx.store, item.line.id)
        assert manifest is not None and manifest.received_by == "post"  # who uploaded it


def test_a_failed_capture_keeps_its_files_for_the_next_start(
    ctx: Context, sample_dir: Path, tmp_path: Path
) -> None:
    spool = tmp_path / "spool"

    def no_runner(*args: object) -> object:
        raise OSError("Datenträger voll")  # a failure we cannot cause for real: a mock

    jobs = UploadJobs(ctx, spool, no_runner)  # type: ignore[arg-type]
    sendung_id = new_sendung_id()
    names = _receive(jobs, sendung_id, [sample_dir / "rechnung.pdf"])
    jobs.submit(sendung_id, "post", names)
    failed = jobs.wait(sendung_id)
    jobs.close()
    assert failed.error == "Erfassung abgebrochen (OSError)."
    assert (spool / sendung_id / "0" / "rechnung.pdf").exists()

    again = UploadJobs(ctx, spool, build_runner)
    assert again.resume() == [sendung_id]
    done = again.wait(sendung_id)
    again.close()
    assert done.error is None and done.files[0].line is not None
    assert done.files[0].line.status == "stored"
