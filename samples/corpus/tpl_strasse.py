"""Templates for reports of road damage (type ``strassenschaden``).

Potholes, street lights, pavements, signs, drains, from citizens, a cycling club, the
city's Mängelmelder and the telephone desk. Hard cases: a report that says it is no
complaint, damage left behind by a building site. A report tells the city about a defect
so it can be fixed; a complaint (``beschwerde``) is about the city not acting.
"""

from __future__ import annotations

from samples import _words as w
from samples.corpus.base import Ctx, Draft, Template, fields, in_street
from samples.corpus.vocab import ASSOCIATIONS, DAMAGES


def _damage(c: Ctx) -> tuple[str, str, str]:
    what, detail, where = c.pick(DAMAGES)
    return what, detail.format(cm=c.num(3, 15), n=c.num(100, 999), m=c.num(2, 30)), where


def _formal_report(c: Ctx) -> Draft:
    what, detail, where = _damage(c)
    street = c.pick(w.STREETS)
    body = [
        c.pick(
            (
                f"ich möchte Ihnen {what} {where} {in_street(street)} auf Höhe der Hausnummer "
                f"{c.num(1, 90)} melden.",
                f"hiermit melde ich einen Schaden: {in_street(street, start=True)} befindet sich "
                f"{what} {where}.",
            )
        ),
        f"Genauer: {detail}. "
        + c.pick(
            (
                "Besonders bei Dunkelheit ist die Stelle gefährlich.",
                "Radfahrer müssen auf die Gegenfahrbahn ausweichen.",
                "Ältere Menschen mit Rollator kommen dort kaum vorbei.",
            )
        ),
        c.pick(
            (
                "Ich bitte um Prüfung und Behebung.",
                "Vielleicht können Sie die Stelle bis zur Reparatur absichern.",
            )
        ),
    ]
    return Draft(f"Meldung eines Straßenschadens {in_street(street)}", body, office="tiefbau")


def _streetlight_mail(c: Ctx) -> Draft:
    street = c.pick(w.STREETS)
    mast = c.num(100, 999)
    body = [
        c.pick(
            (
                f"die Straßenlaterne vor Haus Nr. {c.num(1, 90)} {in_street(street)} "
                f"(Mast-Nr. {mast}) ist seit ein paar Tagen kaputt.",
                f"{in_street(street)} sind gleich {c.num(2, 4)} Laternen hintereinander dunkel.",
                f"die laterne nr. {mast} {in_street(street).lower()} flackert die ganze nacht.",
            )
        ),
        "Könnten Sie das bitte an die zuständige Stelle weitergeben?",
    ]
    return Draft(f"Laterne defekt {street}", body, style="email", office="tiefbau")


def _defect_reporter(c: Ctx) -> Draft:
    what, detail, where = _damage(c)
    body = [
        f"Mängelmelder {w.CITY} – Meldung Nr. {c.num(10000, 99999)}",
        fields(
            [
                (
                    "Kategorie",
                    c.pick(("Straße", "Gehweg", "Beleuchtung", "Verkehrszeichen", "Kanal")),
                ),
                ("Ort", f"{c.street()}, {w.CITY}"),
                ("Koordinaten", f"47.{c.num(9000, 9999)}, 7.{c.num(7000, 8999)}"),
                ("Beschreibung", f"{what} {where}; {detail}"),
                ("Foto", c.pick(("ja (1)", "ja (3)", "nein"))),
                ("Gemeldet am", c.today(long=False)),
            ]
        ),
    ]
    return Draft("Neue Meldung", body, style="form")


def _trip_hazard(c: Ctx) -> Draft:
    street = c.pick(w.STREETS)
    body = [
        f"als Vorsitzende/r des Seniorentreffs möchte ich auf eine gefährliche Stolperfalle "
        f"hinweisen: Auf dem Gehweg {in_street(street)} vor der Apotheke stehen mehrere Platten "
        f"bis zu {c.num(2, 6)} cm hoch.",
        "Viele unserer Mitglieder sind mit Rollator oder Gehstock unterwegs. Bitte lassen Sie "
        "die Platten neu verlegen, bevor jemand stürzt.",
    ]
    return Draft("Stolperfalle auf dem Gehweg", body, office="tiefbau")


def _sign_or_light(c: Ctx) -> Draft:
    thing = c.pick(
        (
            ("das Vorfahrtsschild", "liegt umgefahren im Grünstreifen"),
            ("die Fußgängerampel", "zeigt seit gestern dauerhaft Rot"),
            ("das Tempo-30-Schild", "ist völlig zugewachsen und nicht mehr zu sehen"),
            ("der Verkehrsspiegel", "ist zerbrochen"),
        )
    )
    junction = f"{c.pick(w.STREETS)}/{c.pick(w.STREETS)}"
    body = [
        f"{thing[0]} an der Kreuzung {junction} {thing[1]}.",
        "Gerade zu Schulbeginn ist das gefährlich. Bitte kümmern Sie sich schnell darum.",
    ]
    return Draft(
        f"Schaden an der Kreuzung {junction}",
        body,
        style=c.pick(("brief", "email")),
        office="tiefbau",
    )


def _drain(c: Ctx) -> Draft:
    street = c.pick(w.STREETS)
    body = [
        f"der Straßeneinlauf vor unserem Haus {in_street(street)} ist verstopft. Beim letzten "
        "Starkregen stand das Wasser bis zum Bordstein und lief in unsere Garageneinfahrt.",
        c.pick(
            (
                "Außerdem klappert der Kanaldeckel in der Fahrbahnmitte bei jedem Auto.",
                "Das Laub vom Herbst liegt noch immer auf dem Gitter.",
            )
        ),
        "Wir bitten um Reinigung bzw. Reparatur.",
    ]
    return Draft(f"Verstopfter Straßeneinlauf {street}", body, office="tiefbau")


def _no_complaint(c: Ctx) -> Draft:
    what, detail, where = _damage(c)
    street = c.pick(w.STREETS)
    body = [
        f"zunächst vielen Dank, dass das Schlagloch vor unserem Haus im {c.pick(w.MONTHS)} so "
        "schnell repariert wurde.",
        f"Das hier ist also keine Beschwerde, nur ein Hinweis: {in_street(street, start=True)} "
        "gibt es jetzt "
        f"{what} {where} ({detail}).",
        "Vielleicht kann der Bauhof bei Gelegenheit vorbeischauen.",
    ]
    return Draft(
        f"Hinweis auf Straßenschaden {in_street(street)}",
        body,
        style=c.pick(("brief", "email")),
        office="tiefbau",
        hard=True,
    )


def _after_construction(c: Ctx) -> Draft:
    street = c.pick(w.STREETS)
    body = [
        f"nach den Leitungsbauarbeiten der Stadtwerke {in_street(street)} wurde die Fahrbahn nur "
        "provisorisch geschlossen. Die Flickstelle ist inzwischen abgesackt und bildet eine "
        f"Rinne von etwa {c.num(3, 25)} m Länge.",
        "Die Baufirma ist abgezogen, die Absperrung entfernt. Wer zuständig ist, weiß ich nicht; "
        "deshalb melde ich den Schaden Ihnen.",
    ]
    return Draft("Schaden nach Bauarbeiten", body, office="tiefbau", hard=True)


def _cycling_club(c: Ctx) -> Draft:
    spots = []
    for _ in range(c.num(3, 6)):
        what, detail, _ = _damage(c)
        spots.append(f"{c.pick(w.STREETS)}: {what}, {detail}")
    body = [
        "bei unserer Frühjahrsbefahrung der Radwege haben wir folgende Schäden festgestellt:",
        "\n".join(f"{i}) {s}" for i, s in enumerate(spots, 1)),
        "Wir bitten um Behebung der Schäden und stehen für eine gemeinsame Begehung zur Verfügung.",
    ]
    club = c.pick((ASSOCIATIONS[-1], "Radverkehrsinitiative Lindenau"))
    return Draft(
        "Schäden an Radwegen – Ergebnisse der Befahrung",
        body,
        sender=(
            club,
            c.person.name,
            f"{c.person.street} {c.person.number}",
            f"{c.person.plz} {c.person.place}",
        ),
        office="tiefbau",
    )


def _phone_note(c: Ctx) -> Draft:
    what, detail, where = _damage(c)
    body = [
        fields(
            [
                (
                    "Telefonnotiz",
                    f"Bürgertelefon, {c.today(long=False)}, {c.num(8, 16)}:{c.num(10, 59)} Uhr",
                ),
                ("Anrufer/in", f"{c.person.name}, Tel. {c.person.phone}"),
                ("Anliegen", f"meldet {what} {where} {in_street(c.street())}"),
                ("Details", detail),
                ("Weiter an", "Tiefbauamt, Straßenunterhaltung"),
                ("Aufgenommen von", c.staff()),
            ]
        ),
    ]
    return Draft("Telefonnotiz – Schadensmeldung", body, style="form")


TEMPLATES: tuple[Template, ...] = (
    _formal_report, _streetlight_mail, _defect_reporter, _trip_hazard, _sign_or_light, _drain,
    _no_complaint, _after_construction, _cycling_club, _phone_note,
)  # fmt: skip
