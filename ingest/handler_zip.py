"""Handler for ZIP archives (uploads and mail attachments): each member becomes a
record of its own, linked to the archive like an attachment to its mail.

Unpacking is bounded before and while bytes are written, because the archive's own
numbers can lie: at most ``max_members`` files, ``max_total_bytes`` unpacked, no member
that inflates more than ``max_ratio`` times (above 1 MiB; text compresses 5-20 times,
a ZIP bomb thousands), and archives inside archives only ``max_depth`` deep. An archive
over a limit is refused as a whole (``LimitExceeded``: quarantined, the archive kept),
so no half of a bomb is ever stored. Encrypted members stay in the archive, with a note.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, ClassVar

from PIL import Image

from eakte import media_types
from eakte.errors import CorruptInput, LimitExceeded, UnsupportedType
from eakte.filenames import sanitize_filename
from eakte.handlers import Part, SignatureFormat, Split, TextLayer
from eakte.record import Event, Manifest

if TYPE_CHECKING:
    from eakte.context import Context

MiB = 1024 * 1024
RATIO_FROM_BYTES = MiB  # small members compress far (a text of zeros); that is no bomb
CHUNK = 256 * 1024
_SKIPPED_PREFIXES = ("__MACOSX/",)  # macOS resource forks: no document in them
_SKIPPED_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


@dataclass(frozen=True)
class ZipHandler:
    max_members: int
    max_total_bytes: int
    max_ratio: float
    max_depth: int
    name: ClassVar[str] = "zip"
    media_types: ClassVar[frozenset[str]] = frozenset({media_types.ZIP})
    signature_format: ClassVar[SignatureFormat | None] = None
    keeps_born_digital_pages: ClassVar[bool] = False

    def read_text(self, path: Path) -> TextLayer:
        """The archive's table of contents is its record's text (its members are read
        in their own records); the limits are checked here already, before any part."""
        with _opened(path) as archive:
            members = self._checked_members(archive)
        names = [info.filename for info in members]
        text = f"ZIP-Archiv mit {len(names)} Dateien:\n" + "\n".join(names)
        return TextLayer([text], complete=True, fields={"zip_members": len(names)})

    def page_image(self, path: Path, index: int, dpi: int, draft: bool = False) -> Image.Image:
        raise UnsupportedType("Ein ZIP-Archiv hat keine Seiten zum Lesen")

    def split(self, manifest: Manifest, ctx: Context, folder: Path) -> Split:
        depth = int(manifest.fields.get("zip_depth", 0))
        events: list[Event] = []
        parts: list[Part] = []
        with ctx.store.original_path(manifest.id) as original, _opened(original) as archive:
            budget = [self.max_total_bytes]
            for number, info in enumerate(self._checked_members(archive), start=1):
                if info.flag_bits & 0x1:
                    events.append(_note(f"{info.filename}: verschlüsselt, bleibt im Archiv"))
                    continue
                target = (
                    folder / f"{number:04d}" / sanitize_filename(PurePosixPath(info.filename).name)
                )
                target.parent.mkdir(parents=True)
                self._extract(archive, info, target, budget)
                links: dict[str, Any] = {
                    "part_of": manifest.id,
                    "zip_path": info.filename,
                    "zip_depth": depth + 1,
                }
                if depth + 1 >= self.max_depth and _is_zip(target):
                    events.append(
                        _note(
                            f"{info.filename}: Archiv im Archiv nicht entpackt (mehr als "
                            f"{self.max_depth} Ebenen); es bleibt im Archiv"
                        )
                    )
                    continue
                parts.append(Part(target, None, links))
        return Split(manifest.model_copy(update={"events": [*manifest.events, *events]}), parts)

    def _checked_members(self, archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
        """The members worth a record, after the limits the directory can tell."""
        members = [info for info in archive.infolist() if _is_document(info)]
        if len(members) > self.max_members:
            raise LimitExceeded(
                f"ZIP-Archiv hat {len(members)} Dateien, erlaubt sind höchstens {self.max_members}"
            )
        total = sum(info.file_size for info in members)
        if total > self.max_total_bytes:
            raise LimitExceeded(
                f"ZIP-Archiv entpackt {total:,} Byte, erlaubt sind {self.max_total_bytes:,} "
                "(Verdacht auf ZIP-Bombe)".replace(",", ".")
            )
        for info in members:
            self._check_ratio(info.filename, info.file_size, info.compress_size)
        return members

    def _check_ratio(self, name: str, unpacked: int, packed: int) -> None:
        if unpacked > RATIO_FROM_BYTES and unpacked > self.max_ratio * max(packed, 1):
            raise LimitExceeded(
                f"ZIP-Archiv: {PurePosixPath(name).name} wächst beim Entpacken auf das "
                f"{unpacked // max(packed, 1):,}-fache (Verdacht auf ZIP-Bombe)".replace(",", ".")
            )

    def _extract(
        self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, budget: list[int]
    ) -> None:
        """Copy one member, counting the bytes that really come out (the directory may
        understate them)."""
        written = 0
        try:
            with archive.open(info) as source, open(target, "wb") as sink:
                while chunk := source.read(CHUNK):
                    written += len(chunk)
                    budget[0] -= len(chunk)
                    if budget[0] < 0:
                        raise LimitExceeded(
                            "ZIP-Archiv entpackt mehr als erlaubt (Verdacht auf ZIP-Bombe)"
                        )
                    self._check_ratio(info.filename, written, info.compress_size)
                    sink.write(chunk)
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
            raise CorruptInput(f"ZIP-Archiv: {info.filename} ist beschädigt ({exc})") from exc


def _opened(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CorruptInput("ZIP-Archiv ist beschädigt oder unvollständig") from exc


def _is_document(info: zipfile.ZipInfo) -> bool:
    name = info.filename
    return not (
        info.is_dir()
        or name.startswith(_SKIPPED_PREFIXES)
        or PurePosixPath(name).name in _SKIPPED_NAMES
    )


def _is_zip(path: Path) -> bool:
    return zipfile.is_zipfile(path)


def _note(message: str) -> Event:
    return Event(kind="zip_note", message=message)
