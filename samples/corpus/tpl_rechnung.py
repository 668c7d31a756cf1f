"""Templates for invoices, payment reminders and dunning letters (type ``rechnung``).

Hard cases are invoices whose subject belongs to another type: road repairs after reported
Straßenschäden, a job advertisement, catering for a council meeting, a construction
project, a subscription that mentions its Kündigung. What makes them invoices is that
they ask for payment of a service.
"""

from __future__ import annotations

from samples import _words as w
from samples.corpus.base import (
    Ctx,
    Draft,
    Template,
    fields,
    german_amount,
    in_street,
    numbered,
)
from samples.corpus.vocab import JOBS, SUPPLIERS


def _positions(c: Ctx, items: tuple[str, ...] | list[str]) -> tuple[list[str], float]:
    """Invoice lines with quantities and prices, and their net sum."""
    lines, net = [], 0.0
    for pos, text in enumerate(c.shuffled(items, c.num(2, len(items))), 1):
        qty = c.num(1, 40) / 2
        price = c.num(450, 18000) / 100
        total = round(qty * price, 2)
        net += total
        amount = f"{qty:g}".replace(".", ",")
        lines.append(f"{pos}. {text}: {amount} × {german_amount(price)} = {german_amount(total)}")
    return lines, round(net, 2)


def _totals(net: float) -> str:
    vat = round(net * 0.19, 2)
    return (
        f"Nettobetrag: {german_amount(net)}\nzzgl. 19 % USt.: {german_amount(vat)}\n"
        f"Gesamtbetrag: {german_amount(net + vat)}"
    )


def _payment(c: Ctx) -> str:
    bank, bic = c.pick(w.BANKS)
    days = c.pick((10, 14, 14, 30))
    return c.pick(
        (
            f"Bitte überweisen Sie den Betrag innerhalb von {days} Tagen ohne Abzug auf unser "
            f"Konto bei der {bank}, IBAN {c.iban()}, BIC {bic}.",
            f"Zahlbar bis zum {c.after(days, days, long=False)} ohne Abzug. Bankverbindung: "
            f"{bank}, IBAN {c.iban()}.",
            "Der Rechnungsbetrag ist sofort fällig. Bei Zahlung innerhalb von 8 Tagen gewähren "
            f"wir 2 % Skonto. IBAN {c.iban()} ({bank}).",
        )
    )


def _invoice_classic(c: Ctx) -> Draft:
    company, trade, items = c.pick(SUPPLIERS)
    lines, net = _positions(c, items)
    number = c.number("RE")
    opening = c.pick(
        (
            f"für die im Auftrag der Stadt {w.CITY} erbrachten Leistungen ({trade}) berechnen "
            "wir Ihnen wie folgt:",
            f"wir bedanken uns für Ihren Auftrag vom {c.before(20, 60)} und stellen Ihnen "
            "folgende Leistungen in Rechnung:",
            "vereinbarungsgemäß berechnen wir:",
        )
    )
    body = [opening, "\n".join(lines), _totals(net), _payment(c)]
    body += c.some(
        [
            f"Leistungszeitraum: {c.before(15, 45, long=False)} bis {c.before(2, 10, long=False)}.",
            f"Bitte geben Sie bei der Zahlung die Rechnungsnummer {number} an.",
            "Wir danken für die gute Zusammenarbeit.",
        ],
        1,
        3,
    )
    reference = f"Ihre Bestellung: B-{c.num(10000, 99999)}" if c.chance(0.6) else None
    return Draft(
        f"Rechnung Nr. {number}",
        body,
        sender=c.company_sender(company),
        signer=f"i. A. {c.person.name}",
        office="kasse",
        reference=reference,
    )


def _reminder_friendly(c: Ctx) -> Draft:
    company, trade, _ = c.pick(SUPPLIERS)
    number, amount = c.number("RE"), c.euro(90, 8000)
    body = [
        c.pick(
            (
                "sicher ist es Ihrer Aufmerksamkeit entgangen, dass unsere Rechnung noch "
                "offen ist:",
                "bei der Durchsicht unserer Buchhaltung ist uns aufgefallen, dass folgende "
                "Rechnung noch nicht beglichen wurde:",
            )
        ),
        f"Rechnung Nr. {number} vom {c.before(30, 60, long=False)} über {amount} ({trade})",
        f"Wir bitten Sie, den offenen Betrag bis zum {c.after(7, 14)} zu überweisen. "
        "Sollte sich Ihre Zahlung mit diesem Schreiben überschnitten haben, betrachten Sie es "
        "bitte als gegenstandslos.",
    ]
    return Draft(
        c.pick(("Zahlungserinnerung", f"Zahlungserinnerung zur Rechnung {number}")),
        body,
        sender=c.company_sender(company),
        signer=f"{c.person.name}, Buchhaltung",
        office="kasse",
    )


def _dunning(c: Ctx) -> Draft:
    company, _, _ = c.pick(SUPPLIERS)
    stage = c.pick(("2. Mahnung", "3. Mahnung", "Letzte Mahnung vor Übergabe an das Inkasso"))
    base = c.num(200, 9000)
    fee, interest = c.pick((5.0, 7.5, 10.0)), round(base * 0.0012 * c.num(10, 60), 2)
    table = fields(
        [
            ("Rechnung", f"{c.number('RE')} vom {c.before(60, 120, long=False)}"),
            ("Offener Betrag", german_amount(base)),
            ("Mahngebühr", german_amount(fee)),
            ("Verzugszinsen", german_amount(interest)),
            ("Gesamtforderung", german_amount(base + fee + interest)),
        ]
    )
    body = [
        "trotz unserer Zahlungserinnerung konnten wir bis heute keinen Zahlungseingang "
        "feststellen. Wir fordern Sie daher auf, den folgenden Betrag umgehend zu begleichen:",
        table,
        c.pick(
            (
                f"Sollte der Betrag nicht bis zum {c.after(5, 10)} bei uns eingehen, werden wir "
                "ohne weitere Ankündigung das gerichtliche Mahnverfahren einleiten.",
                "Nach fruchtlosem Fristablauf übergeben wir die Forderung einem Inkassobüro; die "
                "dadurch entstehenden Kosten gehen zu Ihren Lasten.",
            )
        ),
        _payment(c),
    ]
    return Draft(stage, body, sender=c.company_sender(company), office="kasse")


def _invoice_mail(c: Ctx) -> Draft:
    company, trade, _ = c.pick(SUPPLIERS)
    number = c.number(c.pick(("RE", "R", "RG")))
    body = [
        c.pick(
            (
                f"anbei erhalten Sie unsere Rechnung Nr. {number} über {c.euro(60, 6000)} "
                f"für {trade} als PDF.",
                f"im Anhang senden wir Ihnen die Rechnung {number} für die Leistungen im "
                f"{w.MONTHS[c.day.month - 1]} (Betrag: {c.euro(60, 6000)}).",
            )
        ),
        c.pick(
            (
                f"Bitte begleichen Sie den Betrag bis zum {c.after(14, 30, long=False)}.",
                "Zahlungsziel: 14 Tage netto.",
                "Bitte überweisen Sie unter Angabe der Rechnungsnummer.",
            )
        ),
    ]
    if c.chance(0.5):
        body.append("Bei Rückfragen zur Rechnung stehen wir gern zur Verfügung.")
    return Draft(
        f"Rechnung {number}",
        body,
        style="email",
        sender=(company,),
        signer=f"{c.person.name}, Buchhaltung",
        office="kasse",
        attachments=(f"{number}.pdf",),
    )


def _invoice_form(c: Ctx) -> Draft:
    company, _, items = c.pick(SUPPLIERS)
    lines, net = _positions(c, items)
    head = fields(
        [
            ("Rechnungsnummer", c.number("RE")),
            ("Rechnungsdatum", c.today(long=False)),
            ("Kundennummer", str(c.num(10000, 99999))),
            ("Lieferdatum", c.before(3, 20, long=False)),
            ("Rechnungsempfänger", f"Stadt {w.CITY}, Rathausplatz 1"),
        ]
    )
    body = [company, head, "Pos. Bezeichnung Menge Einzelpreis Gesamt", "\n".join(lines)]
    body += [_totals(net), _payment(c)]
    return Draft("Rechnung", body, style="form", sender=(company,))


def _invoice_road_repair(c: Ctx) -> Draft:
    street, street2 = c.pick(w.STREETS), c.pick(w.STREETS)
    items = [
        f"Schlaglöcher {in_street(street)} mit Heißasphalt geschlossen",
        f"Gehwegplatten vor Haus Nr. {c.num(1, 90)}, {street2}, neu verlegt",
        "Verkehrssicherung der Schadstelle, 3 Tage",
        f"Frostschäden {in_street(street2)} gefräst und neu asphaltiert",
        "Absackung am Kanaldeckel reguliert",
    ]
    lines, net = _positions(c, items)
    body = [
        c.pick(
            (
                "auf Ihren Auftrag hin haben wir die von Anwohnern gemeldeten Straßenschäden "
                "beseitigt und berechnen:",
                f"nach der Meldung der Schäden durch das Tiefbauamt ({c.staff()}) haben wir die "
                "folgenden Reparaturen ausgeführt:",
            )
        ),
        "\n".join(lines),
        _totals(net),
        _payment(c),
        "Die Abnahme der Arbeiten erfolgte vor Ort; das Aufmaß liegt bei.",
    ]
    return Draft(
        f"Rechnung Nr. {c.number('RE')} – Beseitigung von Straßenschäden",
        body,
        sender=c.company_sender("Straßenbau Grün & Söhne KG"),
        office="tiefbau",
        reference=f"Auftrag Nr. TB-{c.num(100, 999)}",
        hard=True,
    )


def _invoice_job_ad(c: Ctx) -> Draft:
    title, office, _ = c.pick(JOBS)
    runs = c.num(1, 3)
    price = c.num(400, 2200)
    body = [
        f"für die Veröffentlichung Ihrer Stellenanzeige „{title}“ ({office}) berechnen wir:",
        numbered(
            [
                f"Anzeige im Lindenauer Anzeiger, {runs}× Samstagsausgabe: "
                f"{german_amount(price * runs)}",
                f"Online-Schaltung im Stellenportal, 30 Tage: {german_amount(390)}",
                f"Bewerbermanagement (Weiterleitung von {c.num(5, 60)} Bewerbungen): "
                f"{german_amount(c.num(50, 250))}",
            ][: c.num(2, 3)]
        ),
        "Alle Preise zuzüglich 19 % Umsatzsteuer. " + _payment(c),
        c.pick(
            (
                "Wir wünschen Ihnen viele passende Bewerbungen.",
                "Gern veröffentlichen wir auch Ihre nächsten Stellenausschreibungen.",
            )
        ),
    ]
    return Draft(
        f"Rechnung {c.number('AZ')} – Stellenanzeige",
        body,
        sender=c.company_sender("Lindenauer Anzeiger Verlags-GmbH"),
        office="personal",
        hard=True,
    )


def _invoice_catering(c: Ctx) -> Draft:
    guests = c.num(18, 45)
    per_head = c.num(900, 2600) / 100
    net = round(guests * per_head + c.num(40, 180), 2)
    meeting = c.pick(("des Gemeinderats", "des Bau- und Umweltausschusses", "der Haushaltsklausur"))
    body = [
        f"für die Bewirtung der Sitzung {meeting} am {c.before(3, 20)} im großen Sitzungssaal "
        "des Rathauses erlauben wir uns zu berechnen:",
        f"{guests} Personen × Tagungspauschale {german_amount(per_head)} "
        f"(Kaffee, Kaltgetränke, belegte Brötchen)\nService und Geschirr pauschal",
        _totals(net),
        _payment(c),
    ]
    if c.chance(0.5):
        body.insert(
            1, "Die Sitzung dauerte laut Tagesordnung bis 22 Uhr; die Mehrstunde ist enthalten."
        )
    return Draft(
        f"Rechnung Nr. {c.number('C')}",
        body,
        sender=c.company_sender(c.pick(("Partyservice Lehmann", "Catering Vogel & Töchter"))),
        office="rat",
        hard=True,
    )


def _invoice_construction_partial(c: Ctx) -> Draft:
    project = c.pick(
        ("Sanierung Grundschule Am Mühlbach", "Neubau Feuerwache Weißach", "Umbau Bürgerhaus")
    )
    share, total = c.num(20, 80), c.num(150, 2000) * 1000
    done = round(total * share / 100, 2)
    paid = round(done * c.num(30, 80) / 100, 2)
    body = [
        f"gemäß § 16 VOB/B stellen wir für das Bauvorhaben „{project}“ unsere "
        f"{c.num(2, 6)}. Abschlagsrechnung.",
        fields(
            [
                ("Auftragssumme", german_amount(total)),
                (f"Leistungsstand ({share} %)", german_amount(done)),
                ("abzüglich bisherige Abschläge", german_amount(paid)),
                ("abzüglich Sicherheitseinbehalt 5 %", german_amount(round(done * 0.05, 2))),
                ("Zahlbetrag netto", german_amount(round(done * 0.95 - paid, 2))),
            ]
        ),
        "Der Leistungsstand ist im beigefügten Aufmaß nachgewiesen und wurde von der Bauleitung "
        "geprüft. Die Baugenehmigung und der Bauzeitenplan bleiben unverändert.",
        _payment(c),
    ]
    return Draft(
        f"Abschlagsrechnung – Bauvorhaben {project}",
        body,
        sender=c.company_sender(c.pick(("Bauunternehmung Kühn GmbH", "Hoch- und Tiefbau Wolf AG"))),
        signer=f"{c.person.name}, Bauleitung",
        office="kaemmerei",
        attachments=("Aufmaß", "Bautagesberichte"),
        hard=True,
    )


def _invoice_subscription(c: Ctx) -> Draft:
    product = c.pick(
        (
            "Fachzeitschrift „Der Gemeindehaushalt“, Jahresabonnement",
            "Lizenz Ratsinformationssystem, 12 Monate",
            "Online-Datenbank Kommunalrecht, 5 Zugänge",
        )
    )
    body = [
        f"für den Bezugszeitraum {c.day.year + 1} berechnen wir Ihnen: {product}, "
        f"{c.euro(180, 4800)} zzgl. USt.",
        _payment(c),
        c.pick(
            (
                "Das Abonnement verlängert sich automatisch um ein Jahr, wenn es nicht drei "
                "Monate vor Ablauf gekündigt wird.",
                "Eine Kündigung ist jeweils zum Ende der Laufzeit möglich; bis dahin bleibt die "
                "Rechnung fällig.",
            )
        ),
    ]
    return Draft(
        f"Jahresrechnung {c.day.year + 1}, Kundennummer {c.num(100000, 999999)}",
        body,
        sender=c.company_sender("Kommunalverlag Südwest GmbH"),
        office="kaemmerei",
        hard=True,
    )


TEMPLATES: tuple[Template, ...] = (
    _invoice_classic, _reminder_friendly, _dunning, _invoice_mail, _invoice_form,
    _invoice_road_repair, _invoice_job_ad, _invoice_catering,
    _invoice_construction_partial, _invoice_subscription,
)  # fmt: skip
