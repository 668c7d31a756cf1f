"""Long attachments (Chronologie, Begründung, Leistungsnachweis, Lebenslauf …).

Real post runs to two or three pages when the writer attaches a history of the case. Such
letters exercise how a classifier handles text longer than its input window: the part that
names the type is on page one, the rest is a list that looks alike across types.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from samples import _words as w
from samples.corpus.base import Ctx, german_date, in_street
from samples.corpus.vocab import COMMITTEES, DAMAGES, FACTIONS, STAFF


@dataclass(frozen=True)
class LongSpec:
    titles: tuple[str, ...]
    actions: tuple[str, ...]
    outcomes: tuple[str, ...]
    kind: str = "dated"  # dated | numbered | list | years


_DONE = ("", "", ", erledigt", ", Ergebnis schriftlich festgehalten", ", keine Rückmeldung")

SPECS: dict[str, LongSpec] = {
    "rechnung": LongSpec(
        ("Anlage: Leistungsnachweis", "Anlage: Stundennachweis und Aufmaß"),
        (
            "Monteur {name}, {h} Std.: Baustelle eingerichtet und abgesichert",
            "Geselle {name}, {h} Std.: Demontage der alten Anlage",
            "Meister {name}, {h} Std.: Abnahme mit Hausmeister {other}",
            "Lieferung Material laut Lieferschein Nr. {n}",
            "Monteur {name}, {h} Std.: Leitungen verlegt und geprüft",
            "Entsorgung Altmaterial, {h} m³",
            "Helfer {name}, {h} Std.: Reinigung nach Abschluss der Arbeiten",
            "Fahrzeugeinsatz, {km} km",
        ),
        ("", "", ", Betrag {amount}", ", Nachweis liegt bei", ", lt. Aufmaßblatt {n}"),
    ),
    "bauantrag": LongSpec(
        ("Anlage: Chronologie der Planung", "Anlage: Baubeschreibung und Planungsverlauf"),
        (
            "Besprechung mit dem Architekten {name}",
            "Vermessung durch das Vermessungsbüro {other}",
            "Bodengutachten beauftragt",
            "Abstimmung mit den Nachbarn {other} über die Grenzbebauung",
            "Statik überarbeitet (Decke über EG, Spannweite {m} m)",
            "Telefonat mit {staff} vom Bauordnungsamt",
            "Bauzeichnungen angepasst (Traufhöhe {m} m, Dachneigung {deg}°)",
            "Energieberatung, Wärmeschutznachweis erstellt",
            "Entwässerungsplan beim Abwasserverband eingereicht",
        ),
        (*_DONE, ", Kosten {amount}", ", ohne Einwände"),
    ),
    "widerspruch": LongSpec(
        ("Anlage: Begründung im Einzelnen", "Anlage: Chronologie des Vorgangs"),
        (
            "Bescheid zugestellt, Kassenzeichen {n}",
            "Akteneinsicht beantragt",
            "Telefonat mit {staff}, Berechnungsgrundlage erfragt",
            "Zahlung unter Vorbehalt, {amount}",
            "Änderungsmitteilung über die Grundstücksfläche versandt",
            "Nachweis der tatsächlichen Nutzung eingereicht",
            "Auszug aus dem Grundbuch angefordert",
            "Beratung durch den Haus- und Grundbesitzerverein",
            "Vergleich mit dem Vorjahresbescheid ({amount})",
        ),
        (*_DONE, ", Eingang nicht bestätigt", ", Berechnung weiterhin unklar"),
    ),
    "gewerbeanmeldung": LongSpec(
        ("Anlage: Zeitplan zur Betriebsgründung", "Anlage: Betriebskonzept"),
        (
            "Mietvertrag für die Betriebsstätte {street} unterschrieben",
            "Gründungsberatung bei der IHK",
            "steuerliche Erfassung beim Finanzamt beantragt",
            "Anmeldung bei der Berufsgenossenschaft",
            "Einrichtung geliefert, Kosten {amount}",
            "Hygieneschulung besucht",
            "Gespräch mit der Hausbank über einen Kredit von {amount}",
            "Internetseite online gestellt",
            "Einstellungsgespräch mit {other}",
        ),
        (*_DONE, ", Bestätigung liegt vor"),
    ),
    "gemeinderat_anfrage": LongSpec(
        ("Anlage: Begründung und bisherige Beratungen", "Anlage: Chronologie der Beratungen"),
        (
            "Beratung im {committee}",
            "Antrag der Fraktion {faction} vertagt",
            "Bürgerversammlung mit rund {n3} Teilnehmenden",
            "Bericht der Verwaltung im {committee}",
            "Artikel im Lindenauer Anzeiger",
            "Ortsbegehung mit Anwohnerinnen und Anwohnern",
            "Haushaltsansatz von {amount} beschlossen",
            "Anfrage der Fraktion {faction} gestellt",
        ),
        (*_DONE, ", Beschluss einstimmig", ", Antwort der Verwaltung steht aus"),
    ),
    "beschwerde": LongSpec(
        ("Anlage: Chronologie", "Anlage: Aufstellung der Vorfälle"),
        (
            "Störung bis {hh} Uhr notiert",
            "Anruf beim Ordnungsamt, {staff} nicht erreicht",
            "E-Mail an das Bürgerbüro",
            "Gespräch mit Nachbar {other}",
            "Zustand fotografiert",
            "Polizei verständigt",
            "erneut Störung, diesmal bis {hh} Uhr",
            "Schreiben an den Oberbürgermeister",
        ),
        (*_DONE, ", wieder nichts passiert", ", Zeugen: Familie {other}"),
    ),
    "kuendigung": LongSpec(
        ("Anlage: Chronologie des Mietverhältnisses", "Anlage: Übergabeprotokoll und Verlauf"),
        (
            "Mängelanzeige an das Liegenschaftsamt",
            "Zählerstand Strom {n} kWh abgelesen",
            "Miete {amount} überwiesen",
            "Besichtigung mit {staff}",
            "Nachmieter {other} vorgeschlagen",
            "Schlüssel Nr. {n3} ausgehändigt bekommen",
            "Reparatur durch Hausmeister {other}",
            "Nebenkostenabrechnung erhalten, Nachzahlung {amount}",
        ),
        (*_DONE, ", im Protokoll vermerkt"),
    ),
    "strassenschaden": LongSpec(
        ("Anlage: Liste der Schadstellen", "Anlage: Aufstellung aller festgestellten Mängel"),
        (
            "{street}, Höhe Nr. {n3}: {damage}",
            "{street}, Einmündung {street2}: {damage}",
            "Radweg {at_street}: {damage}",
        ),
        (", {detail}", ", {detail}, bereits gemeldet am {date}", ", Foto Nr. {photo}"),
        kind="list",
    ),
    "sitzungsunterlage": LongSpec(
        ("Anlage: Sachverhalt und Erläuterungen", "Anlage zur Vorlage: Begründung"),
        (
            "Der {committee} hat sich in seiner Sitzung vom {date} mit dem Thema befasst",
            "Die Verwaltung hat drei Varianten geprüft; Variante {n1} wird empfohlen",
            "Die Kosten belaufen sich nach aktueller Schätzung auf {amount}",
            "Fördermittel des Landes in Höhe von {amount} sind beantragt",
            "Die Fraktion {faction} hat hierzu einen Änderungsantrag angekündigt",
            "Die Umsetzung ist für das {q}. Quartal vorgesehen",
            "Die Stellungnahme des Ortschaftsrats liegt vor",
        ),
        (
            ".",
            ".",
            "; Einzelheiten ergeben sich aus der Anlage.",
            "; der Beschluss war einstimmig.",
        ),
        kind="numbered",
    ),
    "sonstiges": LongSpec(
        ("Anlage: Chronik", "Anlage: Programm und Chronik"),
        (
            "Vorstandswahl, neue/r Vorsitzende/r: {name}",
            "Bau des Vereinsheims {at_street}",
            "Sommerfest auf dem Marktplatz mit {n3} Gästen",
            "Vereinsausflug nach {place}",
            "{n1}. Platz beim Kreisturnier",
            "Partnerschaft mit dem Verein in {place}",
            "Ehrung von {name} für {n1}0 Jahre Mitgliedschaft",
            "Jubiläumsfeier mit {n3} Gästen",
            "Spende von {amount} an die Tafel Lindenau",
            "Renovierung des Vereinsheims",
        ),
        ("", "", ", unterstützt von der Stadt", ", Bericht im Lindenauer Anzeiger"),
        kind="years",
    ),
}


def build_appendix(ctx: Ctx, type_id: str) -> list[str]:
    """A long attachment of roughly 500–1150 words for a letter of `type_id`."""
    target = ctx.num(500, 1150)
    if type_id == "bewerbung":
        return _curriculum(ctx, target)
    spec = SPECS[type_id]
    texts: list[str] = []
    words = 0
    while words < target:
        slots = _slots(ctx)
        text = ctx.pick(spec.actions).format(**slots) + ctx.pick(spec.outcomes).format(**slots)
        texts.append(text)
        words += len(text.split())
    return [ctx.pick(spec.titles), "", *_labelled(ctx, spec.kind, texts)]


def _labelled(ctx: Ctx, kind: str, texts: list[str]) -> list[str]:
    """Number or date the entries; dates and years rise and end before the letter."""
    if kind == "numbered":
        return [f"{n}. {text}" for n, text in enumerate(texts, 1)]
    if kind == "list":
        return [f"{n}) {text}" for n, text in enumerate(texts, 1)]
    if kind == "years":
        first = ctx.day.year - len(texts)
        return [f"{first + n}: {text}" for n, text in enumerate(texts)]
    gaps = [ctx.num(1, 5) for _ in texts]
    out = []
    for n, text in enumerate(texts):
        day = ctx.day - timedelta(days=sum(gaps[n:]))
        out.append(f"{german_date(day, long=False)}: {text}")
    return out


_CV = (
    "Ausbildung bei der Stadt {place}", "Sachbearbeitung bei der Gemeinde {place}",
    "Praktikum im Landratsamt", "Teamleitung bei der {company}", "Elternzeit",
    "Mitarbeit im Projekt Digitale Akte", "Studium an der Hochschule für öffentliche Verwaltung",
    "Sachbearbeitung im Bürgerbüro der Stadt {place}", "Aushilfe im Einzelhandel",
)  # fmt: skip
_TRAINING = (
    "Verwaltungsrecht kompakt", "Projektmanagement in der Verwaltung", "Konfliktmanagement",
    "Datenschutz nach DSGVO", "Excel für Fortgeschrittene", "Vergaberecht (VOB/VOL)",
    "Kommunales Haushaltsrecht (Doppik)", "Führen ohne Vorgesetztenfunktion",
    "Bürgerorientierte Kommunikation", "E-Akte und digitale Workflows",
)  # fmt: skip
_REFERENCE = (
    "{name} war vom {date} bis heute in unserem Haus beschäftigt.",
    "{name} verfügt über ein umfassendes und fundiertes Fachwissen, das stets sicher und "
    "zielgerichtet in der Praxis eingesetzt wurde.",
    "Die übertragenen Aufgaben wurden stets zu unserer vollsten Zufriedenheit erledigt.",
    "Auch in Zeiten hoher Arbeitsbelastung arbeitete {name} sorgfältig, zügig und zuverlässig.",
    "Das Verhalten gegenüber Vorgesetzten, Kolleginnen und Kollegen sowie Bürgerinnen und "
    "Bürgern war stets einwandfrei.",
    "Zu den Aufgaben gehörten die Bearbeitung von Anträgen, die Beratung von Bürgerinnen und "
    "Bürgern sowie die Pflege der Fachverfahren.",
    "Besonders hervorzuheben ist die Einarbeitung neuer Kolleginnen und Kollegen.",
    "{name} nahm regelmäßig und mit Erfolg an Fortbildungen teil.",
    "Das Arbeitsverhältnis endet auf eigenen Wunsch; wir bedauern diese Entscheidung sehr.",
    "Wir danken für die stets gute Zusammenarbeit und wünschen für die Zukunft alles Gute.",
    "In der Zusammenarbeit mit anderen Ämtern zeigte {name} großes Verhandlungsgeschick.",
    "Die Arbeitsergebnisse waren auch bei schwierigen Sachverhalten von hoher Qualität.",
)  # fmt: skip


def _curriculum(ctx: Ctx, target: int) -> list[str]:
    """Lebenslauf, Fortbildungen and an Arbeitszeugnis, the usual attachments to a Bewerbung."""
    out = [ctx.pick(("Lebenslauf", "Anlage: Lebenslauf")), ""]
    year = ctx.day.year
    for _ in range(ctx.num(6, 12)):
        begin = year - ctx.num(1, 4)
        slots = _slots(ctx)
        station = ctx.pick(_CV).format(**slots)
        out.append(f"{ctx.num(1, 12):02d}/{begin} – {ctx.num(1, 12):02d}/{year}: {station}")
        year = begin
    out += ["", "Fortbildungen:", *(f"- {t}" for t in ctx.shuffled(_TRAINING, ctx.num(4, 9)))]
    out += ["", "Arbeitszeugnis"]
    name = ctx.person.name
    words = sum(len(line.split()) for line in out)
    while words < target:
        sentences = ctx.shuffled(_REFERENCE)
        paragraph = " ".join(
            s.format(name=name, date=ctx.before(900, 3000, long=False)) for s in sentences
        )
        out += ["", ctx.pick(("Zwischenzeugnis", "Arbeitszeugnis", "Praktikumszeugnis")), paragraph]
        words += len(paragraph.split())
    return out


def _slots(ctx: Ctx) -> dict[str, str]:
    """Every placeholder the specs use, filled fresh for each entry."""
    damage, detail, _ = ctx.pick(DAMAGES)
    title, staff = ctx.pick(STAFF)
    place = ctx.pick(w.PLACES)[1]
    return {
        "name": ctx.pick(w.LAST_NAMES),
        "other": ctx.pick(w.LAST_NAMES),
        "staff": f"{title} {staff}",
        "h": str(ctx.num(1, 9)),
        "hh": str(ctx.num(22, 23)) + ":" + ctx.pick(("00", "15", "30", "45")),
        "km": str(ctx.num(4, 80)),
        "m": f"{ctx.num(2, 12)},{ctx.num(0, 9)}",
        "deg": str(ctx.num(15, 45)),
        "n": str(ctx.num(10000, 99999)),
        "n1": str(ctx.num(1, 3)),
        "n3": str(ctx.num(12, 480)),
        "photo": str(ctx.num(1, 60)),
        "q": str(ctx.num(1, 4)),
        "grade": f"{ctx.num(1, 2)},{ctx.num(0, 9)}",
        "amount": ctx.euro(80, 48000),
        "date": ctx.before(20, 400, long=False),
        "street": ctx.pick(w.STREETS),
        "street2": ctx.pick(w.STREETS),
        "at_street": in_street(ctx.pick(w.STREETS)),
        "place": place,
        "committee": ctx.pick(COMMITTEES),
        "faction": ctx.pick(FACTIONS),
        "club": ctx.pick(("Turnverein", "Musikverein", "Förderverein der Grundschule")),
        "company": ctx.pick(w.COMPANIES)[0],
        "damage": damage,
        "detail": detail.format(cm=ctx.num(3, 15), n=ctx.num(100, 999), m=ctx.num(2, 30)),
    }
