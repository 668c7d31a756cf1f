"""The shape the architecture promises, checked on the code itself: the core imports no
adapter, only sniffing and the handler registry decide by media type, modules stay
small."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ADAPTER_PACKAGES = (
    "accounts",
    "akten",
    "archival",
    "ingest",
    "classify",
    "signatures",
    "search",
    "storage",
    "workers",
    "web",
)
PRODUCT_PACKAGES = ("eakte", *ADAPTER_PACKAGES)
# where a media type may be compared: sniffing (bytes → type) and the registry (type →
# handler); handlers only declare the types they take
MAY_BRANCH_ON_MEDIA_TYPE = {"ingest/sniff.py", "eakte/handlers.py"}


@pytest.mark.parametrize(
    "module",
    ["eakte.pipeline", "eakte.local_runner", "eakte.records", "eakte.indexing", "eakte.filing"],
)
def test_the_core_imports_no_adapter(module: str) -> None:
    probe = (
        f"import json, sys; import {module}; "
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, check=True
    )
    loaded = set(json.loads(done.stdout))
    assert loaded.isdisjoint(ADAPTER_PACKAGES), loaded & set(ADAPTER_PACKAGES)
    assert "prometheus_client" not in loaded  # the core tells an IngestObserver, no more


def _product_modules() -> list[Path]:
    return sorted(p for package in PRODUCT_PACKAGES for p in (REPO / package).rglob("*.py"))


def _compares_media_type(node: ast.Compare) -> bool:
    """``x.media_type == …``, ``media_type in …``, ``… == media_types.PDF``."""
    for side in (node.left, *node.comparators):
        if isinstance(side, ast.Attribute) and side.attr == "media_type":
            return True
        if isinstance(side, ast.Name) and side.id == "media_type":
            return True
        if (
            isinstance(side, ast.Attribute)
            and isinstance(side.value, ast.Name)
            and side.value.id == "media_types"
        ):
            return True
    return False


def test_only_sniffing_and_the_registry_branch_on_media_types() -> None:
    found = []
    for path in _product_modules():
        relative = path.relative_to(REPO).as_posix()
        if relative in MAY_BRANCH_ON_MEDIA_TYPE:
            continue
        tree = ast.parse(path.read_text("utf-8"))
        found += [
            f"{relative}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Compare) and _compares_media_type(node)
        ]
    assert found == []


def test_the_check_would_see_a_branch() -> None:
    """The AST check itself: a branch on a media type is found."""
    (node,) = [
        n
        for n in ast.walk(ast.parse("if manifest.media_type == media_types.PDF: pass"))
        if isinstance(n, ast.Compare)
    ]
    assert _compares_media_type(node)


def test_no_module_over_500_lines() -> None:
    everything = [p for p in REPO.rglob("*.py") if ".venv" not in p.parts]
    long = {p.relative_to(REPO).as_posix(): n for p in everything if (n := _lines(p)) > 500}
    assert long == {}


def _lines(path: Path) -> int:
    return len(path.read_text("utf-8").splitlines())
