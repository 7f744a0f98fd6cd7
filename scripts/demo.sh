#!/usr/bin/env bash
# The README's first command: install dependencies, build a release binary, start renkei on
# 127.0.0.1:1026 with the embedded store in ./data/demo, and load the demo data set (real
# Wakayama evacuation sites) into two municipal tenants. Runs in the foreground; Ctrl-C
# (SIGINT) stops the server gracefully.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target renkei
mkdir -p data/demo
./build/release/src/app/renkei serve --listen "${RENKEI_LISTEN:-127.0.0.1:1026}" \
  --data-dir data/demo --log-level info &
pid=$!
trap 'kill -INT $pid 2>/dev/null; wait $pid' INT TERM
base="http://${RENKEI_LISTEN:-127.0.0.1:1026}"
for _ in $(seq 1 100); do
  curl -sf "$base/version" >/dev/null && break
  sleep 0.1
done
for file in demo/evacuation-sites-*.json; do
  tenant=$(basename "$file" .json | sed 's/.*-//')
  curl -sf -X POST "$base/v2/op/update" -H 'Content-Type: application/json' \
    -H "Fiware-Service: $tenant" --data-binary "@$file" >/dev/null
  count=$(curl -sf -D - -o /dev/null "$base/v2/entities?options=count&limit=1" \
    -H "Fiware-Service: $tenant" | tr -d '\r' | awk -F': ' 'tolower($1)=="fiware-total-count"{print $2}')
  echo "tenant $tenant: $count entities"
done
echo "renkei is running on $base (try: curl -H 'Fiware-Service: 304018' $base/v2/entities)"
wait $pid
