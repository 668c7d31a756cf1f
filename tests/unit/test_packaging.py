"""The wheel holds the product only. The sample post, the training corpus, the default
model's builder and the test PKI (``samples/``) are development code: the wheel is built
here, offline, from a copy of the checkout, and must contain none of it, nor any product
module that imports it."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
KEY_MATERIAL = (".pem", ".crt", ".cer", ".der", ".key", ".p12", ".pfx", ".p7s", ".p7m", ".crl")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """Built from a copy (the build writes build/ and *.egg-info next to the sources) of
    every top-level Python package, so that the wheel's package list has samples/ to
    leave out."""
    source = tmp_path_factory.mktemp("checkout")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    for package in REPO.iterdir():
        if (package / "__init__.py").is_file():
            shutil.copytree(
                package, source / package.name, ignore=shutil.ignore_patterns("__pycache__", "out")
            )
    assert (source / "samples" / "corpus" / "__init__.py").is_file()
    out = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index"]
    done = subprocess.run(
        [*pip, "--quiet", "--wheel-dir", str(out), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (built,) = out.glob("eakte-*.whl")
    return zipfile.ZipFile(built)


def test_the_wheel_holds_the_product(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    assert {"eakte/cli.py", "classify/default_model.py", "classify/default_types.yaml"} <= names
    schemas = "akten/schemas/xdomea_3.0.0/xdomea-Nachrichten-AussonderungDurchfuehren.xsd"
    assert {schemas, "akten/schemas/xoev/code/1_0/xoev-code.xsd"} <= names  # xdomea checks
    assert "akten/schemas/LICENSE-xdomea_toolkit.md" in names
    # the web UI's templates and vendored assets (served by eakte serve from the package)
    assert {
        "web/templates/base.html",
        "web/static/eakte.css",
        "web/static/vendor/htmx/htmx.min.js",
        "web/static/vendor/kern/kern.min.css",
        "web/static/vendor/kern/fonts/fira-sans/FiraSans-Regular.woff2",
    } <= names


def test_the_wheel_holds_no_corpus_no_samples_and_no_test_pki(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    assert not [n for n in names if n.startswith(("samples/", "bench/", "tests/", "scripts/"))]
    assert not [n for n in names if "corpus" in n.rsplit("/", 1)[-1] or "/tpl_" in n]
    assert not [n for n in names if "pki" in n.lower() or n.lower().endswith(KEY_MATERIAL)]


def test_no_module_in_the_wheel_imports_development_code(wheel: zipfile.ZipFile) -> None:
    imported: list[str] = []
    for name in wheel.namelist():
        if not name.endswith(".py"):
            continue
        for node in ast.walk(ast.parse(wheel.read(name), filename=name)):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            imported += [
                f"{name}: {m}" for m in modules if m.split(".")[0] in {"samples", "bench", "tests"}
            ]
    assert not imported
