"""Inputs that become several records: the document inside an enveloping signature, the
attachments of an e-mail, the letters of a scan batch split at separator sheets.

Each part is written to a temporary file and then ingested like any other input, so it
is stored first, gets its own id (the SHA-256 of its bytes) and runs every stage. The
container's manifest lists its parts; each part's manifest names its container
(``part_of``). Both schedulers (local pool, workers) call ``extracted_parts``.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eakte import containers, media_types
from eakte.errors import EakteError
from eakte.pipeline import Context
from eakte.record import Event, Manifest, PageText
from ingest.filenames import sanitize_filename

if TYPE_CHECKING:
    from ingest.batch_split import LetterRange


@dataclass(frozen=True)
class Part:
    """One part ready to be ingested: its bytes in ``path`` and the fields linking it."""

    path: Path
    pages: tuple[int, int] | None  # 1-based page span in the container; None: attachment
    links: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Split:
    """What splitting found: the parts, and the container's manifest as it then reads
    (its pages marked as read in the parts, notes as events)."""

    manifest: Manifest
    parts: list[Part]


@contextlib.contextmanager
def extracted_parts(manifest: Manifest, ctx: Context) -> Iterator[Split]:
    """The parts of a container as temporary files, removed when the block ends."""
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="eakte-parts-")))
        if manifest.media_type == media_types.CMS:
            yield _enveloped(manifest, ctx, stack)
        elif manifest.media_type == media_types.EML:
            yield _attachments(manifest, ctx, folder)
        elif letters := _letters(manifest, ctx):
            yield _write_letters(manifest, ctx, letters, folder)
        else:
            yield Split(manifest, [])


def with_part_ids(manifest: Manifest, split: Split, ids: Sequence[str | None]) -> Manifest:
    """The container's manifest listing its parts (``parts`` in the CLI contract)."""
    listed = [
        {"id": part_id, "pages": list(part.pages) if part.pages else None}
        for part, part_id in zip(split.parts, ids, strict=True)
    ]
    fields: dict[str, Any] = {**manifest.fields, "parts": listed}
    if manifest.media_type == media_types.CMS and ids:
        fields["content_record"] = ids[0]
    return manifest.model_copy(update={"fields": fields})


def linked(manifest: Manifest, links: dict[str, Any]) -> Manifest:
    return manifest.model_copy(update={"fields": {**manifest.fields, **links}})


# the kinds of container ------------------------------------------------------------


def _enveloped(manifest: Manifest, ctx: Context, stack: contextlib.ExitStack) -> Split:
    """A .p7m's signed document; if it cannot be read, the container's own verdict
    already says what is wrong."""
    try:
        content = stack.enter_context(containers.enveloped_document(ctx.store, manifest))
    except EakteError:
        return Split(manifest, [])
    if content is None:
        return Split(manifest, [])
    return Split(manifest, [Part(content, None, {"enveloped_in": manifest.id})])


def _attachments(manifest: Manifest, ctx: Context, folder: Path) -> Split:
    from ingest.email_message import read_message

    depth = int(manifest.fields.get("mail_depth", 0))
    with ctx.store.original_path(manifest.id) as original:
        content = read_message(
            original.read_bytes(), max_attachments=ctx.settings.mail_max_attachments
        )
    events = [Event(kind="mail_note", message=note) for note in content.notes]
    parts: list[Part] = []
    for number, attachment in enumerate(content.attachments, start=1):
        nested = attachment.content_type == media_types.EML
        if nested and depth + 1 >= ctx.settings.mail_max_depth:
            events.append(
                Event(
                    kind="mail_note",
                    message=f"Weitergeleitete Nachricht {attachment.filename} nicht entpackt "
                    f"(mehr als {ctx.settings.mail_max_depth} Ebenen); sie bleibt in der Mail",
                )
            )
            continue
        path = folder / f"{number:03d}" / sanitize_filename(attachment.filename)
        path.parent.mkdir()
        path.write_bytes(attachment.data)
        links: dict[str, Any] = {"part_of": manifest.id}
        if nested:
            links["mail_depth"] = depth + 1
        parts.append(Part(path, None, links))
    return Split(manifest.model_copy(update={"events": [*manifest.events, *events]}), parts)


def _letters(manifest: Manifest, ctx: Context) -> list[LetterRange]:
    """Letter ranges when a multi-page scan holds separator sheets (or blank pages to
    drop); empty for an ordinary document, which stays one record."""
    from ingest.separators import find_letters

    if manifest.media_type not in (media_types.PDF, media_types.TIFF) or manifest.page_count < 2:
        return []
    if "part_of" in manifest.fields:  # a letter is never split again
        return []
    scanned = [page.number for page in manifest.pages if page.source == "none"]
    if not scanned:
        return []
    with ctx.store.original_path(manifest.id) as original:
        return find_letters(
            original, manifest.media_type, manifest.page_count, scanned, ctx.settings
        )


def _write_letters(
    manifest: Manifest, ctx: Context, letters: list[LetterRange], folder: Path
) -> Split:
    from ingest.batch_split import write_pdf_pages, write_tiff_frames  # pikepdf: import late

    stem = Path(manifest.original_filename).stem or "stapel"
    suffix = ".pdf" if manifest.media_type == media_types.PDF else ".tif"
    parts: list[Part] = []
    with ctx.store.original_path(manifest.id) as original:
        for number, letter in enumerate(letters, start=1):
            path = folder / sanitize_filename(f"{stem}-brief-{number:02d}{suffix}")
            if manifest.media_type == media_types.PDF:
                write_pdf_pages(original, letter.pages, path)
            else:
                write_tiff_frames(original, letter.pages, path)
            links = {
                "part_of": manifest.id,
                "batch_pages": [letter.first, letter.last],
                "batch_page_numbers": list(letter.pages),
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
