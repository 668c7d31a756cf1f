"""The context every stage gets: settings and the adapters behind the ports, built once
by ``eakte.wiring`` (the only module that names concrete classes) and passed in."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from eakte.handlers import HandlerRegistry
from eakte.ports import (
    Classifier,
    DocumentRouter,
    FieldExtractor,
    Filing,
    ObjectStore,
    PageReader,
    PdfSealer,
    SearchIndex,
    SignatureValidator,
)
from eakte.settings import Settings

# (page PDFs by page number, page count, the original when it has pages of its own
# to copy, title) -> the PDF/A bytes
ArchivePdfBuilder = Callable[[Mapping[int, bytes], int, Path | None, str], bytes]


@dataclass(frozen=True)
class Context:
    """Settings and adapters, passed to every stage instead of read from globals."""

    settings: Settings
    store: ObjectStore
    index: SearchIndex
    signatures: SignatureValidator
    handlers: HandlerRegistry
    pages: PageReader
    fields: FieldExtractor
    router: DocumentRouter
    sniff: Callable[[BinaryIO], str]  # an open original → its media type
    classifier: Classifier | None = None
    archive_pdf: ArchivePdfBuilder | None = None
    filing: Filing | None = None  # None: incoming post is not filed into Akten
    seal_pdf: PdfSealer | None = None  # None: no TSA set, renditions are not timestamped

    def scanned_by(self, person: str | None) -> Context:
        """This context with ``person`` as who brings the originals in (the
        Transfervermerk's "Gescannt von"); None keeps ``EAKTE_SCAN_OPERATOR``."""
        if not person:
            return self
        return replace(self, settings=self.settings.model_copy(update={"scan_operator": person}))
