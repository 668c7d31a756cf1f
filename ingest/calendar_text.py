"""iCalendar (``text/calendar``, ``.ics``) as text a person reads: an invitation to a
hearing or a site visit is part of the letter, so its date, place, organiser and subject
go into the mail's record text instead of an attachment nothing can read.

Parsing is ``icalendar``'s (RFC 5545, maintained); this module only picks and words
the fields. A calendar it cannot parse gives None, and the part stays in the original.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import icalendar

_COMPONENTS = ("VEVENT", "VTODO", "VJOURNAL")
_METHODS = {"REQUEST": "Einladung", "CANCEL": "Absage", "REPLY": "Antwort"}


def calendar_text(data: bytes) -> str | None:
    """German lines per event (Termin, Beginn, Ende, Ort, Organisator, Beschreibung)."""
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    method = str(calendar.get("METHOD", "")).upper()
    blocks = [
        _component_text(component, _METHODS.get(method, "Termin"))
        for component in calendar.walk()
        if component.name in _COMPONENTS
    ]
    return "\n\n".join(block for block in blocks if block) or None


def _component_text(component: Any, label: str) -> str:
    lines = [f"{label}: {_text(component.get('SUMMARY')) or '–'}"]
    for key, name in (("DTSTART", "Beginn"), ("DTEND", "Ende"), ("DUE", "Fällig")):
        moment = _moment(component.get(key))
        if moment:
            lines.append(f"{name}: {moment}")
    if place := _text(component.get("LOCATION")):
        lines.append(f"Ort: {place}")
    if organiser := _person(component.get("ORGANIZER")):
        lines.append(f"Organisator: {organiser}")
    if description := _text(component.get("DESCRIPTION")):
        lines.append(f"Beschreibung: {description}")
    return "\n".join(lines)


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _person(value: Any) -> str:
    if value is None:
        return ""
    address = str(value).removeprefix("mailto:").removeprefix("MAILTO:")
    name = value.params.get("CN") if hasattr(value, "params") else None
    return f"{name} <{address}>" if name else address


def _moment(value: Any) -> str:
    if value is None:
        return ""
    moment = getattr(value, "dt", value)
    if isinstance(moment, datetime):
        zone = f" {moment.tzname()}" if moment.tzinfo and moment.tzname() else ""
        return moment.strftime("%d.%m.%Y %H:%M") + zone
    if isinstance(moment, date):
        return moment.strftime("%d.%m.%Y")
    return _text(moment)
