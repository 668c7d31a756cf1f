"""Templates for building applications (type ``bauantrag``).

Bauanträge, Bauvoranfragen, Nachreichungen and Sachstandsanfragen, from owners and
architects. Hard cases mention a Gewerbe (change of use to a café), a neighbour's
Widerspruch or the fee "Rechnung"; they stay applications because they ask for a permit.
"""

from __future__ import annotations

from samples import _words as w
from samples.corpus.base import Ctx, Draft, Template, dashed, fields, numbered
from samples.corpus.vocab import BAUVORLAGEN, BUILD_PROJECTS


def _site(c: Ctx) -> str:
    p = c.person
    return (
        f"{p.street} {p.number}, Flurstück {c.flurstueck()}, Gemarkung "
        f"{c.pick((w.CITY, 'Weißach', 'Bühlertal'))}"
    )


def _application_cover(c: Ctx) -> Draft:
    project = c.pick(BUILD_PROJECTS)
    docs = c.shuffled(BAUVORLAGEN, c.num(4, 8))
    body = [
        c.pick(
            (
                f"hiermit beantrage ich die Baugenehmigung für die Errichtung {project} auf "
                f"meinem Grundstück {_site(c)}.",
                f"wir stellen den Antrag auf Erteilung einer Baugenehmigung für den Neubau "
                f"{project} ({_site(c)}).",
            )
        ),
        "Dem Antrag liegen folgende Bauvorlagen in dreifacher Ausfertigung bei:",
        dashed(docs),
        c.pick(
            (
                f"Entwurfsverfasser ist das Architekturbüro {c.pick(w.LAST_NAMES)} & Partner.",
                "Die Planung hat ein bauvorlageberechtigter Ingenieur erstellt.",
            )
        ),
    ]
    body += c.some(
        [
            "Die Nachbarn wurden beteiligt und haben die Pläne unterschrieben.",
            f"Wir planen den Baubeginn im {c.pick(w.MONTHS)} und bitten um zügige Bearbeitung.",
            f"Rückfragen gern unter {c.person.phone}.",
        ],
        1,
        3,
    )
    return Draft(
        c.pick(("Antrag auf Baugenehmigung", f"Bauantrag – Neubau {project}")),
        body,
        office="bau",
    )


def _preliminary_inquiry(c: Ctx) -> Draft:
    project = c.pick(BUILD_PROJECTS)
    questions = [
        f"Ist die Errichtung {project} auf dem Grundstück planungsrechtlich nach § 34 BauGB "
        "zulässig?",
        f"Kann die Baugrenze auf der Gartenseite um {c.num(1, 4)} m überschritten werden?",
        "Ist ein Satteldach mit 35° Dachneigung zulässig, oder wird ein Flachdach verlangt?",
        "Wie viele Stellplätze müssen nachgewiesen werden?",
        "Ist eine Grenzbebauung zur östlichen Nachbarseite möglich?",
    ]
    body = [
        f"für das Grundstück {_site(c)} stelle ich eine Bauvoranfrage und bitte um einen "
        "Bauvorbescheid zu folgenden Fragen:",
        numbered(c.some(questions, 2, 5)),
        "Ein Lageplan und eine Skizze des geplanten Baukörpers liegen bei.",
    ]
    return Draft("Bauvoranfrage", body, office="bau", attachments=("Lageplan", "Skizze"))


def _documents_follow_up(c: Ctx) -> Draft:
    az = c.aktenzeichen("63")
    docs = c.shuffled(BAUVORLAGEN, c.num(1, 4))
    body = [
        c.pick(
            (
                f"mit Schreiben vom {c.before(10, 40)} hatten Sie uns gebeten, Unterlagen zu "
                "unserem Bauantrag nachzureichen. Anbei erhalten Sie:",
                "wie telefonisch besprochen reichen wir zum Bauantrag folgende Unterlagen nach:",
            )
        ),
        dashed(docs),
        "Damit sollten die Bauvorlagen vollständig sein. Wir bitten, das Verfahren fortzusetzen.",
    ]
    return Draft(
        f"Nachreichung von Bauvorlagen – Az. {az}",
        body,
        office="bau",
        reference=f"Ihr Zeichen: {az}",
        attachments=tuple(docs),
    )


def _architect_submission(c: Ctx) -> Draft:
    owner = c.other()
    project = c.pick(BUILD_PROJECTS)
    office = f"Architekturbüro {c.person.last} + {c.pick(w.LAST_NAMES)}"
    body = [
        f"im Auftrag unserer Bauherrschaft, {owner.name}, {owner.street} {owner.number}, "
        f"reichen wir den Bauantrag für die Errichtung {project} ein.",
        fields(
            [
                ("Baugrundstück", _site(c)),
                ("Gebäudeklasse", str(c.num(1, 4))),
                ("Bruttorauminhalt", f"{c.num(120, 2400)} m³"),
                ("Geschossflächenzahl", f"0,{c.num(3, 9)}"),
                ("Baukosten (geschätzt)", c.euro(40000, 900000)),
            ]
        ),
        "Die Vollmacht der Bauherrschaft, die Nachweise nach GEG und der Standsicherheitsnachweis "
        "sind beigefügt. Den Prüfstatiker benennen wir nach Aufforderung.",
        "Bitte senden Sie den Schriftverkehr an unser Büro.",
    ]
    return Draft(
        f"Bauantrag {owner.last}, {c.pick(w.STREETS)}",
        body,
        sender=c.company_sender(office),
        signer=f"{c.person.name}, Dipl.-Ing. Architekt/in",
        office="bau",
        attachments=("Bauvorlagen (3-fach)", "Vollmacht"),
    )


def _application_form(c: Ctx) -> Draft:
    p = c.person
    body = [
        fields(
            [
                ("Bauherr/in", p.name),
                ("Anschrift", f"{p.street} {p.number}, {p.plz} {p.place}"),
                ("Telefon", p.phone),
                ("Baugrundstück", _site(c)),
                ("Vorhaben", f"Errichtung {c.pick(BUILD_PROJECTS)}"),
                ("Art der Genehmigung", c.pick(("Baugenehmigung", "vereinfachtes Verfahren"))),
                ("Grundfläche", f"{c.num(12, 240)} m²"),
                ("Zahl der Vollgeschosse", str(c.num(1, 3))),
            ]
        ),
        "Ich versichere, dass die Angaben richtig sind und die Bauvorlagen vollständig beiliegen.",
    ]
    return Draft("Antrag auf Erteilung einer Baugenehmigung", body, style="form", signer=p.name)


def _informal_mail(c: Ctx) -> Draft:
    project = c.pick(
        ("einen Carport", "ein Gartenhaus", "eine Terrassenüberdachung", "eine Garage")
    )
    body = [
        c.pick(
            (
                f"wir würden gern {project} auf unserem Grundstück {c.person.street} "
                f"{c.person.number} bauen. Brauchen wir dafür eine Baugenehmigung?",
                f"ich möchte {project} errichten lassen und den Bauantrag stellen. "
                "Welche Unterlagen brauchen Sie dafür?",
            )
        ),
        f"Geplant sind ca. {c.num(3, 8)} x {c.num(3, 8)} m, Abstand zum Nachbarn "
        f"etwa {c.num(1, 4)} m. Eine Skizze hänge ich an.",
        "Kann man den Antrag auch digital einreichen?",
    ]
    return Draft(f"Bauantrag für {project}?", body, style="email", office="bau")


def _change_of_use(c: Ctx) -> Draft:
    use = c.pick(
        (
            "eines Ladenlokals in ein Café mit 30 Sitzplätzen",
            "einer Scheune in eine Werkstatt für meinen Handwerksbetrieb",
            "einer Wohnung in ein Kosmetikstudio",
            "eines Lagers in eine Gaststätte",
        )
    )
    body = [
        f"hiermit beantrage ich die Genehmigung der Nutzungsänderung {use} im Gebäude "
        f"{c.street()}.",
        "Die Gewerbeanmeldung werde ich nach Erteilung der Baugenehmigung beim Ordnungsamt "
        "vornehmen; der Mietvertrag für die Räume beginnt am "
        f"{c.after(40, 120)}.",
        "Bauliche Änderungen: Einbau einer Toilettenanlage, zweiter Rettungsweg über den Hof, "
        f"{c.num(2, 6)} Stellplätze auf dem Grundstück. Das Brandschutzkonzept liegt bei.",
    ]
    return Draft(
        "Bauantrag – Nutzungsänderung",
        body,
        office="bau",
        attachments=("Grundrisse", "Brandschutzkonzept", "Stellplatznachweis"),
        hard=True,
    )


def _status_inquiry(c: Ctx) -> Draft:
    az = c.aktenzeichen("63")
    body = [
        f"am {c.before(60, 200)} habe ich den Bauantrag für die Errichtung "
        f"{c.pick(BUILD_PROJECTS)} eingereicht (Az. {az}). Die Rechnung über die "
        f"Bearbeitungsgebühr von {c.euro(150, 1500)} habe ich sofort bezahlt.",
        "Seitdem habe ich nichts mehr gehört. Ich möchte mich nicht beschweren, bin aber auf "
        "eine Entscheidung angewiesen, weil die Baufirma nur noch bis zum "
        f"{c.after(20, 60)} einen Termin freihält.",
        "Bitte teilen Sie mir mit, ob noch Unterlagen fehlen und wann ich mit der "
        "Baugenehmigung rechnen kann.",
    ]
    return Draft(
        f"Sachstand meines Bauantrags, Az. {az}",
        body,
        style=c.pick(("brief", "email")),
        office="bau",
        hard=True,
    )


def _exemption_request(c: Ctx) -> Draft:
    what = c.pick(
        (
            "einen Sichtschutzzaun von 2,20 m Höhe",
            "eine Garage 1,5 m außerhalb des Baufensters",
            "eine Dachgaube mit 60 % der Trauflänge",
        )
    )
    body = [
        f"zu unserem Bauantrag für {what} beantragen wir eine Befreiung von den Festsetzungen "
        f"des Bebauungsplans „{c.pick(('Am Mühlbach', 'Weinberg Süd', 'Ortsmitte II'))}“ "
        "nach § 31 Abs. 2 BauGB.",
        "Die Grundzüge der Planung werden nicht berührt; in der Nachbarschaft wurden "
        "vergleichbare Befreiungen erteilt.",
        "Die angrenzenden Nachbarn haben den Plänen zugestimmt; ein Widerspruch der Nachbarn ist "
        "nicht zu erwarten. Die Zustimmungserklärungen fügen wir bei.",
    ]
    return Draft(
        "Antrag auf Befreiung nach § 31 BauGB",
        body,
        office="bau",
        attachments=("Zustimmung der Nachbarn",),
        hard=True,
    )


def _extension_or_demolition(c: Ctx) -> Draft:
    az = c.aktenzeichen("63")
    if c.chance(0.5):
        body = [
            f"die Baugenehmigung vom {c.before(900, 1100)} (Az. {az}) läuft demnächst ab. "
            "Wegen gestiegener Baukosten konnten wir noch nicht beginnen.",
            "Wir beantragen daher die Verlängerung der Geltungsdauer um zwei Jahre. Die "
            "Planung ist unverändert.",
        ]
        betreff = f"Antrag auf Verlängerung der Baugenehmigung, Az. {az}"
    else:
        body = [
            f"wir beabsichtigen, das baufällige Nebengebäude auf dem Grundstück {c.street()} "
            "abzubrechen, und beantragen die erforderliche Genehmigung.",
            f"Der Abbruch soll durch die Firma {c.pick(w.LAST_NAMES)} Abbruch GmbH erfolgen; "
            "asbesthaltige Bauteile sind nach dem beigefügten Gutachten nicht vorhanden.",
        ]
        betreff = "Antrag auf Abbruchgenehmigung"
    return Draft(betreff, body, office="bau")


TEMPLATES: tuple[Template, ...] = (
    _application_cover, _preliminary_inquiry, _documents_follow_up, _architect_submission,
    _application_form, _informal_mail, _change_of_use, _status_inquiry, _exemption_request,
    _extension_or_demolition,
)  # fmt: skip
