#!/usr/bin/env bash
# Installs what eAkte needs on a fresh Debian machine: Tesseract with German data (Debian
# packages), a virtualenv in .venv with the pinned dependencies. Safe to run repeatedly:
# each step is skipped when already done. Downloads are cached under ~/.cache/eakte.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE_DIR="${EAKTE_CACHE_DIR:-$HOME/.cache/eakte}"
PYTHON="${PYTHON:-python3}"
# poppler-utils: pdfsig, the peer the signature tests and benchmark compare with
# redis-server: broker for the distributed mode, started by the tests on loopback
APT_PACKAGES=(tesseract-ocr tesseract-ocr-deu tesseract-ocr-eng tesseract-ocr-osd fonts-dejavu-core
  poppler-utils redis-server)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

missing_apt=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing_apt+=("$pkg")
done
# Elasticsearch runs on the machine's JDK and comes from Maven Central; install either
# only if the machine has none (this machine kind ships both).
command -v java >/dev/null || missing_apt+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || missing_apt+=(maven)
if [ ${#missing_apt[@]} -gt 0 ]; then
  say "Installiere Debian-Pakete: ${missing_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing_apt[@]}" >/dev/null
fi

stamp=".venv/.eakte-installed"
want="$(cat pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "Richte Python-Umgebung in .venv ein"
  [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
  export PIP_CACHE_DIR="$CACHE_DIR/pip"
  .venv/bin/python -m pip install -q --upgrade "pip==26.3"
  .venv/bin/python -m pip install -q -e ".[dev]"
  echo "$want" > "$stamp"
fi

# MinIO (built from source with Go) and Elasticsearch (Maven Central), cached by version
# under ~/.cache/eakte: minutes the first time, nothing afterwards.
if [ "${EAKTE_SKIP_SERVERS:-0}" != "1" ]; then
  .venv/bin/python scripts/servers.py ensure all
fi
