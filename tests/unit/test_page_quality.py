"""Page quality on generated scans: what is blank, what must be scanned again, and why."""

from __future__ import annotations

import dataclasses
import math
import random

import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageOps

from eakte.settings import Settings
from ingest.page_quality import PageQuality, QualityThresholds, assess_page
from samples.render import A4_MM, add_noise, render_page, render_scan

LETTER = "\n".join(
    [
        "Stadt Musterstadt · Ordnungsamt",
        "",
        "Widerspruch gegen den Gebührenbescheid vom 3. Januar 2024",
        "",
        *["hiermit lege ich gegen den oben genannten Bescheid fristgerecht Widerspruch ein."] * 30,
    ]
)
# the default of ``blank_page_max_ink`` (0.003) calls a page with one line blank; this
# is the value the measurements in ``ingest.page_quality`` suggest
THRESHOLDS = QualityThresholds.from_settings(Settings(blank_page_max_ink=0.0004))


def assess(image: Image.Image, dpi: int = 300, confidence: float | None = None) -> PageQuality:
    return assess_page(image, dpi=dpi, thresholds=THRESHOLDS, ocr_confidence=confidence)


def white(dpi: int = 300) -> Image.Image:
    width, height = (round(mm / 25.4 * dpi) for mm in A4_MM)
    return Image.new("L", (width, height), 255)


def grain(page: Image.Image, amount: float = 0.3) -> Image.Image:
    """Paper grain and single-pixel specks, as every scanner adds."""
    return add_noise(page, amount, random.Random(7))


def dust(page: Image.Image, count: int, dpi: int = 300) -> Image.Image:
    """Specks of dust or toner, 0.3-0.8 mm across, in random greys."""
    rng = random.Random(11)
    draw = ImageDraw.Draw(page)
    for _ in range(count):
        x, y = rng.randrange(page.width), rng.randrange(page.height)
        radius = rng.uniform(0.15, 0.4) * dpi / 25.4
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=rng.randrange(30, 120))
    return page


def show_through(strength: float, dpi: int = 300) -> Image.Image:
    """The back side's letter, mirrored and blurred, shining through thin paper."""
    back = ImageOps.mirror(render_page(LETTER, dpi)).filter(ImageFilter.GaussianBlur(2))
    return back.point(lambda v: round(255 - (255 - v) * strength))


def scribble(page: Image.Image, length_mm: float, dpi: int = 300) -> Image.Image:
    """A short handwritten line: a wavy pen stroke 0.45 mm wide, 4 mm high."""
    scale = dpi / 25.4
    points = [
        (
            (40 + t) * scale + 1.2 * scale * math.sin(t * 2.1),
            120 * scale + 2.0 * scale * math.sin(t * 1.7),
        )
        for t in (i * length_mm / 400 for i in range(401))
    ]
    ImageDraw.Draw(page).line(points, fill=30, width=round(0.45 * scale))
    return page


def test_a_good_scan_of_a_letter_needs_no_rescan() -> None:
    quality = assess(render_scan(LETTER, 300, noise=0.3, angle=1, jpeg_quality=75, seed=1))
    assert quality.rescan == []
    assert not quality.blank
    assert 0.02 < quality.ink < 0.15
    assert quality.contrast > 0.6
    assert 0.8 < quality.brightness < 0.98


def test_low_resolution_is_named_with_both_figures() -> None:
    quality = assess(render_scan(LETTER, 150, noise=0.3, seed=1), dpi=150)
    assert quality.rescan == ["Auflösung 150 dpi unter 200 dpi"]


@pytest.mark.parametrize(
    "page",
    [
        pytest.param(white(), id="pure white"),
        pytest.param(grain(white()), id="grain and specks"),
        pytest.param(dust(grain(white(), 0.6), 30), id="heavy grain and 30 dust specks"),
        pytest.param(grain(show_through(0.12)), id="show-through of the back side"),
    ],
)
def test_blank_pages_are_blank_and_no_rescan_reason(page: Image.Image) -> None:
    quality = assess(page)
    assert quality.blank
    assert quality.rescan == []
    assert quality.ink <= THRESHOLDS.blank_max_ink


@pytest.mark.parametrize(
    "page",
    [
        pytest.param(grain(scribble(white(), 30)), id="3 cm handwriting"),
        pytest.param(grain(scribble(white(), 80)), id="8 cm handwriting"),
        pytest.param(grain(render_page("Kenntnis genommen. Müller, 15.01.2024")), id="one line"),
    ],
)
def test_a_page_with_one_short_line_is_not_blank(page: Image.Image) -> None:
    quality = assess(page)
    assert not quality.blank
    assert quality.rescan == []
    assert quality.contrast > 0.6


def test_nearly_empty_page_on_clipped_white_paper_is_flagged_but_blank_white_is_not() -> None:
    nearly_empty = assess(render_page("Kenntnis genommen. Müller, 15.01.2024"))
    assert not nearly_empty.blank
    assert nearly_empty.rescan == ["Seite zu hell oder fast leer"]
    assert assess(white()).rescan == []


def test_strong_show_through_is_kept_and_flagged_rather_than_called_blank() -> None:
    quality = assess(grain(show_through(0.25)))
    assert not quality.blank
    assert quality.rescan == ["zu wenig Kontrast"]


def test_dark_and_black_pages_are_too_dark_and_never_blank() -> None:
    letter = render_scan(LETTER, 300, noise=0.3, seed=1)
    dark = assess(letter.point(lambda v: v * 0.3))
    assert dark.rescan == ["Seite zu dunkel"]
    assert not dark.blank
    black = assess(Image.new("L", letter.size, 20))
    assert not black.blank
    assert black.rescan == ["Seite zu dunkel", "zu wenig Kontrast"]
    assert assess(letter.point(lambda v: v * 0.45)).rescan == []


def test_faded_text_has_too_little_contrast() -> None:
    letter = render_scan(LETTER, 300, noise=0.3, seed=1)
    faded = assess(letter.point(lambda v: 190 + v * 65 // 255))
    assert faded.rescan == ["zu wenig Kontrast"]
    assert not faded.blank
    assert assess(letter.point(lambda v: 170 + v * 85 // 255)).rescan == []


def test_uncertain_ocr_is_a_reason_except_on_blank_pages() -> None:
    letter = render_scan(LETTER, 300, noise=0.3, seed=1)
    assert assess(letter, confidence=41.3).rescan == [
        "Texterkennung unsicher (Konfidenz 41 unter 60)"
    ]
    assert assess(letter, confidence=75.0).rescan == []
    assert assess(grain(white()), confidence=0.0).rescan == []


def test_every_reason_is_listed_in_order() -> None:
    dark = render_scan(LETTER, 150, seed=1).point(lambda v: v * 0.3)
    assert assess(dark, dpi=150, confidence=20).rescan == [
        "Auflösung 150 dpi unter 200 dpi",
        "Seite zu dunkel",
        "Texterkennung unsicher (Konfidenz 20 unter 60)",
    ]


def test_colour_and_bilevel_pages_are_measured_like_grey_ones() -> None:
    letter = render_scan(LETTER, 300, noise=0.3, seed=1)
    grey = assess(letter)
    assert assess(letter.convert("RGB")) == grey
    bilevel = assess(render_page(LETTER).convert("1"))
    assert not bilevel.blank
    assert bilevel.contrast > 0.9


def test_tiny_pages_are_measured_and_empty_ones_refused() -> None:
    assert assess(Image.new("L", (1, 1), 255), dpi=300).blank
    with pytest.raises(ValueError):
        assess(Image.new("L", (0, 0)))


def test_thresholds_come_from_the_settings_names() -> None:
    settings = Settings(
        rescan_min_dpi=240,
        rescan_min_confidence=70,
        rescan_min_brightness=0.3,
        rescan_max_brightness=0.99,
        rescan_min_contrast=0.2,
        blank_page_max_ink=0.001,
    )
    assert QualityThresholds.from_settings(settings) == QualityThresholds(
        min_dpi=240,
        min_confidence=70,
        min_brightness=0.3,
        max_brightness=0.99,
        min_contrast=0.2,
        blank_max_ink=0.001,
    )


def test_results_are_frozen() -> None:
    quality = assess(white())
    with pytest.raises(dataclasses.FrozenInstanceError):
        quality.blank = False  # type: ignore[misc]
