"""Handler for photographs and other images without lines of text (``ingest.photo_sniff``
decides): never OCRed, read for what the file says about itself (EXIF, IPTC, XMP),
hashed for near-duplicates, and shown through a thumbnail and Deep Zoom tiles.

Its one page has no text and is complete as it is, so a photo is never "a scan whose
OCR found nothing": it is stored and found by its caption, keywords, creator, camera
and date. ``fields["media"]`` also has the place the image-content module fills later:
``tags`` (German words for what the image shows) and ``faces`` (how many), from the
``ImageDescriber`` given (``media.vision``; none: the fields stay empty). A describer that
fails costs the tags, never the photo: the reason is in ``fields["media"]["content_note"]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from PIL import Image

from eakte import media_types
from eakte.handlers import SignatureFormat, Split, TextLayer
from eakte.image_description import ImageDescriber
from eakte.record import Manifest
from ingest import images

if TYPE_CHECKING:
    from eakte.context import Context

KIND = "Foto"
DESCRIBE_SIDE = 1024  # enough for tags and faces; a 40-megapixel scan costs no more


@dataclass(frozen=True)
class PhotoHandler:
    max_pixels: int
    describer: ImageDescriber | None = None
    name: ClassVar[str] = "photo"
    media_types: ClassVar[frozenset[str]] = media_types.PHOTOS
    signature_format: ClassVar[SignatureFormat | None] = None
    keeps_born_digital_pages: ClassVar[bool] = False

    def read_text(self, path: Path) -> TextLayer:
        """No text to read; the metadata, size and hashes as fields."""
        from ingest.image_hashes import image_hashes
        from ingest.photo_metadata import read_metadata

        with images.open_image(path, max_pixels=self.max_pixels) as image:
            size = {"width": image.width, "height": image.height}
            frame = images.load_frame(path, 0, max_pixels=self.max_pixels)
        media: dict[str, Any] = {"kind": KIND, **size, **read_metadata(path)}
        media |= self._content(path)
        return TextLayer(
            [""], complete=True, fields={"media": media, "image_hashes": image_hashes(frame)}
        )

    def _content(self, path: Path) -> dict[str, Any]:
        """What the image shows (tags, faces), or why that is not known."""
        if self.describer is None:
            return {"tags": [], "faces": None}
        try:
            with images.open_image(path, max_pixels=self.max_pixels) as image:
                image.draft("RGB", (DESCRIBE_SIDE, DESCRIBE_SIDE))
                colour = image.convert("RGB")
            colour.thumbnail((DESCRIBE_SIDE, DESCRIBE_SIDE))
            found = self.describer.describe(colour)
        except Exception as exc:  # any failure of the model costs the tags, not the photo
            reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            return {
                "tags": [],
                "faces": None,
                "content_note": f"Bildinhalt nicht erkannt: {reason}",
            }
        return {"tags": list(found.tags), "faces": found.faces, "content_model": found.model}

    def page_image(self, path: Path, index: int, dpi: int, draft: bool = False) -> Image.Image:
        return images.load_frame(path, index, max_pixels=self.max_pixels)

    def renditions(self, path: Path) -> dict[str, bytes]:
        from ingest.photo_renditions import photo_renditions

        return photo_renditions(path)

    def split(self, manifest: Manifest, ctx: Context, folder: Path) -> Split:
        return Split(manifest)
