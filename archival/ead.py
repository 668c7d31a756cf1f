"""A Bestand as an EAD 2002 finding aid for the archive portals (Archivportal-D, the
Archives Portal Europe): one ``<ead>``, the Bestand as ``<archdesc level="collection">``,
one ``<c level="item">`` per described record, checked against the official schema
(vendored in ``archival/schemas``) before it is written anywhere.

Archivportal-D reads the profile EAD(DDB), a subset of EAD 2002; what it asks beyond
the schema and what is set for it here: ``audience="external"`` on ``<ead>``,
``type="Findbuch"`` on ``<archdesc>``, the archive's ISIL as ``mainagencycode`` and
``countrycode="DE"`` on ``<eadid>``, and the archive as ``<repository><corpname>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from archival.dates import Dating
from eakte.record import ArchivalDescription, Manifest

EAD_NS = "urn:isbn:1-931666-22-9"
XLINK_NS = "http://www.w3.org/1999/xlink"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
SCHEMA_LOCATION = (
    f"{EAD_NS} http://www.loc.gov/ead/ead.xsd "
    f"{XLINK_NS} http://www.loc.gov/standards/xlink/xlink.xsd"
)
XLINK_URL = "http://www.loc.gov/standards/xlink/xlink.xsd"


def _e(tag: str) -> str:
    return f"{{{EAD_NS}}}{tag}"


def _x(name: str) -> str:
    return f"{{{XLINK_NS}}}{name}"


def _sub(parent: Any, tag: str, text: str | None = None, **attributes: str) -> Any:
    element = etree.SubElement(parent, _e(tag), attributes)
    if text is not None:
        element.text = text
    return element


def holding_ead(
    manifests: Sequence[Manifest],
    holding: str,
    *,
    archive: str,
    isil: str,
    base_url: str,
    today: date,
) -> bytes:
    """The finding aid of ``holding`` from its described records (in finding-aid order).

    A record under a Sperre that lasts beyond ``today`` is described but gets no link to
    its digital copy: the portal shows that it exists, not the record itself."""
    root = etree.Element(_e("ead"), nsmap={None: EAD_NS, "xlink": XLINK_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", SCHEMA_LOCATION)
    root.set("audience", "external")
    header = _sub(root, "eadheader", langencoding="iso639-2b", dateencoding="iso8601")
    _sub(header, "eadid", _identifier(isil, holding), mainagencycode=isil, countrycode="DE")
    titles = _sub(_sub(header, "filedesc"), "titlestmt")
    _sub(titles, "titleproper", f"Findbuch zum Bestand {holding}")
    profile = _sub(header, "profiledesc")
    _sub(profile, "creation", "Erstellt mit eAkte am ").append(_date(today))
    _sub(_sub(profile, "langusage"), "language", "Deutsch", langcode="ger")

    archdesc = _sub(root, "archdesc", level="collection", type="Findbuch")
    did = _sub(archdesc, "did")
    _sub(_sub(did, "repository"), "corpname", archive)
    _sub(did, "unitid", holding, countrycode="DE", repositorycode=isil)
    _sub(did, "unittitle", holding)
    span = _overall(manifests)
    if span is not None:
        _sub(did, "unitdate", span.replace("/", "–"), normal=span)
    _sub(_sub(did, "physdesc"), "extent", f"{len(manifests)} Verzeichnungseinheiten")
    dsc = _sub(archdesc, "dsc")
    for manifest in manifests:
        if manifest.archival is not None:
            _item(dsc, manifest, manifest.archival, base_url, today)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _item(
    dsc: Any, manifest: Manifest, description: ArchivalDescription, base_url: str, today: date
) -> None:
    item = _sub(dsc, "c", level="item", id=f"eakte-{manifest.id}")
    did = _sub(item, "did")
    if description.reference_code:
        _sub(did, "unitid", description.reference_code)
    _sub(did, "unittitle", description.title or manifest.original_filename)
    if description.date_text:
        dating = Dating(description.date_text, description.date_from, description.date_to)
        attributes = {"normal": dating.normal} if dating.normal else {}
        _sub(did, "unitdate", description.date_text, **attributes)
    if description.extent:
        _sub(_sub(did, "physdesc"), "extent", description.extent)
    closed = description.closed_until is not None and description.closed_until >= today
    if not closed:
        link = f"{base_url.rstrip('/')}/dokumente/{manifest.id}"
        dao = _sub(did, "dao")
        dao.set(_x("type"), "simple")
        dao.set(_x("href"), link)
        dao.set(_x("title"), manifest.original_filename)
    if description.access:
        _sub(_sub(item, "accessrestrict"), "p", description.access)
    if description.rights:
        _sub(_sub(item, "userestrict"), "p", description.rights)
    if description.place:
        _sub(_sub(item, "controlaccess"), "geogname", description.place)


def _overall(manifests: Sequence[Manifest]) -> str | None:
    """The Bestand's span (Laufzeit) in EAD's normal form: from its earliest to its
    latest item dated on both sides."""
    spans = [
        (m.archival.date_from, m.archival.date_to)
        for m in manifests
        if m.archival is not None and m.archival.date_from and m.archival.date_to
    ]
    if not spans:
        return None
    return Dating("", min(s for s, _ in spans), max(e for _, e in spans)).normal


def _date(day: date) -> Any:
    element = etree.Element(_e("date"), normal=day.isoformat())
    element.text = f"{day:%d.%m.%Y}"
    return element


def _identifier(isil: str, holding: str) -> str:
    return f"{isil}_{holding}".replace(" ", "_")


class _LocalSchemas(etree.Resolver):  # type: ignore[misc]
    """The schema imports xlink.xsd from the Library of Congress: read our copy instead,
    so validating never needs the network."""

    def resolve(self, url: str | None, pubid: str | None, context: Any) -> Any:
        if url == XLINK_URL:
            return self.resolve_filename(str(SCHEMAS / "xlink.xsd"), context)
        return None


@cache
def schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalSchemas())
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "ead.xsd"), parser))


def schema_errors(document: bytes) -> list[str]:
    """What the EAD 2002 schema finds wrong with ``document``; empty when valid."""
    try:
        tree = etree.fromstring(document, etree.XMLParser(no_network=True, resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        return [f"kein wohlgeformtes XML: {exc}"]
    checker = schema()
    if checker.validate(tree):
        return []
    return [f"Zeile {error.line}: {error.message}" for error in checker.error_log]
