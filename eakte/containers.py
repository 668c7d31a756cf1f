"""Signature containers in a batch: which file a detached ``.p7s`` signs, and the
document inside an enveloping ``.p7m`` (ingested as a record of its own)."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from eakte import media_types
from eakte.ports import ObjectStore
from eakte.record import Manifest
from ingest.filenames import sanitize_filename

DETACHED_SUFFIX = ".p7s"
ENVELOPING_SUFFIX = ".p7m"


def detached_partner(path: Path) -> Path | None:
    """``brief.pdf.p7s`` signs ``brief.pdf`` beside it: the convention of German
    e-government (OSCI, beA) and of every mail client that sends detached signatures."""
    if path.suffix.lower() != DETACHED_SUFFIX:
        return None
    partner = path.with_name(path.name[: -len(DETACHED_SUFFIX)])
    return partner if partner.is_file() else None


@contextlib.contextmanager
def enveloped_document(store: ObjectStore, manifest: Manifest) -> Iterator[Path | None]:
    """The signed document of an enveloping signature as a temporary file named after
    the container (``antrag.pdf.p7m`` → ``antrag.pdf``); None if there is none."""
    if manifest.media_type != media_types.CMS:
        yield None
        return
    from signatures.cades import enveloped_content, read_signed_data  # pyHanko: import late

    with store.original_path(manifest.id) as original:
        content = enveloped_content(read_signed_data(original))
    if content is None:
        yield None
        return
    name = manifest.original_filename
    if name.lower().endswith(ENVELOPING_SUFFIX):
        name = name[: -len(ENVELOPING_SUFFIX)]
    with tempfile.TemporaryDirectory(prefix="eakte-p7m-") as folder:
        path = Path(folder) / sanitize_filename(name or "inhalt")
        path.write_bytes(content)
        yield path
