"""What the encoder reads of a letter: subject and body, not the frame around them."""

from __future__ import annotations

from classify.letter_content import letter_content

LETTER = """Dieter Schmidt
Schillerstraße 86
79312 Lindenau

Stadt Lindenau
Bauordnungsamt
Rathausplatz 1
79312 Lindenau

10. Dezember 2024

Betreff: Dienstaufsichtsbeschwerde

Sehr geehrter Herr Oberbürgermeister,

hiermit erhebe ich Dienstaufsichtsbeschwerde gegen die Sachbearbeitung
meines Bauantrags.

Mit freundlichem Gruß

Dieter Schmidt

Anlage: Chronologie
"""


def test_content_is_subject_and_body_without_address_and_signature() -> None:
    content = letter_content(LETTER)
    assert content.startswith("Dienstaufsichtsbeschwerde\nSehr geehrter Herr")
    assert "erhebe ich Dienstaufsichtsbeschwerde" in content
    assert "Schillerstraße" not in content and "Rathausplatz" not in content
    assert "Mit freundlichem Gruß" not in content and "Schmidt" not in content
    assert "Chronologie" not in content  # enclosures: the TF-IDF half reads them


def test_a_text_without_salutation_is_read_whole() -> None:
    minutes = "Niederschrift\nTOP 1: Haushalt 2025\nTOP 2: Verschiedenes\n"
    assert letter_content(minutes) == minutes


def test_body_runs_to_the_end_when_there_is_no_closing() -> None:
    text = "Betreff: Rechnung 4711\r\n\r\nGuten Tag,\r\nanbei die Rechnung.\r\nZahlbar in 14 Tagen."
    assert (
        letter_content(text)
        == "Rechnung 4711\nGuten Tag,\nanbei die Rechnung.\nZahlbar in 14 Tagen."
    )
