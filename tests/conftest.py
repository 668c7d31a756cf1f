"""Shared fixtures: settings built per test (never patched), the CLI run as a real process,
and the README sample set generated once per session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from eakte.context import Context
from eakte.settings import Settings
from eakte.wiring import build_context
from samples.sets import write_sample_set

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", workers=2, model_cache_dir=tmp_path / "no-models")


@pytest.fixture
def ctx(settings: Settings) -> Iterator[Context]:
    context = build_context(settings)
    yield context
    context.index.close()


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str

    def json_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]

    def json(self) -> Any:
        return json.loads(self.stdout)


@dataclass(frozen=True)
class Cli:
    """Runs `python -m eakte` as a separate process, the way scripts of the office do."""

    data_dir: Path
    env: dict[str, str]

    def __call__(self, *args: str | Path, **env: str) -> CliResult:
        full_env = {
            **os.environ,
            # No classification model unless a test asks for one: loading the encoder
            # costs seconds per process (tests/integration/test_classify.py has its own)
            "EAKTE_MODEL_CACHE_DIR": str(self.data_dir.parent / "no-models"),
            **self.env,
            "EAKTE_DATA_DIR": str(self.data_dir),
            **env,
        }
        done = subprocess.run(
            [sys.executable, "-m", "eakte", *map(str, args)],
            capture_output=True,
            text=True,
            env=full_env,
            cwd=REPO,
            check=False,
        )
        return CliResult(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(data_dir=tmp_path / "data", env={})


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("samples")
    write_sample_set(out)
    return out
