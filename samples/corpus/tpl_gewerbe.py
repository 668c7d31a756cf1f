"""Templates for trade registrations (type ``gewerbeanmeldung``).

Anmeldung, Ummeldung and Abmeldung, questions about a Gewerbeerlaubnis, as letter, form
(GewA 1) and e-mail. Hard cases: an Ummeldung after the Kündigung of the shop's lease, a
workshop whose Bauantrag is pending.
"""

from __future__ import annotations

from samples import _words as w
from samples.corpus.base import Ctx, Draft, Template, dashed, fields, in_street
from samples.corpus.vocab import BUSINESSES


def _business(c: Ctx) -> tuple[str, str, bool]:
    pattern, activity, permit = c.pick(BUSINESSES)
    return pattern.format(last=c.person.last, first=c.person.first), activity, permit


def _registration_letter(c: Ctx) -> Draft:
    name, activity, _ = _business(c)
    body = [
        c.pick(
            (
                f"hiermit melde ich zum {c.after(7, 45)} folgendes Gewerbe an: {name}.",
                f"ich möchte mich ab dem {c.after(7, 45)} selbstständig machen und melde mein "
                f"Gewerbe „{name}“ an.",
            )
        ),
        f"Die Tätigkeit umfasst {activity}. Betriebsstätte ist {c.street()}, "
        f"{w.CITY_PLZ} {w.CITY}.",
        f"Das Gewerbe wird im {c.pick(('Haupterwerb', 'Nebenerwerb'))} als "
        f"{c.pick(('Einzelunternehmen', 'GbR mit meinem Bruder', 'Einzelunternehmen'))} betrieben.",
    ]
    body += c.some(
        [
            f"Zu Beginn beschäftige ich {c.num(0, 4)} Mitarbeiter/innen.",
            "Den ausgefüllten Vordruck GewA 1 und eine Kopie meines Personalausweises lege ich "
            "bei.",
            f"Die Gebühr von {w.german_amount(c.pick((26, 31, 40)))} habe ich überwiesen.",
            "Bitte senden Sie mir die Bestätigung (Gewerbeschein) an die oben genannte Adresse.",
        ],
        2,
        4,
    )
    return Draft(f"Gewerbeanmeldung – {name}", body, office="ordnung")


def _gewa_form(c: Ctx) -> Draft:
    p = c.person
    name, activity, _ = _business(c)
    body = [
        "Gewerbe-Anmeldung nach § 14 GewO oder § 55c GewO",
        fields(
            [
                ("Feld 1 – Name des Betriebs", name),
                ("Feld 3/4 – Name, Vorname", f"{p.last}, {p.first}"),
                ("Feld 10 – Anschrift der Wohnung", f"{p.street} {p.number}, {p.plz} {p.place}"),
                ("Feld 11 – Anschrift der Betriebsstätte", c.street()),
                ("Feld 15 – Angemeldete Tätigkeit", activity),
                ("Feld 16 – Beginn der Tätigkeit", c.after(5, 40, long=False)),
                (
                    "Feld 17 – Art des angemeldeten Betriebs",
                    c.pick(("Industrie", "Handwerk", "Handel", "Sonstiges")),
                ),
                ("Feld 20 – Zahl der Beschäftigten", str(c.num(0, 12))),
            ]
        ),
    ]
    return Draft("GewA 1 – Gewerbeanmeldung", body, style="form", signer=p.name)


def _change_registration(c: Ctx) -> Draft:
    name, activity, _ = _business(c)
    change = c.pick(
        (
            f"die Verlegung der Betriebsstätte an den neuen Standort {c.street()}",
            f"die Erweiterung der Tätigkeit um {c.pick(('Onlinehandel', 'Lieferservice'))}",
            "die Umwandlung in eine GmbH (Eintragung ins Handelsregister ist beantragt)",
        )
    )
    body = [
        f"für meinen Betrieb „{name}“ ({activity}) melde ich zum {c.after(1, 30)} {change} um.",
        "Die Gewerbeummeldung (Vordruck GewA 2) liegt bei. Bitte bestätigen Sie die Änderung.",
    ]
    return Draft(f"Gewerbeummeldung – {name}", body, office="ordnung")


def _deregistration(c: Ctx) -> Draft:
    name, _, _ = _business(c)
    reason = c.pick(
        (
            "Ich gehe in den Ruhestand.",
            "Der Betrieb hat sich wirtschaftlich nicht getragen.",
            "Ich nehme eine Festanstellung an.",
            "Der Betrieb wird von meiner Tochter übernommen, die ihn neu anmelden wird.",
        )
    )
    body = [
        f"hiermit melde ich mein Gewerbe „{name}“ zum {c.after(0, 30)} ab. {reason}",
        c.pick(
            (
                "Den Vordruck GewA 3 habe ich ausgefüllt beigefügt.",
                "Bitte schicken Sie mir eine Bestätigung der Abmeldung für das Finanzamt.",
            )
        ),
    ]
    return Draft("Gewerbeabmeldung", body, style=c.pick(("brief", "email")), office="ordnung")


def _question_mail(c: Ctx) -> Draft:
    _, activity, _ = _business(c)
    body = [
        c.pick(
            (
                f"ich möchte nebenberuflich ein Kleingewerbe anmelden ({activity}).",
                f"ich plane, mich mit {activity} selbstständig zu machen, und muss wohl ein "
                "Gewerbe anmelden.",
            )
        ),
        c.pick(
            (
                "Welche Unterlagen brauche ich, und kann ich die Gewerbeanmeldung online machen?",
                "Was kostet die Anmeldung und brauche ich einen Termin im Ordnungsamt?",
                "Reicht die Anmeldung bei Ihnen, oder muss ich auch zum Finanzamt?",
            )
        ),
    ]
    return Draft("Frage zur Gewerbeanmeldung", body, style="email", office="ordnung")


def _after_lease_termination(c: Ctx) -> Draft:
    name, _, _ = _business(c)
    old, new = c.pick(w.STREETS), c.street()
    body = [
        f"der Vermieter hat den Gewerbemietvertrag für unser Ladenlokal {in_street(old)} zum "
        f"{c.before(5, 40)} gekündigt. Wir haben neue Räume {in_street(new)} gefunden.",
        f"Wir melden daher die Verlegung der Betriebsstätte von „{name}“ zum {c.after(1, 20)} um. "
        "Die alte Betriebsstätte wird aufgegeben.",
        "Die Kündigung des alten Mietvertrags und den neuen Mietvertrag fügen wir zur Kenntnis "
        "bei.",
    ]
    return Draft("Gewerbeummeldung wegen Umzug", body, office="ordnung", hard=True)


def _permit_registration(c: Ctx) -> Draft:
    name, activity, _ = c.pick([b for b in BUSINESSES if b[2]])
    name = name.format(last=c.person.last, first=c.person.first)
    body = [
        f"ich beabsichtige, ab dem {c.after(30, 90)} {activity} zu betreiben ({name}), und melde "
        "das Gewerbe an. Da die Tätigkeit erlaubnispflichtig ist, beantrage ich zugleich die "
        "erforderliche Erlaubnis.",
        "Folgende Unterlagen füge ich bei:",
        dashed(
            c.some(
                [
                    "Führungszeugnis (Belegart O)",
                    "Auskunft aus dem Gewerbezentralregister",
                    "Unbedenklichkeitsbescheinigung des Finanzamts",
                    "Nachweis der Unterrichtung durch die IHK",
                    "Nachweis einer Berufshaftpflichtversicherung",
                ],
                3,
                5,
            )
        ),
        "Bitte teilen Sie mir mit, ob weitere Nachweise erforderlich sind.",
    ]
    return Draft(f"Gewerbeanmeldung und Antrag auf Erlaubnis – {name}", body, office="ordnung")


def _company_branch(c: Ctx) -> Draft:
    company = (
        f"{c.pick(w.LAST_NAMES)} {c.pick(('Logistik', 'Haustechnik', 'Solar', 'Pflege'))} GmbH"
    )
    body = [
        f"namens der {company} zeigen wir die Eröffnung einer Zweigniederlassung in {w.CITY}, "
        f"{c.street()}, zum {c.after(10, 60)} an.",
        f"Geschäftsführer: {c.other().name}. Handelsregister: Amtsgericht Freiburg, HRB "
        f"{c.num(100000, 799999)}.",
        "Der Handelsregisterauszug und die Gewerbeanmeldung (GewA 1) sind beigefügt.",
    ]
    return Draft(
        "Anmeldung einer Zweigniederlassung",
        body,
        sender=c.company_sender(f"Steuerberatung {c.pick(w.LAST_NAMES)} & Partner"),
        signer=f"i. A. {c.person.name}, Steuerberater/in",
        office="ordnung",
    )


def _market_or_travel(c: Ctx) -> Draft:
    goods = c.pick(
        ("Honig und Bienenwachskerzen", "Obst und Gemüse", "Holzspielzeug", "Crêpes und Waffeln")
    )
    body = [
        f"ich möchte als Reisegewerbe bzw. auf Märkten {goods} verkaufen und melde dieses "
        f"Gewerbe zum {c.after(10, 40)} an.",
        "Bitte teilen Sie mir mit, ob ich eine Reisegewerbekarte benötige oder ob die "
        "Anmeldung für die Wochenmärkte der Stadt ausreicht.",
        f"Ein Passfoto und eine Kopie meines Ausweises lege ich bei. Telefon: {c.person.phone}.",
    ]
    return Draft("Anmeldung Reisegewerbe / Marktverkauf", body, office="ordnung")


def _workshop_with_building(c: Ctx) -> Draft:
    trade = c.pick(("Schreinerei", "Kfz-Werkstatt", "Metallbau", "Malerbetrieb"))
    body = [
        f"ich melde zum {c.after(20, 80)} meinen Handwerksbetrieb ({trade}) an. Die "
        "Eintragung in die Handwerksrolle liegt vor.",
        f"Die Werkstatt entsteht in der ehemaligen Scheune {c.street()}. Den Bauantrag für die "
        "Nutzungsänderung hat mein Architekt bereits beim Bauordnungsamt eingereicht.",
        "Bitte bestätigen Sie die Gewerbeanmeldung schon jetzt, damit ich die Betriebshaftpflicht "
        "abschließen kann.",
    ]
    return Draft(f"Gewerbeanmeldung {trade}", body, office="ordnung", hard=True)


TEMPLATES: tuple[Template, ...] = (
    _registration_letter, _gewa_form, _change_registration, _deregistration, _question_mail,
    _after_lease_termination, _permit_registration, _company_branch, _market_or_travel,
    _workshop_with_building,
)  # fmt: skip
