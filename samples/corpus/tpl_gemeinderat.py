"""Templates for questions and motions from the municipal council (``gemeinderat_anfrage``).

Anfragen and Anträge of factions and single members, formal and by e-mail. Hard cases ask
about Beschwerden, Straßenschäden, open positions and Bewerbungen, Widersprüche, or want
an item on the Tagesordnung; they remain council requests because a council member asks
the administration for an answer or a decision.
"""

from __future__ import annotations

from samples.corpus.base import CITY, MAYOR, TOWN_HALL, Ctx, Draft, Template, numbered
from samples.corpus.vocab import COMMITTEES, COUNCIL_TOPICS, FACTIONS, genitive


def _faction_sender(c: Ctx, faction: str) -> tuple[str, ...]:
    p = c.person
    role = c.pick(("Fraktionsvorsitz", "Stadtrat/Stadträtin", "Fraktionsgeschäftsstelle"))
    return (
        f"Fraktion {faction} im Gemeinderat der Stadt {CITY}",
        p.name,
        role,
        f"{p.street} {p.number}",
        f"{p.plz} {p.place}",
    )


def _mayor() -> tuple[str, ...]:
    return (f"An den Oberbürgermeister der Stadt {CITY}", MAYOR, *TOWN_HALL[1:])


def _draft(c: Ctx, betreff: str, body: list[str], faction: str, hard: bool = False) -> Draft:
    return Draft(
        betreff,
        body,
        sender=_faction_sender(c, faction),
        recipient=_mayor(),
        salutation=c.pick(
            ("Sehr geehrter Herr Oberbürgermeister,", "Sehr geehrter Herr Dr. Hartmann,")
        ),
        hard=hard,
    )


def _questions(c: Ctx, topic: str) -> list[str]:
    return [
        f"Wie hoch sind die bisherigen Kosten, und wie verhalten sie sich zu den im Haushalt "
        f"{c.day.year} veranschlagten {c.euro(5000, 900000)}?",
        f"Welche Maßnahmen zum Thema „{topic}“ sind für {c.day.year + 1} geplant?",
        "Wurden Fördermittel des Landes oder des Bundes beantragt, und mit welchem Ergebnis?",
        "Welche Personalstellen sind dafür vorgesehen, und sind sie besetzt?",
        "Bis wann ist mit einem Abschluss zu rechnen?",
        "Wie verfahren vergleichbare Städte in der Region?",
    ]


def _formal_inquiry(c: Ctx) -> Draft:
    faction, topic = c.pick(FACTIONS), c.pick(COUNCIL_TOPICS)
    body = [
        f"die Fraktion {faction} bittet gemäß § 24 Abs. 4 GemO um schriftliche Beantwortung "
        f"der folgenden Fragen zum Thema „{topic}“:",
        numbered(c.some(_questions(c, topic), 2, 6)),
        c.pick(
            (
                "Wir bitten, die Antwort auch den übrigen Fraktionen zur Verfügung zu stellen.",
                "Um Beantwortung innerhalb der Frist von vier Wochen wird gebeten.",
            )
        ),
    ]
    return _draft(c, f"Anfrage gemäß § 24 Abs. 4 GemO: {topic}", body, faction)


def _motion(c: Ctx) -> Draft:
    faction, topic = c.pick(FACTIONS), c.pick(COUNCIL_TOPICS)
    proposals = [
        f"Die Verwaltung wird beauftragt, bis zum {c.after(60, 180)} ein Konzept zum Thema "
        f"„{topic}“ vorzulegen.",
        f"Für die Umsetzung werden im Haushalt {c.day.year + 1} Mittel in Höhe von "
        f"{c.euro(10000, 500000)} bereitgestellt.",
        "Über den Fortgang wird im zuständigen Ausschuss halbjährlich berichtet.",
    ]
    body = [
        f"die Fraktion {faction} stellt folgenden Antrag:",
        "Der Gemeinderat möge beschließen:\n" + numbered(c.some(proposals, 1, 3)),
        "Begründung: "
        + c.pick(
            (
                "Das Thema beschäftigt viele Bürgerinnen und Bürger seit Jahren; bisher fehlt ein "
                "schlüssiges Gesamtkonzept.",
                "Andere Städte unserer Größe sind hier deutlich weiter. Wir dürfen den Anschluss "
                "nicht verlieren.",
            )
        ),
    ]
    return _draft(c, f"Antrag der Fraktion {faction}: {topic}", body, faction)


def _member_mail(c: Ctx) -> Draft:
    topic = c.pick(COUNCIL_TOPICS)
    committee = c.pick(COMMITTEES)
    body = [
        f"als Mitglied des Gemeinderats bitte ich um eine kurze Auskunft zum Thema „{topic}“ "
        f"bis zur nächsten Sitzung des {genitive(committee)}.",
        c.pick(
            (
                "Mich interessiert vor allem der aktuelle Zeitplan.",
                "Konkret: Wie ist der Stand, und gibt es Verzögerungen?",
                "Mehrere Bürger haben mich darauf angesprochen.",
            )
        ),
        "Vielen Dank vorab!",
    ]
    return Draft(
        f"Anfrage Stadtrat {c.person.last}: {topic}",
        body,
        style="email",
        signer=f"{c.person.name}, Stadtrat/Stadträtin ({c.pick(FACTIONS)})",
        office="rat",
    )


def _complaints_inquiry(c: Ctx) -> Draft:
    faction = c.pick(FACTIONS)
    subject = c.pick(
        (
            "Lärmbeschwerden in der Innenstadt",
            "Beschwerden über das Bürgerbüro",
            "Beschwerden über die Müllabfuhr",
        )
    )
    body = [
        f"die Fraktion {faction} bittet um Auskunft zu den {subject}:",
        numbered(
            [
                f"Wie viele Beschwerden sind seit dem 1. Januar {c.day.year} bei der Verwaltung "
                "eingegangen, aufgeschlüsselt nach Monaten?",
                "Wie lange dauert die Bearbeitung einer Beschwerde durchschnittlich?",
                "Welche Maßnahmen hat die Verwaltung aufgrund der Beschwerden ergriffen?",
                "Ist ein zentrales Beschwerdemanagement mit Online-Formular geplant?",
            ][: c.num(2, 4)]
        ),
    ]
    return _draft(c, f"Anfrage: {subject}", body, faction, hard=True)


def _road_damage_inquiry(c: Ctx) -> Draft:
    faction = c.pick(FACTIONS)
    body = [
        "nach dem langen Winter häufen sich Schlaglöcher und andere Straßenschäden im ganzen "
        "Stadtgebiet. Wir bitten um Beantwortung folgender Fragen:",
        numbered(
            [
                "Wie viele Meldungen über Straßenschäden sind in diesem Jahr eingegangen?",
                "Wie viele davon wurden bereits behoben, und wie lange dauert eine Reparatur?",
                f"Reicht der Haushaltsansatz von {c.euro(100000, 900000)} für die "
                "Straßenunterhaltung aus?",
                "Gibt es eine Prioritätenliste für die Sanierung von Gehwegen und Radwegen?",
            ][: c.num(2, 4)]
        ),
    ]
    return _draft(c, "Anfrage zum Zustand der städtischen Straßen", body, faction, hard=True)


def _agenda_motion(c: Ctx) -> Draft:
    faction, topic = c.pick(FACTIONS), c.pick(COUNCIL_TOPICS)
    body = [
        f"gemäß § 34 Abs. 1 GemO beantragt die Fraktion {faction}, den Punkt „{topic}“ auf die "
        f"Tagesordnung der Sitzung des Gemeinderats am {c.after(14, 40)} zu setzen.",
        "Wir bitten die Verwaltung, zur Sitzung einen Sachstandsbericht vorzulegen. Eine "
        "Beschlussvorlage ist nicht erforderlich.",
    ]
    return _draft(c, f"Antrag auf Aufnahme in die Tagesordnung: {topic}", body, faction, hard=True)


def _staffing_inquiry(c: Ctx) -> Draft:
    faction = c.pick(FACTIONS)
    office = c.pick(
        ("im Bauordnungsamt", "in den Kindertagesstätten", "im Bürgerbüro", "in der IT")
    )
    body = [
        f"die Fraktion {faction} bittet um Auskunft zur Personalsituation {office}:",
        numbered(
            [
                "Wie viele Stellen sind derzeit unbesetzt, und seit wann?",
                "Wie viele Bewerbungen gingen auf die letzten Stellenausschreibungen ein?",
                "Wie viele Kündigungen durch Beschäftigte gab es in den letzten zwei Jahren?",
                "Welche Maßnahmen zur Gewinnung von Fachkräften plant die Verwaltung?",
            ][: c.num(2, 4)]
        ),
    ]
    return _draft(c, f"Anfrage zur Personalsituation {office}", body, faction, hard=True)


def _local_council_request(c: Ctx) -> Draft:
    body_name = c.pick(("Ortschaftsrat Weißach", "Ortschaftsrat Bühlertal", "Jugendgemeinderat"))
    topic = c.pick(COUNCIL_TOPICS)
    body = [
        f"der {body_name} hat in seiner Sitzung vom {c.before(5, 30)} einstimmig beschlossen, "
        f"die Verwaltung um Stellungnahme zum Thema „{topic}“ zu bitten.",
        "Insbesondere bitten wir um Auskunft, wie die Belange unseres Ortsteils bzw. der "
        "Jugendlichen berücksichtigt werden und wann eine Entscheidung fällt.",
    ]
    return Draft(
        f"Anfrage des {genitive(body_name)}: {topic}",
        body,
        sender=(body_name, c.person.name, f"Vorsitz, {c.person.street} {c.person.number}"),
        recipient=_mayor(),
        salutation="Sehr geehrter Herr Oberbürgermeister,",
        signer=f"{c.person.name}, {'Ortsvorsteher/in' if 'Ortschaft' in body_name else 'Vorsitz'}",
    )


def _follow_up_inquiry(c: Ctx) -> Draft:
    faction = c.pick(FACTIONS)
    body = [
        f"der Gemeinderat hat am {c.before(120, 400)} beschlossen, die Gebührensatzung zu "
        "überarbeiten. Seither ist aus unserer Sicht wenig geschehen.",
        numbered(
            [
                "Wie ist der Stand der Umsetzung des Beschlusses?",
                "Wie viele Widersprüche gegen Gebührenbescheide gingen im laufenden Jahr ein, "
                "und wie viele davon waren erfolgreich?",
                f"Welche Mehr- oder Mindereinnahmen gegenüber dem Ansatz von {c.euro(1e5, 3e6)} "
                "erwartet die Kämmerei?",
            ]
        ),
    ]
    return _draft(c, "Sachstandsanfrage zur Umsetzung eines Ratsbeschlusses", body, faction, True)


TEMPLATES: tuple[Template, ...] = (
    _formal_inquiry, _motion, _member_mail, _complaints_inquiry, _road_damage_inquiry,
    _agenda_motion, _staffing_inquiry, _local_council_request, _follow_up_inquiry,
)  # fmt: skip
