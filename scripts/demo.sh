#!/usr/bin/env bash
# The README's first command: install dependencies, build a release binary, start renkei on
# 127.0.0.1:1026 with the embedded store in ./data/demo after importing the real Wakayama
# open data (evacuation sites and public toilets, ../shared/data/opendata) into the tenants
# of four towns (demo/README.md). Runs in the foreground; Ctrl-C (SIGINT) stops the server
# gracefully.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target renkei
mkdir -p data/demo
renkei=./build/release/src/app/renkei
# 白浜町, すさみ町, 太地町, 有田市: 5-digit JIS codes 30401, 30406, 30422, 30204 + check digit.
# The import runs before the server starts (one process at a time on a data directory);
# importing again on the next start updates the same entities, it does not duplicate them.
opendata=${RENKEI_OPENDATA_DIR:-../shared/data/opendata}
if [ -d "$opendata" ]; then
  for tenant in 304018 304069 304221 302040; do
    "$renkei" import opendata --data-dir data/demo --tenant "$tenant" \
      --mapping mappings/opendata/wakayama-evacuation.toml "$opendata/wakayamazeniki.csv" |
      tail -n 1
    # toilet-map.csv has nine rows without a municipality; they are reported (exit 1).
    "$renkei" import opendata --data-dir data/demo --tenant "$tenant" \
      --mapping mappings/opendata/wakayama-toilet-map.toml "$opendata/toilet-map.csv" |
      tail -n 1 || true
  done
else
  echo "no open data in $opendata (set RENKEI_OPENDATA_DIR); starting without demo data" >&2
fi
"$renkei" serve --listen "${RENKEI_LISTEN:-127.0.0.1:1026}" --data-dir data/demo \
  --log-level info &
pid=$!
trap 'kill -INT $pid 2>/dev/null; wait $pid' INT TERM
base="http://${RENKEI_LISTEN:-127.0.0.1:1026}"
for _ in $(seq 1 100); do
  curl -sf "$base/version" >/dev/null && break
  sleep 0.1
done
for tenant in 304018 304069 304221 302040; do
  for type in EvacuationSite PublicToilet; do
    count=$(curl -sf -D - -o /dev/null "$base/v2/entities?type=$type&options=count&limit=1" \
      -H "Fiware-Service: $tenant" | tr -d '\r' |
      awk -F': ' 'tolower($1)=="fiware-total-count"{print $2}')
    echo "tenant $tenant: $count $type"
  done
done
echo "renkei is running on $base (try: curl -H 'Fiware-Service: 304018' $base/v2/entities)"
wait $pid
