"""Templates for terminations of contracts with the city (type ``kuendigung``).

Tenants, leaseholders, parents, clubs and suppliers end rent, lease, use and service
contracts; ordinary and extraordinary, by letter, form and e-mail. Hard cases: the lease
of a Gewerbe, a supplier's Wartungsvertrag that mentions its last Rechnung, a fristlose
Kündigung after Beschwerden about defects.
"""

from __future__ import annotations

from samples import _words as w
from samples.corpus.base import Ctx, Draft, Template, fields, in_street
from samples.corpus.vocab import CONTRACTS, SUPPLIERS


def _contract(c: Ctx) -> tuple[str, str, str]:
    kind, thing, notice = c.pick(CONTRACTS)
    thing = thing.format(street=c.street(), at_street=in_street(c.pick(w.STREETS)), n=c.num(1, 60))
    return kind, thing, notice


def _ordinary(c: Ctx) -> Draft:
    kind, thing, notice = _contract(c)
    number = f"{c.num(100, 9999)}/{c.day.year % 100}"
    body = [
        c.pick(
            (
                f"hiermit kündige ich den {kind} für {thing} (Vertragsnummer {number}) "
                f"fristgerecht zum {c.after(30, 120)}.",
                f"den mit Ihnen geschlossenen {kind} für {thing} kündige ich ordentlich unter "
                f"Einhaltung der Kündigungsfrist von {notice}, hilfsweise zum nächstmöglichen "
                "Termin.",
            )
        ),
        c.pick(
            (
                "Bitte bestätigen Sie mir den Eingang der Kündigung und das Vertragsende "
                "schriftlich.",
                "Ich bitte um eine kurze schriftliche Bestätigung.",
            )
        ),
    ]
    body += c.some(
        [
            "Für die Übergabe schlage ich einen Termin in der letzten Woche vor Vertragsende vor.",
            f"Bitte überweisen Sie die Kaution auf mein Konto, IBAN {c.iban()}.",
            "Grund der Kündigung ist ein Umzug.",
        ],
        0,
        2,
    )
    return Draft(f"Kündigung {kind}, Vertragsnr. {number}", body, office="liegenschaften")


def _commercial_lease(c: Ctx) -> Draft:
    shop = c.pick(("das Ladenlokal", "die Büroräume", "die Gaststättenräume", "die Werkstatt"))
    body = [
        f"hiermit kündigen wir den Gewerbemietvertrag über {shop} im städtischen Gebäude "
        f"{c.street()} fristgerecht zum {c.after(90, 200)}.",
        c.pick(
            (
                "Wir geben unser Gewerbe an diesem Standort auf; die Gewerbeabmeldung erfolgt "
                "gesondert beim Ordnungsamt.",
                "Wir verlegen unseren Betrieb in größere Räume und melden das Gewerbe "
                "entsprechend um.",
            )
        ),
        "Die Räume werden besenrein und mit allen Schlüsseln übergeben. Bitte nennen Sie uns "
        "einen Termin für die Abnahme und bestätigen Sie das Mietende.",
    ]
    return Draft(
        "Kündigung Gewerbemietvertrag",
        body,
        sender=c.company_sender(f"{c.pick(w.LAST_NAMES)} {c.pick(('GmbH', 'e.K.', 'OHG'))}"),
        office="liegenschaften",
        hard=True,
    )


def _garden_lease(c: Ctx) -> Draft:
    parcel = c.num(1, 120)
    body = [
        f"aus gesundheitlichen Gründen kann ich meinen Kleingarten (Parzelle {parcel}) nicht "
        "mehr bewirtschaften. Ich kündige daher den Pachtvertrag zum Ende des Pachtjahres am "
        f"30. November {c.day.year}.",
        c.pick(
            (
                "Die Laube und die Obstbäume würde ich gern an einen Nachpächter übergeben. Meine "
                "Nachbarin, Frau " + c.pick(w.LAST_NAMES) + ", hätte Interesse.",
                "Ich bitte um einen Termin zur Wertermittlung der Laube.",
            )
        ),
    ]
    return Draft(f"Kündigung Pachtvertrag Parzelle {parcel}", body, office="liegenschaften")


def _short_mail(c: Ctx) -> Draft:
    kind, thing, _ = _contract(c)
    body = [
        c.pick(
            (
                f"hiermit kündige ich {thing} zum nächstmöglichen Zeitpunkt.",
                f"ich möchte meinen {kind} ({thing}) kündigen. Bitte um kurze Bestätigung.",
                f"kündigung {thing} zum {c.after(20, 60, long=False)}, danke.",
            )
        ),
    ]
    if c.chance(0.5):
        body.append(f"Kundennummer: {c.num(10000, 99999)}")
    return Draft("Kündigung", body, style="email", office="liegenschaften")


def _form(c: Ctx) -> Draft:
    kind, thing, _ = _contract(c)
    p = c.person
    body = [
        fields(
            [
                ("Vertragspartner/in", p.name),
                ("Anschrift", f"{p.street} {p.number}, {p.plz} {p.place}"),
                ("Vertrag", kind),
                ("Gegenstand", thing),
                ("Vertragsnummer", str(c.num(1000, 99999))),
                ("Kündigung zum", c.after(30, 90, long=False)),
                ("Grund (freiwillig)", c.pick(("Umzug", "kein Bedarf mehr", "Kosten", "–"))),
            ]
        ),
        "[x] ordentliche Kündigung   [ ] außerordentliche Kündigung",
    ]
    return Draft("Kündigungserklärung", body, style="form", signer=p.name)


def _supplier_cancels(c: Ctx) -> Draft:
    company, trade, _ = c.pick(SUPPLIERS)
    body = [
        f"hiermit kündigen wir den Rahmenvertrag über {trade} vom {c.before(700, 2000)} "
        f"fristgerecht zum {c.after(60, 180)}.",
        c.pick(
            (
                "Aufgrund gestiegener Personal- und Materialkosten können wir die Leistungen zu "
                "den vereinbarten Konditionen nicht mehr erbringen.",
                "Wir stellen unseren Betrieb in diesem Bereich ein.",
            )
        ),
        "Bis zum Vertragsende erbringen wir alle Leistungen wie gewohnt. Die letzte Rechnung "
        "erhalten Sie nach Abschluss der Arbeiten. Für ein Angebot zu neuen Konditionen stehen "
        "wir gern zur Verfügung.",
    ]
    return Draft(
        f"Kündigung Rahmenvertrag {trade}",
        body,
        sender=c.company_sender(company),
        signer=f"{c.person.name}, Geschäftsführung",
        office=c.pick(("liegenschaften", "haupt")),
        hard=True,
    )


def _child_services(c: Ctx) -> Draft:
    child = c.pick(w.FIRST_NAMES)
    service = c.pick(
        (
            "den Unterricht an der Städtischen Musikschule (Fach Gitarre)",
            "den Platz in der Kindertagesstätte Sonnenschein",
            "die Nachmittagsbetreuung an der Grundschule",
            "die Teilnahme am Schwimmkurs des Städtischen Hallenbads",
        )
    )
    body = [
        f"für unser Kind {child} {c.person.last} kündigen wir {service} zum {c.after(20, 90)}.",
        c.pick(
            (
                "Wir ziehen in eine andere Stadt.",
                f"{child} möchte das Angebot nicht mehr fortführen.",
                "Ein Elternteil arbeitet künftig in Teilzeit, die Betreuung ist nicht mehr nötig.",
            )
        ),
        "Bitte stellen Sie den Lastschrifteinzug zum Vertragsende ein.",
    ]
    return Draft("Kündigung", body, office="haupt")


def _extraordinary(c: Ctx) -> Draft:
    defects = c.pick(
        (
            "Schimmel im Schlafzimmer",
            "den Ausfall der Heizung über mehrere Wochen",
            "eindringende Feuchtigkeit im Keller",
        )
    )
    body = [
        f"hiermit kündige ich das Mietverhältnis über die städtische Wohnung {c.street()} "
        "außerordentlich und fristlos, hilfsweise fristgerecht zum nächstmöglichen Termin.",
        f"Seit dem {c.before(90, 240)} habe ich Ihnen {defects} mehrfach gemeldet. Meine "
        "zahlreichen Beschwerden blieben ohne Wirkung; eine Reparatur ist bis heute nicht erfolgt.",
        "Ein weiteres Festhalten am Mietvertrag ist mir nicht zuzumuten (§ 543 BGB). Die "
        "Wohnungsübergabe kann ab sofort erfolgen.",
    ]
    return Draft(
        "Fristlose Kündigung des Mietvertrags",
        body,
        office="liegenschaften",
        attachments=("Fotos", "Mängelanzeigen"),
        hard=True,
    )


def _club_use(c: Ctx) -> Draft:
    club = c.pick(
        (
            "Turnverein 1887 Lindenau e.V.",
            "Musikverein Harmonie Weißach e.V.",
            "Schachclub Lindenau e.V.",
        )
    )
    room = c.pick(
        (
            "die Sporthalle der Schillerschule",
            "den Proberaum im Bürgerhaus",
            "den Vereinsraum im alten Rathaus",
        )
    )
    body = [
        f"unser Vorstand hat beschlossen, den Nutzungsvertrag über {room} "
        f"(montags und donnerstags) zum {c.after(60, 150)} zu kündigen.",
        "Wir haben eine vereinseigene Halle gebaut und benötigen die städtischen Räume nicht mehr. "
        "Für die jahrelange gute Zusammenarbeit danken wir herzlich.",
        "Die Schlüssel geben wir bei der Übergabe zurück.",
    ]
    return Draft(
        "Kündigung des Nutzungsvertrags",
        body,
        sender=(club, f"{c.person.name}, 1. Vorsitzende/r", f"{c.person.street} {c.person.number}"),
        office="liegenschaften",
    )


TEMPLATES: tuple[Template, ...] = (
    _ordinary, _commercial_lease, _garden_lease, _short_mail, _form, _supplier_cancels,
    _child_services, _extraordinary, _club_use,
)  # fmt: skip
