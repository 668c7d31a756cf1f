"""Word lists and German number/date formatting for the generated letters.

Everything here is invented or common vocabulary, so the generated documents carry no
third-party licence and no real person's data.
"""

from __future__ import annotations

import random
from datetime import date

CITY = "Lindenau"
CITY_PLZ = "79312"
TOWN_HALL = ("Stadtverwaltung Lindenau", "Rathausplatz 1", f"{CITY_PLZ} {CITY}")
MAYOR = "Herrn Oberbürgermeister Dr. Peter Hartmann"

FIRST_NAMES = (
    "Anna", "Thomas", "Jürgen", "Sabine", "Özlem", "Günter", "Brigitte", "Stefan", "Maria",
    "Klaus", "Ursula", "Mehmet", "Katharina", "Björn", "Hannelore", "Lukas", "Sophie",
    "Dieter", "Jörg", "Bärbel", "Andreas", "Renate", "Frank", "Julia",
)  # fmt: skip
LAST_NAMES = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weiß", "Schäfer", "Köhler", "Groß",
    "Hoffmann", "Krüger", "Böhm", "Meyer", "Wagner", "Becker", "Öztürk", "Lehmann",
    "Schröder", "Jäger", "Braun", "Hübner", "Wolf", "Zimmermann", "Kühn", "Vogel",
)  # fmt: skip
STREETS = (
    "Hauptstraße", "Bahnhofstraße", "Goethestraße", "Schillerstraße", "Lindenallee",
    "Am Mühlbach", "Gartenweg", "Kirchplatz", "Bergstraße", "Rosenweg", "Marktstraße",
    "Friedrich-Ebert-Straße", "Schloßallee", "Über der Aue", "Ölmühlenweg", "Brückenstraße",
    "Weinbergstraße", "Schulstraße", "Talstraße", "Käthe-Kollwitz-Straße",
)  # fmt: skip
PLACES = (
    (CITY_PLZ, CITY), (CITY_PLZ, CITY), (CITY_PLZ, CITY), ("79315", "Lindenau-Süd"),
    ("79318", "Weißach"), ("79321", "Bühlertal"), ("79324", "Großbärenbach"),
    ("79330", "Oberkirchheim"),
)  # fmt: skip
COMPANIES = (
    ("Elektro Köhler GmbH", "Elektroinstallation im Rathaus"),
    ("Straßenbau Grün & Söhne KG", "Ausbesserung von Straßenschäden"),
    ("Bürobedarf Weiß e.K.", "Lieferung von Büromaterial"),
    ("Gärtnerei Böhm", "Pflege der städtischen Grünanlagen"),
    ("IT-Service Schäfer GmbH", "Wartung der Arbeitsplatzrechner"),
    ("Malerbetrieb Jäger", "Malerarbeiten in der Grundschule Am Mühlbach"),
    ("Sanitär Hübner GmbH & Co. KG", "Reparatur der Heizungsanlage im Bürgerhaus"),
)
BANKS = (
    ("Sparkasse Lindenau-Weißach", "SOLADES1LDW"),
    ("Volksbank Breisgau Süd eG", "GENODE61IHR"),
    ("Commerzbank Freiburg", "COBADEFFXXX"),
)
MONTHS = (
    "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
    "Oktober", "November", "Dezember",
)  # fmt: skip
_ASCII = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)


def german_amount(value: float) -> str:
    """Format like a German invoice does: thousands dot, decimal comma, euro sign."""
    text = f"{value:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{text} €"


def german_date(day: date, *, long: bool = True) -> str:
    """Letters use the written month; tables and file numbers use the numeric form."""
    if long:
        return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"
    return day.strftime("%d.%m.%Y")


def random_date(rng: random.Random, start: date = date(2023, 1, 2), days: int = 900) -> date:
    return date.fromordinal(start.toordinal() + rng.randrange(days))


def iban(rng: random.Random) -> str:
    """A German IBAN with a correct mod-97 check, so field extractors can validate it."""
    bban = f"{rng.randrange(10**7, 10**8)}{rng.randrange(10**9, 10**10)}"
    check = 98 - int(bban + "131400") % 97  # D=13, E=14, then "00"
    raw = f"DE{check:02d}{bban}"
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def email(first: str, last: str, rng: random.Random) -> str:
    domain = rng.choice(("web.de", "gmx.de", "t-online.de", "posteo.de", "mailbox.org"))
    return f"{first.translate(_ASCII).lower()}.{last.translate(_ASCII).lower()}@{domain}"


def phone(rng: random.Random) -> str:
    return f"0761 {rng.randrange(100, 999)} {rng.randrange(10, 99)} {rng.randrange(10, 99)}"
