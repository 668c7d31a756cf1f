"""A person corrects the fields read from a letter: sender, subject, date.

The extraction is right most of the time, and the mailroom fixes the rest. The new
value goes into the manifest's ``fields`` and the index at once (a letter is found by
its sender and subject); the value it replaces is kept in the event, so a correction
never loses what was read. Other fields (references, amounts, IBANs) are evidence read
from the text and stay as read.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from eakte.context import Context
from eakte.errors import InputRejected
from eakte.indexing import index_document
from eakte.pipeline import save_manifest
from eakte.record import Event, Manifest

EDITABLE = {"sender": "Absender", "subject": "Betreff", "letter_date": "Datum"}
MAX_LENGTH = 300


def correct_fields(
    ctx: Context, manifest: Manifest, wanted: Mapping[str, str], who: str = "cli"
) -> Manifest:
    """Set the ``EDITABLE`` fields in ``wanted`` (an empty value clears one); unchanged
    values are no change. ``letter_date`` is an ISO date (JJJJ-MM-TT)."""
    if manifest.status != "stored":
        raise InputRejected("Nur gespeicherte Dokumente können korrigiert werden")
    fields = dict(manifest.fields)
    changes: dict[str, dict[str, object]] = {}
    for key, raw in wanted.items():
        if key not in EDITABLE:
            raise InputRejected(f"Das Feld {key!r} kann nicht korrigiert werden")
        value = _checked(key, raw)
        if value != fields.get(key):
            changes[key] = {"from": fields.get(key), "to": value}
            fields[key] = value
    if not changes:
        return manifest
    words = ", ".join(f"{EDITABLE[key]} „{change['to'] or '–'}“" for key, change in changes.items())
    event = Event(
        kind="fields_corrected",
        message=f"Angaben korrigiert: {words}",
        details={**changes, "by": who},
    )
    saved = save_manifest(manifest.model_copy(update={"fields": fields}).with_event(event), ctx)
    ctx.index.upsert([index_document(saved)])
    return saved


def checked(wanted: Mapping[str, str]) -> None:
    """Refuse a correction before anything else of it is applied."""
    for key, raw in wanted.items():
        if key not in EDITABLE:
            raise InputRejected(f"Das Feld {key!r} kann nicht korrigiert werden")
        _checked(key, raw)


def _checked(key: str, raw: str) -> str | None:
    value = " ".join(raw.split())  # one line: no line breaks or runs of spaces
    if not value:
        return None
    if len(value) > MAX_LENGTH:
        raise InputRejected(f"{EDITABLE[key]} ist länger als {MAX_LENGTH} Zeichen")
    if key == "letter_date":
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise InputRejected(f"Datum {value!r} ist kein Datum der Form JJJJ-MM-TT") from None
    return value
