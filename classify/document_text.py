"""The text of a file someone gives `eakte train`, `eakte evaluate` or `eakte classify`,
read the way ingest reads it: the handler the wiring registered for its media type, its
text layer where that is usable (``eakte.pipeline.text_layer_pages``), and the page
reader the pipeline is wired with (Tesseract, straightened and turned) for every other
page. So a city's corrected scans train the model on the same text ingest will later
give it, not on a second OCR path's."""

from __future__ import annotations

from pathlib import Path

from eakte.context import Context
from eakte.errors import EmptyInput
from eakte.pipeline import text_layer_pages
from eakte.ports import PageJob

TEXT_SUFFIXES = {".txt", ".md"}
RECORD_ID = "training"  # page jobs name a record; these files are none


def read_document(ctx: Context, path: Path) -> str:
    """Plain text as it is; PDFs, images and e-mails as ingest reads them. Raises an
    ``EakteError`` (German message) or ``OSError`` when the file cannot be read."""
    if path.suffix.lower() in TEXT_SUFFIXES:
        return path.read_text(encoding="utf-8", errors="replace")
    with open(path, "rb") as handle:
        media_type = ctx.sniff(handle)
    handler = ctx.handlers.for_type(media_type)
    layer = handler.read_text(path)
    pages, _ = text_layer_pages(layer, ctx.settings.min_text_layer_chars)
    texts = []
    for page in pages:
        if page.source == "none":
            job = PageJob(RECORD_ID, str(path), page.number - 1, handler)
            page = ctx.pages.read(job).page
        texts.append(page.text)
    text = "\n\n".join(t for t in texts if t)
    if not text.strip():
        raise EmptyInput("kein Text lesbar (weder Textebene noch OCR)")
    return text
