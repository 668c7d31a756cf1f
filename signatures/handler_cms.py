"""Handler for CMS signature files: a detached ``.p7s`` (its document arrives beside it)
and an enveloping ``.p7m``, whose signed document becomes a record of its own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from PIL import Image

from eakte import media_types
from eakte.errors import EakteError, UnsupportedType
from eakte.filenames import sanitize_filename
from eakte.handlers import Part, SignatureFormat, Split, TextLayer
from eakte.record import Manifest

if TYPE_CHECKING:
    from eakte.context import Context

ENVELOPING_SUFFIX = ".p7m"


@dataclass(frozen=True)
class CmsHandler:
    name: ClassVar[str] = "cms"
    media_types: ClassVar[frozenset[str]] = frozenset({media_types.CMS})
    signature_format: ClassVar[SignatureFormat | None] = "cms"
    keeps_born_digital_pages: ClassVar[bool] = False

    def read_text(self, path: Path) -> TextLayer:
        """A signature container has no text of its own; its content is a part."""
        return TextLayer([], complete=True)

    def page_image(self, path: Path, index: int, dpi: int, draft: bool = False) -> Image.Image:
        raise UnsupportedType("Eine Signaturdatei hat keine Seiten zum Lesen")

    def split(self, manifest: Manifest, ctx: Context, folder: Path) -> Split:
        """A .p7m's signed document, named after the container (``antrag.pdf.p7m`` →
        ``antrag.pdf``); if it cannot be read, the container's verdict says why."""
        from signatures.cades import enveloped_content, read_signed_data  # pyHanko: late

        try:
            with ctx.store.original_path(manifest.id) as original:
                content = enveloped_content(read_signed_data(original))
        except EakteError:
            return Split(manifest)
        if content is None:
            return Split(manifest)
        name = manifest.original_filename
        if name.lower().endswith(ENVELOPING_SUFFIX):
            name = name[: -len(ENVELOPING_SUFFIX)]
        path = folder / sanitize_filename(name or "inhalt")
        folder.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return Split(manifest, [Part(path, None, {"enveloped_in": manifest.id})], True)
