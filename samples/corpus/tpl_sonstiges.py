"""Templates for post that fits no other type (``sonstiges``): routed by hand.

Invitations, advertising, thanks, appointment requests, changes of address, circulars,
requests for donations, surveys, general questions, another authority's Bescheid.
Hard cases borrow other types' words: a club's invitation with a Tagesordnung, an advert
for pothole asphalt, thanks for a repaired street light, a supplier's new bank account
"for future invoices", a Bescheid whose Rechtsbehelfsbelehrung names the Widerspruch.
"""

from __future__ import annotations

from samples import _words as w
from samples.corpus.base import CITY, MAYOR, TOWN_HALL, Ctx, Draft, Template, numbered
from samples.corpus.vocab import ASSOCIATIONS, EVENTS, SUPPLIERS, VENDORS


def _club_sender(c: Ctx, club: str) -> tuple[str, ...]:
    p = c.person
    return (club, f"{p.name}, Vorsitz", f"{p.street} {p.number}", f"{p.plz} {p.place}")


def _to_mayor() -> tuple[str, ...]:
    return (f"Stadt {CITY}", MAYOR, *TOWN_HALL[1:])


def _club_invitation(c: Ctx) -> Draft:
    club, (event, to_event) = c.pick(ASSOCIATIONS), c.pick(EVENTS)
    body = [
        f"der {club} lädt Sie herzlich zu {to_event} am {c.after(14, 60)} um "
        f"{c.pick(('11', '15', '18', '19'))} Uhr ein.",
        c.pick(
            (
                "Wir würden uns sehr freuen, wenn Sie ein kurzes Grußwort sprechen könnten.",
                "Ihre Anwesenheit wäre für unsere Mitglieder eine große Ehre.",
            )
        ),
    ]
    if c.chance(0.5):
        body.append(
            "Vorgesehene Tagesordnung:\n"
            + numbered(
                [
                    "Begrüßung",
                    "Bericht des Vorstands",
                    "Kassenbericht",
                    "Ehrungen",
                    "Wahlen",
                    "Verschiedenes",
                ][: c.num(3, 6)]
            )
        )
    body.append(f"Um eine kurze Rückmeldung bis zum {c.after(5, 12)} wird gebeten.")
    return Draft(
        c.pick(("Einladung", f"Einladung: {event}")),
        body,
        sender=_club_sender(c, club),
        recipient=_to_mayor(),
        salutation="Sehr geehrter Herr Oberbürgermeister,",
        hard=True,
    )


def _advertising(c: Ctx) -> Draft:
    company, product, pitch = c.pick(VENDORS)
    body = [
        c.pick(
            (
                f"kennen Sie schon unser Angebot für Kommunen? Wir liefern {product} – {pitch}.",
                f"als langjähriger Partner vieler Städte und Gemeinden stellen wir Ihnen {product} "
                f"vor, {pitch}.",
            )
        ),
        f"Nur bis zum {c.after(14, 45)}: {c.num(10, 25)} % Einführungsrabatt für öffentliche "
        "Auftraggeber.",
        "Gern vereinbaren wir einen unverbindlichen Vorführtermin. Unseren Katalog finden Sie "
        f"unter www.{company.split()[0].lower()}.de.",
    ]
    return Draft(
        c.pick(("Ihr Vorteil als Kommune", f"Angebot: {product}", "Exklusiv für Städte")),
        body,
        style=c.pick(("brief", "email")),
        sender=c.company_sender(company),
        signer=f"{c.person.name}, Vertrieb",
        hard=product.startswith(("Kaltasphalt", "eine Software", "LED")),
    )


def _thank_you(c: Ctx) -> Draft:
    reason = c.pick(
        (
            ("die schnelle Reparatur der Straßenlaterne vor unserem Haus", True),
            ("die freundliche Beratung im Bürgerbüro", False),
            ("die unkomplizierte Genehmigung unseres Bauantrags", True),
            ("die Unterstützung beim Stadtteilfest", False),
            ("die rasche Beseitigung des Schlaglochs in der " + c.pick(w.STREETS), True),
        )
    )
    body = [
        f"ich möchte mich auf diesem Weg herzlich für {reason[0]} bedanken.",
        c.pick(
            (
                "Man liest so oft Negatives über Behörden; umso schöner ist es, wenn etwas so "
                "reibungslos läuft.",
                "Bitte richten Sie den beteiligten Mitarbeiterinnen und Mitarbeitern meinen "
                "Dank aus.",
            )
        ),
    ]
    return Draft("Dankeschön", body, style=c.pick(("brief", "email")), hard=reason[1])


def _appointment_request(c: Ctx) -> Draft:
    who, what = c.pick(
        (
            (
                "die Klasse 4b der Grundschule Am Mühlbach",
                "das Rathaus besichtigen und den Oberbürgermeister kennenlernen",
            ),
            ("der Lindenauer Anzeiger", "ein Interview zum Jahresrückblick führen"),
            ("unsere Bürgerinitiative", "in einem Gespräch unser Anliegen vorstellen"),
            ("die Partnerstadt-Delegation", "im Rathaus empfangen werden"),
        )
    )
    body = [
        f"{who} möchte gern {what}.",
        f"Wäre ein Termin in der Woche ab dem {c.after(14, 40)} möglich? Wir richten uns gern "
        "nach Ihrem Kalender.",
        f"Sie erreichen mich unter {c.person.phone}.",
    ]
    return Draft("Terminanfrage", body, style=c.pick(("brief", "email")), office="haupt")


def _address_change(c: Ctx) -> Draft:
    company, _, _ = c.pick(SUPPLIERS)
    body = [
        f"wir möchten Sie darüber informieren, dass sich ab dem {c.after(5, 40)} unsere "
        f"Anschrift ändert. Die neue Adresse lautet: {c.street()}, {c.pick(w.PLACES)[0]} "
        f"{c.pick(w.PLACES)[1]}.",
        c.pick(
            (
                f"Auch unsere Bankverbindung ändert sich: Bitte überweisen Sie künftige "
                f"Rechnungsbeträge auf das Konto IBAN {c.iban()}.",
                "Telefonnummer und E-Mail-Adressen bleiben unverändert.",
            )
        ),
        "Bitte aktualisieren Sie Ihre Stammdaten.",
    ]
    return Draft(
        "Änderung unserer Anschrift",
        body,
        sender=c.company_sender(company),
        office="kasse",
        hard=True,
    )


def _circular(c: Ctx) -> Draft:
    sender = c.pick(("Landratsamt Breisgau-Süd", "Städtetag, Landesverband", "Regierungspräsidium"))
    topic = c.pick(
        (
            "die Fortbildungsreihe „Digitale Verwaltung“ im kommenden Halbjahr",
            "die neuen Vorgaben zur Barrierefreiheit von Internetseiten",
            "die Auswertung der Umfrage zur Personalsituation in den Kommunen",
            "die Änderung der Meldeverordnung zum 1. Januar",
        )
    )
    body = [
        f"mit diesem Rundschreiben informieren wir über {topic}.",
        "Einzelheiten entnehmen Sie bitte der Anlage. Eine Rückmeldung ist nicht erforderlich.",
    ]
    return Draft(
        f"Rundschreiben Nr. {c.num(1, 80)}/{c.day.year}",
        body,
        sender=(sender, "Referat Kommunales"),
        office="haupt",
        attachments=("Informationsblatt",),
    )


def _donation_request(c: Ctx) -> Draft:
    club = c.pick(ASSOCIATIONS)
    purpose = c.pick(
        (
            "neue Trikots für unsere Jugendmannschaften",
            "die Anschaffung eines Defibrillators für das Vereinsheim",
            "den Ausflug der Seniorengruppe",
            "Instrumente für das Jugendorchester",
        )
    )
    body = [
        f"der {club} sammelt Spenden für {purpose}.",
        f"Die Kosten betragen insgesamt {c.euro(800, 9000)}. Über jede Unterstützung der Stadt – "
        "ob Zuschuss oder Sachspende – würden wir uns sehr freuen.",
        "Eine Spendenquittung stellen wir selbstverständlich aus.",
    ]
    return Draft("Bitte um Unterstützung", body, sender=_club_sender(c, club))


def _survey(c: Ctx) -> Draft:
    uni = c.pick(
        (
            "Hochschule für öffentliche Verwaltung Kehl",
            "Universität Freiburg",
            "Hochschule Furtwangen",
        )
    )
    body = [
        f"im Rahmen einer Studie der {uni} befragen wir Kommunen zum Stand der Digitalisierung "
        "im Posteingang.",
        f"Die Beantwortung des Online-Fragebogens dauert etwa {c.num(10, 25)} Minuten. Die "
        "Auswertung erfolgt anonym.",
        f"Wir bitten um Teilnahme bis zum {c.after(20, 40)}.",
    ]
    return Draft(
        "Bitte um Teilnahme an einer Befragung",
        body,
        style=c.pick(("email", "brief")),
        sender=(uni, "Institut für Verwaltungswissenschaften"),
        signer=f"Prof. Dr. {c.person.last}",
    )


def _general_inquiry(c: Ctx) -> Draft:
    body = [
        c.pick(
            (
                "wie sind die Öffnungszeiten des Standesamts zwischen den Feiertagen?",
                f"ich habe am {c.before(1, 5)} im Stadtpark meinen Schlüsselbund verloren. "
                "Wurde er im Fundbüro abgegeben?",
                "kann ich im Rathaus eine beglaubigte Kopie meines Zeugnisses bekommen?",
                "wo bekomme ich die gelben Säcke, seit der Laden in der Bahnhofstraße zu hat?",
            )
        ),
        "Danke für eine kurze Info.",
    ]
    return Draft("Frage", body, style="email")


def _moved(c: Ctx) -> Draft:
    body = [
        f"ich bin zum {c.before(1, 20)} innerhalb von {CITY} umgezogen. Meine neue Anschrift "
        f"lautet {c.street()}.",
        "Bitte schicken Sie Post, auch die Bescheide über Hundesteuer und Abfallgebühren, ab "
        "sofort an die neue Adresse. Die Ummeldung beim Bürgerbüro ist erledigt.",
    ]
    return Draft("Adressänderung", body, style=c.pick(("brief", "email")), hard=True)


# (authority, office, street, notice, what it decides)
_NOTICES = (
    (
        "Regierungspräsidium Freiburg",
        "Referat 15",
        "Bissierstraße 7",
        "Zuwendungsbescheid",
        "wird Ihnen für die Sanierung der Stadthalle eine Zuwendung von {amount} bewilligt.",
    ),
    (
        "Landratsamt Breisgau-Hochschwarzwald",
        "Kämmerei",
        "Stadtstraße 2",
        "Bescheid über die Kreisumlage",
        "wird die Kreisumlage der Stadt für das Jahr {year} auf {amount} festgesetzt.",
    ),
    (
        "Finanzamt Freiburg-Land",
        "Bewertungsstelle",
        "Stefan-Meier-Straße 133",
        "Grundsteuermessbescheid",
        "wird der Grundsteuermessbetrag für das städtische Grundstück Flurstück {flur} auf "
        "{amount} festgesetzt.",
    ),
    (
        "Landesamt für Denkmalpflege",
        "Inventarisation",
        "Berliner Allee 1",
        "Bescheid über die Eintragung in das Denkmalbuch",
        "wird das Gebäude auf Flurstück {flur} als Kulturdenkmal eingetragen; die "
        "Verwaltungsgebühr beträgt {amount}.",
    ),
)


def _notice_from_authority(c: Ctx) -> Draft:
    """An authority decides something for the city: routed by hand, never an objection,
    though its Rechtsbehelfsbelehrung names the Widerspruch."""
    authority, office, street, title, operative = c.pick(_NOTICES)
    decision = operative.format(amount=c.euro(800, 250_000), year=c.day.year, flur=c.flurstueck())
    body = [
        c.pick(("auf Ihren Antrag vom ", "nach Prüfung der Unterlagen vom "))
        + f"{c.before(20, 90)} "
        + decision,
        c.pick(
            (
                "Begründung: Die Voraussetzungen liegen nach den vorgelegten Unterlagen vor.",
                "Die Festsetzung beruht auf den Angaben in Ihrer Erklärung und den Feststellungen "
                "vor Ort.",
            )
        ),
        "Rechtsbehelfsbelehrung: Gegen diesen Bescheid kann innerhalb eines Monats nach "
        f"Bekanntgabe Widerspruch beim {authority} erhoben werden."
        + c.pick((" Der Widerspruch hat keine aufschiebende Wirkung.", "")),
    ]
    return Draft(
        f"{title} – {c.number('AZ')}",
        body,
        sender=(authority, office, street, "79104 Freiburg"),
        recipient=(f"Stadt {CITY}", "Hauptamt", *TOWN_HALL[1:]),
        salutation=c.pick(
            ("Sehr geehrte Damen und Herren,", "Sehr geehrter Herr Oberbürgermeister,")
        ),
        reference=f"Ihr Antrag vom {c.before(20, 90, long=False)}" if c.chance(0.5) else None,
        hard=True,
    )


TEMPLATES: tuple[Template, ...] = (
    _club_invitation, _advertising, _thank_you, _appointment_request, _address_change,
    _circular, _donation_request, _survey, _general_inquiry, _moved, _notice_from_authority,
)  # fmt: skip
