"""Field extraction over German letters as the mailroom receives them: typed DIN 5008
letters, an invoice with a table, OCR output with stray spaces, and generated sample post
whose true values are known."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from classify.fields import FIELD_KEYS, extract_fields
from eakte.indexing import index_terms
from samples import _words
from samples.letters import generate_letters

VALID_IBAN = "DE89370400440532013000"
MISTYPED_IBAN = "DE89370400440532013001"  # the same with its last digit changed

# A notice from the city: return address line, information block with "Datum:", and a
# DIN 5008 subject without a label.
CITY_NOTICE = """\
Stadt Musterstadt · Rathausplatz 1 · 12345 Musterstadt

Herrn
Max Mustermann
Hauptstraße 5
12345 Musterstadt

                                   Ihr Zeichen: MM-17
                                   Ihre Nachricht vom: 01.02.2024
                                   Unser Zeichen: 63-2024-0815
                                   Datum: 12.03.2024

Baugenehmigung für Ihr Vorhaben Gartenhaus,
Flurstück 12/3

Sehr geehrter Herr Mustermann,

auf Ihren Antrag vom 15.01.2024 ergeht folgender Bescheid. Die Gebühr beträgt
250,00 EUR. Bitte überweisen Sie den Betrag bis zum 15.04.2024 unter Angabe des
Kassenzeichens 5.4321.000123 auf das Konto IBAN DE89 3704 0044 0532 0130 00.

Mit freundlichen Grüßen
Im Auftrag

Schmidt
"""

# A citizen's objection as OCR returns it: spaces around the colon and the hyphens.
OBJECTION_OCR = """\
Erika Musterfrau
Lindenweg 3
12345 Musterstadt

Stadt Musterstadt
Ordnungsamt
Postfach 10 20
12345 Musterstadt

Musterstadt, den 3. Mai 2025

Aktenzeichen : 63 - 2024 - 0815
Kassenzeichen 1234.5678

Betr.: Widerspruch gegen Ihren Bescheid vom 14.04.2025

Sehr geehrte Damen und Herren,

gegen Ihren Bescheid vom 14.04.2025 über 1.234,56 € lege ich Widerspruch ein.
Die Frist bis 14.05.2025 ist gewahrt. Ich habe bereits EUR 100,- gezahlt.

Mit freundlichen Grüßen

Erika Musterfrau
"""

# An invoice: letterhead with "Telefon:" lines, a table in three notations, a total and
# an IBAN with one digit mistyped.
INVOICE = f"""\
Malerbetrieb Jäger GmbH
Gartenweg 7, 79312 Lindenau
Telefon: 0761 123456
E-Mail: info@maler-jaeger.de

Stadtverwaltung Lindenau
Amt für Gebäudemanagement
Rathausplatz 1
79312 Lindenau

Rechnung

Rechnungs-Nr.: 2024-117
Kundennummer: K-4711
Rechnungsdatum: 2024-03-12

Pos. Leistung                      Betrag
1    Malerarbeiten Flur            1 250,00 €
2    Material                       EUR 318.40
3    Anfahrt                        45 Euro
Summe netto                        1.613,40 €
zzgl. 19 % MwSt.                     306,55 €
Gesamtbetrag                       1.919,95 €

Bitte überweisen Sie den Gesamtbetrag bis zum 11.04.2024 auf unser Konto
IBAN {" ".join(MISTYPED_IBAN[i : i + 4] for i in range(0, 22, 4))} (Sparkasse).
Bitte geben Sie die Rechnungsnummer als Verwendungszweck an.

Mit freundlichen Grüßen

i. A. Peter Jäger
"""

# A note without letterhead, date, reference, subject, amount or IBAN.
BARE_NOTE = """\
Hallo,

bitte schicken Sie mir das Formular für den Anwohnerparkausweis.

Danke
"""


# --- whole letters -------------------------------------------------------------------


def test_city_notice_fields() -> None:
    fields = extract_fields(CITY_NOTICE)
    assert fields["letter_date"] == "2024-03-12"
    assert fields["references"] == [
        {"label": "Ihr Zeichen", "value": "MM-17"},
        {"label": "Unser Zeichen", "value": "63-2024-0815"},
        {"label": "Kassenzeichen", "value": "5.4321.000123"},
    ]
    assert fields["sender"] == "Stadt Musterstadt"
    assert fields["subject"] == "Baugenehmigung für Ihr Vorhaben Gartenhaus, Flurstück 12/3"
    assert fields["amounts"] == [{"value": "250.00", "text": "250,00 EUR"}]
    assert fields["ibans"] == [VALID_IBAN]
    assert fields["invalid_ibans"] == []


def test_ocr_objection_fields() -> None:
    fields = extract_fields(OBJECTION_OCR)
    assert fields["letter_date"] == "2025-05-03"
    assert fields["references"] == [
        {"label": "Aktenzeichen", "value": "63-2024-0815"},
        {"label": "Kassenzeichen", "value": "1234.5678"},
    ]
    assert fields["sender"] == "Erika Musterfrau"
    assert fields["subject"] == "Widerspruch gegen Ihren Bescheid vom 14.04.2025"
    assert fields["amounts"] == [
        {"value": "1234.56", "text": "1.234,56 €"},
        {"value": "100.00", "text": "EUR 100,-"},
    ]
    assert fields["total_amount"] is None


def test_invoice_fields() -> None:
    fields = extract_fields(INVOICE)
    assert fields["letter_date"] == "2024-03-12"
    assert fields["references"] == [
        {"label": "Rechnungsnummer", "value": "2024-117"},
        {"label": "Kundennummer", "value": "K-4711"},
    ]
    assert fields["sender"] == "Malerbetrieb Jäger GmbH"
    assert [a["value"] for a in fields["amounts"]] == [  # type: ignore[attr-defined]
        "1250.00", "318.40", "45.00", "1613.40", "306.55", "1919.95",
    ]  # fmt: skip
    assert fields["total_amount"] == {"value": "1919.95", "text": "1.919,95 €"}


def test_iban_with_wrong_checksum_is_rejected_and_reported() -> None:
    fields = extract_fields(INVOICE)
    assert fields["ibans"] == []
    assert fields["invalid_ibans"] == [MISTYPED_IBAN]


def test_absent_fields_are_none_or_empty() -> None:
    fields = extract_fields(BARE_NOTE)
    assert set(fields) == set(FIELD_KEYS)
    assert fields == {
        "letter_date": None,
        "references": [],
        "sender": None,
        "subject": None,
        "amounts": [],
        "total_amount": None,
        "ibans": [],
        "invalid_ibans": [],
    }
    assert extract_fields("")["letter_date"] is None


def test_result_is_json_serialisable() -> None:
    fields = extract_fields(CITY_NOTICE)
    assert json.loads(json.dumps(fields)) == fields


def test_windows_line_endings_and_no_break_spaces() -> None:
    text = OBJECTION_OCR.replace("\n", "\r\n").replace("1.234,56 €", "1.234,56\u00a0€")
    fields = extract_fields(text)
    assert fields["letter_date"] == "2025-05-03"
    assert fields["subject"] == "Widerspruch gegen Ihren Bescheid vom 14.04.2025"
    assert {"value": "1234.56", "text": "1.234,56 €"} in fields["amounts"]  # type: ignore[operator]


# --- the letter date -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Musterstadt, 12.03.2024", "2024-03-12"),
        ("Berlin, den 3. Mai 2025", "2025-05-03"),
        ("Frankfurt am Main, 1. Okt. 2024", "2024-10-01"),
        ("Datum: 2024-03-12", "2024-03-12"),
        ("Datum 05.11.24", "2024-11-05"),
        ("                                        12. März 2024", "2024-03-12"),
        ("12345 Musterstadt                  Musterstadt, 02.01.2025", "2025-01-02"),
    ],
)
def test_letter_date_notations(line: str, expected: str) -> None:
    text = f"Erika Musterfrau\nLindenweg 3\n\n{line}\n\nBetreff: Antrag\n\nGuten Tag,\n\nText."
    assert extract_fields(text)["letter_date"] == expected


def test_date_after_bescheid_vom_is_not_the_letter_date() -> None:
    text = (
        "Erika Musterfrau\n\nBetreff: Widerspruch gegen Ihren Bescheid vom 01.02.2024\n\n"
        "Musterstadt, 12.03.2024\n\nSehr geehrte Damen und Herren,\n\n"
        "Ihr Bescheid vom 01.02.2024 ist falsch. Frist bis 30.04.2024.\n"
    )
    assert extract_fields(text)["letter_date"] == "2024-03-12"


def test_only_referred_dates_give_no_letter_date() -> None:
    text = (
        "Betreff: Ihr Schreiben vom 01.02.2024\n\nSehr geehrte Damen und Herren,\n\n"
        "am 12. März 2024 war ich bei Ihnen. Die Frist bis 30.04.2024 läuft noch.\n"
    )
    assert extract_fields(text)["letter_date"] is None


@pytest.mark.parametrize("line", ["Musterstadt, 31.02.2024", "Musterstadt, 30. Februar 2024"])
def test_impossible_dates_are_ignored(line: str) -> None:
    assert extract_fields(f"{line}\n\nGuten Tag,\n\nText.")["letter_date"] is None


# --- references ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Az.: 63-BA-2024/0001", ("Aktenzeichen", "63-BA-2024/0001")),
        ("Aktenzeichen : 63 - 2024 - 0815", ("Aktenzeichen", "63-2024-0815")),
        ("Ihr Az. II/3-456", ("Ihr Zeichen", "II/3-456")),
        ("Geschäftszeichen: 32.10-7", ("Geschäftszeichen", "32.10-7")),
        ("Rechnung Nr. RE-2025-2049", ("Rechnungsnummer", "RE-2025-2049")),
        ("Vorgangsnummer (bitte stets angeben): 2024/77", ("Vorgangsnummer", "2024/77")),
        ("unter dem Aktenzeichen 3 K 1234/23 geführt", ("Aktenzeichen", "3 K 1234/23")),
        ("Az.: 63-2024-0815 vom 01.02.2024", ("Aktenzeichen", "63-2024-0815")),
    ],
)
def test_reference_labels(text: str, expected: tuple[str, str]) -> None:
    label, value = expected
    assert extract_fields(text)["references"] == [{"label": label, "value": value}]


def test_references_are_deduplicated_and_need_a_digit() -> None:
    text = (
        "Betreff: Widerspruch, Kassenzeichen 4807.453123\n"
        "Kassenzeichen: 4807.453123\n"
        "Bitte geben Sie die Rechnungsnummer als Verwendungszweck an.\n"
        "Az. 12-34 - bitte stets angeben\n"
    )
    assert extract_fields(text)["references"] == [
        {"label": "Kassenzeichen", "value": "4807.453123"},
        {"label": "Aktenzeichen", "value": "12-34"},
    ]


# --- amounts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "written"),
    [
        ("Betrag: 1.234,56 €", "1234.56", "1.234,56 €"),
        ("Betrag: EUR 12,50", "12.50", "EUR 12,50"),
        ("Gebühr von 40 Euro", "40.00", "40 Euro"),
        ("pauschal 100,- €", "100.00", "100,- €"),
        ("Preis € 5", "5.00", "€ 5"),
        ("Material 12.50 EUR", "12.50", "12.50 EUR"),
        ("Summe 1 234,56 €", "1234.56", "1 234,56 €"),
        ("Gutschrift -25,00 €", "-25.00", "-25,00 €"),
        ("Kosten 2.000 EUR", "2000.00", "2.000 EUR"),
        ("Haushalt 197.000,00€", "197000.00", "197.000,00€"),
    ],
)
def test_amount_notations(text: str, value: str, written: str) -> None:
    assert extract_fields(text)["amounts"] == [{"value": value, "text": written}]


def test_numbers_without_currency_are_not_amounts() -> None:
    text = "Fläche 998 m², Kassenzeichen 4807.453123, 19 % MwSt., Jahr 2024, Tel. 0761 123456"
    assert extract_fields(text)["amounts"] == []


def test_total_prefers_strong_label_and_accepts_a_bare_number() -> None:
    text = "Summe netto: 100,00 €\nRechnungsbetrag: 119,00\nSumme Anlagen: 3,00 €\n"
    assert extract_fields(text)["total_amount"] == {"value": "119.00", "text": "119,00"}


def test_total_is_none_when_the_label_has_no_amount() -> None:
    text = "Bitte überweisen Sie den Rechnungsbetrag bis zum 11.04.2024.\nMahngebühr: 5,00 €"
    assert extract_fields(text)["total_amount"] is None


# --- IBANs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "IBAN: DE89 3704 0044 0532 0130 00",
        "IBAN DE89370400440532013000, BIC COBADEFFXXX",
        "Konto DE89 3704 0044\n0532 0130 00 bei der Commerzbank",  # wrapped by the printer
        "IBAN:  DE89  3704  0044  0532  0130  00",  # OCR's double spaces
    ],
)
def test_valid_iban_is_found_in_any_spacing(written: str) -> None:
    fields = extract_fields(written)
    assert fields["ibans"] == [VALID_IBAN]
    assert fields["invalid_ibans"] == []


def test_iban_checksum_rejection() -> None:
    fields = extract_fields(f"IBAN {VALID_IBAN}\nIBAN {MISTYPED_IBAN}\nnochmals {VALID_IBAN}")
    assert fields["ibans"] == [VALID_IBAN]
    assert fields["invalid_ibans"] == [MISTYPED_IBAN]


def test_unlabelled_mistyped_iban_is_still_reported() -> None:
    assert extract_fields("Konto DE89 3704 0044 0532 0130 01")["invalid_ibans"] == [MISTYPED_IBAN]


def test_labelled_iban_with_a_missing_digit_is_reported() -> None:
    fields = extract_fields("IBAN: DE89 3704 0044 0532 0130 0")
    assert fields["ibans"] == []
    assert fields["invalid_ibans"] == ["DE8937040044053201300"]


def test_trailing_word_after_an_iban_is_not_part_of_it() -> None:
    fields = extract_fields("IBAN AT61 1904 3002 3457 3201 BIC OBKLAT2L")
    assert fields["ibans"] == ["AT611904300234573201"]
    assert fields["invalid_ibans"] == []


def test_vat_id_and_references_are_not_ibans() -> None:
    fields = extract_fields("USt-IdNr. DE245995454\nRechnung Nr. RE20 2512 3456 7890")
    assert fields["ibans"] == []
    assert fields["invalid_ibans"] == []


# --- sender and subject --------------------------------------------------------------


def test_sender_from_signature_when_the_only_block_may_be_the_recipient() -> None:
    text = (
        "Stadtverwaltung Lindenau\nRathausplatz 1\n79312 Lindenau\n\n"
        "Lindenau, 12.03.2024\n\nBetreff: Sperrmüll\n\nGuten Tag,\n\nText.\n\n"
        "Viele Grüße\n\ngez. Jürgen Öztürk\n"
    )
    assert extract_fields(text)["sender"] == "Jürgen Öztürk"


def test_sender_from_absender_label() -> None:
    text = "Absender: Anna Weiß, Gartenweg 2, 79312 Lindenau\n\nStadt Lindenau\n\nGuten Tag,\n"
    assert extract_fields(text)["sender"] == "Anna Weiß"


def test_subject_label_variants_and_wrapping() -> None:
    text = (
        "Betreff:\nBeschwerde über Straßenschäden in der Käthe-\nKollwitz-Straße\n\n"
        "Sehr geehrte Damen und Herren,\n"
    )
    assert extract_fields(text)["subject"] == (
        "Beschwerde über Straßenschäden in der Käthe-Kollwitz-Straße"
    )


def test_betreffend_in_a_sentence_is_no_subject_label() -> None:
    text = "Anna Weiß\n\nBetreffend Ihr Schreiben möchte ich nachfragen.\n\nAnna Weiß\n"
    assert extract_fields(text)["subject"] is None


def test_no_subject_when_the_block_above_the_salutation_is_an_address() -> None:
    text = "Anna Weiß\nGartenweg 2\n\nStadt Lindenau\nRathausplatz 1\n79312 Lindenau\n\nHallo,\n"
    assert extract_fields(text)["subject"] is None


def test_printed_email_gives_sender_date_and_subject() -> None:
    text = (
        "Von: Anna Weiß <anna.weiss@web.de>\nGesendet: Montag, 12. Februar 2024 09:14\n"
        "An: buergerbuero@lindenau.de\nBetreff: Sperrmüllanmeldung für die Hauptstraße 4\n\n"
        "Hallo,\n\ndie Gebühr von 25 € habe ich am 10.02.2024 überwiesen.\n\nViele Grüße\nAnna\n"
    )
    fields = extract_fields(text)
    assert fields["sender"] == "Anna Weiß"
    assert fields["letter_date"] == "2024-02-12"
    assert fields["subject"] == "Sperrmüllanmeldung für die Hauptstraße 4"
    assert fields["amounts"] == [{"value": "25.00", "text": "25 €"}]


# --- the search index ----------------------------------------------------------------


def test_index_terms_find_a_letter_by_its_file_number() -> None:
    terms = index_terms(extract_fields(CITY_NOTICE))
    assert terms == [
        "MM-17",
        "63-2024-0815",
        "5.4321.000123",
        VALID_IBAN,
        "Stadt Musterstadt",
        "Baugenehmigung für Ihr Vorhaben Gartenhaus, Flurstück 12/3",
    ]


def test_index_terms_tolerate_missing_or_malformed_fields() -> None:
    assert index_terms({}) == []
    assert index_terms({"references": "63-1", "ibans": None, "sender": " "}) == []
    assert index_terms({"references": [{"label": "Az."}, {"value": "7-1"}]}) == ["7-1"]


# --- generated sample post with known truth ------------------------------------------


def _truth_date(place_date: str) -> str:
    """The generator writes "Ort, den 3. Mai 2025"; read it back independently."""
    day, month, year = place_date.split(", den ")[1].split()
    return date(int(year), _words.MONTHS.index(month) + 1, int(day.rstrip("."))).isoformat()


def test_generated_letters_yield_their_date_reference_sender_and_subject() -> None:
    letters = list(generate_letters(24, seed=11, long_every=4))
    for letter in letters:
        fields = extract_fields(letter.text)
        label, value = letter.aktenzeichen.split(": ", 1)
        expected_label = {"Az.": "Aktenzeichen", "Ihr Zeichen": "Ihr Zeichen"}[label]
        assert fields["letter_date"] == _truth_date(letter.place_date), letter.text
        assert fields["references"][0] == {  # type: ignore[index]
            "label": expected_label,
            "value": value,
        }
        assert fields["sender"] == letter.sender[0]
        assert fields["subject"] == letter.betreff
        if letter.kind == "rechnung":
            ibans = fields["ibans"]
            assert isinstance(ibans, list) and len(ibans) == 1
            assert ibans[0] in re.sub(r"\s", "", letter.text)
            assert fields["invalid_ibans"] == []
            assert fields["total_amount"] is not None
    assert any(len(letter.pages()) > 1 for letter in letters)
