"""Rebuilding text from Tesseract's TSV (the parsing only; Tesseract itself runs in
tests/integration)."""

from __future__ import annotations

from typing import Any

from ingest.tesseract import mean_confidence, read_tsv, text_from_tsv

A4 = round(210 / 25.4 * 300)  # pixels at 300 dpi


def _tsv(rows: list[tuple[int, int, int, str, float]]) -> dict[str, list[Any]]:
    return {
        "block_num": [r[0] for r in rows],
        "par_num": [r[1] for r in rows],
        "line_num": [r[2] for r in rows],
        "text": [r[3] for r in rows],
        "conf": [r[4] for r in rows],
    }


def test_words_join_into_lines_and_paragraphs_in_order() -> None:
    data = _tsv(
        [
            (1, 1, 1, "", -1),
            (1, 1, 1, "Stadt", 95),
            (1, 1, 1, "Lindenau", 90),
            (1, 1, 2, "Rathausplatz", 91),
            (1, 1, 2, "1", 96),
            (2, 1, 1, "Betreff:", 88),
            (2, 1, 1, "Widerspruch", 80),
        ]
    )
    assert text_from_tsv(data) == "Stadt Lindenau\nRathausplatz 1\n\nBetreff: Widerspruch"


def test_confidence_ignores_structure_rows_and_empty_words() -> None:
    data = _tsv([(1, 1, 1, "", -1), (1, 1, 1, "a", 90), (1, 1, 1, " ", 10), (1, 1, 1, "b", 70)])
    assert mean_confidence(data) == 80.0


def test_blank_page_has_no_text_and_no_confidence() -> None:
    data = _tsv([(1, 1, 1, "", -1), (1, 1, 1, "  ", 0)])
    assert text_from_tsv(data) == ""
    assert mean_confidence(data) is None


def _placed(rows: list[tuple[int, int, int, int, int, str]]) -> dict[str, list[Any]]:
    """TSV rows with positions at 300 dpi: block, par, line, left, top (pixels), word."""
    return {
        "block_num": [r[0] for r in rows],
        "par_num": [r[1] for r in rows],
        "line_num": [r[2] for r in rows],
        "left": [r[3] for r in rows],
        "top": [r[4] for r in rows],
        "width": [len(r[5]) * 25 for r in rows],
        "text": [r[5] for r in rows],
        "conf": [90.0] * len(rows),
    }


def test_a_letter_heads_info_block_is_read_after_the_address_beside_it() -> None:
    mm = 300 / 25.4
    address, info, body = round(25 * mm), round(125 * mm), round(150 * mm)
    data = _placed(
        [
            (1, 1, 1, address, 600, "Stadt"),
            (1, 1, 1, address + 160, 600, "Lindenau"),
            (1, 1, 1, info, 600, "Aktenzeichen:"),
            (1, 1, 1, info + 350, 600, "10-GR"),
            (1, 1, 2, address, 650, "Rathausplatz"),
            (1, 1, 2, info, 650, "Datum:"),
            (1, 1, 2, info + 175, 650, "24.4.2025"),
            # below the head, a wide line keeps its order even with a gap in it
            (2, 1, 1, address, 2000, "Summe"),
            (2, 1, 1, body, 2000, "120,00"),
        ]
    )
    assert text_from_tsv(data, dpi=300, page_width=A4) == (
        "Stadt Lindenau\nRathausplatz\n\nAktenzeichen: 10-GR\nDatum: 24.4.2025\n\nSumme 120,00"
    )
    # without the resolution nothing is known about millimetres: Tesseract's order
    assert text_from_tsv(data).startswith("Stadt Lindenau Aktenzeichen: 10-GR\n")


def test_address_and_info_lines_read_in_turns_become_two_columns() -> None:
    mm = 300 / 25.4
    address, info = round(25 * mm), round(125 * mm)
    data = _placed(  # Tesseract's blocks alternate between the two sides
        [
            (1, 1, 1, address, 600, "Stadtverwaltung"),
            (2, 1, 1, info, 610, "Aktenzeichen:"),
            (3, 1, 1, address, 660, "Rathausplatz"),
            (4, 1, 1, info, 670, "Telefon:"),
            (5, 1, 1, address, 720, "79312"),
            (5, 1, 1, address + 175, 720, "Lindenau"),
            (6, 1, 1, address, 1800, "Sehr"),
            (6, 1, 1, address + 125, 1800, "geehrte"),
        ]
    )
    assert text_from_tsv(data, dpi=300, page_width=A4) == (
        "Stadtverwaltung\nRathausplatz\n79312 Lindenau\n\nAktenzeichen:\nTelefon:\n\nSehr geehrte"
    )


def test_only_a_page_as_wide_as_a_letter_gets_the_letter_head_order() -> None:
    """A justified newspaper line crossing 115 mm at the height of a letter head is not
    an address beside an info block: on a newspaper or book page it stays whole."""
    mm = 300 / 25.4
    first, second = round(20 * mm), round(85 * mm)
    data = _placed(
        [
            (1, 1, 1, first, 600, "Rathaus"),
            (1, 1, 1, first + 200, 600, "beschließt"),
            (1, 1, 2, first, 650, "Haushalt"),
            (2, 1, 1, second, 600, "Die"),
            (2, 1, 1, second + 100, 600, "Feuerwehr"),
            (2, 1, 1, round(118 * mm), 600, "übt"),
        ]
    )
    tesseracts = "Rathaus beschließt\nHaushalt\n\nDie Feuerwehr übt"
    for width_mm in (150, 330):  # a book page, a newspaper page
        assert text_from_tsv(data, dpi=300, page_width=round(width_mm * mm)) == tesseracts
    assert text_from_tsv(data, dpi=300, page_width=A4) != tesseracts  # the cut would apply


def test_tsv_is_read_by_tabs_with_or_without_its_header() -> None:
    header = "\t".join(
        [
            "level",
            "page_num",
            "block_num",
            "par_num",
            "line_num",
            "word_num",
            "left",
            "top",
            "width",
            "height",
            "conf",
            "text",
        ]
    )
    rows = [
        "1\t1\t0\t0\t0\t0\t0\t0\t2050\t2570\t-1\t",
        '5\t1\t1\t1\t1\t1\t148\t58\t80\t30\t95.5\t"Stadt',
        "5\t1\t1\t1\t1\t2\t240\t58\t120\t30\t90\tLindenau\u201c",
    ]
    for text in ("\n".join([header, *rows]), "\n".join(rows)):
        data = read_tsv(text)
        assert data["text"] == ["", '"Stadt', "Lindenau\u201c"]
        assert data["left"] == [0, 148, 240] and data["conf"] == [-1.0, 95.5, 90.0]
        assert text_from_tsv(data) == '"Stadt Lindenau\u201c'
