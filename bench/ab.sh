#!/usr/bin/env bash
# A/B comparison of two renkei binaries (or one binary under two environments) on copies of
# one settled data directory, alternating A and B so that machine noise hits both alike.
#
#   bench/ab.sh --data DIR [--b-data DIR] --a BIN [--b BIN] [--a-env K=V] [--b-env K=V]
#               [--scenarios get_by_id,patch_two_attrs] [--rounds 2] [--duration 6]
#               [--entities 1000000] [--port 18990]
#
# DIR is a data directory preloaded by bench/run.sh's load.py (keep one aside: run.sh deletes
# its own); --b-data gives B its own (say, one created with other store settings). Each round copies DIR afresh for A and then for B (writes in one run must not
# change the next), starts `serve --threads 2`, runs every scenario with wrk -t1 -c64 and
# prints one line per scenario: req/s, server CPU per request (utime+stime from
# /proc/PID/stat over the run, the figure that stays comparable on a noisy machine),
# p50/p99, the bytes the server wrote per request (wchar of /proc/PID/io: WAL, checkpoints and
# sockets; it does not depend on the load, so it explains write-path differences), the write
# system calls per request (syscw of /proc/PID/io, sockets included) and the status counts.
# Between scenarios it waits until the server is idle.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
data="" data_b="" bin_a="" bin_b="" env_a="" env_b=""
scenarios="get_by_id" rounds=2 duration=6 entities=1000000 port=18990
while (($#)); do
  case $1 in
    --data) data=$2; shift 2 ;;
    --b-data) data_b=$2; shift 2 ;;
    --a) bin_a=$2; shift 2 ;;
    --b) bin_b=$2; shift 2 ;;
    --a-env) env_a=$2; shift 2 ;;
    --b-env) env_b=$2; shift 2 ;;
    --scenarios) scenarios=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --entities) entities=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    *) echo "ab.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -d $data && -x $bin_a ]] || { echo "ab.sh: --data DIR and --a BIN are required" >&2; exit 2; }
bin_b=${bin_b:-$bin_a}
data_b=${data_b:-$data}
command -v wrk >/dev/null || { echo "ab.sh: wrk is missing (apt-get install wrk)" >&2; exit 2; }

work=$(mktemp -d /tmp/renkei-ab.XXXXXX)
trap 'rm -rf "$work"' EXIT

cpu_ticks() {  # utime + stime of PID, in clock ticks (fields 14 and 15 of /proc/PID/stat)
  local stat fields
  stat=$(<"/proc/$1/stat")
  read -r -a fields <<<"${stat##*) }"
  echo $((fields[11] + fields[12]))
}

written_bytes() {  # bytes PID passed to write-like syscalls so far (/proc/PID/io wchar)
  awk '/^wchar:/ {print $2}' "/proc/$1/io"
}

write_calls() {  # write-like system calls PID made so far (/proc/PID/io syscw)
  awk '/^syscw:/ {print $2}' "/proc/$1/io"
}

wait_idle() {  # until the server used under 3 ticks in half a second (or 2 minutes passed)
  local before now
  before=$(cpu_ticks "$1")
  for _ in $(seq 240); do
    sleep 0.5
    now=$(cpu_ticks "$1")
    ((now - before < 3)) && return
    before=$now
  done
}

run_side() {  # LABEL BIN ENV DATA
  local label=$1 bin=$2 env_kv=$3 source=$4 pid before after wrote_before wrote_after out
  rm -rf "$work/data" && cp -r "$source" "$work/data"
  env ${env_kv:+"$env_kv"} "$bin" serve --listen "127.0.0.1:$port" --data-dir "$work/data" \
    --log-level warn --threads 2 2>"$work/server-$label.log" &
  pid=$!
  for _ in $(seq 300); do curl -fs -o /dev/null "http://127.0.0.1:$port/version" && break; sleep 0.2; done
  kill -0 "$pid" || { cat "$work/server-$label.log" >&2; exit 1; }
  for scenario in ${scenarios//,/ }; do
    before=$(cpu_ticks "$pid")
    wrote_before=$(written_bytes "$pid")
    calls_before=$(write_calls "$pid")
    out=$(wrk -t1 -c64 -d"${duration}s" --timeout 10s --latency -s "$here/lua/$scenario.lua" \
      "http://127.0.0.1:$port" -- n="$entities" run="$(date +%s%N)" 2>&1)
    wait_idle "$pid"  # checkpoints and deliveries the run caused count for it
    after=$(cpu_ticks "$pid")
    wrote_after=$(written_bytes "$pid")
    calls_after=$(write_calls "$pid")
    python3 - "$label" "$scenario" "$before" "$after" "$(getconf CLK_TCK)" \
      "$((wrote_after - wrote_before))" "$((calls_after - calls_before))" \
      "$(grep BENCH_JSON <<<"$out" | sed 's/BENCH_JSON //')" <<'PY'
import json, sys
label, scenario, before, after, hz, wrote, calls, record = sys.argv[1:9]
r = json.loads(record)
requests, seconds = r["requests"], r["duration_us"] / 1e6
cpu_us = (int(after) - int(before)) / int(hz) * 1e6 / max(requests, 1)
print(f"{label}  {scenario:18s} {requests / seconds:9.0f} req/s  {cpu_us:7.1f} us CPU/req  "
      f"p50 {r['latency_us']['p50'] / 1000:.2f} ms  p99 {r['latency_us']['p99'] / 1000:.2f} ms  "
      f"{int(wrote) / max(requests, 1) / 1024:7.1f} KiB written/req  "
      f"{int(calls) / max(requests, 1):6.1f} writes/req  {r['statuses']}")
PY
  done
  kill -TERM "$pid"
  wait "$pid" || echo "$label: server exit status $?" >&2
}

for round in $(seq "$rounds"); do
  echo "round $round"
  run_side A "$bin_a" "$env_a" "$data"
  run_side B "$bin_b" "$env_b" "$data_b"
done
