"""Vocabularies for the training corpus, beyond the sample post's names and streets.

All invented or common vocabulary (no real companies or persons). The lists are long on
purpose: slot values that vary a lot stop a classifier from keying on one company name or
one amount instead of on what a letter asks for.
"""

from __future__ import annotations

from samples import _words as w

CITY = w.CITY
MAIL_DOMAIN = "lindenau.de"

# (Amt, e-mail box) a citizen may address; the department names as printed in addresses
OFFICES = {
    "kasse": ("Stadtkasse", "stadtkasse"),
    "kaemmerei": ("Kämmerei", "kaemmerei"),
    "bau": ("Bauordnungsamt", "bauordnung"),
    "recht": ("Rechtsamt", "rechtsamt"),
    "ordnung": ("Ordnungsamt – Gewerbeangelegenheiten", "gewerbe"),
    "rat": ("Ratsbüro", "ratsbuero"),
    "haupt": ("Hauptamt", "hauptamt"),
    "liegenschaften": ("Liegenschaftsamt", "liegenschaften"),
    "personal": ("Personalamt", "personal"),
    "tiefbau": ("Tiefbauamt", "tiefbau"),
    "buergerbuero": ("Bürgerbüro", "buergerbuero"),
}

STAFF = (
    ("Frau", "Keller"), ("Herr", "Brandt"), ("Frau", "Albrecht"), ("Herr", "Nowak"),
    ("Frau", "Lorenz"), ("Herr", "Seidel"), ("Frau", "Yilmaz"), ("Herr", "Franke"),
    ("Frau", "Roth"), ("Herr", "Kaiser"), ("Frau", "Pohl"), ("Herr", "Engel"),
)  # fmt: skip

SUPPLIERS = (
    # (company, trade, invoice items)
    (
        "Elektro Köhler GmbH",
        "Elektroinstallation",
        (
            "Austausch Unterverteilung",
            "Prüfung ortsveränderlicher Geräte nach DGUV V3",
            "Verlegung NYM-Leitung",
            "LED-Leuchten montiert",
        ),
    ),
    (
        "Straßenbau Grün & Söhne KG",
        "Straßen- und Tiefbau",
        (
            "Asphaltflickarbeiten",
            "Gehwegplatten neu verlegt",
            "Bordsteine gesetzt",
            "Baustellensicherung",
        ),
    ),
    (
        "Bürobedarf Weiß e.K.",
        "Büromaterial",
        (
            "Kopierpapier DIN A4, 80 g/m²",
            "Ordner breit, blau",
            "Toner schwarz",
            "Briefumschläge DIN lang",
        ),
    ),
    (
        "Gärtnerei Böhm",
        "Grünpflege",
        (
            "Rasenmähen Stadtpark",
            "Heckenschnitt",
            "Baumpflege mit Hubsteiger",
            "Pflanzung Wechselflor",
        ),
    ),
    (
        "IT-Service Schäfer GmbH",
        "IT-Dienstleistungen",
        (
            "Wartung Arbeitsplatzrechner",
            "Lizenz Virenschutz, 50 Plätze",
            "Einrichtung Notebook",
            "Fernwartung nach Aufwand",
        ),
    ),
    (
        "Malerbetrieb Jäger",
        "Malerarbeiten",
        (
            "Wände gespachtelt und gestrichen",
            "Türzargen lackiert",
            "Abdeckarbeiten",
            "Fassadenanstrich",
        ),
    ),
    (
        "Sanitär Hübner GmbH & Co. KG",
        "Heizung und Sanitär",
        ("Heizungswartung", "Austausch Umwälzpumpe", "Spülkasten repariert", "Legionellenprüfung"),
    ),
    (
        "Gebäudereinigung Blitzblank GmbH",
        "Gebäudereinigung",
        (
            "Unterhaltsreinigung Rathaus",
            "Glasreinigung",
            "Grundreinigung Turnhalle",
            "Sonderreinigung nach Veranstaltung",
        ),
    ),
    (
        "Druckerei Vogel & Partner",
        "Druckarbeiten",
        (
            "Amtsblatt, Auflage 9.000",
            "Briefbogen zweifarbig",
            "Plakate DIN A1",
            "Flyer Ferienprogramm",
        ),
    ),
    (
        "Kfz-Werkstatt Lehmann",
        "Fahrzeugwartung",
        ("Inspektion Bauhof-Fahrzeug", "Reifenwechsel", "Hauptuntersuchung", "Bremsen erneuert"),
    ),
    (
        "Schlüsseldienst Krüger",
        "Schließanlagen",
        (
            "Schließzylinder getauscht",
            "Nachschlüssel gefertigt",
            "Türöffnung",
            "Schließplan aktualisiert",
        ),
    ),
    (
        "Winterdienst Vogel GmbH",
        "Winterdienst",
        ("Räum- und Streueinsatz", "Streusalz, lose", "Bereitschaftspauschale", "Schneeabfuhr"),
    ),
)

BUILD_PROJECTS = (
    "eines Einfamilienhauses mit Doppelgarage",
    "eines Carports mit Geräteraum",
    "eines Wintergartens an der Südseite des Wohnhauses",
    "einer Dachgaube zum Ausbau des Dachgeschosses",
    "eines Gartenhauses mit 24 m² Grundfläche",
    "eines Mehrfamilienhauses mit sechs Wohneinheiten",
    "eines Anbaus an das bestehende Wohnhaus",
    "einer Terrassenüberdachung aus Holz und Glas",
    "einer Lagerhalle für landwirtschaftliche Geräte",
    "eines Zweifamilienhauses mit Einliegerwohnung",
    "einer Photovoltaikanlage mit Aufständerung auf dem Flachdach",
    "einer Stützmauer entlang der Grundstücksgrenze",
    "eines Balkons an der Gartenseite",
    "einer Garage mit begrüntem Flachdach",
)
BAUVORLAGEN = (
    "Lageplan im Maßstab 1:500", "Bauzeichnungen (Grundrisse, Schnitte, Ansichten)",
    "Baubeschreibung", "Berechnung des umbauten Raums", "Standsicherheitsnachweis",
    "Entwässerungsplan", "Nachweis der Stellplätze", "Wärmeschutznachweis nach GEG",
    "Auszug aus der Liegenschaftskarte", "Vollmacht des Bauherrn", "Brandschutzkonzept",
    "Freiflächengestaltungsplan", "Fotos des Bestands",
)  # fmt: skip

BESCHEIDE = (
    # (what the Bescheid is about, short name, office key)
    ("die Abfallgebühren", "Abfallgebührenbescheid", "kasse"),
    ("die Grundsteuer B", "Grundsteuerbescheid", "kaemmerei"),
    ("die Hundesteuer", "Hundesteuerbescheid", "kaemmerei"),
    ("die Zweitwohnungsteuer", "Zweitwohnungsteuerbescheid", "kaemmerei"),
    ("die Abwassergebühren (Niederschlagswasser)", "Gebührenbescheid Abwasser", "kasse"),
    ("die Straßenreinigungsgebühren", "Gebührenbescheid Straßenreinigung", "kasse"),
    ("die Elternbeiträge für die Kindertagesstätte", "Beitragsbescheid Kita", "haupt"),
    ("die Vergnügungssteuer", "Vergnügungssteuerbescheid", "kaemmerei"),
    ("die Gebühren für die Sondernutzung des Gehwegs", "Sondernutzungsbescheid", "ordnung"),
    ("die Friedhofsgebühren", "Gebührenbescheid Friedhof", "kasse"),
)

BUSINESSES = (
    # (name pattern, activity, needs a permit)
    ("Café {last}", "den Betrieb eines Cafés ohne Alkoholausschank", False),
    ("Hausmeisterservice {last}", "Hausmeisterdienste und Gartenpflege", False),
    ("Bücherstube {last}", "den Internethandel mit gebrauchten Büchern", False),
    ("Friseursalon Haarmonie", "Friseurdienstleistungen und Kosmetik", False),
    ("Fahrradwerkstatt {last}", "Reparatur und Verkauf von Fahrrädern", False),
    ("Übersetzungsbüro {last}", "Übersetzungen und Dolmetschen", False),
    ("Gaststätte Zum Lindenbaum", "den Betrieb einer Gaststätte mit Alkoholausschank", True),
    ("Immobilien {last}", "die Vermittlung von Immobilien nach § 34c GewO", True),
    ("Sicherheitsdienst {last}", "Bewachungsgewerbe nach § 34a GewO", True),
    ("Foodtruck Lindenauer Bratwurst", "den Verkauf von Speisen aus einem Imbisswagen", False),
    ("Nähstube {first}", "Änderungsschneiderei und Verkauf von Stoffen", False),
    ("{last} Webdesign", "Gestaltung und Pflege von Internetseiten", False),
    ("Kosmetikstudio {first}", "Kosmetik, Fußpflege und Nageldesign", False),
    ("Umzüge {last}", "Umzugs- und Transportdienstleistungen", False),
    ("Hofladen {last}", "den Verkauf selbst erzeugter Lebensmittel", False),
)

FACTIONS = (
    "CDU", "SPD", "Bündnis 90/Die Grünen", "Freie Wähler", "FDP", "Die Linke",
    "Bürgerliste Lindenau", "Unabhängige Wählervereinigung",
)  # fmt: skip
COMMITTEES = (
    "Gemeinderat", "Bau- und Umweltausschuss", "Verwaltungs- und Finanzausschuss",
    "Ausschuss für Bildung, Soziales und Kultur", "Ortschaftsrat Weißach",
    "Ortschaftsrat Bühlertal", "Technischer Ausschuss", "Jugendgemeinderat",
    "Seniorenbeirat", "Integrationsbeirat",
)  # fmt: skip
_GENITIVE = {"Technischer Ausschuss": "Technischen Ausschusses"}


def genitive(committee: str) -> str:
    """ "des Gemeinderats", "des Ausschusses für …": letters decline the body's name."""
    if committee in _GENITIVE:
        return _GENITIVE[committee]
    if committee.endswith("ausschuss"):
        return f"{committee}es"
    head, space, rest = committee.partition(" ")
    if head == "Ausschuss":
        return f"{head}es{space}{rest}"
    if head.endswith(("rat", "beirat")):
        return f"{head}s{space}{rest}"
    return committee


COUNCIL_TOPICS = (
    "Sanierung der Grundschule Am Mühlbach", "Radwegenetz in der Innenstadt",
    "Kosten der Straßenbeleuchtung", "Kita-Plätze im kommenden Kindergartenjahr",
    "Entwicklung der Abfallgebühren", "Parkraumbewirtschaftung am Bahnhof",
    "Ausbau des Glasfasernetzes", "Zukunft des Hallenbads", "Bürgerhaushalt",
    "Sicherheit auf dem Schulweg", "Wohnraum für Geflüchtete", "Klimaschutzkonzept",
    "Digitalisierung der Verwaltung", "Neubau der Feuerwache Weißach",
    "Öffnungszeiten der Stadtbücherei", "Baumfällungen im Stadtpark",
)  # fmt: skip

COMPLAINTS = (
    # (topic for the Betreff, detail sentence)
    ("Lärmbelästigung durch die Gaststätte am Marktplatz",
     "Bis weit nach Mitternacht wird auf der Terrasse laut gefeiert und Musik gespielt."),
    ("Baustellenlärm in der Schulstraße",
     "Die Arbeiten beginnen regelmäßig schon um sechs Uhr morgens, auch samstags."),
    ("Hundekot im Stadtpark",
     "Auf den Wiesen, auf denen Kinder spielen, liegt überall Hundekot."),
    ("wilde Müllablagerungen am Glascontainer",
     "Neben den Containern stapeln sich seit Wochen Säcke, Kartons und Sperrmüll."),
    ("Falschparker vor meiner Einfahrt",
     "Fast täglich wird meine Garagenausfahrt zugeparkt, ohne dass das Ordnungsamt kommt."),
    ("den Zustand des Spielplatzes Lindenallee",
     "Die Rutsche ist gesplittert, der Sand ist verschmutzt und Glasscherben liegen herum."),
    ("Laubbläser der Stadtgärtnerei",
     "Die Geräte laufen stundenlang in der Mittagszeit direkt unter unseren Fenstern."),
    ("die Sauberkeit der öffentlichen Toiletten am Bahnhof",
     "Die Toiletten sind verschmutzt, oft verschlossen und der Seifenspender ist leer."),
    ("die Wartezeiten im Bürgerbüro",
     "Ich habe über zwei Stunden gewartet, obwohl ich einen Termin hatte."),
    ("Lärm vom Bolzplatz am Abend",
     "Jugendliche spielen dort bis nach 22 Uhr Fußball und hören laute Musik."),
)  # fmt: skip

CONTRACTS = (
    # (contract, object, typical notice)
    ("Mietvertrag", "die Wohnung {street}, 2. OG links", "drei Monate"),
    ("Garagenmietvertrag", "die Garage Nr. {n} {at_street}", "einen Monat"),
    (
        "Pachtvertrag",
        "den Kleingarten Parzelle {n} in der Anlage Am Mühlbach",
        "zum Ende des Pachtjahres",
    ),
    ("Stellplatzmietvertrag", "den Stellplatz Nr. {n} in der Tiefgarage am Rathaus", "einen Monat"),
    ("Nutzungsvertrag", "die Nutzung der Sporthalle der Schillerschule", "drei Monate"),
    (
        "Vertrag über den Musikschulunterricht",
        "den Unterricht meiner Tochter im Fach Klavier",
        "zum Semesterende",
    ),
    ("Betreuungsvertrag", "die Ganztagsbetreuung an der Grundschule Am Mühlbach", "zum Monatsende"),
    (
        "Mietvertrag über Lagerfläche",
        "die Lagerfläche im städtischen Bauhof, Halle {n}",
        "drei Monate",
    ),
    (
        "Vertrag über die Jahreskarte",
        "die Jahreskarte für das Freibad Lindenau",
        "zum Ablauf der Laufzeit",
    ),
    (
        "Vertrag über den Marktstand",
        "den Dauerstandplatz Nr. {n} auf dem Wochenmarkt",
        "drei Monate",
    ),
)

JOBS = (
    # (title, office, what the work is about)
    ("Sachbearbeiterin / Sachbearbeiter Bauordnung", "Bauordnungsamt",
     "die Prüfung von Bauanträgen und Bauvoranfragen"),
    ("Verwaltungsfachangestellte / Verwaltungsfachangestellter", "Bürgerbüro",
     "das Melde- und Passwesen"),
    ("Erzieherin / Erzieher", "Kindertagesstätte Sonnenschein",
     "die pädagogische Arbeit mit Kindern von drei bis sechs Jahren"),
    ("Bauingenieurin / Bauingenieur Tiefbau", "Tiefbauamt",
     "die Planung und Bauüberwachung von Straßenbaumaßnahmen"),
    ("IT-Administratorin / IT-Administrator", "Hauptamt, Abteilung IT",
     "den Betrieb der Server und Arbeitsplätze"),
    ("Gärtnerin / Gärtner im Bauhof", "Bauhof",
     "die Pflege der Grünanlagen und Spielplätze"),
    ("Sachbearbeiterin / Sachbearbeiter Vollstreckung", "Stadtkasse",
     "das Mahn- und Vollstreckungswesen"),
    ("Stadtplanerin / Stadtplaner", "Stadtplanungsamt",
     "die Aufstellung von Bebauungsplänen"),
    ("Sachbearbeiterin / Sachbearbeiter Gewerbe", "Ordnungsamt",
     "die Bearbeitung von Gewerbeanzeigen und Erlaubnissen"),
    ("Leitung der Stadtbücherei", "Stadtbücherei", "die Leitung eines Teams von sechs Personen"),
)  # fmt: skip
APPRENTICESHIPS = (
    "Ausbildung zur/zum Verwaltungsfachangestellten",
    "Duales Studium Public Management (Bachelor of Arts)",
    "Ausbildung zur/zum Gärtner/in, Fachrichtung Garten- und Landschaftsbau",
    "Ausbildung zur/zum Fachinformatiker/in für Systemintegration",
    "Ausbildung zur/zum Straßenwärter/in",
    "Ausbildung zur/zum Fachangestellten für Bäderbetriebe",
)
DEGREES = (
    "Bachelor of Arts Public Management", "Diplom-Verwaltungswirtin (FH)",
    "Bachelor of Engineering Bauingenieurwesen", "Master of Science Stadtplanung",
    "staatlich anerkannte Erzieherin", "Fachinformatiker für Systemintegration",
    "Verwaltungsfachangestellte", "Bachelor of Science Informatik",
)  # fmt: skip
SCHOOLS = ("Realschule Lindenau", "Goethe-Gymnasium Lindenau", "Gemeinschaftsschule Weißach")

DAMAGES = (
    # (what, detail, where on the street)
    (
        "ein tiefes Schlagloch",
        "etwa {cm} cm tief und so breit wie ein Autoreifen",
        "auf der Fahrbahn",
    ),
    (
        "eine defekte Straßenlaterne",
        "die Laterne (Mast-Nr. {n}) bleibt seit Tagen dunkel",
        "am Gehweg",
    ),
    (
        "lose Gehwegplatten",
        "mehrere Platten kippeln und stehen bis zu {cm} cm hoch",
        "auf dem Gehweg",
    ),
    (
        "ein umgefahrenes Verkehrszeichen",
        "das Stoppschild liegt im Grünstreifen",
        "an der Kreuzung",
    ),
    (
        "eine klappernde Schachtabdeckung",
        "der Deckel schlägt bei jedem Auto laut",
        "in der Fahrbahnmitte",
    ),
    (
        "eine verstopfte Straßenentwässerung",
        "bei Regen steht das Wasser bis zum Bordstein",
        "am Fahrbahnrand",
    ),
    ("Frostaufbrüche", "der Asphalt ist auf rund {m} Metern aufgeplatzt", "auf der Fahrbahn"),
    (
        "ein beschädigtes Brückengeländer",
        "eine Strebe fehlt, Kinder könnten durchrutschen",
        "auf der Fußgängerbrücke",
    ),
    (
        "eine durch Baumwurzeln angehobene Radwegdecke",
        "Wurzeln heben den Belag um bis zu {cm} cm an",
        "auf dem Radweg",
    ),
    ("eine ausgefallene Ampel", "die Fußgängerampel zeigt dauerhaft Rot", "am Fußgängerüberweg"),
    (
        "abgesackte Pflastersteine",
        "eine Mulde von etwa {m} Metern Länge",
        "im Bereich der Bushaltestelle",
    ),
    (
        "eine verblasste Fahrbahnmarkierung",
        "der Zebrastreifen ist kaum noch zu erkennen",
        "vor der Schule",
    ),
)

ASSOCIATIONS = (
    "Turnverein 1887 Lindenau e.V.", "Musikverein Harmonie Weißach e.V.",
    "Förderverein Grundschule Am Mühlbach e.V.", "Heimat- und Geschichtsverein Lindenau e.V.",
    "Kleingärtnerverein Am Mühlbach e.V.", "Narrenzunft Lindenauer Hexen e.V.",
    "Tafel Lindenau e.V.", "Schützenverein Bühlertal 1921 e.V.", "Fahrradclub Lindenau e.V.",
)  # fmt: skip
LAW_FIRMS = (
    "Rechtsanwälte Dr. Lang & Kollegen", "Kanzlei Sommer Rechtsanwälte",
    "Rechtsanwältin Miriam Haas", "Anwaltskanzlei Berger, Stein & Partner mbB",
)  # fmt: skip
VENDORS = (
    # (company, product, pitch)
    ("Büromöbel Ergonomix GmbH", "höhenverstellbare Schreibtische", "für gesundes Arbeiten"),
    (
        "KommunalSoft AG",
        "eine Software für die digitale Sitzungsverwaltung",
        "papierlos und sicher",
    ),
    (
        "Streugut Süd GmbH",
        "Auftausalz und Streusplitt zu Vorsaisonpreisen",
        "für den nächsten Winter",
    ),
    (
        "Asphalt-Fix Handels GmbH",
        "Kaltasphalt zur dauerhaften Schlaglochreparatur",
        "ohne Maschinen einsetzbar",
    ),
    ("Spielgeräte Kunterbunt GmbH", "Spielgeräte aus Robinienholz", "TÜV-geprüft nach DIN EN 1176"),
    (
        "Leuchten-Profi GmbH",
        "LED-Umrüstsätze für Straßenleuchten",
        "mit bis zu 70 % weniger Stromverbrauch",
    ),
    ("Fahnen Flagge & Co.", "Fahnen, Banner und Beachflags", "für Ihr Stadtfest"),
)
EVENTS = (
    # (as a title, after "zu")
    ("Sommerfest", "unserem Sommerfest"),
    ("Jahreshauptversammlung", "unserer Jahreshauptversammlung"),
    ("50 Jahre Verein", "unserem 50-jährigen Vereinsjubiläum"),
    ("Einweihung des Vereinsheims", "der Einweihung unseres neuen Vereinsheims"),
    ("Weinfest", "dem Weinfest in der Altstadt"),
    ("Tag der offenen Tür", "unserem Tag der offenen Tür"),
    ("Benefizkonzert", "dem Benefizkonzert in der Stadtkirche"),
    ("Ehrungsabend", "der Ehrung langjähriger Mitglieder"),
)
WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
