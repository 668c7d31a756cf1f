"""Templates for objections to the city's notices (type ``widerspruch``).

Hard cases quote words of other types: a Gebührenbescheid called a "Rechnung" with its
amount, the refusal of a Bauantrag, a ban on a Gewerbe, a road-building levy that talks
about potholes. What makes them objections is that the writer wants a decision reviewed.
"""

from __future__ import annotations

from samples import _words as w
from samples.corpus.base import Ctx, Draft, Template, fields, in_street
from samples.corpus.vocab import BESCHEIDE, BUSINESSES, LAW_FIRMS


def _bescheid(c: Ctx) -> tuple[str, str, str]:
    about, name, office = c.pick(BESCHEIDE)
    return about, name, office


def _objection_fees(c: Ctx) -> Draft:
    about, name, office = _bescheid(c)
    issued, kz = c.before(5, 25, long=False), c.kassenzeichen()
    area = c.num(300, 1200)
    reasons = [
        f"Der Berechnung wurde eine Fläche von {area} m² zugrunde gelegt, tatsächlich sind es "
        f"nur {area - c.num(40, 250)} m².",
        f"Die Erhöhung gegenüber dem Vorjahr um {c.num(12, 45)} Prozent ist weder begründet noch "
        "nachvollziehbar.",
        f"Seit dem {c.before(60, 400)} nutze ich das Grundstück nicht mehr selbst; die Änderung "
        "habe ich Ihnen schriftlich mitgeteilt.",
        "Der Bescheid enthält keine nachvollziehbare Berechnung, sodass ich ihn nicht prüfen kann.",
    ]
    body = [
        c.pick(
            (
                f"hiermit lege ich gegen Ihren Bescheid vom {issued} über {about} fristgerecht "
                "Widerspruch ein.",
                f"gegen den {name} vom {issued} (Kassenzeichen {kz}) erhebe ich Widerspruch.",
            )
        ),
        "Begründung:",
        *c.some(reasons, 1, 3),
        "Ich beantrage, den Bescheid aufzuheben und neu zu berechnen.",
    ]
    return Draft(
        f"Widerspruch gegen den {name} vom {issued}",
        body,
        office=office,
        reference=f"Kassenzeichen: {kz}",
        attachments=("Kopie des Bescheids",) if c.chance(0.5) else (),
    )


def _objection_lawyer(c: Ctx) -> Draft:
    about, name, _ = _bescheid(c)
    client = c.other()
    firm = c.pick(LAW_FIRMS)
    body = [
        f"wir zeigen an, dass wir {client.name}, {client.street} {client.number}, {client.plz} "
        f"{client.place}, anwaltlich vertreten. Eine auf uns lautende Vollmacht ist beigefügt.",
        f"Namens und in Vollmacht unserer Mandantschaft legen wir gegen den {name} vom "
        f"{c.before(7, 28)} Widerspruch ein.",
        "Zugleich beantragen wir Akteneinsicht gemäß § 29 VwVfG durch Übersendung der "
        "Verwaltungsakte in unsere Kanzleiräume. Eine Begründung des Widerspruchs bleibt einem "
        "gesonderten Schriftsatz nach Einsicht in die Akte vorbehalten.",
    ]
    if c.chance(0.6):
        body.append(
            "Wir beantragen ferner, die Vollziehung des Bescheids gemäß § 80 Abs. 4 VwGO bis zur "
            "Entscheidung über den Widerspruch auszusetzen."
        )
    return Draft(
        f"Widerspruch {client.last} ./. Stadt {w.CITY} – {about}",
        body,
        sender=c.company_sender(firm),
        signer=f"{c.person.name}, Rechtsanwalt/Rechtsanwältin",
        office="recht",
        reference=f"Unser Zeichen: {c.num(10, 999)}/{c.day.year % 100}",
        attachments=("Vollmacht",),
    )


def _objection_mail_short(c: Ctx) -> Draft:
    about, name, office = _bescheid(c)
    body = [
        c.pick(
            (
                f"ich bin mit dem {name} nicht einverstanden und lege hiermit Widerspruch ein.",
                f"gegen den bescheid über {about} vom {c.before(5, 25, long=False)} lege ich "
                "widerspruch ein.",
            )
        ),
        c.pick(
            (
                f"Der Betrag von {c.euro(40, 900)} ist viel zu hoch, ich habe im letzten Jahr "
                "deutlich weniger bezahlt.",
                "Die Begründung reiche ich nach, sobald ich meine Unterlagen zusammen habe.",
                "Das kann so nicht stimmen, bitte prüfen Sie das nochmal.",
            )
        ),
    ]
    if c.chance(0.5):
        body.append(f"Kassenzeichen ist {c.kassenzeichen()}.")
    return Draft(f"Widerspruch {name}", body, style="email", office=office)


def _objection_called_invoice(c: Ctx) -> Draft:
    about, _, office = _bescheid(c)
    amount = c.euro(80, 1400)
    body = [
        c.pick(
            (
                f"heute habe ich Ihre Rechnung über {about} in Höhe von {amount} erhalten. "
                "Gegen diese Rechnung lege ich Widerspruch ein.",
                f"mit Ihrer „Rechnung“ vom {c.before(5, 20)} verlangen Sie {amount} für "
                f"{about}. Dagegen erhebe ich Widerspruch.",
            )
        ),
        c.pick(
            (
                "Die Rechnung ist falsch, weil Sie das Gefäß doppelt berechnet haben. Bitte "
                "schicken Sie mir eine korrigierte Rechnung bzw. einen neuen Bescheid.",
                f"Ich habe die Rechnung vom Vorjahr über {c.euro(50, 700)} pünktlich bezahlt; die "
                "neue Forderung ist fast doppelt so hoch und nicht begründet.",
            )
        ),
        "Bis zur Entscheidung über meinen Widerspruch werde ich den Betrag nicht überweisen. "
        "Bitte setzen Sie die Mahnung aus.",
    ]
    return Draft(
        c.pick((f"Widerspruch gegen Rechnung {c.kassenzeichen()}", "Ihre Rechnung – Widerspruch")),
        body,
        style=c.pick(("brief", "brief", "email")),
        office=office,
        hard=True,
    )


def _objection_building_refusal(c: Ctx) -> Draft:
    project = c.pick(("eines Carports", "eines Gartenhauses", "einer Dachgaube", "eines Anbaus"))
    az = c.aktenzeichen("63")
    body = [
        f"gegen den Bescheid vom {c.before(7, 28)}, mit dem Sie meinen Bauantrag für die "
        f"Errichtung {project} auf dem Grundstück {c.street()} abgelehnt haben, lege ich "
        "Widerspruch ein.",
        c.pick(
            (
                "Die Ablehnung stützt sich darauf, dass sich das Vorhaben nicht in die Umgebung "
                "einfüge. In der Nachbarschaft stehen jedoch mindestens vier vergleichbare "
                "Bauten, die genehmigt wurden.",
                "Sie haben die Abstandsflächen falsch berechnet. Nach den eingereichten "
                "Bauvorlagen hält das Vorhaben zu allen Grenzen mindestens 3 m ein.",
            )
        ),
        "Ich beantrage, den Ablehnungsbescheid aufzuheben und die Baugenehmigung zu erteilen. "
        "Hilfsweise bitte ich um ein Gespräch über eine geänderte Planung.",
    ]
    return Draft(
        f"Widerspruch gegen die Ablehnung meines Bauantrags, Az. {az}",
        body,
        office=c.pick(("bau", "recht")),
        reference=f"Ihr Zeichen: {az}",
        hard=True,
    )


def _objection_business(c: Ctx) -> Draft:
    pattern, activity, permit = c.pick(BUSINESSES)
    business = pattern.format(last=c.person.last, first=c.person.first)
    decisions = ["die Untersagung meines Gewerbes nach § 35 GewO"]
    if "Gaststätte" in activity or "Café" in pattern:
        decisions += ["die Ablehnung meines Antrags auf Sperrzeitverkürzung"]
        decisions += ["die Ablehnung der Sondernutzungserlaubnis für die Außenbestuhlung"]
    if permit:
        decisions += ["die Versagung der beantragten Erlaubnis"]
    decision = c.pick(decisions)
    body = [
        f"gegen {decision} vom {c.before(7, 28)} lege ich als Inhaber/in des Betriebs "
        f"„{business}“ Widerspruch ein.",
        f"Mein Gewerbe ({activity}) ist seit {c.day.year - c.num(1, 12)} ordnungsgemäß angemeldet; "
        "Beschwerden oder Verstöße hat es bisher nicht gegeben.",
        "Die Entscheidung gefährdet die Existenz meines Betriebs und die Arbeitsplätze meiner "
        "Beschäftigten. Ich bitte um Aufhebung und um einen Gesprächstermin.",
    ]
    return Draft(
        f"Widerspruch – {business}",
        body,
        office=c.pick(("ordnung", "recht")),
        reference=f"Ihr Zeichen: {c.aktenzeichen('32')}",
        hard=True,
    )


_TAX_REASONS = (
    ("Grundsteuer", "Der festgesetzte Messbetrag beruht auf einem Grundlagenbescheid des "
     "Finanzamts, gegen den ich ebenfalls Einspruch eingelegt habe.", 2400),
    ("Hundesteuer", "Der Hund ist bereits im Frühjahr verstorben; die Abmeldung liegt Ihnen vor.",
     600),
    ("Zweitwohnungsteuer", "Die Wohnung wird ausschließlich beruflich genutzt und ist daher "
     "keine Zweitwohnung im Sinne der Satzung.", 3000),
    ("Gewerbesteuer", "Der Gewerbeertrag wurde doppelt angesetzt; die berichtigte Erklärung "
     "liegt bei.", 60000),
)  # fmt: skip


def _objection_tax_suspension(c: Ctx) -> Draft:
    tax, reason, high = c.pick(_TAX_REASONS)
    amount = c.euro(40, high)
    body = [
        f"gegen den {tax}bescheid {c.day.year} vom {c.before(5, 25)} über {amount} lege ich "
        "Widerspruch ein und beantrage die Aussetzung der Vollziehung.",
        reason,
        "Es bestehen ernstliche Zweifel an der Rechtmäßigkeit des Bescheids. Ich bitte, von "
        "Vollstreckungsmaßnahmen bis zur Entscheidung abzusehen.",
    ]
    return Draft(
        f"Widerspruch und Antrag auf Aussetzung der Vollziehung – {tax} {c.day.year}",
        body,
        office="kaemmerei",
        reference=f"Steuernummer/Kassenzeichen: {c.kassenzeichen()}",
    )


def _objection_kita(c: Ctx) -> Draft:
    child = c.pick(w.FIRST_NAMES)
    body = [
        f"für unser Kind {child} {c.person.last} haben wir den Beitragsbescheid vom "
        f"{c.before(5, 25)} erhalten. Hiergegen legen wir Widerspruch ein.",
        c.pick(
            (
                "Der Bescheid geht von einem Familieneinkommen von "
                f"{c.euro(50000, 90000)} aus; tatsächlich beträgt es nur {c.euro(30000, 49000)}. "
                "Die Einkommensnachweise fügen wir bei.",
                "Das Geschwisterkind, das ebenfalls eine städtische Einrichtung besucht, wurde "
                "bei der Staffelung nicht berücksichtigt.",
                "Unser Kind besucht die Einrichtung erst seit dem "
                f"{c.before(20, 60)}, berechnet wurde aber der volle Monat.",
            )
        ),
        "Wir bitten um Überprüfung und Neufestsetzung des Elternbeitrags.",
    ]
    return Draft(
        "Widerspruch gegen den Elternbeitragsbescheid",
        body,
        office="haupt",
        attachments=("Einkommensnachweise",) if c.chance(0.6) else (),
    )


def _objection_road_levy(c: Ctx) -> Draft:
    street = c.pick(w.STREETS)
    body = [
        f"gegen den Bescheid über den Straßenausbaubeitrag für den Ausbau {in_street(street)} vom "
        f"{c.before(5, 25)} in Höhe von {c.euro(2000, 28000)} lege ich Widerspruch ein.",
        c.pick(
            (
                "Die Straße war vor dem Ausbau nicht schadhaft. Die wenigen Schlaglöcher hätten "
                "mit einer einfachen Reparatur beseitigt werden können; ein Vollausbau war nicht "
                "erforderlich.",
                "Mein Grundstück grenzt nur mit der Rückseite an die Straße und hat dorthin "
                "keine Zufahrt. Es hat daher keinen beitragspflichtigen Vorteil.",
            )
        ),
        "Außerdem wurden die Kosten für die neue Straßenbeleuchtung und den Gehweg vollständig "
        "umgelegt, obwohl diese überwiegend dem Durchgangsverkehr dienen.",
        "Ich beantrage, den Beitragsbescheid aufzuheben.",
    ]
    return Draft(
        f"Widerspruch gegen den Ausbaubeitragsbescheid – {street}",
        body,
        office=c.pick(("tiefbau", "recht", "kasse")),
        hard=True,
    )


def _objection_form(c: Ctx) -> Draft:
    about, name, _ = _bescheid(c)
    body = [
        fields(
            [
                ("Widerspruchsführer/in", c.person.name),
                (
                    "Anschrift",
                    f"{c.person.street} {c.person.number}, {c.person.plz} {c.person.place}",
                ),
                ("Angefochtener Bescheid", f"{name} vom {c.before(5, 25, long=False)}"),
                ("Kassenzeichen", c.kassenzeichen()),
                ("Festgesetzter Betrag", c.euro(30, 3000)),
            ]
        ),
        "Begründung: "
        + c.pick(
            (
                f"Die Festsetzung für {about} ist zu hoch; die Berechnungsgrundlage stimmt nicht.",
                "Der Bescheid ist an mich gerichtet, schuldet aber seit dem Vorjahr mein Sohn.",
                "Die Ermäßigung für Alleinerziehende wurde nicht berücksichtigt.",
            )
        ),
        "Antrag: Aufhebung des Bescheids [x]   Neuberechnung [ ]   Aussetzung der Vollziehung [ ]",
    ]
    return Draft("Widerspruch gegen einen Bescheid", body, style="form", signer=c.person.name)


TEMPLATES: tuple[Template, ...] = (
    _objection_fees, _objection_lawyer, _objection_mail_short, _objection_called_invoice,
    _objection_building_refusal, _objection_business, _objection_tax_suspension,
    _objection_kita, _objection_road_levy, _objection_form,
)  # fmt: skip
