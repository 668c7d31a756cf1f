"""pdfium's text layer against pdfplumber on the same files (the peer it replaced)."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from eakte.errors import EncryptedInput, LimitExceeded
from ingest.pdf import read_text_layer, render_page
from samples.render import make_text_pdf
from tests import hostile

pytestmark = pytest.mark.integration

LETTER = [
    "Stadtverwaltung Lindenau\nBetreff: Widerspruch gegen den Gebührenbescheid\n"
    "Wir wohnen in der Käthe-\nKollwitz-Straße 4 und bitten um Prüfung.",
    "Seite 2: Mit freundlichen Grüßen\nJürgen Weiß",
]


def test_text_layer_matches_pdfplumber_and_keeps_line_end_hyphens(tmp_path: Path) -> None:
    pdf = tmp_path / "brief.pdf"
    make_text_pdf(pdf, LETTER)
    ours = read_text_layer(pdf, max_pages=10)
    with pdfplumber.open(pdf) as document:
        theirs = [page.extract_text() for page in document.pages]
    assert [t.split() for t in ours] == [t.split() for t in theirs]
    assert "Käthe-\nKollwitz-Straße" in ours[0]
    assert "\ufffe" not in "".join(ours)


def test_page_limit_and_encryption_are_refused_before_reading(tmp_path: Path) -> None:
    with pytest.raises(LimitExceeded):
        read_text_layer(hostile.many_pages_pdf(tmp_path / "viele.pdf", 12), max_pages=10)
    with pytest.raises(EncryptedInput):
        read_text_layer(hostile.password_protected_pdf(tmp_path / "geheim.pdf"), max_pages=10)


def test_oversized_page_is_rendered_at_a_resolution_that_fits(tmp_path: Path) -> None:
    pdf = tmp_path / "a3.pdf"
    make_text_pdf(pdf, ["Lageplan"])  # A4: 8.7 MP at 300 dpi
    image = render_page(pdf, 0, dpi=300, max_pages=1, max_pixels=4_000_000)
    assert image.width * image.height <= 4_000_000
    assert 150 <= image.info["dpi"][0] < 300
