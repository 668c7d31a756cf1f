"""The letters of a scanned batch as parts: shared by the handlers of paged scans (PDF,
multi-page TIFF). A batch with separator sheets (or blank pages to drop) becomes one
record per letter; anything else stays one record."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from eakte.filenames import sanitize_filename
from eakte.handlers import MediaHandler, Part, Split
from eakte.record import Event, Manifest, PageText
from ingest.separators import find_letters

if TYPE_CHECKING:
    from eakte.context import Context

WritePages = Callable[[Path, Sequence[int], Path], None]
SCAN_FACTS = ("scan_device", "scan_time")  # from the batch file's metadata


def split_batch(
    handler: MediaHandler,
    manifest: Manifest,
    ctx: Context,
    folder: Path,
    *,
    write_pages: WritePages,
    suffix: str,
) -> Split:
    """Write each letter of the batch into ``folder``; a letter is never split again."""
    if manifest.page_count < 2 or "part_of" in manifest.fields:
        return Split(manifest)
    scanned = [page.number for page in manifest.pages if page.source == "none"]
    if not scanned:
        return Split(manifest)
    settings = ctx.settings
    with ctx.store.original_path(manifest.id) as original:
        letters = find_letters(
            lambda index: handler.page_image(original, index, settings.separator_dpi, True),
            manifest.page_count,
            scanned,
            settings,
        )
        if not letters:
            return Split(manifest)
        stem = Path(manifest.original_filename).stem or "stapel"
        parts: list[Part] = []
        folder.mkdir(parents=True, exist_ok=True)
        for number, letter in enumerate(letters, start=1):
            path = folder / sanitize_filename(f"{stem}-brief-{number:02d}{suffix}")
            write_pages(original, letter.pages, path)
            links = {
                "part_of": manifest.id,
                "batch_pages": [letter.first, letter.last],
                "batch_page_numbers": list(letter.pages),
                # the Transfervermerk names the scanned file and its scanner
                "batch_file": manifest.original_filename,
                **{k: v for k, v in manifest.fields.items() if k in SCAN_FACTS},
            }
            parts.append(Part(path, (letter.first, letter.last), links))
    in_letters = {page for letter in letters for page in letter.pages}
    pages = [_batch_page(page, page.number in in_letters) for page in manifest.pages]
    event = Event(
        kind="split",
        message=f"Scanstapel in {len(letters)} Briefe getrennt",
        details={"letters": [[letter.first, letter.last] for letter in letters]},
    )
    return Split(manifest.model_copy(update={"pages": pages}).with_event(event), parts)


def _batch_page(page: PageText, in_letter: bool) -> PageText:
    """A batch page is read in its letter's record; separator sheets and dropped blank
    pages are not read at all."""
    return page.model_copy(update={"source": "part" if in_letter else "skipped"})
