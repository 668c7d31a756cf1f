"""Templates for meeting documents (type ``sitzungsunterlage``).

Invitations with a Tagesordnung, Beschluss- and Mitteilungsvorlagen, Niederschriften and
excerpts, for the council, its committees and advisory boards. Almost all of them name
other types' topics, because a Tagesordnung lists Bauanträge, Anfragen and Beschwerden;
what makes them meeting documents is their form (TOP, Beratungsfolge, Beschluss).
"""

from __future__ import annotations

from samples import _words as w
from samples.corpus.base import CITY, Ctx, Draft, Template, fields, german_date, numbered
from samples.corpus.vocab import (
    BUILD_PROJECTS,
    COMMITTEES,
    COUNCIL_TOPICS,
    FACTIONS,
    WEEKDAYS,
    genitive,
)

_HEADER = (f"Stadt {CITY}", "Der Oberbürgermeister", "Ratsbüro")


def _drucksache(c: Ctx) -> str:
    return f"Drucksache Nr. {c.day.year % 100}/{c.num(1, 240):03d}"


def _agenda(c: Ctx, count: int, *, with_building: bool = False) -> list[str]:
    """A Tagesordnung; `with_building` puts a Bauantrag on it (a hard case)."""
    items = [
        f"Bauantrag zur Errichtung {c.pick(BUILD_PROJECTS)}, Flurstück {c.flurstueck()} – "
        "Einvernehmen nach § 36 BauGB",
        f"{c.pick(COUNCIL_TOPICS)} – Sachstandsbericht der Verwaltung",
        f"Vergabe von Bauleistungen: {c.pick(('Dachsanierung Turnhalle', 'Kanalsanierung'))}",
        f"Antrag der Fraktion {c.pick(FACTIONS)}: {c.pick(COUNCIL_TOPICS)}",
        "Änderung der Abfallgebührensatzung",
        "Annahme von Spenden",
        f"Bebauungsplan „{c.pick(('Am Mühlbach II', 'Gewerbegebiet Nord', 'Ortsmitte'))}“ – "
        "Aufstellungsbeschluss",
        "Haushaltssatzung und Haushaltsplan – Beratung",
    ]
    chosen = [
        "Fragestunde für Einwohnerinnen und Einwohner",
        *(items[:1] if with_building else []),
        *c.some(items[1:], count, count),
    ]
    return [*chosen, "Bekanntgaben", "Anfragen aus dem Gemeinderat", "Verschiedenes"]


def _invitation_agenda(c: Ctx) -> Draft:
    day = c.when(7, 14)
    body = [
        f"hiermit lade ich Sie zur öffentlichen Sitzung des {genitive(c.pick(COMMITTEES[:3]))} am "
        f"{WEEKDAYS[day.weekday()]}, {german_date(day)}, um "
        f"{c.pick(('18:00', '18:30', '19:00'))} Uhr in den großen Sitzungssaal des Rathauses ein.",
        "Tagesordnung:\nÖffentlicher Teil\n"
        + numbered(_agenda(c, c.num(1, 4), with_building=True)),
        "Die Sitzungsunterlagen stehen im Ratsinformationssystem bereit.",
    ]
    return Draft(
        "Einladung zur Sitzung mit Tagesordnung",
        body,
        sender=_HEADER,
        recipient=("An die Mitglieder des Gemeinderats", "– im Hause –"),
        salutation="Sehr geehrte Damen und Herren,",
        signer="Dr. Peter Hartmann, Oberbürgermeister",
        hard=True,
    )


def _decision_paper(c: Ctx) -> Draft:
    topic = c.pick(COUNCIL_TOPICS)
    committees = c.shuffled(COMMITTEES[:4], 2)
    body = [
        "Beratungsfolge:\n"
        + "\n".join(
            f"{name}, {c.after(7, 40, long=False)}, {kind}"
            for name, kind in zip(
                committees,
                ("Vorberatung, nichtöffentlich", "Entscheidung, öffentlich"),
                strict=True,
            )
        ),
        "Beschlussvorschlag:\n"
        + c.pick(
            (
                f"Der Gemeinderat stimmt dem Konzept „{topic}“ zu und beauftragt die Verwaltung "
                "mit der Umsetzung.",
                f"Der Gemeinderat nimmt den Bericht zum Thema „{topic}“ zur Kenntnis.",
            )
        ),
        "Sachverhalt:\n"
        + c.pick(
            (
                f"Der Gemeinderat hat die Verwaltung am {c.before(90, 300)} beauftragt, ein "
                "Konzept vorzulegen. Nach Beteiligung der Ortschaftsräte liegt es nun vor.",
                "Die bisherige Regelung stammt aus dem Jahr 2009 und ist überholt.",
            )
        ),
        f"Finanzielle Auswirkungen:\nGesamtkosten {c.euro(20000, 2e6)}, Haushaltsstelle "
        f"{c.num(1, 9)}.{c.num(1000, 9999)}.{c.num(100, 999)}",
    ]
    return Draft(
        f"Beschlussvorlage: {topic}",
        body,
        style="dokument",
        sender=(*_HEADER[:2], c.pick(("Amt 10", "Amt 20", "Amt 63", "Amt 66"))),
        reference=_drucksache(c),
    )


def _vote(c: Ctx) -> str:
    counted = f"{c.num(12, 20)} Ja, {c.num(1, 8)} Nein, {c.num(0, 3)} Enthaltungen"
    return c.pick(("einstimmig", counted, "zur Kenntnis genommen", "vertagt"))


def _minutes(c: Ctx) -> Draft:
    present = ", ".join(c.pick(w.LAST_NAMES) for _ in range(c.num(4, 9)))
    tops = _agenda(c, c.num(2, 4), with_building=c.chance(0.5))[1:-3]
    results = [f"TOP {i}: {top}\nBeschluss: {_vote(c)}" for i, top in enumerate(tops, 2)]
    body = [
        fields(
            [
                ("Sitzung", f"{c.pick(COMMITTEES)}, öffentlich"),
                ("Datum", c.before(3, 20, long=False)),
                (
                    "Beginn / Ende",
                    f"18:{c.num(0, 30):02d} Uhr / {c.num(20, 22)}:{c.num(0, 59):02d} Uhr",
                ),
                ("Vorsitz", "Oberbürgermeister Dr. Hartmann"),
                ("Anwesend", f"Stadträtinnen und Stadträte {present}"),
                ("Schriftführung", c.staff()),
            ]
        ),
        "TOP 1: Fragestunde – Es wurden keine Fragen gestellt.",
        *results,
    ]
    return Draft(
        "Niederschrift über die öffentliche Sitzung",
        body,
        style="dokument",
        sender=_HEADER,
        closing="Für die Richtigkeit:",
        signer=f"{c.staff()}, Schriftführung",
    )


def _information_paper(c: Ctx) -> Draft:
    subject = c.pick(
        (
            (
                "Bericht über das Beschwerdemanagement",
                "Beschwerden",
                "Lärm, Sauberkeit und Wartezeiten",
            ),
            (
                "Bericht über die Widerspruchsverfahren",
                "Widersprüche",
                "Abfallgebühren und Grundsteuer",
            ),
            (
                "Bericht über gemeldete Straßenschäden",
                "Schadensmeldungen",
                "Schlaglöcher und Laternen",
            ),
        )
    )
    total = c.num(120, 900)
    body = [
        f"Mitteilungsvorlage zur Kenntnisnahme im {c.pick(COMMITTEES[:3])}",
        f"Im Jahr {c.day.year - 1} gingen bei der Verwaltung insgesamt {total} {subject[1]} ein "
        f"(Vorjahr: {total - c.num(-60, 80)}). Schwerpunkte waren {subject[2]}.",
        f"Die durchschnittliche Bearbeitungsdauer betrug {c.num(6, 40)} Arbeitstage. "
        f"{c.num(40, 85)} Prozent der Vorgänge wurden innerhalb eines Monats abgeschlossen.",
        "Die Verwaltung wird die Auswertung künftig jährlich vorlegen.",
    ]
    return Draft(
        f"{subject[0]} {c.day.year - 1}",
        body,
        style="dokument",
        sender=_HEADER[:2],
        reference=_drucksache(c),
        hard=True,
    )


def _advisory_invitation(c: Ctx) -> Draft:
    board = c.pick(
        ("Seniorenbeirat", "Ortschaftsrat Weißach", "Jugendgemeinderat", "Integrationsbeirat")
    )
    body = [
        f"zur nächsten Sitzung des {genitive(board)} am {c.after(7, 21)}, "
        f"{c.num(17, 19)}:00 Uhr, im "
        f"{c.pick(('Bürgerhaus Weißach', 'Rathaus, Raum 104', 'Jugendhaus'))} lade ich herzlich "
        "ein.",
        "Tagesordnung:\n"
        + numbered(
            [
                "Begrüßung und Feststellung der Beschlussfähigkeit",
                f"Genehmigung der Niederschrift vom {c.before(20, 60, long=False)}",
                c.pick(COUNCIL_TOPICS),
                "Verschiedenes",
            ]
        ),
    ]
    return Draft(
        f"Einladung zur Sitzung des {genitive(board)}",
        body,
        sender=(f"{board} der Stadt {CITY}", "Geschäftsstelle im Rathaus"),
        recipient=(f"An die Mitglieder des {genitive(board)}",),
        signer=f"{c.person.name}, Vorsitz",
    )


def _late_papers_mail(c: Ctx) -> Draft:
    top = c.num(3, 12)
    body = [
        f"zur Sitzung des {genitive(c.pick(COMMITTEES[:4]))} am {c.after(1, 6, long=False)} "
        f"übersenden wir die Tischvorlage zu TOP {top} sowie einen geänderten Beschlussvorschlag.",
        "Die Unterlagen sind auch im Ratsinformationssystem eingestellt.",
    ]
    return Draft(
        f"Nachversand Sitzungsunterlagen – TOP {top}",
        body,
        style="email",
        sender=(f"Ratsbüro der Stadt {CITY}",),
        signer=f"{c.staff()}, Ratsbüro",
        salutation="Sehr geehrte Mitglieder des Gremiums,",
        attachments=(f"Tischvorlage_TOP{top}.pdf",),
    )


def _excerpt(c: Ctx) -> Draft:
    topic = c.pick(COUNCIL_TOPICS)
    body = [
        f"Auszug aus der Niederschrift über die Sitzung des Gemeinderats vom {c.before(3, 30)}",
        f"TOP {c.num(2, 11)}: {topic}",
        f"Beschluss Nr. {c.num(1, 180)}/{c.day.year}:\n"
        + c.pick(
            (
                "Der Gemeinderat beschließt entsprechend dem Beschlussvorschlag der Verwaltung.",
                "Der Gemeinderat vertagt die Entscheidung und bittet um weitere Informationen.",
            )
        ),
        f"Abstimmungsergebnis: {c.num(12, 24)} Ja-Stimmen, {c.num(0, 6)} Nein-Stimmen, "
        f"{c.num(0, 3)} Enthaltungen",
        "Für die Richtigkeit des Auszugs:",
    ]
    return Draft("Beschlussauszug", body, style="dokument", sender=_HEADER, signer=c.staff())


def _building_committee(c: Ctx) -> Draft:
    owner = c.other()
    body = [
        f"Vorlage für den Bau- und Umweltausschuss, Sitzung am {c.after(7, 21)}",
        f"Bauantrag: Errichtung {c.pick(BUILD_PROJECTS)}, {c.street()}, Flurstück "
        f"{c.flurstueck()}; Bauherr/in: {owner.name}",
        "Beschlussvorschlag: Das gemeindliche Einvernehmen nach § 36 BauGB wird "
        + c.pick(("erteilt.", "erteilt; die Befreiung wird befürwortet.", "versagt.")),
        "Sachverhalt: Das Vorhaben liegt im Geltungsbereich des Bebauungsplans. Die Baugrenze "
        f"wird um {c.num(1, 3)},{c.num(0, 9)} m überschritten. Einwendungen der Nachbarn liegen "
        f"{c.pick(('nicht vor', 'vor und sind beigefügt'))}.",
    ]
    return Draft(
        "Vorlage Bau- und Umweltausschuss – Bauantrag",
        body,
        style="dokument",
        sender=(*_HEADER[:2], "Amt 63 – Bauordnungsamt"),
        reference=_drucksache(c),
        hard=True,
    )


def _answer_to_inquiry(c: Ctx) -> Draft:
    faction, topic = c.pick(FACTIONS), c.pick(COUNCIL_TOPICS)
    body = [
        f"Mitteilung an den Gemeinderat: Beantwortung der Anfrage der Fraktion {faction} vom "
        f"{c.before(20, 60)} zum Thema „{topic}“",
        f"Zu Frage 1: Die bisherigen Kosten betragen {c.euro(5000, 400000)}.",
        f"Zu Frage 2: Für das Jahr {c.day.year + 1} sind weitere Maßnahmen geplant; eine Vorlage "
        "folgt.",
        "Zu Frage 3: Fördermittel wurden beantragt; ein Bescheid liegt noch nicht vor.",
    ]
    return Draft(
        f"Beantwortung der Anfrage: {topic}",
        body,
        style="dokument",
        sender=_HEADER[:2],
        reference=_drucksache(c),
        hard=True,
    )


def _annual_accounts(c: Ctx) -> Draft:
    year = c.day.year - 1
    body = [
        f"Beschlussvorlage: Feststellung des Jahresabschlusses {year} (Jahresrechnung)",
        fields(
            [
                ("Ergebnisrechnung, ordentliches Ergebnis", c.euro(-2e6, 4e6)),
                ("Finanzrechnung, Zahlungsmittelbestand", c.euro(1e6, 9e6)),
                ("Investitionsauszahlungen", c.euro(1e6, 12e6)),
            ]
        ),
        "Beschlussvorschlag: Der Gemeinderat stellt die Jahresrechnung fest. Das Rechnungsprüfungs"
        "amt hat die Rechnung geprüft; Beanstandungen ergaben sich nicht.",
    ]
    return Draft(
        f"Jahresrechnung {year} – Beschlussvorlage",
        body,
        style="dokument",
        sender=(*_HEADER[:2], "Amt 20 – Kämmerei"),
        reference=_drucksache(c),
        hard=True,
    )


TEMPLATES: tuple[Template, ...] = (
    _invitation_agenda, _decision_paper, _minutes, _information_paper, _advisory_invitation,
    _late_papers_mail, _excerpt, _building_committee, _answer_to_inquiry, _annual_accounts,
)  # fmt: skip
