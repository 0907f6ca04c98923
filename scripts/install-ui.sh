#!/usr/bin/env bash
# Installs the query page's editor (YASGUI, from the npm registry, versions pinned by
# package-lock.json) and copies its browser bundle into the package, so the page works offline.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --loglevel=error
target=publisher/efop/static/yasgui
mkdir -p "$target"
for file in yasgui.min.js yasgui.min.css; do
    cp node_modules/@zazuko/yasgui/build/"$file" "$target/$file"
done
node -e 'console.log(require("@zazuko/yasgui/package.json").version)' > "$target/VERSION"
echo "YASGUI $(cat "$target/VERSION") -> $target"
