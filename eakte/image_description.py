"""What an image shows, as the core sees it: a port and its result, no adapter.

A photograph in the archive is found by what it shows, not by text it does not have.
The core only needs the outcome (German tags, how many faces, vectors for similarity and
for grouping the same person); which model produced it is the adapter's business
(media/vision.py), so the pipeline and the index never import a vision library.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PIL.Image import Image


@dataclass(frozen=True)
class ImageDescription:
    """Tags from the configured German vocabulary, the number of faces found, and an
    image vector (None when the describer has none).

    ``face_embeddings`` holds one vector per face, in the order found, when the
    describer can tell faces apart; grouping them lets an archivist name a person once.
    ``scores`` keeps each assigned tag's confidence (0..1) for review and ranking;
    ``model`` names the model(s) and their package versions for the manifest.
    """

    tags: tuple[str, ...]
    faces: int
    embedding: tuple[float, ...] | None
    face_embeddings: tuple[tuple[float, ...], ...] = ()
    scores: tuple[tuple[str, float], ...] = ()
    model: str = ""


class ImageDescriber(Protocol):
    """Describes one image. Implementations load their models lazily, so constructing
    one is cheap and can happen per worker process."""

    def describe(self, image: Image) -> ImageDescription: ...
