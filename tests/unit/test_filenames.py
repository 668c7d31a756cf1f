from __future__ import annotations

import pytest

from eakte.filenames import MAX_NAME_BYTES, sanitize_filename


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\system32\\evil.pdf", "evil.pdf"),
        ("/absolute/path/Brief.pdf", "Brief.pdf"),
        ("Antrag\x00\x1b[31m.pdf", "Antrag_[31m.pdf"),
        ("Straße: Schäden?.pdf", "Straße_ Schäden_.pdf"),
        ("..", "unbenannt"),
        ("", "unbenannt"),
        ("  .versteckt.pdf ", "versteckt.pdf"),
    ],
)
def test_hostile_names_become_plain_last_components(raw: str, expected: str) -> None:
    assert sanitize_filename(raw) == expected


def test_overlong_names_are_cut_on_characters_and_keep_the_extension() -> None:
    name = "Ä" * 300 + ".pdf"
    clean = sanitize_filename(name)
    assert clean.endswith("….pdf")
    assert len(clean.encode("utf-8")) <= MAX_NAME_BYTES + len("…".encode())
    clean.encode("utf-8").decode("utf-8")  # never a broken multibyte character


def test_decomposed_umlauts_are_normalised() -> None:
    assert sanitize_filename("Mu\u0308ller.pdf") == "Müller.pdf"
