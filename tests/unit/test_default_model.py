"""The default model's stamps and stored letters, without training anything: the stamp
names explicit versions and the settings the model depends on, the tuned encoder is
named without the head's version (a head change refits only the head), and what the
builder (``samples.default_model``) stores is what the product reads back."""

from __future__ import annotations

from pathlib import Path

import pytest

from classify import default_model
from classify.default_model import (
    StoredCorpus,
    is_current,
    stamp,
    stored_corpus,
    tuned_name,
    write_corpus,
)
from classify.service import default_model_file
from eakte.errors import ModelMissing
from eakte.settings import Settings
from samples.corpus import CORPUS_VERSION
from samples.default_model import generated


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", model_cache_dir=tmp_path / "models")


@pytest.mark.parametrize(
    "change",
    [
        {"classifier_layers": 4},
        {"training_per_type": 50},
        {"classifier_bf16": False},
        {"classifier_tuned": False},
    ],
    ids=lambda change: next(iter(change)),
)
def test_every_setting_the_model_depends_on_changes_both_stamps(
    settings: Settings, change: dict[str, object]
) -> None:
    other = settings.model_copy(update=change)
    assert stamp(other, "1") != stamp(settings, "1")
    assert tuned_name(other, "1") != tuned_name(settings, "1")


def test_threads_change_neither_stamp(settings: Settings) -> None:
    other = settings.model_copy(update={"classifier_threads": 1})
    assert (stamp(other, "1"), tuned_name(other, "1")) == (
        stamp(settings, "1"),
        tuned_name(settings, "1"),
    )


def test_a_new_corpus_or_tuning_version_tunes_again_a_new_head_version_only_refits(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = stamp(settings, "1"), tuned_name(settings, "1")
    assert stamp(settings, "2") != before[0] and tuned_name(settings, "2") != before[1]
    monkeypatch.setattr(default_model, "HEAD_VERSION", "next")
    assert stamp(settings, "1") != before[0]
    assert tuned_name(settings, "1") == before[1]  # the tuned encoder is kept
    monkeypatch.setattr(default_model, "TUNING_VERSION", "next")
    assert tuned_name(settings, "1") != before[1]
    assert tuned_name(settings, "1").startswith("tuned-")


def test_the_product_reads_back_what_the_builder_stored(settings: Settings) -> None:
    corpus = generated(settings.training_per_type)
    assert corpus.version == CORPUS_VERSION
    assert len(corpus.train) + len(corpus.evaluation) == 11 * settings.training_per_type
    assert not {e.source for e in corpus.train} & {e.source for e in corpus.evaluation}
    write_corpus(settings, corpus)
    assert stored_corpus(settings) == corpus


def test_missing_or_mismatched_letters_are_a_clear_error(settings: Settings) -> None:
    with pytest.raises(ModelMissing, match=r"samples\.default_model"):
        stored_corpus(settings)
    write_corpus(settings, StoredCorpus("1", 4, 0, [], []))
    with pytest.raises(ModelMissing, match="4 Briefen je Typ"):
        stored_corpus(settings)


def test_the_cached_model_is_current_only_with_its_stamp_and_letters(settings: Settings) -> None:
    assert not is_current(settings, "1")
    target = default_model_file(settings)
    target.parent.mkdir(parents=True)
    target.write_text("{}")
    target.with_suffix(".stamp").write_text(stamp(settings, "1"))
    assert not is_current(settings, "1")  # no stored letters
    write_corpus(settings, StoredCorpus("1", settings.training_per_type, 0, [], []))
    assert is_current(settings, "1")
    assert not is_current(settings, "2")
