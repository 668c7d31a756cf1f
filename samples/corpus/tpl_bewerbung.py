"""Templates for job applications to the city (type ``bewerbung``).

Anschreiben on advertised posts, apprenticeships, internships, unsolicited applications,
a Bewerbungsbogen and short e-mails. Hard cases: an engineer who would check Bauanträge
in the Bauamt, a clerk from dunning and Widerspruchsverfahren, an applicant who names the
Kündigungsfrist of the current job.
"""

from __future__ import annotations

from samples import _words as w
from samples.corpus.base import Ctx, Draft, Template, dashed, fields
from samples.corpus.vocab import APPRENTICESHIPS, DEGREES, JOBS, SCHOOLS


def _code(c: Ctx) -> str:
    return f"{c.num(10, 66)}/{c.num(1, 40):02d}/{c.day.year % 100}"


def _strengths(c: Ctx) -> str:
    return c.pick(
        (
            "Ich arbeite strukturiert, bin belastbar und behalte auch bei hohem Arbeitsaufkommen "
            "den Überblick.",
            "Der Umgang mit Bürgerinnen und Bürgern macht mir Freude; auch in schwierigen "
            "Gesprächen bleibe ich freundlich und sachlich.",
            "Ich bin teamfähig, zuverlässig und bilde mich gern fort.",
            "Mit den gängigen Office-Programmen und Fachverfahren bin ich sicher vertraut.",
        )
    )


def _advertised(c: Ctx) -> Draft:
    title, office, work = c.pick(JOBS)
    code = _code(c)
    body = [
        c.pick(
            (
                f"mit großem Interesse habe ich Ihre Stellenausschreibung „{title}“ "
                f"(Kennziffer {code}) gelesen und bewerbe mich hiermit.",
                f"hiermit bewerbe ich mich auf die ausgeschriebene Stelle als {title} im "
                f"{office} (Kennziffer {code}).",
            )
        ),
        f"Nach meinem Abschluss als {c.pick(DEGREES)} bin ich seit {c.num(2, 15)} Jahren "
        f"bei der Gemeinde {c.pick(w.PLACES)[1]} tätig. Dort bin ich unter anderem für {work} "
        "zuständig.",
        _strengths(c),
        c.pick(
            (
                "Über eine Einladung zu einem persönlichen Gespräch freue ich mich sehr.",
                "Gern überzeuge ich Sie in einem Vorstellungsgespräch von meiner Motivation.",
            )
        ),
    ]
    return Draft(
        f"Bewerbung als {title}, Kennziffer {code}",
        body,
        office="personal",
        attachments=("Lebenslauf", "Zeugnisse"),
    )


def _apprenticeship(c: Ctx) -> Draft:
    training = c.pick(APPRENTICESHIPS)
    body = [
        f"im Sommer {c.day.year + 1} schließe ich die Schule ({c.pick(SCHOOLS)}) mit der "
        f"{c.pick(('Mittleren Reife', 'Fachhochschulreife', 'allgemeinen Hochschulreife'))} ab "
        f"und bewerbe mich um einen Platz für die {training}.",
        c.pick(
            (
                "In einem Praktikum im Bürgerbüro habe ich gemerkt, wie abwechslungsreich die "
                "Arbeit in einer Verwaltung ist.",
                "Meine Lieblingsfächer sind Mathematik und Deutsch; ich arbeite gern genau und "
                "mit anderen Menschen zusammen.",
            )
        ),
        "Ich freue mich auf eine Einladung zum Auswahltest.",
    ]
    return Draft(f"Bewerbung um einen Ausbildungsplatz: {training}", body, office="personal")


_SUBJECTS = ("Public Management", "Geografie", "Bauingenieurwesen", "Soziale Arbeit")


def _internship(c: Ctx) -> Draft:
    body = [
        f"ich studiere im {c.num(2, 7)}. Semester {c.pick(_SUBJECTS)} und suche für den "
        f"Zeitraum {c.after(60, 90, long=False)} bis {c.after(120, 200, long=False)} ein "
        "Pflichtpraktikum.",
        "Besonders interessiere ich mich für die Arbeit "
        + c.pick(("der Stadtplanung.", "des Hauptamts.", "der Kämmerei.", "des Jugendamts.")),
        "Lebenslauf und Immatrikulationsbescheinigung hänge ich an.",
    ]
    return Draft(
        "Bewerbung um ein Praktikum", body, style=c.pick(("brief", "email")), office="personal"
    )


def _unsolicited(c: Ctx) -> Draft:
    degree = c.pick(DEGREES)
    body = [
        "auch wenn derzeit keine passende Stelle ausgeschrieben ist, möchte ich mich initiativ "
        "bei der Stadtverwaltung bewerben.",
        f"Ich bin {degree} und habe zuletzt {c.num(3, 12)} Jahre in der Privatwirtschaft "
        "gearbeitet. Nun möchte ich meine Erfahrung in den öffentlichen Dienst einbringen.",
        _strengths(c),
        "Bitte nehmen Sie meine Unterlagen in Ihren Bewerberpool auf.",
    ]
    return Draft("Initiativbewerbung", body, office="personal", attachments=("Lebenslauf",))


def _building_engineer(c: Ctx) -> Draft:
    code = _code(c)
    body = [
        "mit Interesse habe ich gelesen, dass das Bauordnungsamt eine Sachbearbeiterin bzw. einen "
        f"Sachbearbeiter für die Prüfung von Bauanträgen sucht (Kennziffer {code}).",
        f"Als Bauingenieur/in habe ich {c.num(3, 14)} Jahre in einem Planungsbüro gearbeitet und "
        "dort zahlreiche Bauanträge, Bauvoranfragen und Nutzungsänderungen erstellt. Die "
        "Landesbauordnung und das Bauplanungsrecht kenne ich daher aus der Sicht der "
        "Antragsteller.",
        "Gern würde ich nun auf die andere Seite wechseln und im Bauamt Ihrer Stadt arbeiten.",
        _strengths(c),
    ]
    return Draft(
        f"Bewerbung – Sachbearbeitung Bauordnung, Kennziffer {code}",
        body,
        office="personal",
        attachments=("Lebenslauf", "Abschlusszeugnis", "Arbeitszeugnisse"),
        hard=True,
    )


def _short_mail(c: Ctx) -> Draft:
    title, _, _ = c.pick(JOBS)
    code = _code(c)
    body = [
        c.pick(
            (
                f"anbei sende ich Ihnen meine Bewerbungsunterlagen für die Stelle {title} "
                f"(Kennziffer {code}).",
                f"ich bewerbe mich auf die Stelle „{title}“. Meine Unterlagen finden Sie im "
                "Anhang.",
            )
        ),
        f"Ich bin ab dem {c.after(30, 120)} verfügbar.",
    ]
    return Draft(
        f"Bewerbung {title}",
        body,
        style="email",
        office="personal",
        attachments=("Bewerbung.pdf",),
    )


def _cashier_clerk(c: Ctx) -> Draft:
    body = [
        "hiermit bewerbe ich mich auf die Stelle in der Stadtkasse, Bereich Vollstreckung "
        f"(Kennziffer {_code(c)}).",
        "Seit meiner Ausbildung arbeite ich in der Buchhaltung eines Energieversorgers. Ich "
        "prüfe Rechnungen, betreue das Mahnwesen und bearbeite Widersprüche von Kunden gegen "
        "Abrechnungen und Mahnungen.",
        "Die Arbeit mit Zahlen und Fristen liegt mir; zugleich weiß ich, wie wichtig ein "
        "respektvoller Ton gegenüber Schuldnerinnen und Schuldnern ist.",
    ]
    return Draft("Bewerbung Sachbearbeitung Vollstreckung", body, office="personal", hard=True)


def _notice_period(c: Ctx) -> Draft:
    title, office, work = c.pick(JOBS)
    body = [
        f"auf Ihre Ausschreibung für die Stelle als {title} ({office}) bewerbe ich mich gern.",
        f"Derzeit bin ich in ungekündigter Stellung bei einem privaten Träger beschäftigt und "
        f"dort für {work} verantwortlich.",
        c.pick(
            (
                "Meine Kündigungsfrist beträgt drei Monate zum Quartalsende.",
                "Ich könnte nach Ablauf meiner Kündigungsfrist von sechs Wochen beginnen.",
            )
        ),
        _strengths(c),
    ]
    return Draft(f"Bewerbung als {title}", body, office="personal", hard=True)


def _questionnaire(c: Ctx) -> Draft:
    p = c.person
    title, _, _ = c.pick(JOBS)
    body = [
        "Bewerbungsbogen der Stadtverwaltung",
        fields(
            [
                ("Stelle / Kennziffer", f"{title} / {_code(c)}"),
                ("Name, Vorname", f"{p.last}, {p.first}"),
                ("Anschrift", f"{p.street} {p.number}, {p.plz} {p.place}"),
                ("Telefon / E-Mail", f"{p.phone} / {p.email}"),
                ("Höchster Abschluss", c.pick(DEGREES)),
                ("Frühester Eintrittstermin", c.after(30, 120, long=False)),
                ("Schwerbehinderung", c.pick(("nein", "nein", "ja, GdB 50"))),
            ]
        ),
        "Beigefügte Unterlagen:\n" + dashed(["Lebenslauf", "Zeugnisse", "Nachweise"]),
    ]
    return Draft("Bewerbung", body, style="form", signer=p.name)


def _volunteer_or_holiday(c: Ctx) -> Draft:
    what = c.pick(
        (
            "einen Platz im Freiwilligen Sozialen Jahr in einer städtischen Kita",
            "eine Stelle im Bundesfreiwilligendienst beim Bauhof",
            "einen Ferienjob im Freibad",
            "eine Stelle als Wahlhelfer/in bei der nächsten Wahl",
        )
    )
    body = [
        f"ich bin {c.num(16, 19)} Jahre alt und bewerbe mich für {what}.",
        "Ich bin zuverlässig, sportlich und arbeite gern im Team. Erfahrung habe ich als "
        f"Jugendtrainer/in im {c.pick(('Turnverein', 'Fußballverein', 'Schwimmverein'))}.",
        f"Sie erreichen mich unter {c.person.phone}.",
    ]
    return Draft("Bewerbung", body, style=c.pick(("brief", "email")), office="personal")


TEMPLATES: tuple[Template, ...] = (
    _advertised, _apprenticeship, _internship, _unsolicited, _building_engineer, _short_mail,
    _cashier_clerk, _notice_period, _questionnaire, _volunteer_or_holiday,
)  # fmt: skip
