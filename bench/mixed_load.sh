#!/usr/bin/env bash
# mixed_load.sh: queries while PATCHes saturate the write path (ADR 0013, "Queries while
# writes saturate the applier"). On a fresh copy of a settled data directory (bench/load.py),
# starts `renkei serve --threads 2`, runs wrk -t1 -c64 of patch_two_attrs for 20 s and, from
# 3 s in, wrk -t1 -c4 of query_type_q for 15 s, then prints both lines of figures.
#
#   bench/mixed_load.sh --data DIR [--bin build/release/src/app/renkei] [--write-log true|false]
#                       [--port 20053] [--entities 1000000]
set -euo pipefail
data="" bin=build/release/src/app/renkei write_log=true port=20053 entities=1000000
while [[ $# -gt 0 ]]; do
  case $1 in
    --data) data=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --write-log) write_log=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --entities) entities=$2; shift 2 ;;
    *) echo "mixed_load.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -d $data && -x $bin ]] || { echo "mixed_load.sh: --data DIR and an executable --bin are required" >&2; exit 2; }
lua_dir=$(cd "$(dirname "$0")/lua" && pwd)
work=$(mktemp -d /tmp/renkei-mixed.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r "$data" "$work/db"
RENKEI_WRITE_LOG=$write_log "$bin" serve --listen "127.0.0.1:$port" --data-dir "$work/db" \
  --threads 2 --log-level warn >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 200); do curl -s -o /dev/null "http://127.0.0.1:$port/version" && break; sleep 0.3; done
wrk -t1 -c64 -d20s --latency -s "$lua_dir/patch_two_attrs.lua" "http://127.0.0.1:$port" \
  -- "n=$entities" run=mixed >"$work/patch.txt" 2>&1 &
writer=$!
sleep 3
wrk -t1 -c4 -d15s --latency -s "$lua_dir/query_type_q.lua" "http://127.0.0.1:$port" \
  -- "n=$entities" run=mixed >"$work/query.txt" 2>&1
wait "$writer"
kill -TERM "$server"
wait "$server" || true
figures() {  # req/s, p50, p99 of one wrk output
  awk '/Requests\/sec/ {r=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {printf "%s req/s  p50 %s  p99 %s\n", r, p50, p99}' "$1"
}
echo "write_log=$write_log"
echo "  PATCH (c64): $(figures "$work/patch.txt")"
echo "  query (c4):  $(figures "$work/query.txt")"
