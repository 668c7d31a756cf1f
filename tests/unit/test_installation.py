"""Configuration fails loudly: a missing OCR language or tool stops the run before any
file is touched, with the command that installs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from eakte.errors import DependencyMissing
from eakte.settings import Settings
from ingest.installation import apt_package, check_installation
from ingest.tesseract import installed_languages

# Real languages a German city has no use for: one of them is surely not installed
# (frk, the Fraktur model, is installed on machines reading the archive's print).
_RARELY_NEEDED = ("tam", "khm", "syr", "dzo", "iku")


def _missing_language() -> str:
    installed = installed_languages()
    return next(language for language in _RARELY_NEEDED if language not in installed)


def test_the_installed_languages_and_tools_pass(tmp_path: Path) -> None:
    check_installation(Settings(data_dir=tmp_path, ocr_languages="deu+eng"))


def test_a_missing_language_names_its_debian_package(tmp_path: Path) -> None:
    missing = _missing_language()
    with pytest.raises(DependencyMissing, match=rf"apt-get install tesseract-ocr-{missing}$"):
        check_installation(Settings(data_dir=tmp_path, ocr_languages=f"deu+{missing}"))
    assert apt_package("chi_sim") == "tesseract-ocr-chi-sim"


def test_missing_poppler_tools_name_poppler_utils(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(DependencyMissing, match="apt-get install poppler-utils"):
        check_installation(Settings(data_dir=tmp_path))


def test_the_cli_exits_2_before_storing_anything(tmp_path: Path) -> None:
    from tests.conftest import Cli

    letter = tmp_path / "brief.png"
    letter.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    missing = _missing_language()
    cli = Cli(data_dir=tmp_path / "data", env={"EAKTE_OCR_LANGUAGES": f"deu+{missing}"})
    result = cli("ingest", letter)
    assert result.returncode == 2
    assert f"apt-get install tesseract-ocr-{missing}" in result.stderr
    assert not (tmp_path / "data" / "store").exists()
