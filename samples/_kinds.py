"""Bodies of the six kinds of incoming post, each a builder over a seeded RNG.

Each builder picks and orders paragraphs and fills in names, amounts and dates, so that
N letters of one kind differ in wording as well as in values (a classifier should not be
able to learn a single fixed template).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from samples import _words as w


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    street: str
    number: int
    plz: str
    place: str
    email: str
    phone: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def address(self) -> tuple[str, ...]:
        return (self.name, f"{self.street} {self.number}", f"{self.plz} {self.place}")


@dataclass(frozen=True)
class Body:
    """What differs between kinds; the letter frame around it is shared."""

    office: str  # the municipal office's number, part of the Aktenzeichen
    tag: str
    betreff: str
    paragraphs: list[str]
    sender: tuple[str, ...] | None = None  # None: the private person writes
    recipient: tuple[str, ...] | None = None  # None: the town hall


def pick(rng: random.Random, options: list[str], low: int, high: int) -> list[str]:
    """Choose between low and high paragraphs, keeping their logical order."""
    count = rng.randint(low, min(high, len(options)))
    chosen = sorted(rng.sample(range(len(options)), count))
    return [options[i] for i in chosen]


def bauantrag(rng: random.Random, p: Person, day: date) -> Body:
    filed = day - timedelta(days=rng.randint(40, 200))
    flur = f"{rng.randint(100, 2999)}/{rng.randint(1, 30)}"
    project = rng.choice(
        (
            "eines Einfamilienhauses mit Doppelgarage",
            "eines Carports mit Geräteraum",
            "eines Wintergartens an der Südseite des Wohnhauses",
            "einer Dachgaube zum Ausbau des Dachgeschosses",
            "eines Gartenhauses mit 24 m² Grundfläche",
            "eines Mehrfamilienhauses mit sechs Wohneinheiten",
        )
    )
    first = (
        f"am {w.german_date(filed)} habe ich bei Ihnen einen Bauantrag für die Errichtung "
        f"{project} auf dem Grundstück {p.street} {p.number} (Flurstück {flur}, Gemarkung "
        f"{p.place}) eingereicht. Bis heute habe ich leider weder eine Eingangsbestätigung "
        "noch eine Nachricht über den Stand des Verfahrens erhalten."
    )
    rest = [
        f"Die Bauvorlagen wurden vom Architekturbüro {rng.choice(w.LAST_NAMES)} & Partner "
        "vollständig zusammengestellt. Sollten dennoch Unterlagen fehlen, bitte ich um einen "
        "kurzen Hinweis, damit wir diese umgehend nachreichen können.",
        f"Da die Baufirma den Beginn der Arbeiten für {rng.choice(w.MONTHS)} eingeplant hat, "
        "sind wir auf eine zügige Entscheidung angewiesen. Eine Verzögerung würde zusätzliche "
        f"Kosten von voraussichtlich {w.german_amount(rng.randint(8, 90) * 250)} verursachen.",
        "Bitte teilen Sie mir mit, ob die Stellungnahmen der Nachbarn und des Straßenbauamts "
        "bereits vorliegen und wann mit der Baugenehmigung zu rechnen ist.",
        f"Für Rückfragen erreichen Sie mich werktags unter {p.phone} oder per E-Mail an {p.email}.",
    ]
    return Body(
        "63",
        "BA",
        f"Nachfrage zum Bauantrag vom {w.german_date(filed, long=False)}, Flurstück {flur}",
        [first, *pick(rng, rest, 2, 4)],
    )


def rechnung(rng: random.Random, p: Person, day: date) -> Body:
    company, job = rng.choice(w.COMPANIES)
    number = f"RE-{day.year}-{rng.randint(1000, 9999)}"
    items = [
        ("Arbeitsstunden Meister", "Std.", 68.50),
        ("Arbeitsstunden Geselle", "Std.", 54.00),
        ("Material laut Aufmaß", "pauschal", 1.0),
        ("Anfahrt und Fahrzeugkosten", "Stk.", 39.90),
        ("Entsorgung von Altmaterial", "m³", 82.00),
        ("Kleinteile und Befestigungsmaterial", "Stk.", 4.75),
    ]
    lines, net = [], 0.0
    for pos, (text, unit, price) in enumerate(rng.sample(items, rng.randint(3, 6)), 1):
        qty = rng.randint(1, 40) / 2 if unit != "pauschal" else 1
        price = price if unit != "pauschal" else rng.randint(80, 2400) + 0.5
        total = round(qty * price, 2)
        net += total
        amount = f"{qty:g}".replace(".", ",")
        lines.append(
            f"{pos}. {text}: {amount} {unit} à {w.german_amount(price)} = {w.german_amount(total)}"
        )
    vat = round(net * 0.19, 2)
    bank, bic = rng.choice(w.BANKS)
    pay = rng.choice((14, 30))
    paragraphs = [
        f"für die im Auftrag der Stadt {w.CITY} ausgeführten Arbeiten ({job}) berechnen wir "
        "Ihnen wie folgt:",
        "\n".join(lines),
        f"Nettobetrag: {w.german_amount(net)}\nzzgl. 19 % MwSt.: {w.german_amount(vat)}\n"
        f"Rechnungsbetrag: {w.german_amount(net + vat)}",
        f"Bitte überweisen Sie den Rechnungsbetrag innerhalb von {pay} Tagen ohne Abzug auf "
        f"unser Konto bei der {bank}, IBAN {w.iban(rng)}, BIC {bic}. Bitte geben Sie die "
        "Rechnungsnummer als Verwendungszweck an.",
        f"Leistungszeitraum: {w.german_date(day - timedelta(days=rng.randint(5, 40)), long=False)}"
        f" bis {w.german_date(day - timedelta(days=2), long=False)}. Bestellnummer der Stadt: "
        f"B-{rng.randint(10000, 99999)}.",
        "Wir bedanken uns für den Auftrag und die gute Zusammenarbeit.",
    ]
    sender = (
        company,
        f"{p.street} {p.number}",
        f"{p.plz} {p.place}",
        f"Tel. {p.phone}",
        f"USt-IdNr. DE{rng.randint(10**8, 10**9 - 1)}",
    )
    return Body("20", "RE", f"Rechnung Nr. {number}", paragraphs, sender=sender)


def widerspruch(rng: random.Random, p: Person, day: date) -> Body:
    issued = day - timedelta(days=rng.randint(5, 25))
    fee = rng.choice(
        (
            f"Abfallgebühren für das Jahr {day.year}",
            "Straßenreinigungsgebühren",
            "Abwassergebühren (Niederschlagswasser)",
            "Gebühren für die Sondernutzung öffentlicher Straßen",
        )
    )
    kz = f"{rng.randint(1000, 9999)}.{rng.randint(100000, 999999)}"
    area = rng.randint(300, 1200)
    reasons = [
        "Zur Begründung: Die festgesetzten Gebühren sind nicht nachvollziehbar. Der Berechnung "
        f"wurde eine Grundstücksfläche von {area} m² zugrunde gelegt, tatsächlich beträgt die "
        f"Fläche jedoch nur {area - rng.randint(40, 250)} m².",
        "Außerdem wurde ein 240-Liter-Gefäß für die Müllabfuhr berechnet, obwohl seit dem "
        f"{w.german_date(issued - timedelta(days=rng.randint(60, 400)))} nur noch eine "
        "120-Liter-Tonne genutzt wird. Die Änderung habe ich Ihnen damals schriftlich mitgeteilt.",
        "Die Gebührenerhöhung gegenüber dem Vorjahr um mehr als 20 Prozent wurde weder begründet "
        "noch im Amtsblatt öffentlich bekannt gemacht.",
    ]
    paragraphs = [
        f"hiermit lege ich gegen den Bescheid über {fee} in Höhe von "
        f"{w.german_amount(rng.randint(4000, 90000) / 100)} fristgerecht Widerspruch ein.",
        *pick(rng, reasons, 1, 3),
        "Ich beantrage, den Bescheid aufzuheben oder zu berichtigen und die Vollziehung bis zur "
        "Entscheidung über meinen Widerspruch auszusetzen.",
    ]
    if rng.random() < 0.6:
        paragraphs.append("Eine Kopie des Bescheids und meiner Änderungsmitteilung füge ich bei.")
    return Body(
        "20",
        "GB",
        f"Widerspruch gegen den Gebührenbescheid vom "
        f"{w.german_date(issued, long=False)}, Kassenzeichen {kz}",
        paragraphs,
    )


def beschwerde(rng: random.Random, p: Person, day: date) -> Body:
    street = rng.choice(w.STREETS)
    low = rng.randint(1, 40)
    repaired = w.german_amount(rng.randint(60, 480))
    reported = w.german_date(day - timedelta(days=rng.randint(31, 90)))
    fell = w.german_date(day - timedelta(days=rng.randint(3, 30)))
    details = [
        f"Am {fell} ist meine Tochter mit dem Fahrrad in eines dieser Löcher geraten und "
        "gestürzt. Sie wurde zum Glück nur leicht verletzt, die Reparatur des Fahrrads kostete "
        f"jedoch {repaired}.",
        "Auch der Gehweg ist an mehreren Stellen abgesackt; für ältere Menschen mit Rollator und "
        "für Eltern mit Kinderwagen ist er kaum noch zu benutzen. Bei Dunkelheit ist die Straße "
        "wegen einer defekten Straßenlaterne zusätzlich gefährlich.",
        f"Ich habe den Schaden bereits am {reported} telefonisch beim Bürgerbüro gemeldet, "
        "seither ist jedoch nichts geschehen.",
    ]
    after = [
        "Fotos der Schadstellen füge ich bei. Über eine kurze Rückmeldung, bis wann mit einer "
        "Reparatur zu rechnen ist, würde ich mich freuen.",
        "Ich behalte mir vor, Schadensersatz für die entstandenen Kosten geltend zu machen.",
    ]
    paragraphs = [
        f"ich möchte Sie auf den schlechten Zustand der {street} zwischen Hausnummer {low} und "
        f"{low + rng.randint(4, 30)} aufmerksam machen. Seit dem Winter haben sich dort mehrere "
        f"Schlaglöcher gebildet, die inzwischen bis zu {rng.randint(5, 15)} Zentimeter tief sind.",
        *pick(rng, details, 1, 3),
        "Ich bitte Sie daher dringend, die Straßenschäden zu beheben oder die Stelle zumindest "
        "abzusichern.",
        *pick(rng, after, 0, 2),
    ]
    return Body("66", "TB", f"Beschwerde über Straßenschäden in der {street}", paragraphs)


def gewerbe(rng: random.Random, p: Person, day: date) -> Body:
    business, activity = rng.choice(
        (
            ("Café Süßes Glück", "den Betrieb eines Cafés ohne Alkoholausschank"),
            (f"Hausmeisterservice {p.last}", "Hausmeisterdienste und Gartenpflege"),
            ("Bücherstube Online", "den Internethandel mit gebrauchten Büchern"),
            ("Friseursalon Haarmonie", "Friseurdienstleistungen und Kosmetik"),
            ("Fahrradwerkstatt Drahtesel", "Reparatur und Verkauf von Fahrrädern"),
            (f"Übersetzungsbüro {p.last}", "Übersetzungen und Dolmetschen (Deutsch, Türkisch)"),
        )
    )
    start = day + timedelta(days=rng.randint(7, 45))
    paragraphs = [
        f"hiermit melde ich zum {w.german_date(start)} folgendes Gewerbe an: {business}. "
        f"Betriebsstätte ist {rng.choice(w.STREETS)} {rng.randint(1, 90)}, {w.CITY_PLZ} {w.CITY}.",
        f"Die Tätigkeit umfasst {activity}. Das Gewerbe wird im "
        f"{rng.choice(('Haupterwerb', 'Nebenerwerb'))} als Einzelunternehmen betrieben.",
        f"Bei Betriebsbeginn werden {rng.randint(1, 4)} Vollzeit- und {rng.randint(0, 6)} "
        "Teilzeitkräfte beschäftigt.",
        "Den ausgefüllten Vordruck GewA 1 und eine Kopie meines Personalausweises lege ich bei. "
        f"Die Gebühr von {w.german_amount(rng.choice((26, 31, 40)))} habe ich überwiesen.",
        "Bitte senden Sie mir die Bestätigung der Gewerbeanmeldung an die oben genannte Anschrift.",
    ]
    return Body("32", "GEW", f"Gewerbeanmeldung – {business}", paragraphs)


def gemeinderat(rng: random.Random, p: Person, day: date) -> Body:
    fraktion = rng.choice(("CDU", "SPD", "Bündnis 90/Die Grünen", "Freie Wähler", "FDP"))
    topic = rng.choice(
        (
            "Sanierung der Grundschule Am Mühlbach",
            "Radwegenetz in der Innenstadt",
            "Kosten der Straßenbeleuchtung",
            f"Kita-Plätze für das Jahr {day.year + 1}",
            "Entwicklung der Abfallgebühren",
        )
    )
    questions = [
        "Wie hoch sind die bisher angefallenen Kosten, und wie verhalten sie sich zu den im "
        f"Haushalt {day.year} veranschlagten {w.german_amount(rng.randint(5, 400) * 1000)}?",
        f"Welche Maßnahmen sind für die Jahre {day.year + 1} und {day.year + 2} geplant, und in "
        "welcher Reihenfolge sollen sie umgesetzt werden?",
        "Wurden Fördermittel des Landes beantragt? Wenn ja, in welcher Höhe und mit welchem "
        "Ergebnis?",
        "Wie viele Beschwerden von Bürgerinnen und Bürgern sind hierzu seit Jahresbeginn bei der "
        "Verwaltung eingegangen?",
        "Welche Personalstellen sind für diese Aufgabe vorgesehen, und sind sie derzeit besetzt?",
    ]
    asked = pick(rng, questions, 2, 5)
    paragraphs = [
        f"die Fraktion {fraktion} bittet um schriftliche Beantwortung der folgenden Fragen zum "
        f"Thema „{topic}“:",
        "\n".join(f"{i}. {q}" for i, q in enumerate(asked, 1)),
        "Wir bitten darum, die Antwort auch den übrigen Fraktionen zur Verfügung zu stellen und "
        "das Thema in der nächsten Sitzung des Bau- und Umweltausschusses zu beraten.",
    ]
    sender = (
        f"Fraktion {fraktion} im Gemeinderat der Stadt {w.CITY}",
        p.name,
        "Fraktionsvorsitz",
        f"{p.street} {p.number}",
        f"{p.plz} {p.place}",
    )
    recipient = (f"An den Oberbürgermeister der Stadt {w.CITY}", w.MAYOR, *w.TOWN_HALL[1:])
    return Body(
        "10",
        "GR",
        f"Anfrage gemäß § 24 Abs. 4 GemO: {topic}",
        paragraphs,
        sender=sender,
        recipient=recipient,
    )


BUILDERS = {
    "bauantrag": bauantrag,
    "rechnung": rechnung,
    "widerspruch": widerspruch,
    "beschwerde": beschwerde,
    "gewerbe": gewerbe,
    "gemeinderat": gemeinderat,
}
