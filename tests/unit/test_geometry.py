"""Page geometry on generated scans (real fonts, grain and blur; no OCR): skew, the
ascender check for upside-down pages, and straightening."""

from __future__ import annotations

from PIL import Image

from ingest import geometry
from samples import capture
from samples.letters import generate_letters


def _letter(seed: int, *, angle: float, upside_down: bool = False) -> Image.Image:
    (text,) = (letter.pages()[0] for letter in generate_letters(1, seed=seed))
    return capture.scanned_letter(text, seed=seed, angle=angle, upside_down=upside_down)


def test_upright_letters_lean_to_their_ascenders_and_turned_ones_away() -> None:
    for seed in (3, 4, 5):
        upright = _letter(seed, angle=0.0)
        turned = _letter(seed, angle=0.0, upside_down=True)
        up, down = geometry.ascender_balance(upright), geometry.ascender_balance(turned)
        assert up is not None and up > -geometry.UPSIDE_DOWN_BELOW, (seed, up)
        assert down is not None and down < geometry.UPSIDE_DOWN_BELOW, (seed, down)
        assert not geometry.looks_upside_down(upright)
        assert geometry.looks_upside_down(turned)


def test_the_check_is_made_on_the_straightened_lines() -> None:
    skewed = _letter(6, angle=2.5, upside_down=True)
    skew = geometry.estimate_skew(skewed)
    assert abs(abs(skew) - 2.5) < 0.3
    assert geometry.looks_upside_down(geometry.straighten(skewed, skew))


def test_pages_without_text_lines_are_not_called_upside_down() -> None:
    blank = Image.new("L", (2480, 3508), 250)
    blank.info["dpi"] = (300, 300)
    assert geometry.ascender_balance(blank) is None
    sideways = _letter(7, angle=0.0).transpose(Image.Transpose.ROTATE_90)
    sideways.info["dpi"] = (300, 300)
    assert not geometry.looks_upside_down(sideways)


def test_straightening_keeps_size_and_resolution_and_levels_the_lines() -> None:
    skewed = _letter(8, angle=-1.8)
    straight = geometry.straighten(skewed, geometry.estimate_skew(skewed))
    assert straight.size == skewed.size and straight.mode == "L"
    assert straight.info["dpi"] == skewed.info["dpi"]
    assert abs(geometry.estimate_skew(straight)) <= 0.2
    assert straight.getpixel((0, 0)) == 255  # corners filled with white paper


def test_the_ink_box_holds_thin_grey_strokes_and_ignores_single_specks() -> None:
    page = Image.new("L", (2480, 3508), 245)
    page.info["dpi"] = (300, 300)
    page.paste(30, (300, 400, 2000, 430))  # a dark line of text
    page.paste(140, (1203, 3000, 1206, 3060))  # a thin grey stroke low on the page
    page.paste(0, (2400, 100, 2402, 102))  # a speck of dust in the corner
    left, top, right, bottom = geometry.ink_box(page)
    margin = round(geometry.INK_BOX_MARGIN_MM / 25.4 * 300)
    assert (left, top) == (300 - margin, 400 - margin)
    assert 3060 <= bottom <= 3060 + margin + 4
    assert 2000 <= right <= 2000 + margin + 4
