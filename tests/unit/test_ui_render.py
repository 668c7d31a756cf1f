"""What reaches a page from a document is text: snippets are escaped, and only the
index's marks around words the query matched become ``<mark>``."""

from __future__ import annotations

from web.ui.render import department_name, highlight


def test_markup_in_a_snippet_is_escaped() -> None:
    shown = highlight("Antrag <script>alert(1)</script> <img src=x onerror=alert(1)>", "Antrag")
    assert "<script>" not in shown and "<img" not in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown


def test_only_hits_are_marked_and_a_documents_own_marks_stay_text() -> None:
    snippet = "Der «Bescheid» über »Gebühren« und «12» sowie <mark>Bescheid</mark>"
    shown = str(highlight(snippet, "Bescheide"))
    assert shown.count("<mark>") == shown.count("</mark>") == 1
    assert "<mark>Bescheid</mark> über »Gebühren« und «12»" in shown
    assert shown.endswith("&lt;mark&gt;Bescheid&lt;/mark&gt;")


def test_a_hit_inside_a_documents_guillemets_is_marked_inside_them() -> None:
    assert str(highlight("««Zaunbau»»", "Zaunbau")) == "«<mark>Zaunbau</mark>»"


def test_no_department_reads_as_words() -> None:
    assert department_name("-") == department_name(None) == "ohne Abteilung"
    assert department_name("bauamt") == "bauamt"
