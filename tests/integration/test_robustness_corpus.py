"""A fast subset of the real-world robustness corpus (bench/robustness): files from
Pillow's, pikepdf's and pypdf's test suites and mails from CPython's and the
``mail-parser`` crate's, through the real pipeline in one batch. The corpus is fetched
from the package registries into ~/.cache/eakte/corpora on first use."""

from __future__ import annotations

import json
import subprocess

import pytest

from bench.robustness.corpus import ARTIFACTS, MANIFEST, fetch
from bench.robustness.run import run

pytestmark = pytest.mark.integration

SUBSET = {
    ("pillow", name)
    for name in (
        "hopper_bigtiff.tif",
        "lab.tif",
        "hopper.Lab.tif",
        "16bit.cropped.tif",
        "16bit.MM.deflate.tif",
        "12in16bit.tif",
        "apng/num_plays.png",
        "apng/mode_16bit.png",
        "hopper_16bit_qtables.jpg",
        "hopper_cmyk.jpg",
        "hopper.gif",
        "hopper.webp",
    )
} | {("pikepdf", "cmyk-jpeg.pdf"), ("pikepdf", "graph.pdf"), ("pypdf", "crazyones.pdf")}
MAILS = 30  # the first messages of each mail corpus


@pytest.fixture(scope="module")
def entries() -> list[dict[str, object]]:
    try:
        for artifact in ARTIFACTS:
            fetch(artifact)
    except (subprocess.CalledProcessError, OSError, StopIteration) as exc:
        pytest.skip(f"corpus cache could not be built (registries unreachable?): {exc}")
    manifest = json.loads(MANIFEST.read_text())
    files = [e for e in manifest if (e["artifact"], e["path"]) in SUBSET]
    mails = [e for e in manifest if e["corpus"] == "mail"]
    return files + mails[:MAILS] + mails[-MAILS:]


def test_the_subset_is_stored_and_nothing_is_lost(entries: list[dict[str, object]]) -> None:
    assert len(entries) >= len(SUBSET) - 3 + 2 * MAILS
    result = run(entries, ocr=False, limit=None)
    summary = result["summary"]
    assert summary["files_refused"] == 0, result["rows"]
    assert summary["mails_stored"] == summary["mails_parsed"]
    assert summary["originals_lost"] == 0
