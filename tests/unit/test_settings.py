"""Settings come from the environment and, optionally, a file; bad values are one line."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from eakte.errors import ConfigurationError
from eakte.settings import Settings, SettingsGroup, load_settings


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


def test_groups_read_the_same_environment_names(tmp_path: Path) -> None:
    settings_file = tmp_path / "eakte.env"
    settings_file.write_text("EAKTE_OCR_DPI=200\nEAKTE_RESCAN_MIN_DPI=150\nEAKTE_IMAP_HOST=mail\n")

    settings = load_settings({"EAKTE_SETTINGS_FILE": str(settings_file)})

    assert settings.ocr.dpi == settings.ocr_dpi == 200
    assert settings.ocr.rescan.min_dpi == 150
    assert settings.capture.mailbox.host == "mail"
    assert settings.signatures.mode == "offline"


def test_every_setting_but_the_general_ones_is_in_a_group() -> None:
    """A new setting belongs to a group, or to this short list of general ones."""
    settings = Settings()
    general = {"mode", "data_dir", "workers", "min_text_layer_chars", "max_file_bytes"}
    grouped: set[str] = set()
    groups = [
        settings.ocr,
        settings.capture,
        settings.signatures,
        settings.classifier,
        settings.distributed,
        settings.web,
        settings.index,
    ]
    while groups:
        group = groups.pop()
        for name, field in type(group).model_fields.items():
            value = getattr(group, name)
            if isinstance(value, SettingsGroup):
                groups.append(value)
            else:
                alias = field.validation_alias
                grouped.add(alias if isinstance(alias, str) else name)
    assert grouped | general == set(Settings.model_fields)


def test_a_group_pickles_for_a_page_job() -> None:
    ocr = Settings(ocr_languages="deu+eng", rescan_min_contrast=0.3).ocr
    assert pickle.loads(pickle.dumps(ocr)) == ocr
    assert ocr.languages == "deu+eng" and ocr.rescan.min_contrast == 0.3
