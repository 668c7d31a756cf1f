"""A damaged original stops the hand-over: no package an archive could take for whole,
no Akte marked as handed over. Real SQLite, real filesystem store."""

from __future__ import annotations

import io
import os
import uuid
from datetime import date
from pathlib import Path

import pytest

from accounts.db import open_database
from akten.aussonderung import hand_over
from akten.plan import load_plan
from akten.registry import AktenRegister
from akten.xdomea import Party
from eakte.errors import IntegrityError
from eakte.record import Manifest
from eakte.records import save_manifest
from storage.filesystem import FilesystemStore

PARTIES = {"sender": Party("eakte", "Stadt"), "recipient": Party("archiv", "Stadtarchiv")}


def test_a_changed_original_stops_the_transfer(tmp_path: Path) -> None:
    store = FilesystemStore(tmp_path / "store")
    db = open_database(f"sqlite:///{tmp_path / 'eakte.db'}")
    register = AktenRegister(db, load_plan(None))
    akte = register.open("632.1", "Neubau", actor="t", opened_on=date(2020, 1, 1))
    stored = store.put_original(io.BytesIO(b"%PDF-1.7 Bauantrag"))
    manifest = Manifest(
        id=stored.sha256,
        sha256=stored.sha256,
        size=stored.size,
        original_filename="bauantrag.pdf",
        media_type="application/pdf",
    )
    save_manifest(store, manifest)
    register.file(
        stored.sha256,
        akte.aktenzeichen,
        received_on=date(2020, 2, 1),
        actor="t",
        how="auto",
        reason="",
    )
    register.close(akte.aktenzeichen, actor="t", closed_on=date(2020, 6, 1))
    register.record_archive_step(
        akte.aktenzeichen,
        "appraised",
        actor="t",
        process_id=str(uuid.uuid4()),
        archive_decision="A",
    )
    original = tmp_path / "store" / "originals" / stored.sha256[:2] / stored.sha256
    os.chmod(original, 0o644)
    original.write_bytes(b"%PDF-1.7 Bauantrag, nachtraeglich geaendert")
    folder = tmp_path / "out"
    folder.mkdir()

    with pytest.raises(IntegrityError, match="beschädigt"):
        hand_over(register, store, folder=folder, actor="t", **PARTIES)
    assert list(folder.iterdir()) == []
    assert register.get(akte.aktenzeichen).transferred_on is None

    original.write_bytes(b"%PDF-1.7 Bauantrag")  # repaired: the transfer goes through
    written = hand_over(register, store, folder=folder, actor="t", **PARTIES)
    assert [p.name for p in folder.iterdir()] == [written.path.name]
    assert register.get(akte.aktenzeichen).transferred_on == date.today()
    db.close()
