"""Settings come from the environment and, optionally, a file; bad values are one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from eakte.errors import ConfigurationError
from eakte.settings import load_settings


def test_settings_file_fills_in_what_the_environment_leaves_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings_file = tmp_path / "eakte.env"
    settings_file.write_text("EAKTE_MODE=distributed\nEAKTE_OCR_DPI=200\n# Kommentar\n")
    monkeypatch.setenv("EAKTE_OCR_DPI", "400")  # the environment wins over the file

    settings = load_settings({"EAKTE_SETTINGS_FILE": str(settings_file)})

    assert settings.mode == "distributed"
    assert settings.ocr_dpi == 400


def test_missing_settings_file_and_bad_values_are_configuration_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ConfigurationError, match="fehlt"):
        load_settings({"EAKTE_SETTINGS_FILE": str(tmp_path / "nicht-da.env")})
    bad = tmp_path / "bad.env"
    bad.write_text("EAKTE_OCR_DPI=viel\n")
    with pytest.raises(ConfigurationError, match="EAKTE_OCR_DPI"):
        load_settings({"EAKTE_SETTINGS_FILE": str(bad)})
