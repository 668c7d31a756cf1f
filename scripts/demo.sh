#!/usr/bin/env bash
# The main job on the bundled samples: set up, generate the samples, ingest, search.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export EAKTE_DATA_DIR="${EAKTE_DATA_DIR:-$PWD/eakte-data}"
.venv/bin/python -m samples samples/out
.venv/bin/eakte ingest samples/out
for query in "Straße" "Rechnung" "Widerspruch Gebühren"; do
  echo
  echo "eakte search \"$query\""
  .venv/bin/eakte search "$query" --limit 5
done
