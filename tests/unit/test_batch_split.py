"""Batches split into the right letters, and letter files are lossless and deterministic."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageChops

from eakte.errors import CorruptInput, EncryptedInput
from ingest.batch_split import (
    LetterRange,
    PageNumberError,
    PageRole,
    plan_letters,
    write_pdf_pages,
    write_tiff_frames,
)
from samples.render import make_image_pdf, make_tiff, render_scan

S, B, C = PageRole.SEPARATOR, PageRole.BLANK, PageRole.CONTENT


def spans(letters: list[LetterRange]) -> list[tuple[int, int, tuple[int, ...]]]:
    return [(letter.first, letter.last, letter.pages) for letter in letters]


@pytest.mark.parametrize(
    ("roles", "drop_blank", "expected"),
    [
        ([C, C, C], False, [(1, 3, (1, 2, 3))]),
        ([C, S, C, C, S, C], False, [(1, 1, (1,)), (3, 4, (3, 4)), (6, 6, (6,))]),
        ([S, C, C, S], False, [(2, 3, (2, 3))]),
        ([S, S, C, S, S, S, C, S], False, [(3, 3, (3,)), (7, 7, (7,))]),
        # blanks inside a letter stay unless dropped; the span stays either way
        ([C, B, C, B], False, [(1, 4, (1, 2, 3, 4))]),
        ([C, B, C, B], True, [(1, 4, (1, 3))]),
        ([S, C, B, C, B, S, C], True, [(2, 5, (2, 4)), (7, 7, (7,))]),
        # duplex: the blank back of each separator sheet goes with the sheet
        ([C, B, S, B, C, B, C, B], False, [(1, 2, (1, 2)), (5, 8, (5, 6, 7, 8))]),
        ([S, B, C, C], False, [(3, 4, (3, 4))]),
        ([S, B, B, C], False, [(3, 4, (3, 4))]),
        ([S, B, B, C], True, [(3, 4, (4,))]),
        # only backs of sheets between separators: nothing to file
        ([C, S, B, S, B, C], False, [(1, 1, (1,)), (6, 6, (6,))]),
        ([C, S, B, B, S, C], False, [(1, 1, (1,)), (6, 6, (6,))]),
        # no separator: one letter, never an empty one
        ([B, B], False, [(1, 2, (1, 2))]),
        ([B, B], True, [(1, 2, (1, 2))]),
        ([B, C, B], True, [(1, 3, (2,))]),
        # separators but no content at all, and no pages at all
        ([S, S], False, []),
        ([S, B, S, B], True, []),
        ([], False, []),
    ],
)
def test_plan_letters(
    roles: list[PageRole], drop_blank: bool, expected: list[tuple[int, int, tuple[int, ...]]]
) -> None:
    assert spans(plan_letters(roles, drop_blank=drop_blank)) == expected


def scans(count: int, dpi: int = 100) -> list[Image.Image]:
    return [render_scan(f"Brief {n}\nSeite {n}", dpi, noise=0.1, seed=n) for n in range(count)]


def page_streams(path: Path) -> list[list[bytes]]:
    """Per page, the raw (still encoded) bytes of its images and content stream."""
    with pikepdf.open(path) as pdf:
        return [
            [
                *(bytes(image.read_raw_bytes()) for image in page.get_images().values()),
                bytes(page.obj.Contents.read_raw_bytes()),
            ]
            for page in pdf.pages
        ]


@pytest.fixture
def batch_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "stapel.pdf"
    make_image_pdf(path, scans(5))
    return path


def test_pdf_letter_copies_the_pages_image_streams_byte_for_byte(
    batch_pdf: Path, tmp_path: Path
) -> None:
    target = tmp_path / "brief.pdf"
    write_pdf_pages(batch_pdf, [2, 3, 5], target)
    source = page_streams(batch_pdf)
    assert page_streams(target) == [source[1], source[2], source[4]]
    assert all(len(streams) == 2 for streams in source)
    with pikepdf.open(batch_pdf) as batch, pikepdf.open(target) as letter:
        assert [p.mediabox for p in letter.pages] == [batch.pages[i].mediabox for i in (1, 2, 4)]
    assert not list(tmp_path.glob(".*partial"))


def test_pdf_letter_bytes_depend_on_the_input_alone(batch_pdf: Path, tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere" / "andere.pdf"
    copy.parent.mkdir()
    shutil.copy(batch_pdf, copy)
    first, second, third = tmp_path / "a.pdf", tmp_path / "b.pdf", tmp_path / "c.pdf"
    write_pdf_pages(batch_pdf, [1, 2], first)
    write_pdf_pages(batch_pdf, [1, 2], second)
    write_pdf_pages(copy, [1, 2], third)
    assert first.read_bytes() == second.read_bytes() == third.read_bytes()
    write_pdf_pages(batch_pdf, [1, 3], second)
    assert digest(first) != digest(second)
    assert b"CreationDate" not in first.read_bytes()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_pdf_errors_become_ours(tmp_path: Path, batch_pdf: Path) -> None:
    garbage = tmp_path / "kaputt.pdf"
    garbage.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    with pytest.raises(CorruptInput):
        write_pdf_pages(garbage, [1], tmp_path / "x.pdf")
    locked = tmp_path / "gesperrt.pdf"
    with pikepdf.open(batch_pdf) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="o", user="geheim"))
    with pytest.raises(EncryptedInput):
        write_pdf_pages(locked, [1], tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("pages", [[], [0], [6], [1, 9]])
def test_page_numbers_outside_the_batch_are_the_callers_bug(
    batch_pdf: Path, tmp_path: Path, pages: list[int]
) -> None:
    with pytest.raises(PageNumberError):
        write_pdf_pages(batch_pdf, pages, tmp_path / "x.pdf")


def frames_of(path: Path) -> list[Image.Image]:
    with Image.open(path) as tiff:
        frames = []
        for index in range(getattr(tiff, "n_frames", 1)):
            tiff.seek(index)
            frame = tiff.copy()
            frame.info = {
                "dpi": tiff.info.get("dpi"),
                "compression": tiff.info.get("compression"),
            }
            frames.append(frame)
        return frames


def same_pixels(a: Image.Image, b: Image.Image) -> bool:
    return a.mode == b.mode and a.size == b.size and a.tobytes() == b.tobytes()


def test_tiff_letter_keeps_pixels_and_resolution(tmp_path: Path) -> None:
    source, target = tmp_path / "stapel.tif", tmp_path / "brief.tif"
    make_tiff(source, scans(4))
    write_tiff_frames(source, [4, 2], target)
    batch, letter = frames_of(source), frames_of(target)
    assert [same_pixels(a, b) for a, b in zip(letter, [batch[3], batch[1]], strict=True)] == [
        True,
        True,
    ]
    assert [frame.info["dpi"] for frame in letter] == [(100.0, 100.0)] * 2
    assert {frame.info["compression"] for frame in letter} == {"tiff_adobe_deflate"}


def mixed_tiff(path: Path) -> list[Image.Image]:
    """A batch with a bilevel 200 dpi frame, a grey 300 dpi one and a colour one."""
    bilevel = render_scan("Schwarzweiß", 200).convert("1")
    grey = render_scan("Graustufen", 300, noise=0.2)
    colour = render_scan("Farbe", 150).convert("RGB")
    for frame, dpi, compression in [(bilevel, 200, "group4"), (grey, 300, "tiff_lzw")]:
        frame.encoderinfo = {"dpi": (dpi, dpi), "compression": compression}
    colour.encoderinfo = {"dpi": (150, 150), "compression": "jpeg", "quality": 90}
    bilevel.save(path, format="TIFF", save_all=True, append_images=[grey, colour])
    return frames_of(path)


def test_mixed_tiff_frames_keep_their_own_mode_and_resolution(tmp_path: Path) -> None:
    source, target = tmp_path / "stapel.tif", tmp_path / "brief.tif"
    batch = mixed_tiff(source)
    assert [f.info["dpi"] for f in batch] == [(200.0, 200.0), (300.0, 300.0), (150.0, 150.0)]
    write_tiff_frames(source, [1, 2, 3], target)
    letter = frames_of(target)
    assert all(same_pixels(a, b) for a, b in zip(letter, batch, strict=True))
    assert [f.info["dpi"] for f in letter] == [f.info["dpi"] for f in batch]
    assert [f.info["compression"] for f in letter] == [
        "group4",
        "tiff_adobe_deflate",
        "tiff_adobe_deflate",  # the scanner's JPEG frame is written losslessly
    ]
    assert ImageChops.difference(letter[2], batch[2]).getbbox() is None


def test_tiff_letter_bytes_depend_on_the_input_alone(tmp_path: Path) -> None:
    source = tmp_path / "stapel.tif"
    mixed_tiff(source)
    copy = tmp_path / "anders.tif"
    shutil.copy(source, copy)
    first, second, third = tmp_path / "a.tif", tmp_path / "b.tif", tmp_path / "c.tif"
    write_tiff_frames(source, [1, 3], first)
    write_tiff_frames(source, [1, 3], second)
    write_tiff_frames(copy, [1, 3], third)
    assert first.read_bytes() == second.read_bytes() == third.read_bytes()


def test_tiff_errors_become_ours(tmp_path: Path) -> None:
    garbage = tmp_path / "kaputt.tif"
    garbage.write_bytes(b"II*\x00" + b"\xff" * 200)
    with pytest.raises(CorruptInput):
        write_tiff_frames(garbage, [1], tmp_path / "x.tif")
    source = tmp_path / "stapel.tif"
    make_tiff(source, scans(2))
    with pytest.raises(PageNumberError):
        write_tiff_frames(source, [3], tmp_path / "x.tif")
    assert not (tmp_path / "x.tif").exists()
