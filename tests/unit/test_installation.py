"""Configuration fails loudly: a missing OCR language or tool stops the run before any
file is touched, with the command that installs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from eakte.errors import DependencyMissing
from eakte.settings import Settings
from ingest.installation import apt_package, check_installation


def test_the_installed_languages_and_tools_pass(tmp_path: Path) -> None:
    check_installation(Settings(data_dir=tmp_path, ocr_languages="deu+eng"))


def test_a_missing_language_names_its_debian_package(tmp_path: Path) -> None:
    with pytest.raises(DependencyMissing, match=r"apt-get install tesseract-ocr-frk$"):
        check_installation(Settings(data_dir=tmp_path, ocr_languages="deu+frk"))
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
    cli = Cli(data_dir=tmp_path / "data", env={"EAKTE_OCR_LANGUAGES": "deu+frk"})
    result = cli("ingest", letter)
    assert result.returncode == 2
    assert "apt-get install tesseract-ocr-frk" in result.stderr
    assert not (tmp_path / "data" / "store").exists()
