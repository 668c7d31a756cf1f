"""The three systems under test, each run as the command a user would type.

Every runner returns the wall-clock seconds of the OCR work and the text per page in
corpus order, so run.py can time and score them the same way. Nothing here imports the
product: eAkte is driven through its CLI, so the benchmark measures whatever the OCR
stage currently does (other engineers change it in parallel).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
EAKTE = ROOT / ".venv" / "bin" / "eakte"
OCRMYPDF_VERSION = "17.13.0"
OCRMYPDF_VENV = Path.home() / ".cache" / "eakte" / "bench" / f"ocrmypdf-{OCRMYPDF_VERSION}"
OCRMYPDF = OCRMYPDF_VENV / "bin" / "ocrmypdf"
SAME_WORK = ("--rotate-pages", "--deskew", "--output-type", "pdfa")


@dataclass
class Result:
    seconds: float
    texts: list[str]  # per page, corpus order
    file_seconds: list[float] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


def single_threaded_env(**extra: str) -> dict[str, str]:
    """OpenMP in Tesseract competes with page parallelism on 2 cores; pin it to one."""
    return {**os.environ, "OMP_THREAD_LIMIT": "1", **extra}


def ensure_ocrmypdf() -> str:
    """OCRmyPDF in a virtualenv of its own (never the project's); returns its version."""
    probe = [str(OCRMYPDF_VENV / "bin" / "python"), "-c", "import ocrmypdf"]
    if not (OCRMYPDF.exists() and subprocess.run(probe, capture_output=True).returncode == 0):
        shutil.rmtree(OCRMYPDF_VENV, ignore_errors=True)
        subprocess.run(["python3", "-m", "venv", str(OCRMYPDF_VENV)], check=True)
        pip = str(OCRMYPDF_VENV / "bin" / "pip")
        subprocess.run([pip, "install", "-q", f"ocrmypdf=={OCRMYPDF_VERSION}"], check=True)
    install = ["apt-get", "install", "-y", "ghostscript"]  # PDF/A conversion, rasterising
    if shutil.which("gs") is None and subprocess.run(install).returncode != 0:
        subprocess.run(["apt-get", "update"], check=True)
        subprocess.run(install, check=True)
    done = subprocess.run([str(OCRMYPDF), "--version"], capture_output=True, text=True)
    return done.stdout.strip()


def run_eakte(
    pdf_dir: Path, pages_per_file: dict[str, int], work: Path, tree: Path | None = None
) -> Result:
    """`eakte ingest DIR --json` with a fresh store and no classifier model, timed whole;
    the page texts come from `eakte show ID --json` afterwards (not timed).

    `tree`: another checkout to import eAkte from (PYTHONPATH wins over the editable
    install), for when the shared work tree is in the middle of someone's change.
    """
    data_dir = Path(tempfile.mkdtemp(prefix="eakte-data-", dir=work))
    models = Path(tempfile.mkdtemp(prefix="eakte-models-", dir=work))  # empty: no classifier
    stats = work / f"{data_dir.name}-stats.json"
    env = {
        **os.environ,
        "EAKTE_DATA_DIR": str(data_dir),
        "EAKTE_WORKERS": "2",
        "EAKTE_MODEL_CACHE_DIR": str(models),
    }
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    command = [str(EAKTE), "ingest", str(pdf_dir), "--json", "--stats-json", str(stats)]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    outcomes = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    by_name = {Path(o["path"]).name: o for o in outcomes}
    texts: list[str] = []
    for name, count in pages_per_file.items():
        outcome = by_name.get(name)
        if outcome is None or outcome["status"] not in ("stored", "duplicate"):
            texts += [""] * count
            continue
        shown = subprocess.run(
            [str(EAKTE), "show", outcome["id"], "--json"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        pages = sorted(json.loads(shown.stdout)["pages"], key=lambda p: p["number"])
        found = [p.get("text") or "" for p in pages]
        texts += (found + [""] * count)[:count]
    details = {
        "exit_code": done.returncode,
        "statuses": [o["status"] for o in outcomes],
        "errors": [o["error"] for o in outcomes if o.get("error")],
        "stats": json.loads(stats.read_text()) if stats.exists() else None,
        "stderr_tail": done.stderr[-1500:] if done.returncode else "",
    }
    shutil.rmtree(data_dir, ignore_errors=True)
    shutil.rmtree(models, ignore_errors=True)
    return Result(seconds, texts, details=details)


def run_ocrmypdf(
    pdfs: list[Path], pages_per_file: list[int], work: Path, same_work: bool
) -> Result:
    """One `ocrmypdf --jobs 2` per file, one file after another; text from --sidecar."""
    out = Path(tempfile.mkdtemp(prefix="ocrmypdf-", dir=work))
    options = ["-l", "deu", *(SAME_WORK if same_work else ()), "--jobs", "2"]
    texts: list[str] = []
    file_seconds: list[float] = []
    failures: list[str] = []
    for pdf, count in zip(pdfs, pages_per_file, strict=True):
        sidecar = out / f"{pdf.stem}.txt"
        command = [str(OCRMYPDF), *options, "--sidecar", str(sidecar), str(pdf)]
        command.append(str(out / pdf.name))
        started = time.perf_counter()
        done = subprocess.run(command, env=single_threaded_env(), capture_output=True, text=True)
        file_seconds.append(time.perf_counter() - started)
        if done.returncode != 0:
            failures.append(f"{pdf.name}: exit {done.returncode}: {done.stderr[-500:]}")
        found = sidecar.read_text().split("\f") if sidecar.exists() else []
        texts += (found + [""] * count)[:count]
    shutil.rmtree(out, ignore_errors=True)
    details = {"command": [*options, "--sidecar", "OUT.txt", "IN.pdf", "OUT.pdf"]}
    details["failures"] = failures
    return Result(sum(file_seconds), texts, file_seconds, details)


def _tesseract_page(png: Path) -> str:
    command = ["tesseract", str(png), "stdout", "-l", "deu"]
    done = subprocess.run(command, env=single_threaded_env(), capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def run_tesseract(pngs: list[Path]) -> Result:
    """`tesseract page.png stdout -l deu`, two processes at a time; no rotation fix."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        texts = list(pool.map(_tesseract_page, pngs))
    return Result(time.perf_counter() - started, texts)
