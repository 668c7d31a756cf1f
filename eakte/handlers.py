"""Handlers per medium, and the one registry that picks a handler by media type.

A handler knows one kind of file: how to read its text, how to draw its pages for OCR,
which signature format it may carry, and which parts it holds (the letters of a scan
batch, the attachments of an e-mail, the document inside a ``.p7m``). The pipeline asks
the registry for the record's handler and never looks at the media type itself, so a new
medium is one new handler module, registered in ``eakte.wiring``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from PIL import Image

from eakte.errors import UnsupportedType
from eakte.record import Manifest

if TYPE_CHECKING:
    from eakte.context import Context

SignatureFormat = Literal["pdf", "cms", "smime"]


@dataclass(frozen=True)
class TextLayer:
    """What a handler reads from an original without OCR: one text per page (empty:
    the page needs OCR unless ``complete``), and fields it found on the way."""

    pages: list[str]
    complete: bool = False  # born-digital through and through (an e-mail): never OCR
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Part:
    """One part ready to be ingested: its bytes in ``path`` and the fields linking it."""

    path: Path
    pages: tuple[int, int] | None  # 1-based page span in the container; None: attachment
    links: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Split:
    """What a handler found inside a container: the parts, and the container's
    manifest as it then reads (pages marked as read in the parts, notes as events)."""

    manifest: Manifest
    parts: list[Part] = field(default_factory=list)
    content_part: bool = False  # the first part is the container's content (a .p7m)


class MediaHandler(Protocol):
    """One kind of medium. Handlers must pickle (OCR jobs carry them as page source)."""

    @property
    def name(self) -> str: ...

    @property
    def media_types(self) -> frozenset[str]: ...

    @property
    def signature_format(self) -> SignatureFormat | None: ...

    @property
    def keeps_born_digital_pages(self) -> bool:
        """A scan's archival PDF/A must copy the original's own born-digital pages."""
        ...

    def read_text(self, path: Path) -> TextLayer: ...

    def page_image(self, path: Path, index: int, dpi: int, draft: bool = False) -> Image.Image:
        """Page ``index`` as a grayscale image: a scan at its own resolution, anything
        else rendered at ``dpi``; ``draft``: quickly, at about ``dpi`` (barcodes)."""
        ...

    def split(self, manifest: Manifest, ctx: Context, folder: Path) -> Split:
        """The parts of a container, written into ``folder``, which the handler creates
        (``mkdir(parents=True, exist_ok=True)``) when it writes one; no parts:
        ``Split(manifest)``."""
        ...


@runtime_checkable
class MakesRenditions(Protocol):
    """A handler whose medium is shown through derived images (a photo's thumbnail and
    zoom tiles, a video's preview frame). Optional: paged media get their PDF/A instead."""

    def renditions(self, path: Path) -> dict[str, bytes]:
        """Derived files by relative name (``thumbnail.jpg``, ``preview_files/0/0_0.jpg``);
        raises ``ToolFailed`` when they cannot be made (the record is kept regardless)."""
        ...


class HandlerRegistry:
    """Media type → handler; the only place (besides sniffing) that looks at media types."""

    def __init__(self, handlers: Iterable[MediaHandler]) -> None:
        self._by_type: dict[str, MediaHandler] = {}
        for handler in handlers:
            for media_type in handler.media_types:
                if media_type in self._by_type:
                    raise ValueError(f"two handlers for {media_type}")
                self._by_type[media_type] = handler

    @property
    def media_types(self) -> frozenset[str]:
        return frozenset(self._by_type)

    def for_type(self, media_type: str) -> MediaHandler:
        try:
            return self._by_type[media_type]
        except KeyError:
            raise UnsupportedType(f"Dateiformat {media_type} wird nicht unterstützt") from None

    def handles(self, media_type: str) -> bool:
        return media_type in self._by_type
