"""Handler for audio and video files: no text and no pages, but technical metadata
(duration, container, codecs, picture size) from ffprobe, and for a video a preview
frame (at a tenth of its length, past black leaders) with its thumbnail."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from PIL import Image

from eakte import media_types
from eakte.errors import UnsupportedType
from eakte.handlers import SignatureFormat, Split, TextLayer
from eakte.record import Manifest
from ingest import ffmpeg

if TYPE_CHECKING:
    from eakte.context import Context

PREVIEW = "preview.jpg"
THUMBNAIL = "thumbnail.jpg"
THUMBNAIL_SIDE = 512
PREVIEW_AT = 0.1  # of the duration


@dataclass(frozen=True)
class AudioVideoHandler:
    name: ClassVar[str] = "audiovideo"
    media_types: ClassVar[frozenset[str]] = media_types.AUDIOVISUAL
    signature_format: ClassVar[SignatureFormat | None] = None
    keeps_born_digital_pages: ClassVar[bool] = False

    def read_text(self, path: Path) -> TextLayer:
        """No pages; what ffprobe says, as ``fields["media"]`` (``kind`` Video or Ton)."""
        found = ffmpeg.probe(path)
        kind = "Video" if "video_codec" in found else "Ton"
        media = {"kind": kind, **found, "tags": [], "faces": None}
        return TextLayer([], complete=True, fields={"media": media})

    def page_image(self, path: Path, index: int, dpi: int, draft: bool = False) -> Image.Image:
        raise UnsupportedType("Ton- und Videodateien haben keine Seiten")

    def renditions(self, path: Path) -> dict[str, bytes]:
        """A video's preview frame and its thumbnail; nothing for audio."""
        found = ffmpeg.probe(path)
        if "video_codec" not in found:
            return {}
        frame = ffmpeg.preview_frame(path, float(found.get("duration") or 0.0) * PREVIEW_AT)
        return {PREVIEW: frame, THUMBNAIL: _thumbnail(frame)}

    def split(self, manifest: Manifest, ctx: Context, folder: Path) -> Split:
        return Split(manifest)


def _thumbnail(jpeg: bytes) -> bytes:
    import io

    with Image.open(io.BytesIO(jpeg)) as image:
        small = image.convert("RGB")
        small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        out = io.BytesIO()
        small.save(out, format="JPEG", quality=85)
        return out.getvalue()
