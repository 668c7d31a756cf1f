"""Handler for e-mails (``.eml``): the headers and body are the record's text, each
attachment (forwarded messages too, up to a depth) becomes a record of its own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from PIL import Image

from eakte import media_types
from eakte.errors import UnsupportedType
from eakte.filenames import sanitize_filename
from eakte.handlers import Part, SignatureFormat, Split, TextLayer
from eakte.record import Event, Manifest

if TYPE_CHECKING:
    from eakte.context import Context


@dataclass(frozen=True)
class EmailHandler:
    max_attachments: int
    max_depth: int
    name: ClassVar[str] = "email"
    media_types: ClassVar[frozenset[str]] = frozenset({media_types.EML})
    signature_format: ClassVar[SignatureFormat | None] = "smime"
    keeps_born_digital_pages: ClassVar[bool] = False

    def read_text(self, path: Path) -> TextLayer:
        """The readable text (headers and body) and what the index should know of it."""
        from ingest.email_message import read_message  # inscriptis: import late

        content = read_message(path.read_bytes(), max_attachments=self.max_attachments)
        mail = {
            "subject": content.subject,
            "sender": content.sender,
            "date": content.date,
            "message_id": content.message_id,
        }
        fields = {"mail": {k: v for k, v in mail.items() if v}}
        return TextLayer([content.text], complete=True, fields=fields)

    def page_image(self, path: Path, index: int, dpi: int, draft: bool = False) -> Image.Image:
        raise UnsupportedType("Eine E-Mail hat keine Seiten zum Lesen")

    def split(self, manifest: Manifest, ctx: Context, folder: Path) -> Split:
        from ingest.email_message import read_message

        depth = int(manifest.fields.get("mail_depth", 0))
        with ctx.store.original_path(manifest.id) as original:
            content = read_message(original.read_bytes(), max_attachments=self.max_attachments)
        events = [Event(kind="mail_note", message=note) for note in content.notes]
        parts: list[Part] = []
        for number, attachment in enumerate(content.attachments, start=1):
            nested = attachment.is_message
            if nested and depth + 1 >= self.max_depth:
                events.append(
                    Event(
                        kind="mail_note",
                        message=f"Weitergeleitete Nachricht {attachment.filename} nicht "
                        f"entpackt (mehr als {self.max_depth} Ebenen); sie bleibt in der Mail",
                    )
                )
                continue
            path = folder / f"{number:03d}" / sanitize_filename(attachment.filename)
            path.parent.mkdir(parents=True)
            path.write_bytes(attachment.data)
            # mail_attachment: its paper, if any, is the sender's (no Transfervermerk)
            links: dict[str, Any] = {"part_of": manifest.id, "mail_attachment": True}
            if nested:
                links["mail_depth"] = depth + 1
            parts.append(Part(path, None, links))
        return Split(manifest.model_copy(update={"events": [*manifest.events, *events]}), parts)
