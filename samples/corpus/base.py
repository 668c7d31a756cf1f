"""What a corpus template is: a function from a seeded context to a draft letter.

Templates decide the wording and structure of one kind of letter; the frame
(`samples.corpus.frame`) puts sender, recipient, date and closing around it. Keeping the
two apart lets the same template appear as a DIN 5008 letter or an e-mail, so a classifier
cannot learn the type from the layout alone.

The names, streets, places, dates and amounts come from the sample-post generator
(`samples`), so the training corpus and the sample post share one invented town.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, TypeVar

from samples import _words as w
from samples._kinds import Person, pick
from samples.corpus.vocab import STAFF
from samples.letters import make_person

T = TypeVar("T")
Style = Literal["brief", "email", "form", "dokument"]


@dataclass(frozen=True)
class Draft:
    """What a template decides; everything left ``None`` is chosen by the frame."""

    betreff: str
    body: Sequence[str]  # paragraphs; a paragraph may hold "\n"-separated lines (lists)
    style: Style = "brief"
    sender: tuple[str, ...] | None = None  # None: the private person of the context
    signer: str | None = None  # None: the person's name
    recipient: tuple[str, ...] | None = None  # None: the town hall, maybe with `office`
    office: str | None = None  # the office a citizen would address
    salutation: str | None = None
    closing: str | None = None
    reference: str | None = None  # "Ihr Zeichen …" line under the date
    attachments: Sequence[str] = ()
    hard: bool = False  # mentions words that belong to other types on purpose


Template = Callable[["Ctx"], Draft]


class Ctx:
    """One letter's random choices: the writer, the letter date and slot helpers.

    Every helper draws from the one seeded RNG, so a letter is fixed by its seed.
    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.person: Person = make_person(rng)
        self.day: date = w.random_date(rng)

    def pick(self, options: Sequence[T]) -> T:
        return self.rng.choice(options)

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def some(self, options: Sequence[str], low: int, high: int) -> list[str]:
        """Between low and high of the options, in their given (logical) order."""
        return pick(self.rng, list(options), low, high)

    def shuffled(self, options: Sequence[T], count: int | None = None) -> list[T]:
        return self.rng.sample(list(options), len(options) if count is None else count)

    def num(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def euro(self, low: float, high: float) -> str:
        """An amount with cents, formatted as a German letter writes it."""
        cents = self.rng.randint(round(low * 100), round(high * 100))
        return w.german_amount(cents / 100)

    def when(self, offset_low: int, offset_high: int) -> date:
        """A day relative to the letter date (negative offsets: before it)."""
        return self.day + timedelta(days=self.rng.randint(offset_low, offset_high))

    def before(self, low: int, high: int, *, long: bool = True) -> str:
        return w.german_date(self.when(-high, -low), long=long)

    def after(self, low: int, high: int, *, long: bool = True) -> str:
        return w.german_date(self.when(low, high), long=long)

    def today(self, *, long: bool = True) -> str:
        return w.german_date(self.day, long=long)

    def other(self) -> Person:
        """Someone else: a neighbour, a child, a contact person."""
        return make_person(self.rng)

    def street(self) -> str:
        return f"{self.pick(w.STREETS)} {self.rng.randint(1, 95)}"

    def flurstueck(self) -> str:
        return f"{self.rng.randint(100, 2999)}/{self.rng.randint(1, 30)}"

    def kassenzeichen(self) -> str:
        return f"{self.rng.randint(1000, 9999)}.{self.rng.randint(100000, 999999)}"

    def aktenzeichen(self, office: str) -> str:
        """A file number as the city prints it on its letters (office, year, serial)."""
        return f"{office}/{self.day.year}/{self.rng.randint(10, 9999):04d}"

    def number(self, prefix: str) -> str:
        return f"{prefix}-{self.day.year}-{self.rng.randint(1000, 99999)}"

    def iban(self) -> str:
        return w.iban(self.rng)

    def phone(self) -> str:
        return w.phone(self.rng)

    def company_sender(self, company: str) -> tuple[str, ...]:
        """A letterhead for a company; the context's person is its contact."""
        p = self.person
        head = (company, f"{p.street} {p.number}", f"{p.plz} {p.place}", f"Tel. {p.phone}")
        if self.chance(0.5):
            return (*head, f"USt-IdNr. DE{self.rng.randint(10**8, 10**9 - 1)}")
        return head

    def staff(self) -> str:
        """A clerk of the town hall as a citizen names them ("Frau Keller")."""
        title, name = self.pick(STAFF)
        return f"{title} {name}"


def in_street(street: str, *, start: bool = False) -> str:
    """ "in der Hauptstraße", "im Gartenweg", "am Kirchplatz", "Am Mühlbach": German
    chooses the preposition by the street name's ending."""
    name = re.sub(r"\s+\d+$", "", street)
    if name.split(" ", 1)[0] in ("Am", "An", "Auf", "Im", "Über", "Unter"):
        phrase = street
    elif name.endswith("weg"):
        phrase = f"im {street}"
    elif name.endswith("platz"):
        phrase = f"am {street}"
    else:
        phrase = f"in der {street}"
    return phrase[:1].upper() + phrase[1:] if start else phrase


def numbered(items: Sequence[str]) -> str:
    """A numbered list as one paragraph, the way letters list questions or items."""
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))


def dashed(items: Sequence[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def fields(pairs: Sequence[tuple[str, str]]) -> str:
    """Form-like "Label: value" lines as one paragraph."""
    return "\n".join(f"{label}: {value}" for label, value in pairs)


CITY = w.CITY
TOWN_HALL = w.TOWN_HALL
MAYOR = w.MAYOR
german_date = w.german_date
german_amount = w.german_amount
