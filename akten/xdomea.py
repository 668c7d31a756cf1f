"""xdomea 3.0.0 messages of the Aussonderung: 0501 (what is offered), 0502 (the
archive's appraisal, read), 0503 (the transfer). Written with lxml and checked against
the official schema (vendored in ``akten/schemas``) before anything leaves eAkte.

Only what an archive needs and eAkte knows is written: the Akte with its Aktenzeichen,
title, Aktenplan position, term, retention and appraisal; its Vorgänge; each Dokument
with its date of receipt and, in 0503, the original file in the package.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from lxml import etree

from akten.model import Akte
from eakte import __version__
from eakte.errors import EakteError

NS = "urn:xoev-de:xdomea:schema:3.0.0"
SCHEMA = (
    Path(__file__).parent
    / "schemas"
    / "xdomea_3.0.0"
    / "xdomea-Nachrichten-AussonderungDurchfuehren.xsd"
)
OFFER, APPRAISAL, TRANSFER = "0501", "0502", "0503"
OFFER_RECEIVED, IMPORTED = "0504", "0506"
ROOTS = {
    OFFER: "Aussonderung.Anbieteverzeichnis.0501",
    APPRAISAL: "Aussonderung.Bewertungsverzeichnis.0502",
    TRANSFER: "Aussonderung.Aussonderung.0503",
    OFFER_RECEIVED: "Aussonderung.AnbietungEmpfangBestaetigen.0504",
    IMPORTED: "Aussonderung.AussonderungImportBestaetigen.0506",
}
# Code list Dateiformat 1.0 (urn:xoev-de:xdomea:codeliste:dateiformat); 100: Sonstiges
FORMAT_CODES = {
    "application/pdf": "018",
    "image/png": "019",
    "image/jpeg": "011",
    "image/tiff": "024",
    "message/rfc822": "006",
    "text/plain": "045",
}
OTHER_FORMAT = "100"
FORMAT_LIST = "urn:xoev-de:xdomea:codeliste:dateiformat"
APPRAISAL_LIST = "urn:xoev-de:xdomea:codeliste:aussonderungsart"
DOCUMENT_NAMESPACE = uuid.UUID("6f1d3c1e-8e0a-4d0f-9a57-1f1c0e5a2b18")  # eAkte's, fixed


class InvalidMessage(EakteError):
    """A message that does not follow the xdomea schema (ours or the archive's)."""


@dataclass(frozen=True)
class Party:
    """Sender or recipient: the authority's key (Behördenschlüssel) and its name."""

    code: str
    name: str


@dataclass(frozen=True)
class DocumentEntry:
    record_id: str
    subject: str  # the original file name: what eAkte knows a letter by
    received_on: date
    media_type: str
    original_filename: str

    @property
    def id(self) -> str:
        """A stable UUID per Dokument (the schema wants UUIDs, eAkte has SHA-256 ids)."""
        return str(uuid.uuid5(DOCUMENT_NAMESPACE, self.record_id))

    @property
    def package_name(self) -> str:
        """The file's name in the 0503 package: the schema wants it to start with the ID."""
        return f"{self.id}_{self.original_filename}"


@dataclass(frozen=True)
class VorgangEntry:
    number: int
    id: str
    title: str
    documents: list[DocumentEntry] = field(default_factory=list)


@dataclass(frozen=True)
class AkteEntry:
    akte: Akte
    retention_years: int
    documents: list[DocumentEntry] = field(default_factory=list)  # outside any Vorgang
    vorgaenge: list[VorgangEntry] = field(default_factory=list)


def document_id(record_id: str) -> str:
    return str(uuid.uuid5(DOCUMENT_NAMESPACE, record_id))


def offer(
    process_id: str, sender: Party, recipient: Party, akten: Sequence[AkteEntry], at: datetime
) -> bytes:
    """0501 Anbieteverzeichnis: the Akten offered, each with eAkte's appraisal."""
    root = _message(OFFER, process_id, sender, recipient, at, confirm=True)
    for entry in akten:
        _sub(root, "Schriftgutobjekt").append(_akte(entry, with_files=False))
    return _checked(root)


def transfer(
    process_id: str, sender: Party, recipient: Party, akten: Sequence[AkteEntry], at: datetime
) -> bytes:
    """0503 Aussonderung: the Akten the archive takes, with their primary documents."""
    root = _message(TRANSFER, process_id, sender, recipient, at, confirm=True, transfer=True)
    for entry in akten:
        _sub(root, "Schriftgutobjekt").append(_akte(entry, with_files=True))
    return _checked(root)


def read_appraisal(data: bytes) -> tuple[str, dict[str, str]]:
    """The ProzessID of a 0502 and the archive's decision (A or V) per object ID."""
    root = _parse(data)
    if etree.QName(root).localname != ROOTS[APPRAISAL]:
        raise InvalidMessage(f"Keine Bewertung (0502), sondern {etree.QName(root).localname}")
    process_id = root.findtext(f"{{{NS}}}Kopf/{{{NS}}}ProzessID") or ""
    decisions: dict[str, str] = {}
    for appraised in root.iterfind(f"{{{NS}}}BewertetesObjekt"):
        object_id = appraised.findtext(f"{{{NS}}}ID") or ""
        code = appraised.findtext(f"{{{NS}}}Aussonderungsart/{{{NS}}}Aussonderungsart/code")
        if code:
            decisions[object_id.strip().lower()] = code.strip().upper()
    return process_id.strip(), decisions


@dataclass(frozen=True)
class Imported:
    """The archive's word on one handed-over object (0506)."""

    ok: bool
    archive_id: str | None
    errors: list[str]


def read_confirmation(data: bytes) -> tuple[str, str, dict[str, Imported]]:
    """A 0504 (the offer arrived) or 0506 (the transfer was imported, per object):
    the message type, its ProzessID and, for 0506, the result per object ID."""
    root = _parse(data)
    kinds = {ROOTS[OFFER_RECEIVED]: OFFER_RECEIVED, ROOTS[IMPORTED]: IMPORTED}
    kind = kinds.get(etree.QName(root).localname)
    if kind is None:
        raise InvalidMessage(
            f"Keine Bestätigung (0504 oder 0506), sondern {etree.QName(root).localname}"
        )
    process_id = (root.findtext(f"{{{NS}}}Kopf/{{{NS}}}ProzessID") or "").strip()
    results: dict[str, Imported] = {}
    for item in root.iterfind(f"{{{NS}}}AusgesondertesSGO"):
        object_id = (item.findtext(f"{{{NS}}}IDSGO") or "").strip().lower()
        results[object_id] = Imported(
            ok=(item.findtext(f"{{{NS}}}Erfolgreich") or "").strip() in ("1", "true"),
            archive_id=item.findtext(f"{{{NS}}}Archivkennung"),
            errors=[e.text or "" for e in item.iterfind(f"{{{NS}}}Fehlermeldung")],
        )
    return kind, process_id, results


@functools.lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def validate(data: bytes) -> None:
    """Raise ``InvalidMessage`` (German, with the schema's first complaint) unless
    ``data`` is a valid xdomea 3.0.0 Aussonderung message."""
    _parse(data)


def _parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        document = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InvalidMessage(f"Kein XML: {exc}") from exc
    checker = schema()
    if not checker.validate(document):
        first = checker.error_log.filter_from_errors()[0]
        raise InvalidMessage(
            f"Nachricht entspricht nicht xdomea 3.0.0: Zeile {first.line}: {first.message}"
        )
    return document


def _checked(root: etree._Element) -> bytes:
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    validate(data)  # a message eAkte writes wrong must never reach an archive
    return data


def _message(
    kind: str,
    process_id: str,
    sender: Party,
    recipient: Party,
    at: datetime,
    *,
    confirm: bool,
    transfer: bool = False,
) -> etree._Element:
    root = etree.Element(f"{{{NS}}}{ROOTS[kind]}", nsmap={"xdomea": NS})
    head = _sub(root, "Kopf")
    _sub(head, "ProzessID", process_id)
    _code(_sub(head, "Nachrichtentyp"), kind)
    _sub(head, "Erstellungszeitpunkt", at.replace(microsecond=0, tzinfo=None).isoformat())
    for role, party in (("Absender", sender), ("Empfaenger", recipient)):
        key = _sub(_sub(_sub(head, role), "Behoerdenkennung"), "Behoerdenschluessel")
        _code(key, party.code, party.name)
    system = _sub(head, "SendendesSystem")
    _sub(system, "Produktname", "eAkte")
    _sub(system, "Version", __version__)
    if transfer:
        _sub(head, "Importbestaetigung", "1")
        _sub(head, "RueckmeldungArchivkennung", "0")
    _sub(head, "Empfangsbestaetigung", "1" if confirm else "0")
    return root


def _akte(entry: AkteEntry, *, with_files: bool) -> etree._Element:
    akte = entry.akte
    element = etree.Element(f"{{{NS}}}Akte")
    _sub(_sub(element, "Identifikation"), "ID", akte.uuid)
    general = _sub(element, "AllgemeineMetadaten")
    _sub(general, "Betreff", akte.title)
    _sub(general, "Kennzeichen", akte.aktenzeichen)
    _sub(general, "Federfuehrung", akte.department)
    _sub(_sub(general, "Aktenplaneinheit"), "Kennzeichen", akte.position)
    archive = _sub(element, "ArchivspezifischeMetadaten")
    duration = _sub(archive, "Aufbewahrungsdauer")
    _sub(duration, "AnzahlJahre", str(entry.retention_years))
    appraisal = _sub(_sub(archive, "Aussonderungsart"), "Aussonderungsart")
    appraisal.attrib.update({"listURI": APPRAISAL_LIST, "listVersionID": "1.0"})
    _code(appraisal, akte.appraisal)
    if akte.retention_until:
        _sub(archive, "Aufbewahrungsende", akte.retention_until.isoformat())
    _sub(element, "Typ", "Akte")
    term = _sub(element, "Laufzeit")
    _sub(term, "Beginn", akte.opened_on.isoformat())
    if akte.closed_on:
        _sub(term, "Ende", akte.closed_on.isoformat())
    content = _sub(element, "Akteninhalt")
    for document in entry.documents:
        content.append(_document(document, akte.aktenzeichen, with_files))
    for vorgang in entry.vorgaenge:
        item = _sub(content, "Vorgang")
        _sub(_sub(item, "Identifikation"), "ID", vorgang.id)
        general = _sub(item, "AllgemeineMetadaten")
        _sub(general, "Betreff", vorgang.title)
        _sub(general, "Kennzeichen", f"{akte.aktenzeichen}.{vorgang.number}")
        for document in vorgang.documents:
            item.append(_document(document, akte.aktenzeichen, with_files))
    return element


def _document(entry: DocumentEntry, aktenzeichen: str, with_file: bool) -> etree._Element:
    element = etree.Element(f"{{{NS}}}Dokument")
    _sub(_sub(element, "Identifikation"), "ID", entry.id)
    general = _sub(element, "AllgemeineMetadaten")
    _sub(general, "Betreff", entry.subject)
    _sub(general, "Kennzeichen", f"{aktenzeichen}-{entry.record_id[:12]}")
    _sub(element, "Posteingangsdatum", entry.received_on.isoformat())
    if with_file:
        version = _sub(element, "Version")
        _sub(version, "Nummer", "1")
        file_format = _sub(version, "Format")
        name = _sub(file_format, "Name")
        name.attrib.update({"listURI": FORMAT_LIST, "listVersionID": "1.0"})
        _code(name, FORMAT_CODES.get(entry.media_type, OTHER_FORMAT))
        _sub(file_format, "Version", "1")
        primary = _sub(file_format, "Primaerdokument")
        _sub(primary, "Dateiname", entry.package_name)
        _sub(primary, "DateinameOriginal", entry.original_filename)
    return element


def _sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    child = etree.SubElement(parent, f"{{{NS}}}{name}")
    if text is not None:
        child.text = text
    return child


def _code(parent: etree._Element, code: str, name: str | None = None) -> None:
    etree.SubElement(parent, "code").text = code
    if name is not None:
        etree.SubElement(parent, "name").text = name
