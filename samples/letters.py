"""German letters of municipal incoming post, generated deterministically from a seed.

Generated rather than collected so that the sample documents have a clean licence and
contain no real person's data, and so tests and benchmarks can know the exact ground-truth
text of every page they render.
"""

from __future__ import annotations

import random
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from samples import _words as w
from samples._kinds import BUILDERS, Person

KINDS: tuple[str, ...] = tuple(BUILDERS)
LINE_WIDTH = 74  # characters; fits 11 pt DejaVu on A4 between 25 mm and 20 mm margins
LINES_PER_PAGE = 46


@dataclass(frozen=True)
class Letter:
    kind: str
    sender: tuple[str, ...]
    recipient: tuple[str, ...]
    place_date: str
    aktenzeichen: str
    betreff: str
    salutation: str
    paragraphs: tuple[str, ...]
    closing: tuple[str, ...]
    appendix: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The whole letter as plain text, paragraphs separated by blank lines."""
        return "\n".join(self.lines())

    def lines(self, width: int = LINE_WIDTH) -> list[str]:
        """The letter wrapped to `width`; rendering uses these lines so PDF and truth agree."""
        out = [*self.sender, "", *self.recipient, "", self.place_date, self.aktenzeichen, ""]
        out += [*textwrap.wrap(f"Betreff: {self.betreff}", width), "", self.salutation, ""]
        for paragraph in self.paragraphs:
            for line in paragraph.split("\n"):
                out += textwrap.wrap(
                    line, width, subsequent_indent="   " if line[:1].isdigit() else ""
                ) or [""]
            out.append("")
        out += list(self.closing)
        if self.appendix:
            out += ["", *(line for a in self.appendix for line in textwrap.wrap(a, width))]
        return out

    def pages(self, width: int = LINE_WIDTH, per_page: int = LINES_PER_PAGE) -> list[str]:
        """Split into page texts; a page never starts with blank lines."""
        pages: list[list[str]] = [[]]
        for line in self.lines(width):
            if len(pages[-1]) >= per_page:
                pages.append([])
            if line or pages[-1]:
                pages[-1].append(line)
        return ["\n".join(page).rstrip("\n") for page in pages if page]


def make_person(rng: random.Random) -> Person:
    first, last = rng.choice(w.FIRST_NAMES), rng.choice(w.LAST_NAMES)
    plz, place = rng.choice(w.PLACES)
    return Person(
        first,
        last,
        rng.choice(w.STREETS),
        rng.randint(1, 120),
        plz,
        place,
        w.email(first, last, rng),
        w.phone(rng),
    )


def make_appendix(rng: random.Random, letter_day_ordinal: int, kind: str) -> tuple[str, ...]:
    """A long dated list, as attached to real letters, to make a letter run over pages."""
    entries = [
        "Anlage: Chronologie des Vorgangs" if kind != "rechnung" else "Anlage: Leistungsnachweis"
    ]
    events = (
        "Telefonat mit Frau {n} vom Bürgerbüro, Rückruf zugesagt",
        "Schreiben an das Amt für Straßen und Verkehr, Eingang bestätigt",
        "Ortstermin mit Herrn {n}, Schäden fotografiert und vermessen",
        "Arbeiten vor Ort, {h} Stunden, zwei Mitarbeiter",
        "Nachfrage per E-Mail, keine Antwort erhalten",
        "Unterlagen nachgereicht: Lageplan, Berechnungen, Fotos",
        "Gespräch mit Nachbarn {n} über die gemeinsame Grundstücksgrenze",
        "Materiallieferung, Lieferschein Nr. {k}",
    )
    day = letter_day_ordinal - rng.randint(60, 200)
    for _ in range(rng.randint(40, 70)):
        day += rng.randint(1, 4)
        event = rng.choice(events).format(
            n=rng.choice(w.LAST_NAMES), h=rng.randint(2, 9), k=rng.randint(10000, 99999)
        )
        entries.append(f"{w.german_date(date.fromordinal(day), long=False)}: {event}")
    return tuple(entries)


def make_letter(rng: random.Random, kind: str, serial: int, *, long: bool = False) -> Letter:
    """One letter of `kind`; `serial` goes into the Aktenzeichen so letters are distinct."""
    person = make_person(rng)
    day = w.random_date(rng)
    body = BUILDERS[kind](rng, person, day)
    writer = (
        person.name if body.sender is None or kind == "gemeinderat" else (f"i. A. {person.name}")
    )
    salutation = rng.choice(
        ("Sehr geehrte Damen und Herren,", "Sehr geehrte Damen und Herren,", "Guten Tag,")
    )
    if kind == "gemeinderat":
        salutation = "Sehr geehrter Herr Oberbürgermeister,"
    closing = (
        rng.choice(("Mit freundlichen Grüßen", "Freundliche Grüße", "Hochachtungsvoll")),
        "",
        writer,
    )
    appendix = make_appendix(rng, day.toordinal(), kind) if long else ()
    label = "Ihr Zeichen" if kind == "rechnung" else "Az."
    return Letter(
        kind=kind,
        sender=body.sender or person.address,
        recipient=body.recipient or w.TOWN_HALL,
        place_date=f"{person.place}, den {w.german_date(day)}",
        aktenzeichen=f"{label}: {body.office}-{body.tag}-{day.year}/{serial:04d}",
        betreff=body.betreff,
        salutation=salutation,
        paragraphs=tuple(body.paragraphs),
        closing=closing,
        appendix=appendix,
    )


def generate_letters(
    count: int, seed: int = 0, *, kinds: tuple[str, ...] = KINDS, long_every: int = 0
) -> Iterator[Letter]:
    """Yield `count` distinct letters cycling through `kinds`; same seed, same letters.

    With `long_every=k`, one letter in k gets a long appendix and runs over several pages.
    """
    rng = random.Random(seed)
    for i in range(count):
        # shift by the round number so that every kind gets long letters, not just some
        long = long_every > 0 and (i + i // len(kinds)) % long_every == long_every - 1
        yield make_letter(rng, kinds[i % len(kinds)], i + 1, long=long)
