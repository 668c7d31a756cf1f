"""A describer that fails costs a photo its tags, never the photo: the reason is kept."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from eakte.image_description import ImageDescription
from ingest.handler_photo import PhotoHandler


class BrokenDescriber:
    """Failure double: a model that crashes on an image (cannot be caused for real)."""

    def describe(self, image: Image.Image) -> ImageDescription:
        raise RuntimeError("Modell abgestürzt")


class CountingDescriber:
    """Records the image it was given: the handler must pass a small colour image."""

    seen: list[Image.Image]

    def __init__(self) -> None:
        self.seen = []

    def describe(self, image: Image.Image) -> ImageDescription:
        self.seen.append(image)
        return ImageDescription(tags=("Gebäude",), faces=0, embedding=None, model="m")


def _photo(path: Path) -> Path:
    Image.new("RGB", (3000, 2000), (120, 160, 200)).save(path, format="JPEG")
    return path


def test_a_failing_describer_leaves_the_photo_with_the_reason(tmp_path: Path) -> None:
    handler = PhotoHandler(max_pixels=100_000_000, describer=BrokenDescriber())
    layer = handler.read_text(_photo(tmp_path / "foto.jpg"))
    media = layer.fields["media"]
    assert media["tags"] == [] and media["faces"] is None
    assert media["content_note"] == "Bildinhalt nicht erkannt: Modell abgestürzt"
    assert layer.complete and media["width"] == 3000


def test_the_describer_sees_a_bounded_colour_image(tmp_path: Path) -> None:
    describer = CountingDescriber()
    handler = PhotoHandler(max_pixels=100_000_000, describer=describer)
    media = handler.read_text(_photo(tmp_path / "foto.jpg")).fields["media"]
    assert media["tags"] == ["Gebäude"] and media["content_model"] == "m"
    (image,) = describer.seen
    assert image.mode == "RGB" and max(image.size) <= 1024
