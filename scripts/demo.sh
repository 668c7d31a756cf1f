#!/usr/bin/env bash
# The main job on the bundled samples: set up, generate the sample post (letters, scans,
# a signed and a tampered Bescheid, a scan batch with separator sheets, an e-mail with
# attachments), ingest it, then search as the archive and the clerks do.
set -euo pipefail
cd "$(dirname "$0")/.."
# The embedded default needs no servers and no peers: skip building MinIO, Elasticsearch,
# veraPDF, EU DSS and the test browser (the test command sets those up).
EAKTE_SKIP_SERVERS=1 EAKTE_SKIP_VERAPDF=1 EAKTE_SKIP_DSS=1 EAKTE_SKIP_BROWSER=1 ./scripts/setup.sh
export EAKTE_DATA_DIR="${EAKTE_DATA_DIR:-$PWD/eakte-data}"
.venv/bin/python -m samples samples/out --signed --capture
export EAKTE_TRUST_DIR="$PWD/samples/out/.pki/trust" EAKTE_CRL_DIR="$PWD/samples/out/.pki/crl"
.venv/bin/eakte ingest samples/out || [ $? -eq 1 ]   # 1 = something went to quarantine
for query in "Straße" "Rechnung" "Widerspruch Gebühren"; do
  echo
  echo "eakte search \"$query\""
  .venv/bin/eakte search "$query" --limit 5
done
echo
echo "eakte search \"Bescheid\" --signatur TOTAL_PASSED   (signiert und gültig)"
.venv/bin/eakte search "Bescheid" --signatur TOTAL_PASSED
echo
echo "eakte search \"Bescheid\" --signatur TOTAL_FAILED   (nach dem Signieren verändert)"
.venv/bin/eakte search "Bescheid" --signatur TOTAL_FAILED
echo
echo "eakte search \"Schlagloch\"   (E-Mail und ihre Anhänge)"
.venv/bin/eakte search "Schlagloch"
echo
echo "eakte review   (neu scannen, Dokumenttyp prüfen)"
.venv/bin/eakte review
