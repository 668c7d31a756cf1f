#!/usr/bin/env bash
# Set up, then lint, type-check and run the whole test suite (unit and integration,
# against the real Tesseract, pdfium and pdfplumber).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/pytest -q -p no:cacheprovider "$@"
