"""DIN 5008 subject lines without the word "Betreff": the first line(s) after the
address block and the date (or information block), before the salutation. Real text
layers and OCR often lose the blank lines between these parts, and the subject then
sits in one run of lines with the date above it. The letters are written for these
tests (invented people and places)."""

from __future__ import annotations

from classify.fields import extract_fields

UTILITY_BILL = """Stadtwerke Lindenau GmbH · Postfach 1120 · 79301 Lindenau
Herrn
Markus Hoffmann
Ahornweg 7
79312 Lindenau
Lindenau, 14. März 2024
Jahresverbrauchsabrechnung 2023 für die Verbrauchsstelle Ahornweg 7
Sehr geehrter Herr Hoffmann,
anbei erhalten Sie Ihre Jahresverbrauchsabrechnung für Strom und Wasser.
Mit freundlichen Grüßen
Stadtwerke Lindenau GmbH
"""

OBJECTION_SCAN = """Eva Schubert
Lindenstraße 12
79312 Lindenau

Stadt Lindenau
Ordnungsamt
Rathausplatz 1
79312 Lindenau

Lindenau, 03.06.2024
Widerspruch gegen den Gebührenbescheid vom 21. Mai 2024

Sehr geehrte Damen und Herren,

hiermit lege ich gegen den oben genannten Bescheid Widerspruch ein.

Mit freundlichen Grüßen
Eva Schubert
"""

CITY_REPLY = """Stadt Lindenau · Bauordnungsamt · Rathausplatz 1 · 79312 Lindenau
Frau
Selin Kaya
Birkenallee 3
79312 Lindenau
Ihr Zeichen: SK-2024-03
Unser Zeichen: 63-2024-0815
Datum: 10.04.2024
Bauvoranfrage zur Errichtung eines Carports
auf dem Flurstück 12/3
Sehr geehrte Frau Kaya,
zu Ihrer Bauvoranfrage teilen wir Ihnen Folgendes mit.
Mit freundlichen Grüßen
Im Auftrag
Jonas Berger
"""

GRANT_REQUEST = """Sportverein Lindenau e. V.
Am Sportplatz 5
79312 Lindenau
Stadt Lindenau
Amt für Schule und Sport
Rathausplatz 1
79312 Lindenau
Lindenau, den 12. Februar 2024
Antrag auf einen Zuschuss für die Jugendfreizeit 2024 des
Sportvereins Lindenau e. V.
Sehr geehrte Damen und Herren,
für unsere Jugendfreizeit im Sommer beantragen wir einen Zuschuss.
Mit sportlichen Grüßen
Petra Lang, Vorsitzende
"""

NO_SUBJECT = """Anna Weiß
Gartenweg 2
79312 Lindenau
Stadt Lindenau
Rathausplatz 1
79312 Lindenau
Lindenau, 5. Mai 2024
Sehr geehrte Damen und Herren,
vor meinem Haus ist die Straßenlaterne seit Wochen defekt.
Mit freundlichen Grüßen
Anna Weiß
"""


def test_subject_after_the_date_in_a_text_layer_without_blank_lines() -> None:
    fields = extract_fields(UTILITY_BILL)
    assert fields["subject"] == (
        "Jahresverbrauchsabrechnung 2023 für die Verbrauchsstelle Ahornweg 7"
    )
    assert fields["letter_date"] == "2024-03-14"


def test_subject_right_under_the_date_line_of_a_scan() -> None:
    subject = extract_fields(OBJECTION_SCAN)["subject"]
    assert subject == "Widerspruch gegen den Gebührenbescheid vom 21. Mai 2024"


def test_subject_after_the_information_block_wraps_over_two_lines() -> None:
    fields = extract_fields(CITY_REPLY)
    assert fields["subject"] == "Bauvoranfrage zur Errichtung eines Carports auf dem Flurstück 12/3"
    assert fields["letter_date"] == "2024-04-10"


def test_two_line_subject_of_an_association() -> None:
    assert extract_fields(GRANT_REQUEST)["subject"] == (
        "Antrag auf einen Zuschuss für die Jugendfreizeit 2024 des Sportvereins Lindenau e. V."
    )


def test_no_subject_when_the_salutation_follows_the_date() -> None:
    assert extract_fields(NO_SUBJECT)["subject"] is None


def test_the_encoder_reads_letters_as_it_was_tuned_on_them() -> None:
    # The run-on subject is a field only: letter_content keeps its earlier reading
    from classify.letter_content import letter_content

    assert letter_content(UTILITY_BILL).startswith("Sehr geehrter Herr Hoffmann,")
