"""A legal hold keeps an Akte from the Aussonderung (offer and deletion) until it is lifted
(real SQLite register, real filesystem store)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from accounts.db import open_database
from akten.aussonderung import NothingToDo, offer_due
from akten.deletion import deletable, delete
from akten.hold import set_hold
from akten.plan import load_plan
from akten.registry import AktenRegister
from akten.xdomea import Party
from eakte.record import Manifest
from eakte.records import save_manifest
from storage.filesystem import FilesystemStore

PARTIES = {"sender": Party("eakte", "Stadt"), "recipient": Party("archiv", "Stadtarchiv")}


def test_a_held_akte_is_neither_offered_nor_deleted_until_the_hold_is_lifted(
    tmp_path: Path,
) -> None:
    store = FilesystemStore(tmp_path / "store")
    db = open_database(f"sqlite:///{tmp_path / 'eakte.db'}")
    register = AktenRegister(db, load_plan(None))
    akte = register.open("010.5", "Lärm", actor="t", opened_on=date(2020, 1, 1))
    stored = store.put_original(io.BytesIO(b"Beschwerde"))
    save_manifest(
        store,
        Manifest(id=stored.sha256, sha256=stored.sha256, size=10, original_filename="b.txt"),
    )
    register.file(
        stored.sha256,
        akte.aktenzeichen,
        received_on=date(2020, 2, 1),
        actor="t",
        how="auto",
        reason="",
    )
    register.close(akte.aktenzeichen, actor="t", closed_on=date(2020, 6, 1))
    as_of = date(2026, 1, 1)  # 5 years after 2020 ended on 31.12.2025
    assert set_hold(register, store, akte.aktenzeichen, True, actor="t", reason="Klage") == 0
    with pytest.raises(NothingToDo):
        offer_due(register, store, as_of=as_of, folder=tmp_path, actor="t", **PARTIES)
    set_hold(register, store, akte.aktenzeichen, False, actor="t", reason="Urteil")
    offered = offer_due(register, store, as_of=as_of, folder=tmp_path, actor="t", **PARTIES)
    assert offered.akten == [akte.aktenzeichen]
    register.record_archive_step(akte.aktenzeichen, "appraised", actor="t", archive_decision="V")
    assert [d.akte.aktenzeichen for d in deletable(register, as_of)] == [akte.aktenzeichen]

    set_hold(register, store, akte.aktenzeichen, True, actor="t", reason="Berufung")
    assert deletable(register, as_of) == []
    set_hold(register, store, akte.aktenzeichen, False, actor="t", reason="Urteil")
    (decided,) = deletable(register, as_of)
    removed: list[str] = []
    assert delete(register, store, removed.extend, decided, actor="t") == [stored.sha256]
    assert removed == [stored.sha256] and not store.has_original(stored.sha256)
    assert deletable(register, as_of) == []
    db.close()
