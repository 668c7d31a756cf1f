"""The searchable page of the archival rendition: Tesseract reads only the inked part
of a scan, and the invisible text must still lie over the words' pixels on the whole
page, or a search hit in a PDF viewer marks the wrong place."""

from __future__ import annotations

import numpy as np
import pypdfium2 as pdfium
import pytest

from ingest import archive_pdf, geometry
from ingest.tesseract import TesseractOcr
from samples import capture
from samples.letters import generate_letters
from samples.render import render_scan

pytestmark = pytest.mark.integration


def test_the_text_layer_lies_over_the_words_of_the_whole_page() -> None:
    (text,) = (letter.pages()[0] for letter in generate_letters(1, seed=41))
    image = render_scan(text, 300, blur=0.5)  # no grain: the dark pixels are the words
    image.info["dpi"] = (300, 300)
    read = TesseractOcr().read_page(image, with_pdf=True)
    assert read.pdf is not None and read.box is not None
    left, top, right, bottom = read.box
    assert left > 0 and top > 0 and right < image.width and bottom < image.height

    page = pdfium.PdfDocument(archive_pdf.page_with_image(read.pdf, image, read.box))[0]
    width, height = page.get_size()
    assert abs(width / 72 * 300 - image.width) < 2 and abs(height / 72 * 300 - image.height) < 2
    chars = page.get_textpage()
    boxes = [
        [v / 72 * 300 for v in chars.get_charbox(index)]
        for index in range(chars.count_chars())
        if chars.get_text_range(index, 1).strip()
    ]
    assert len(boxes) > 300
    # the text layer's extent is the extent of the ink: left, top and bottom edges
    dark_rows, dark_columns = np.nonzero(np.asarray(image, dtype=np.uint8) < 100)
    tolerance = 300 / 25.4 * 1.5  # 1.5 mm
    assert abs(min(b[0] for b in boxes) - dark_columns.min()) < tolerance
    assert abs((image.height - max(b[3] for b in boxes)) - dark_rows.min()) < tolerance
    assert abs((image.height - min(b[1] for b in boxes)) - dark_rows.max()) < tolerance


def test_a_page_without_ink_is_read_whole() -> None:
    blank = capture.scanned_letter("", seed=2, angle=0.0)
    assert geometry.ink_box(blank) == (0, 0, blank.width, blank.height)
