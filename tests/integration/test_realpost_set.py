"""The real-post evaluation set (``bench/classify/realpost/``, issue 17): its manifest
says where every document comes from and under which licence, the files are the ones
recorded, the reserved sources of the maintainers' own evaluation are absent, at least
half of it is kept out of training, and the product classifies its documents end to
end. No figure of the classifier is asserted here (the benchmark reports them)."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from classify.service import default_model_file
from classify.types import load_types
from eakte.settings import Settings
from tests.conftest import REPO, Cli

pytestmark = pytest.mark.integration

SET = REPO / "bench" / "classify" / "realpost"
RESERVED = ("karlsruhe", "konstanz")  # the maintainers' own evaluation: never in this set
COUNCIL_TYPES = {"gemeinderat_anfrage", "sitzungsunterlage"}
DEFECT_TYPES = {"strassenschaden", "beschwerde"}


@pytest.fixture(scope="module")
def documents() -> list[dict[str, Any]]:
    manifest = json.loads((SET / "manifest.json").read_text(encoding="utf-8"))
    docs: list[dict[str, Any]] = manifest["documents"]
    return docs


def _origin(document: dict[str, Any]) -> str:
    """Everything that names where a document comes from, lower case."""
    source = document["source"]
    parts = [document.get("city") or "", document.get("organisation") or ""]
    parts += [str(source.get(key) or "") for key in ("url", "repo", "path")]
    return " ".join(parts).lower()


def test_every_file_is_present_and_matches_its_sha256(documents: list[dict[str, Any]]) -> None:
    assert len(documents) >= 150
    assert len({d["id"] for d in documents}) == len(documents)
    for document in documents:
        text = SET / document["file"]
        assert hashlib.sha256(text.read_bytes()).hexdigest() == document["sha256"], text
        assert text.read_text(encoding="utf-8").strip(), text
        if document.get("pdf"):
            pdf = SET / document["pdf"]
            assert pdf.stat().st_size < 300 * 1024
            assert hashlib.sha256(pdf.read_bytes()).hexdigest() == document["pdf_sha256"], pdf
    listed = {SET / d["file"] for d in documents} | {SET / d["pdf"] for d in documents if d["pdf"]}
    on_disk = set((SET / "texts").iterdir()) | set((SET / "pdfs").iterdir())
    assert on_disk == listed  # no file without a manifest entry


def test_source_and_licence_are_recorded(documents: list[dict[str, Any]]) -> None:
    for document in documents:
        source = document["source"]
        assert document["licence"].strip() and document["licence_basis"], document["id"]
        assert document["source_id"], document["id"]
        if source["kind"] == "git":
            assert source["repo"] and source["path"] and len(source["commit"]) == 40
        else:
            assert source["kind"] == "web" and source["url"].startswith("http")


def test_no_reserved_source(documents: list[dict[str, Any]]) -> None:
    for document in documents:
        origin = _origin(document)
        for city in RESERVED:
            assert city not in origin, (document["id"], city)
        # and, should a document of those cities ever be added, the reserved kinds
        labels = {document["label"], document.get("alt_label")}
        if "karlsruhe" in origin:
            assert not labels & COUNCIL_TYPES
        if "konstanz" in origin:
            assert not labels & DEFECT_TYPES


def test_at_least_half_is_evaluation_only(documents: list[dict[str, Any]]) -> None:
    share = sum(bool(d["evaluation_only"]) for d in documents) / len(documents)
    assert share >= 0.5
    # a source is wholly on one side: none of its documents may leak into training
    sides: dict[str, set[bool]] = {}
    for document in documents:
        sides.setdefault(document["source_id"], set()).add(bool(document["evaluation_only"]))
    assert all(len(side) == 1 for side in sides.values()), sides


def test_labels_are_known_type_ids(documents: list[dict[str, Any]]) -> None:
    known = set(load_types(None).ids())
    for document in documents:
        assert document["label"] in known, document["id"]
        assert document.get("alt_label") in known | {None}, document["id"]
        assert document.get("alt_label") != document["label"], document["id"]


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cli]:
    """The CLI of a fresh installation with the set-up's default model."""
    cache = Settings().model_cache_dir
    if not default_model_file(Settings(model_cache_dir=cache)).is_file():
        pytest.skip("no default model in the model cache (run scripts/setup.sh)")
    yield Cli(tmp_path_factory.mktemp("realpost") / "data", {"EAKTE_MODEL_CACHE_DIR": str(cache)})


def _handful(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One document of each of the first few types, some with a PDF."""
    chosen: dict[str, dict[str, Any]] = {}
    for document in documents:
        chosen.setdefault(document["label"], document)
    return list(chosen.values())[:5]


def test_the_product_classifies_documents_of_the_set(
    product: Cli, documents: list[dict[str, Any]]
) -> None:
    types = load_types(None)
    for document in _handful(documents)[:2]:
        path = SET / (document["pdf"] or document["file"])  # PDFs as ingest reads them
        result = product("classify", path, "--json")
        assert result.returncode == 0, result.stderr
        answer = result.json()
        assert answer["type"] in types.ids()
        assert 0.0 <= float(answer["confidence"]) <= 1.0
        assert answer["department"] == types.get(str(answer["type"])).department
        assert isinstance(answer["needs_review"], bool)


def test_eakte_evaluate_reads_the_set(
    product: Cli, documents: list[dict[str, Any]], tmp_path: Path
) -> None:
    handful = _handful(documents)
    listing = tmp_path / "realpost.csv"
    with open(listing, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["path", "type"])
        writer.writerows((SET / d["file"], d["label"]) for d in handful)
    result = product("evaluate", "--data", listing, "--json", "--matrix", tmp_path / "m.png")
    assert result.returncode == 0, result.stderr
    report = result.json()
    assert 0.0 <= report["accuracy"] <= 1.0
    assert sum(row["count"] for row in report["reliability"]["bins"]) == len(handful)
    assert {d["label"] for d in handful} <= set(report["per_type"])
