"""The Aussonderung: due Akten are offered to the archive (0501), the archive's appraisal
is read back (0502), and the Akten it takes are handed over (0503: a ZIP with the
message and every original, byte for byte, checked against its SHA-256 on the way in).
Each step is an event of the Akte, so what was offered, decided and handed over stays
on record.
"""

from __future__ import annotations

import hashlib
import uuid
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from akten import xdomea
from akten.hold import is_held
from akten.model import Akte
from akten.registry import AktenRegister
from akten.xdomea import AkteEntry, DocumentEntry, InvalidMessage, Party, VorgangEntry
from eakte.errors import EakteError, IntegrityError
from eakte.ports import ObjectStore
from eakte.records import load_manifest

CHUNK = 1024 * 1024
FINAL_DECISIONS = {"A": "archivwürdig", "V": "vernichten"}


class NothingToDo(EakteError):
    """No Akte is due, appraised or waiting to be handed over."""


@dataclass(frozen=True)
class Written:
    process_id: str
    path: Path
    akten: list[str]  # Aktenzeichen


def message_name(process_id: str, kind: str) -> str:
    """File names as xdomea systems exchange them: ``<ProzessID>_<message>``."""
    return f"{process_id}_{xdomea.ROOTS[kind]}"


def offer_due(
    register: AktenRegister,
    store: ObjectStore,
    *,
    as_of: date,
    sender: Party,
    recipient: Party,
    folder: Path,
    actor: str,
) -> Written:
    """Write the 0501 for every Akte whose retention ended before ``as_of``."""
    due = [
        akte
        for akte in register.due(as_of)
        if akte.archive_decision is None and not is_held(register.events(akte.aktenzeichen))
    ]  # a held Akte (litigation) stays until the hold is lifted
    if not due:
        raise NothingToDo(f"Keine Akte ist zum {as_of:%d.%m.%Y} zur Aussonderung fällig")
    process_id = str(uuid.uuid4())
    data = xdomea.offer(process_id, sender, recipient, entries(register, store, due), _now())
    path = folder / f"{message_name(process_id, xdomea.OFFER)}.xml"
    path.write_bytes(data)
    for akte in due:
        register.record_archive_step(
            akte.aktenzeichen, "offered", actor=actor, process_id=process_id
        )
    return Written(process_id, path, [akte.aktenzeichen for akte in due])


def apply_appraisal(register: AktenRegister, data: bytes, *, actor: str) -> dict[str, str]:
    """Take the archive's decisions from a 0502: every object must be an Akte offered
    under the message's ProzessID, every decision A or V. Returns Aktenzeichen → code."""
    process_id, decisions = xdomea.read_appraisal(data)
    known = register.by_uuid(decisions)
    foreign = sorted(
        object_id
        for object_id in decisions
        if object_id not in known or known[object_id].process_id != process_id
    )
    if foreign:
        raise InvalidMessage(
            f"Bewertung nennt Objekte, die unter Prozess {process_id} nicht angeboten wurden: "
            + ", ".join(foreign)
        )
    undecided = sorted(k for k, code in decisions.items() if code not in FINAL_DECISIONS)
    if undecided:
        raise InvalidMessage(
            "Bewertung ohne endgültige Entscheidung (A oder V) für: " + ", ".join(undecided)
        )
    applied: dict[str, str] = {}
    for object_id, code in decisions.items():
        akte = known[object_id]
        register.record_archive_step(
            akte.aktenzeichen, "appraised", actor=actor, archive_decision=code
        )
        applied[akte.aktenzeichen] = code
    return applied


def apply_confirmation(register: AktenRegister, data: bytes, *, actor: str) -> dict[str, str]:
    """Take a 0504 (the archive received the offer) or 0506 (it imported the transfer,
    per Akte): events of the Akten concerned; an imported Akte may then be deleted
    here. Returns Aktenzeichen → what was confirmed (German)."""
    kind, process_id, results = xdomea.read_confirmation(data)
    offered = [a for a in register.listing(status="closed") if a.process_id == process_id]
    if not offered:
        raise InvalidMessage(f"Unter Prozess {process_id} wurde keine Akte angeboten")
    if kind == xdomea.OFFER_RECEIVED:
        for akte in offered:
            register.log(akte.aktenzeichen, "offer_received", actor=actor, process_id=process_id)
        return {akte.aktenzeichen: "Anbietung erhalten" for akte in offered}
    known = {akte.uuid: akte for akte in offered if akte.transferred_on is not None}
    foreign = sorted(object_id for object_id in results if object_id not in known)
    if foreign:
        raise InvalidMessage(
            f"Bestätigung nennt Objekte, die unter Prozess {process_id} nicht abgegeben "
            "wurden: " + ", ".join(foreign)
        )
    confirmed: dict[str, str] = {}
    for object_id, result in results.items():
        akte = known[object_id]
        action = "archived" if result.ok else "import_failed"
        register.log(
            akte.aktenzeichen,
            action,
            actor=actor,
            process_id=process_id,
            archive_id=result.archive_id,
            errors=result.errors,
        )
        confirmed[akte.aktenzeichen] = (
            f"vom Archiv übernommen{f' ({result.archive_id})' if result.archive_id else ''}"
            if result.ok
            else "Übernahme fehlgeschlagen: " + "; ".join(result.errors)
        )
    return confirmed


def hand_over(
    register: AktenRegister,
    store: ObjectStore,
    *,
    sender: Party,
    recipient: Party,
    folder: Path,
    actor: str,
    process_id: str | None = None,
) -> Written:
    """Write the 0503 package for the Akten the archive marked A and not yet handed over."""
    waiting = [
        akte
        for akte in register.listing(status="closed")
        if akte.archive_decision == "A" and akte.transferred_on is None
    ]
    processes = sorted({akte.process_id for akte in waiting if akte.process_id})
    if process_id is None and len(processes) > 1:
        raise NothingToDo(
            "Mehrere Aussonderungen offen; --prozess angeben: " + ", ".join(processes)
        )
    chosen = process_id or (processes[0] if processes else None)
    akten = [akte for akte in waiting if akte.process_id == chosen]
    if chosen is None or not akten:
        raise NothingToDo("Keine als archivwürdig (A) bewertete Akte wartet auf die Abgabe")
    listed = entries(register, store, akten)
    data = xdomea.transfer(chosen, sender, recipient, listed, _now())
    name = message_name(chosen, xdomea.TRANSFER)
    path = folder / f"{name}.zip"
    partial = path.with_name(f".{path.name}.part")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as package:
            package.writestr(f"{name}.xml", data)
            for document in _all_documents(listed):
                _copy_original(store, document, package)
    except BaseException:
        partial.unlink(missing_ok=True)  # no half package an archive could take for whole
        raise
    partial.replace(path)
    today = date.today()
    for akte in akten:
        register.record_archive_step(
            akte.aktenzeichen, "transferred", actor=actor, transferred_on=today
        )
    return Written(chosen, path, [akte.aktenzeichen for akte in akten])


def entries(register: AktenRegister, store: ObjectStore, akten: Sequence[Akte]) -> list[AkteEntry]:
    """What the messages say of each Akte: its Dokumente (by manifest) in their Vorgänge."""
    listed = []
    for akte in akten:
        filed = register.documents(akte.aktenzeichen)
        vorgaenge = {
            v.number: VorgangEntry(v.number, v.uuid, v.title)
            for v in register.vorgaenge(akte.aktenzeichen)
        }
        loose: list[DocumentEntry] = []
        for document in filed:
            entry = _document(store, document.record_id, document.received_on)
            target = vorgaenge[document.vorgang].documents if document.vorgang else loose
            target.append(entry)
        years = register.plan.get(akte.position).retention_years
        listed.append(AkteEntry(akte, years, loose, [v for v in vorgaenge.values() if v.documents]))
    return listed


def _document(store: ObjectStore, record_id: str, received_on: date) -> DocumentEntry:
    manifest = load_manifest(store, record_id)
    if manifest is None:
        raise IntegrityError(f"Dokument {record_id[:12]} der Akte hat kein Manifest im Speicher")
    subject = manifest.fields.get("subject")
    return DocumentEntry(
        record_id=record_id,
        subject=subject if isinstance(subject, str) and subject else manifest.original_filename,
        received_on=received_on,
        media_type=manifest.media_type,
        original_filename=manifest.original_filename,
    )


def _all_documents(listed: Sequence[AkteEntry]) -> list[DocumentEntry]:
    return [
        document
        for entry in listed
        for document in [*entry.documents, *(d for v in entry.vorgaenge for d in v.documents)]
    ]


def _copy_original(store: ObjectStore, document: DocumentEntry, package: zipfile.ZipFile) -> None:
    """Stream the original into the package; bytes that do not hash to the Dokument's id
    stop the transfer (a damaged store must not hand over a damaged record)."""
    digest = hashlib.sha256()
    with (
        store.open_original(document.record_id) as source,
        package.open(document.package_name, "w") as target,
    ):
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            target.write(chunk)
    if digest.hexdigest() != document.record_id:
        raise IntegrityError(
            f"Original {document.record_id[:12]} ist beschädigt (SHA-256 stimmt nicht); "
            "Abgabe abgebrochen"
        )


def _now() -> datetime:
    return datetime.now(UTC)
