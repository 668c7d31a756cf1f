"""The hot folder's file logic: candidates, stability across polls, collision-free moves."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from eakte.errors import ConfigurationError
from ingest import hotfolder
from ingest.hotfolder import FileState, StabilityTracker


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _state(name: str, size: int, mtime_ns: int = 1, inode: int = 7) -> FileState:
    return FileState(Path("/in") / name, size, mtime_ns, inode)


def test_a_file_is_stable_only_after_two_looks_the_stable_time_apart() -> None:
    clock = FakeClock()
    tracker = StabilityTracker(5.0, clock=clock)
    assert tracker.observe([_state("a.pdf", 10)]) == []
    clock.now += 4.9
    assert tracker.observe([_state("a.pdf", 10)]) == []
    clock.now += 0.1
    assert tracker.observe([_state("a.pdf", 10)]) == [_state("a.pdf", 10)]


def test_any_change_of_size_mtime_or_inode_starts_the_wait_again() -> None:
    clock = FakeClock()
    tracker = StabilityTracker(5.0, clock=clock)
    for changed in (_state("a.pdf", 20), _state("a.pdf", 20, 2), _state("a.pdf", 20, 2, 8)):
        tracker.observe([changed])
        clock.now += 6
    assert tracker.observe([_state("a.pdf", 20, 2, 8)]) != []
    tracker.observe([_state("a.pdf", 30, 2, 8)])  # the writer went on after a pause
    clock.now += 4
    assert tracker.observe([_state("a.pdf", 30, 2, 8)]) == []
    clock.now += 1
    assert tracker.observe([_state("a.pdf", 30, 2, 8)]) == [_state("a.pdf", 30, 2, 8)]


def test_zero_stable_time_still_needs_a_second_look() -> None:
    tracker = StabilityTracker(0.0, clock=FakeClock())
    assert tracker.observe([_state("a.pdf", 10)]) == []
    assert tracker.observe([_state("a.pdf", 10)]) == [_state("a.pdf", 10)]


def test_a_vanished_file_is_forgotten() -> None:
    clock = FakeClock()
    tracker = StabilityTracker(1.0, clock=clock)
    tracker.observe([_state("a.pdf", 10)])
    clock.now += 2
    tracker.observe([])
    clock.now += 2
    assert tracker.observe([_state("a.pdf", 10)]) == []  # back again: a new file


@pytest.mark.parametrize(
    ("name", "taken"),
    [
        ("brief.pdf", True),
        ("Scan 2024-01-15.PDF", True),
        (".hidden.pdf", False),
        ("brief.pdf.part", False),
        ("scan.TMP", False),
        ("~$brief.docx", False),
        ("download.crdownload", False),
        ("done", False),
        ("failed", False),
    ],
)
def test_candidate_names(name: str, taken: bool) -> None:
    assert hotfolder.is_candidate_name(name) is taken


def test_candidates_are_top_level_regular_files_only(tmp_path: Path) -> None:
    (tmp_path / "b.pdf").write_bytes(b"b")
    (tmp_path / "a.pdf").write_bytes(b"a")
    (tmp_path / "c.pdf.part").write_bytes(b"c")
    (tmp_path / ".versteckt").write_bytes(b"h")
    (tmp_path / "done").mkdir()
    (tmp_path / "done" / "d.pdf").write_bytes(b"d")
    (tmp_path / "unterordner").mkdir()
    (tmp_path / "verweis.pdf").symlink_to(tmp_path / "a.pdf")
    os.mkfifo(tmp_path / "fifo.pdf")
    names = [state.path.name for state in hotfolder.list_candidates(tmp_path)]
    assert names == ["a.pdf", "b.pdf"]


@pytest.mark.parametrize(
    ("name", "number", "expected"),
    [
        ("brief.pdf", 1, "brief.pdf"),
        ("brief.pdf", 2, "brief (2).pdf"),
        ("scan.2024.pdf", 3, "scan.2024 (3).pdf"),
        ("Antrag", 2, "Antrag (2)"),
    ],
)
def test_collision_names(name: str, number: int, expected: str) -> None:
    assert hotfolder.target_name(name, number) == expected


def test_an_overlong_name_is_shortened_to_leave_room_for_the_reason_file() -> None:
    name = "ä" * 126 + ".pdf"  # 256 bytes
    shortened = hotfolder.target_name(name, 2, reserve=len(hotfolder.REASON_SUFFIX))
    assert shortened.endswith(" (2).pdf")
    assert len((shortened + hotfolder.REASON_SUFFIX).encode()) <= 255


def test_move_takes_the_next_free_name(tmp_path: Path) -> None:
    done = tmp_path / "done"
    done.mkdir()
    (done / "brief.pdf").write_bytes(b"alt")
    (done / "brief (2).pdf").write_bytes(b"auch alt")
    source = tmp_path / "brief.pdf"
    source.write_bytes(b"neu")
    target = hotfolder.move_to(source, done)
    assert target == done / "brief (3).pdf" and target.read_bytes() == b"neu"
    assert not source.exists()
    assert (done / "brief.pdf").read_bytes() == b"alt"


def test_move_to_failed_writes_the_reason_beside_the_file(tmp_path: Path) -> None:
    source = tmp_path / "kaputt.pdf"
    source.write_bytes(b"%PDF-kaputt")
    target = hotfolder.move_to(source, tmp_path / "failed", "PDF ist beschädigt:\nxref fehlt")
    reason = tmp_path / "failed" / "kaputt.pdf.grund.txt"
    assert target.read_bytes() == b"%PDF-kaputt"
    assert reason.read_text(encoding="utf-8") == "PDF ist beschädigt: xref fehlt\n"
    assert sorted(p.name for p in (tmp_path / "failed").iterdir()) == [
        "kaputt.pdf",
        "kaputt.pdf.grund.txt",
    ]


def test_a_move_killed_between_link_and_unlink_is_completed_not_copied(tmp_path: Path) -> None:
    done = tmp_path / "done"
    done.mkdir()
    source = tmp_path / "brief.pdf"
    source.write_bytes(b"brief")
    os.link(source, done / "brief.pdf")  # what the killed move left behind
    target = hotfolder.move_to(source, done)
    assert target == done / "brief.pdf"
    assert [p.name for p in done.iterdir()] == ["brief.pdf"] and not source.exists()


def test_a_rewritten_file_is_not_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(b"eins")
    [state] = hotfolder.list_candidates(tmp_path)
    assert hotfolder.is_unchanged(state)
    path.write_bytes(b"eins und zwei")
    assert not hotfolder.is_unchanged(state)
    path.unlink()
    assert not hotfolder.is_unchanged(state)


def test_a_second_watcher_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    with (
        hotfolder.exclusive(tmp_path),
        pytest.raises(ConfigurationError, match="bereits"),
        hotfolder.exclusive(tmp_path),
    ):
        pass
    with hotfolder.exclusive(tmp_path):  # released again
        pass


def test_without_hard_links_the_move_renames_to_a_free_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")  # a share without links

    monkeypatch.setattr(os, "link", no_links)
    done = tmp_path / "done"
    done.mkdir()
    (done / "brief.pdf").write_bytes(b"alt")
    source = tmp_path / "brief.pdf"
    source.write_bytes(b"neu")
    target = hotfolder.move_to(source, done)
    assert target == done / "brief (2).pdf" and target.read_bytes() == b"neu"
    assert not source.exists() and (done / "brief.pdf").read_bytes() == b"alt"
