"""Splitting a scan batch into letters, and writing each letter's own file losslessly.

A batch scanner produces one PDF or multi-page TIFF for a whole stack of post, with a
separator sheet (a barcode, see ``ingest.barcodes``) before each letter. The batch stays
the record of what was scanned; each letter becomes a record of its own, whose id is the
SHA-256 of its file. So the letter files must be *lossless* (the pages are the scanned
pixels, not a re-encoding) and *deterministic* (the same batch gives the same bytes, or
ingesting a batch twice would make new records instead of duplicates).

Page numbers here are 1-based pages of the batch, as the CLI contract reports them.
"""

from __future__ import annotations

import contextlib
import enum
import os
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
from PIL import Image

from eakte.errors import CorruptInput, EakteError, EncryptedInput, LimitExceeded


class PageNumberError(ValueError):
    """Page numbers outside the document: the caller's bug, not a bad input."""


class PageRole(enum.Enum):
    SEPARATOR = "separator"
    BLANK = "blank"
    CONTENT = "content"


@dataclass(frozen=True)
class LetterRange:
    """One letter of a batch: the span ``first..last`` it covers and the pages it keeps."""

    first: int
    last: int
    pages: tuple[int, ...]


def plan_letters(pages: Sequence[PageRole], *, drop_blank: bool = False) -> list[LetterRange]:
    """Letters of a batch, in order, from each page's role.

    Rules, each for a reason:

    - Separators split and are dropped; several in a row or at either end make no empty
      letter (a sheet printed on both sides reads as two separators).
    - A blank page right after a separator is that sheet's back side (duplex scanning)
      and is dropped with it, whatever ``drop_blank`` says; otherwise every letter after
      the first would start with an empty page. The batch itself keeps it.
    - A stretch between separators with no content page (only backs of sheets) makes no
      letter: there is nothing to file.
    - ``drop_blank`` leaves blank pages out of ``pages`` but not out of the span.
    - A batch without separators is one letter over all its pages, even if all are blank
      (nothing to split; it stays one record). ``[]`` means: separators, but no content.
    """
    if PageRole.SEPARATOR not in pages:
        return [_whole_batch(pages, drop_blank)] if pages else []
    letters: list[LetterRange] = []
    run: list[int] = []
    after_separator = True
    for number, role in enumerate(pages, start=1):
        if role is PageRole.SEPARATOR:
            letters.extend(_letter_of(run, pages, drop_blank))
            run, after_separator = [], True
        elif role is PageRole.BLANK and after_separator:
            after_separator = False  # the separator sheet's back side
        else:
            run.append(number)
            after_separator = False
    letters.extend(_letter_of(run, pages, drop_blank))
    return letters


def _whole_batch(pages: Sequence[PageRole], drop_blank: bool) -> LetterRange:
    numbers = range(1, len(pages) + 1)
    kept = [n for n in numbers if not (drop_blank and pages[n - 1] is PageRole.BLANK)]
    return LetterRange(1, len(pages), tuple(kept or numbers))


def _letter_of(run: list[int], pages: Sequence[PageRole], drop_blank: bool) -> list[LetterRange]:
    if not any(pages[n - 1] is PageRole.CONTENT for n in run):
        return []
    kept = [n for n in run if not (drop_blank and pages[n - 1] is PageRole.BLANK)]
    return [LetterRange(run[0], run[-1], tuple(kept))]


def write_pdf_pages(source: Path, pages: Sequence[int], target: Path) -> None:
    """Write the given 1-based pages of ``source`` as a new PDF at ``target``.

    The page objects are copied with their streams untouched (no decoding, no
    recompression), so a scanned JPEG stays the same JPEG bytes. qpdf's deterministic
    /ID (a hash of the content) replaces the random one and nothing adds a date, so the
    output depends on the input alone.
    """
    with _pdf_errors(), pikepdf.open(source) as pdf:
        _check_numbers(pages, len(pdf.pages))
        letter = pikepdf.new()
        for number in pages:
            letter.pages.append(pdf.pages[number - 1])
        with _atomic(target) as partial:
            letter.save(
                partial,
                deterministic_id=True,
                compress_streams=False,
                stream_decode_level=pikepdf.StreamDecodeLevel.none,
                object_stream_mode=pikepdf.ObjectStreamMode.preserve,
                fix_metadata_version=False,
            )


@contextlib.contextmanager
def _pdf_errors() -> Iterator[None]:
    try:
        yield
    except pikepdf.PasswordError as exc:
        raise EncryptedInput("PDF ist passwortgeschützt und kann nicht geteilt werden") from exc
    except (pikepdf.PdfError, pikepdf.ForeignObjectError, OSError) as exc:
        raise CorruptInput("PDF ist beschädigt und kann nicht geteilt werden") from exc


def write_tiff_frames(source: Path, frames: Sequence[int], target: Path) -> None:
    """Write the given 1-based frames of a TIFF as a new multi-page TIFF at ``target``.

    Every frame keeps its mode, pixels and resolution; compression is lossless (Group 4
    for bilevel frames, Deflate otherwise) whatever the source used, because the scanner
    may have written JPEG-in-TIFF, which Pillow cannot write back unchanged. Pillow
    writes no date or software tag, so the bytes depend on the pixels alone.
    """
    with _tiff_errors():
        with Image.open(source) as batch:
            _check_numbers(frames, int(getattr(batch, "n_frames", 1)))
            copies = [_frame_copy(batch, number - 1) for number in frames]
        first, *rest = copies
        with _atomic(target) as partial:
            first.save(partial, format="TIFF", save_all=True, append_images=rest)


def _frame_copy(batch: Image.Image, index: int) -> Image.Image:
    """The decoded frame with its own encoder settings.

    Pillow 13 takes ``encoderinfo`` from each appended image, so frames of different
    modes and resolutions keep their own (tested in ``tests/unit/test_batch_split.py``).
    """
    batch.seek(index)
    frame = batch.copy()
    info: dict[str, Any] = {"compression": _compression(frame.mode)}
    dpi = batch.info.get("dpi")
    if dpi:
        info["dpi"] = (float(dpi[0]), float(dpi[1]))
    if "icc_profile" in batch.info:
        info["icc_profile"] = batch.info["icc_profile"]
    frame.encoderinfo = info
    return frame


def _compression(mode: str) -> str:
    return "group4" if mode == "1" else "tiff_adobe_deflate"


@contextlib.contextmanager
def _tiff_errors() -> Iterator[None]:
    """Pillow reports broken files with many exception types, see ``ingest.images``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except (EakteError, PageNumberError):
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise LimitExceeded("Bild ist zu groß (Verdacht auf Dekompressionsbombe)") from exc
        except Exception as exc:
            raise CorruptInput("TIFF ist beschädigt und kann nicht geteilt werden") from exc


def _check_numbers(numbers: Sequence[int], count: int) -> None:
    if not numbers:
        raise PageNumberError("no pages given")
    bad = [n for n in numbers if not 1 <= n <= count]
    if bad:
        raise PageNumberError(f"pages {bad} outside 1..{count}")


@contextlib.contextmanager
def _atomic(target: Path) -> Iterator[Path]:
    """Write next to the target and rename, so a crash never leaves half a letter."""
    partial = target.with_name(f".{target.name}.partial")
    try:
        yield partial
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
