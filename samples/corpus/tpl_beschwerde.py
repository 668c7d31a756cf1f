"""Templates for complaints from citizens (type ``beschwerde``).

Noise, staff behaviour, the state of the town, long waits, from polite to furious. Hard
cases: a Straßenschaden reported months ago and still not fixed, a Mahnung despite
payment, a stalled Bauantrag (Dienstaufsichtsbeschwerde), noise from a Gewerbebetrieb. The
writer is unhappy with how the city acted; that, not the topic, makes it a complaint.
"""

from __future__ import annotations

from samples import _words as w
from samples.corpus.base import Ctx, Draft, Template, fields, in_street, numbered
from samples.corpus.vocab import COMPLAINTS, DAMAGES


def _noise(c: Ctx) -> Draft:
    topic, detail = c.pick(COMPLAINTS[:3] + COMPLAINTS[9:])
    body = [
        c.pick(
            (
                f"ich möchte mich hiermit über {topic} beschweren.",
                f"leider sehe ich mich gezwungen, mich erneut über {topic} zu beschweren.",
            )
        ),
        detail,
        c.pick(
            (
                "An Schlaf ist nicht zu denken; meine Kinder müssen morgens früh zur Schule.",
                "Ich arbeite im Schichtdienst und bin auf Ruhe angewiesen.",
                "Die Nachbarschaft ist sich einig, dass es so nicht weitergehen kann.",
            )
        ),
        "Ich erwarte, dass das Ordnungsamt kontrolliert und einschreitet. Bitte teilen Sie mir "
        "mit, was Sie unternehmen.",
    ]
    return Draft(f"Beschwerde über {topic}", body, office=c.pick(("haupt", "ordnung")))


_ERRANDS = (
    "meinen Reisepass abzuholen",
    "eine Meldebescheinigung zu beantragen",
    "eine Frage zu klären",
    "einen Antrag auf Wohngeld abzugeben",
)


def _staff_behaviour(c: Ctx) -> Draft:
    place = c.pick(
        ("im Bürgerbüro", "in der Stadtkasse", "am Empfang des Rathauses", "im Standesamt")
    )
    body = [
        f"am {c.before(2, 20)} war ich {place}, um {c.pick(_ERRANDS)}.",
        c.pick(
            (
                "Der Mitarbeiter war ausgesprochen unfreundlich, hat mich unterbrochen und mir "
                "schließlich gesagt, ich solle „halt nochmal wiederkommen“.",
                "Die Mitarbeiterin hat während meines Anliegens privat telefoniert und mich dann "
                "ohne Auskunft weggeschickt.",
            )
        ),
        "So möchte ich als Bürgerin bzw. Bürger nicht behandelt werden. Ich bitte um eine "
        "Stellungnahme und erwarte, dass das Gespräch mit dem Mitarbeiter gesucht wird.",
    ]
    return Draft(
        f"Beschwerde über das Verhalten einer/eines Bediensteten {place}", body, office="haupt"
    )


def _angry_mail(c: Ctx) -> Draft:
    topic, detail = c.pick(COMPLAINTS)
    body = [
        c.pick(
            (
                f"es reicht jetzt wirklich!!! {detail}",
                f"ich schreibe ihnen jetzt zum dritten mal wegen {topic}. {detail}",
                f"was ist eigentlich los bei ihnen? {detail}",
            )
        ),
        c.pick(
            (
                "Wofür zahlen wir eigentlich Steuern?",
                "Niemand fühlt sich zuständig, das ist eine Frechheit.",
                "Ich erwarte eine Antwort, sonst wende ich mich an die Zeitung.",
            )
        ),
    ]
    return Draft(f"Beschwerde {topic}", body, style="email", office=c.pick(("haupt", None)))


def _unrepaired_damage(c: Ctx) -> Draft:
    damage, detail, where = c.pick(DAMAGES)
    street = c.pick(w.STREETS)
    detail = detail.format(cm=c.num(4, 15), n=c.num(100, 999), m=c.num(2, 30))
    body = [
        f"bereits am {c.before(60, 180)} habe ich {damage} {where} {in_street(street)} gemeldet "
        f"({detail}). Bis heute ist nichts passiert.",
        c.pick(
            (
                "Ich habe zweimal nachgefragt und wurde jedes Mal vertröstet. Das ist für mich "
                "nicht nachvollziehbar.",
                "Inzwischen ist dort ein Radfahrer gestürzt. Die Stadt hätte das verhindern "
                "können.",
            )
        ),
        "Ich beschwere mich hiermit ausdrücklich über die Untätigkeit der Verwaltung und bitte "
        "um Auskunft, warum die Meldung nicht bearbeitet wurde.",
    ]
    return Draft(
        f"Beschwerde: gemeldeter Schaden {in_street(street)} seit Monaten nicht behoben",
        body,
        style=c.pick(("brief", "email")),
        office=c.pick(("haupt", "tiefbau")),
        hard=True,
    )


def _wrong_reminder(c: Ctx) -> Draft:
    amount = c.euro(30, 600)
    body = [
        f"trotz pünktlicher Zahlung der Rechnung über {amount} am {c.before(20, 50)} habe ich "
        "von der Stadtkasse eine Mahnung mit Mahngebühren erhalten.",
        "Als ich anrief, um das zu klären, wurde ich von Abteilung zu Abteilung verbunden und "
        "schließlich aus der Leitung geworfen. Mein Kontoauszug beweist die Zahlung.",
        "Über diese Behandlung beschwere ich mich. Ich bitte darum, die Mahnung zurückzunehmen "
        "und sicherzustellen, dass so etwas nicht wieder vorkommt.",
    ]
    return Draft(
        "Beschwerde über die Stadtkasse – Mahnung trotz Zahlung",
        body,
        office="kasse",
        attachments=("Kopie Kontoauszug",),
        hard=True,
    )


def _supervisory_complaint(c: Ctx) -> Draft:
    az = c.aktenzeichen("63")
    body = [
        f"hiermit erhebe ich Dienstaufsichtsbeschwerde gegen die Sachbearbeitung meines "
        f"Bauantrags (Az. {az}) im Bauordnungsamt.",
        numbered(
            [
                f"Der Antrag liegt seit dem {c.before(150, 300)} vollständig vor.",
                "Auf drei schriftliche Nachfragen habe ich keine Antwort erhalten.",
                f"{c.staff()} ist telefonisch nie erreichbar, Rückrufe erfolgen nicht.",
                f"Mir entstehen durch die Verzögerung Mehrkosten von {c.euro(2000, 20000)}.",
            ][: c.num(3, 4)]
        ),
        "Ich bitte Sie als Dienstvorgesetzten, den Vorgang zu prüfen und mir mitzuteilen, "
        "welche Maßnahmen Sie ergreifen.",
    ]
    return Draft(
        "Dienstaufsichtsbeschwerde",
        body,
        recipient=(
            "Herrn Oberbürgermeister",
            "Dr. Peter Hartmann",
            "Rathausplatz 1",
            "79312 Lindenau",
        ),
        salutation="Sehr geehrter Herr Oberbürgermeister,",
        hard=True,
    )


def _public_conditions(c: Ctx) -> Draft:
    topic, detail = c.pick(COMPLAINTS[3:8])
    body = [
        f"leider muss ich mich über {topic} beschweren.",
        detail,
        c.pick(
            (
                "Für eine Stadt, die sich familienfreundlich nennt, ist das ein Armutszeugnis.",
                "Touristen und Gäste bekommen so einen denkbar schlechten Eindruck.",
            )
        ),
        "Ich bitte darum, den Missstand kurzfristig zu beseitigen.",
    ]
    return Draft(f"Beschwerde über {topic}", body, office="haupt")


def _online_form(c: Ctx) -> Draft:
    topic, detail = c.pick(COMPLAINTS)
    body = [
        "Ideen- und Beschwerdemanagement – Eingabe über das Online-Formular",
        fields(
            [
                ("Art des Anliegens", "Beschwerde"),
                ("Thema", topic),
                ("Ort", f"{c.pick(w.STREETS)}, {w.CITY}"),
                ("Beschreibung", detail),
                ("Rückmeldung gewünscht", c.pick(("ja, per E-Mail", "ja, telefonisch", "nein"))),
                ("Name", c.person.name),
                ("E-Mail", c.person.email),
            ]
        ),
    ]
    return Draft("Beschwerde", body, style="form")


def _service_grievances(c: Ctx) -> Draft:
    grievances = [
        "Online-Termine im Bürgerbüro sind auf Wochen ausgebucht.",
        "Das Telefon der Stadtverwaltung ist zur Mittagszeit nicht besetzt.",
        "E-Mails werden erst nach Wochen oder gar nicht beantwortet.",
        "Die Öffnungszeiten sind für Berufstätige völlig ungeeignet.",
        "Formulare auf der Internetseite sind veraltet.",
        "Im Wartebereich gibt es keine Sitzgelegenheiten für ältere Menschen.",
    ]
    body = [
        "ich möchte meinem Ärger über die Erreichbarkeit der Stadtverwaltung Luft machen:",
        numbered(c.some(grievances, 3, 6)),
        "Andere Städte zeigen, dass es besser geht. Ich erwarte eine Antwort des Hauptamts.",
    ]
    return Draft("Beschwerde über Erreichbarkeit und Service", body, office="buergerbuero")


def _business_noise(c: Ctx) -> Draft:
    business = c.pick(("Kfz-Werkstatt", "Schreinerei", "Shisha-Bar", "Lieferdienst", "Tankstelle"))
    body = [
        f"seit die {business} {in_street(c.street())} ihr Gewerbe betreibt, ist es mit der Ruhe in "
        "unserem Wohngebiet vorbei.",
        c.pick(
            (
                "Von früh bis spät wird gehämmert und geflext, auch am Wochenende.",
                "Bis nach Mitternacht fahren Lieferwagen und Kunden an und ab.",
            )
        ),
        "Ich frage mich, ob dieser Betrieb überhaupt eine Gewerbeerlaubnis für ein Wohngebiet "
        "hat. Ich beschwere mich hiermit und bitte das Ordnungsamt, den Betrieb zu überprüfen.",
    ]
    return Draft(f"Beschwerde über Lärm durch eine {business}", body, office="ordnung", hard=True)


TEMPLATES: tuple[Template, ...] = (
    _noise, _staff_behaviour, _angry_mail, _unrepaired_damage, _wrong_reminder,
    _supervisory_complaint, _public_conditions, _online_form, _service_grievances,
    _business_noise,
)  # fmt: skip
