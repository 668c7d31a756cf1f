#!/usr/bin/env bash
# Vendors the web UI's third-party assets from npm at pinned versions: KERN UX (CSS and
# the Fira Sans weights it uses) and htmx into web/static/vendor/ (committed; the UI never
# loads anything from a CDN), and axe-core, a test asset, into the cache only.
#
#   scripts/vendor_assets.sh          refresh web/static/vendor/ from the pinned packages
#   scripts/vendor_assets.sh axe      print the path of axe.min.js (fetched once, cached)
#
# Tarballs come from `npm pack` into ~/.cache/eakte/npm/<name>-<version>/, once per
# version. Changing a version here means: run the script, look at the diff, commit it,
# and update web/static/vendor/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

KERN_VERSION=2.7.2
HTMX_VERSION=2.0.11
AXE_VERSION=4.11.4
NPM_CACHE="${EAKTE_CACHE_DIR:-$HOME/.cache/eakte}/npm"
VENDOR=web/static/vendor

# unpack NAME VERSION: the package's files under $NPM_CACHE/<flat name>-<version>/package
unpack() {
  local name="$1" version="$2" flat dir
  flat="$(echo "$name" | tr -d '@' | tr '/' '-')"
  dir="$NPM_CACHE/$flat-$version"
  if [ ! -f "$dir/.complete" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    (cd "$dir" && npm pack --silent "$name@$version" >/dev/null && tar -xzf ./*.tgz && rm ./*.tgz)
    touch "$dir/.complete"
  fi
  echo "$dir/package"
}

if [ "${1:-}" = "axe" ]; then
  echo "$(unpack axe-core "$AXE_VERSION")/axe.min.js"
  exit 0
fi

kern="$(unpack @kern-ux/native "$KERN_VERSION")"
htmx="$(unpack htmx.org "$HTMX_VERSION")"

rm -rf "$VENDOR/kern" "$VENDOR/htmx"
mkdir -p "$VENDOR/kern/fonts/fira-sans" "$VENDOR/htmx"
cp "$kern/dist/kern.min.css" "$kern/LICENSE.md" "$VENDOR/kern/"
# Only the upright weights the KERN components use (400-700): a fifth of the font files.
python3 - "$kern/dist/fonts/fira-sans.css" "$VENDOR/kern/fonts/fira-sans.css" <<'EOF'
import re, sys
source, target = sys.argv[1], sys.argv[2]
faces = re.findall(r"@font-face\s*{[^}]*}", open(source, encoding="utf-8").read())
kept = [f for f in faces if "font-style: normal" in f
        and re.search(r"font-weight: (400|500|600|700);", f)]
open(target, "w", encoding="utf-8").write("\n\n".join(kept) + "\n")
for face in kept:
    print(re.search(r'url\("\./fira-sans/([^"]+)"\)', face).group(1))
EOF
for font in $(grep -o 'FiraSans-[A-Za-z]*\.woff2' "$VENDOR/kern/fonts/fira-sans.css"); do
  cp "$kern/dist/fonts/fira-sans/$font" "$VENDOR/kern/fonts/fira-sans/"
done >/dev/null
cp "$htmx/dist/htmx.min.js" "$htmx/LICENSE" "$VENDOR/htmx/"
echo "KERN UX $KERN_VERSION, htmx $HTMX_VERSION in $VENDOR" >&2
