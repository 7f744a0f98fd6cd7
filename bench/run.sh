#!/usr/bin/env bash
# run.sh: the renkei benchmark. Builds the release preset, measures the HTTP ceiling
# (bench/ceiling_server, a trivial handler behind the same server code), then for each data set
# size starts a fresh `renkei serve`, preloads the entities (bench/load.py) and runs the wrk
# scenarios of bench/lua/ against it, recording per scenario wrk's summary, the server's CPU
# time (utime+stime from /proc/PID/stat) and its memory (VmHWM, VmRSS). bench/report.py turns
# the records into the markdown table printed at the end and written to bench/RESULTS.md.
#
#   bench/run.sh [--sizes 100000,1000000] [--duration 10] [--connections 64]
#                [--server-threads 2] [--scenarios get_by_id,ld_get_by_id,...]
#                [--skip-build] [--output bench/RESULTS.md]
#
# --scenarios runs a subset (comma-separated names of bench/lua/); they always run in the order
# of the full list below (reads, then writes, creates last). The ceiling always runs.
#
# Everything runs on 127.0.0.1; every load run stops after --duration seconds. The server, wrk
# and the loader share the machine's cores, so figures are per this machine (see README.md).
set -euo pipefail

sizes=100000,1000000
duration=10
connections=64
server_threads=2
skip_build=0
output=bench/RESULTS.md
# Reads, then writes, creates last (they grow the data set); ld_* are the NGSI-LD
# counterparts over the same entities. items: entities per request where not 1.
all_scenarios=(get_by_id query_type_q geo_near ld_get_by_id ld_query_type_q
  patch_two_attrs batch_update ld_batch_upsert create ld_create)
declare -A items_per_request=([batch_update]=100 [ld_batch_upsert]=100)
requested=""

usage() {
  sed -n '9,14p' "$0" | sed 's/^#//; s/^ //'
  exit 2
}
command_line="bench/run.sh${*:+ $*}"
while (($#)); do
  case $1 in
    --sizes) sizes=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --server-threads) server_threads=$2; shift 2 ;;
    --scenarios) requested=$2; shift 2 ;;
    --skip-build) skip_build=1; shift ;;
    --output) output=$2; shift 2 ;;
    -h | --help) usage ;;
    *) echo "run.sh: unknown argument $1" >&2; usage ;;
  esac
done

scenarios=("${all_scenarios[@]}")
if [[ -n $requested ]]; then
  IFS=, read -r -a wanted <<<"$requested"
  for name in "${wanted[@]}"; do
    [[ " ${all_scenarios[*]} " == *" $name "* ]] \
      || { echo "run.sh: unknown scenario $name (known: ${all_scenarios[*]})" >&2; exit 2; }
  done
  scenarios=()
  for name in "${all_scenarios[@]}"; do
    [[ ",$requested," == *",$name,"* ]] && scenarios+=("$name")
  done
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
log() { echo "[bench $(date +%T)] $*" >&2; }

if ((!skip_build)); then
  log "building the release preset"
  cmake --preset release >/dev/null
  cmake --build --preset release -j2 --target renkei ceiling_server
fi
renkei_bin=build/release/src/app/renkei
ceiling_bin=build/release/bench/ceiling_server
for binary in "$renkei_bin" "$ceiling_bin"; do
  [[ -x $binary ]] || { echo "run.sh: $binary missing (build without --skip-build)" >&2; exit 1; }
done
if ! command -v wrk >/dev/null; then
  log "installing wrk (Debian package)"
  if ((EUID == 0)); then apt-get install -y wrk; else sudo apt-get install -y wrk; fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/renkei-bench.XXXXXX")
results=$work/results.jsonl
run_id=$(date +%s)
clk_tck=$(getconf CLK_TCK)
server_pid=""

server_exit=null
stop_server() {  # SIGTERM, then up to 30 s for the graceful shutdown; sets server_exit
  local pid=$server_pid
  server_pid=""
  [[ -n $pid ]] || return 0
  server_exit=0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    log "server $pid did not stop within 30 s; killed"
  fi
  wait "$pid" 2>/dev/null || server_exit=$?
}
cleanup() {
  stop_server
  rm -rf "$work"/data-*
  log "raw wrk output, server logs and results.jsonl kept in $work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_ready() {  # port path: polls until the server answers, or fails after 30 s / on exit
  for _ in $(seq 300); do
    curl -fs -o /dev/null "http://127.0.0.1:$1$2" && return 0
    kill -0 "$server_pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
cpu_ticks() {  # utime + stime (fields 14 and 15 of /proc/PID/stat) in clock ticks
  local stat fields
  stat=$(<"/proc/$1/stat")
  read -r -a fields <<<"${stat##*) }"  # fields[0] is field 3 (state): comm may hold spaces
  echo $((fields[11] + fields[12]))
}
# wait_idle: returns once the server used under 3 clock ticks in half a second (it has finished
# what the last run left in flight: wrk stops without waiting for its outstanding requests), or
# after 120 s; sets idle_wait_s to the seconds waited.
wait_idle() {
  local started=$SECONDS previous current
  previous=$(cpu_ticks "$server_pid" 2>/dev/null) || return 0
  while ((SECONDS - started < 120)); do
    sleep 0.5
    current=$(cpu_ticks "$server_pid" 2>/dev/null) || break
    ((current - previous < 3)) && break
    previous=$current
  done
  idle_wait_s=$((SECONDS - started))
}
status_kb() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"; }
# The attribute names the query scenarios filter on get their value indexes before anything is
# measured (ADR 0018: built at the first query on a name). One query per dialect (NGSI-LD
# names are expanded IRIs, other names), then /metrics until no build is left: every scenario,
# the writes included, runs with those indexes in place, as a deployment's would.
build_value_indexes() {
  local port=$1 started=$SECONDS building
  curl -fsS -o /dev/null "http://127.0.0.1:$port/v2/entities?type=Room&q=temperature==1;humidity%3E50&limit=1" || true
  curl -fsS -o /dev/null "http://127.0.0.1:$port/ngsi-ld/v1/entities?type=Room&q=temperature==1;humidity%3E50&limit=1" || true
  while ((SECONDS - started < 600)); do
    building=$(curl -fsS "http://127.0.0.1:$port/metrics" \
      | awk '$1 == "renkei_store_value_indexes_building" { print $2 }')
    [[ "$building" == "0" ]] && break
    sleep 1
  done
  log "value indexes built in $((SECONDS - started)) s"
}

# run_scenario SIZE SCENARIO PORT ITEMS_PER_REQUEST: one wrk run, one JSON record.
run_scenario() {
  local size=$1 scenario=$2 port=$3 items=$4 raw="$work/$1-$2.wrk.txt" before after wrk_json alive
  if ! kill -0 "$server_pid" 2>/dev/null; then
    printf '{"kind":"scenario","size":%s,"scenario":"%s","server_alive":false,"wrk":null}\n' \
      "$size" "$scenario" >>"$results"
    return 1
  fi
  log "size $size: $scenario for ${duration}s"
  before=$(cpu_ticks "$server_pid")
  timeout $((duration + 60)) wrk -t1 -c"$connections" -d"${duration}s" --timeout 10s --latency \
    -s "bench/lua/$scenario.lua" "http://127.0.0.1:$port" -- "n=$size" "run=$run_id" \
    >"$raw" 2>&1 || log "wrk exited with $? (see $raw)"
  if kill -0 "$server_pid" 2>/dev/null; then
    alive=true
    after=$(cpu_ticks "$server_pid")
  else
    alive=false
    after=$before
    log "size $size: the server died during $scenario; log tail:"
    tail -n 20 "$work/renkei-$size.log" >&2 || true
  fi
  wrk_json=$(sed -n 's/^BENCH_JSON //p' "$raw")
  idle_wait_s=0
  [[ $alive == true ]] && wait_idle
  ((idle_wait_s > 1)) && log "size $size: the server was busy ${idle_wait_s}s after $scenario"
  printf '{"kind":"scenario","size":%s,"scenario":"%s","items_per_request":%s,"cpu_ticks":%s,"busy_after_s":%s,"vmhwm_kb":%s,"vmrss_kb":%s,"server_alive":%s,"wrk":%s}\n' \
    "$size" "$scenario" "$items" $((after - before)) "$idle_wait_s" \
    "$([[ $alive == true ]] && status_kb "$server_pid" VmHWM || echo null)" \
    "$([[ $alive == true ]] && status_kb "$server_pid" VmRSS || echo null)" \
    "$alive" "${wrk_json:-null}" >>"$results"
  [[ $alive == true ]]
}

printf '{"kind":"meta","command":"%s","duration_s":%s,"connections":%s,"server_threads":%s,"clk_tck":%s,"loadavg":"%s","wrk":"wrk %s"}\n' \
  "$command_line" "$duration" "$connections" "$server_threads" "$clk_tck" "$(cut -d" " -f1-3 /proc/loadavg)" \
  "$(wrk -v 2>&1 | head -n1 | grep -o '[0-9][0-9.]*' | head -n1)" >"$results"

# The ceiling: the same HTTP server code with a handler that answers a fixed body.
port=$(free_port)
log "ceiling_server on port $port"
"$ceiling_bin" "$port" "$server_threads" 2>"$work/ceiling.log" &
server_pid=$!
wait_ready "$port" / || { echo "run.sh: ceiling_server did not start" >&2; exit 1; }
run_scenario null ceiling "$port" 1 || true
stop_server

IFS=, read -r -a size_list <<<"$sizes"
for size in "${size_list[@]}"; do
  port=$(free_port)
  data="$work/data-$size"
  log "size $size: renkei serve on port $port, data in $data"
  "$renkei_bin" serve --listen "127.0.0.1:$port" --data-dir "$data" --log-level warn \
    --threads "$server_threads" 2>"$work/renkei-$size.log" &
  server_pid=$!
  wait_ready "$port" /version || { echo "run.sh: renkei did not start" >&2; exit 1; }

  log "size $size: preloading"
  before=$(cpu_ticks "$server_pid")
  load_status=0
  timeout 1800 python3 bench/load.py --port "$port" --count "$size" >"$work/$size-preload.txt" \
    || load_status=$?
  after=$(cpu_ticks "$server_pid" 2>/dev/null || echo "$before")
  printf '{"kind":"preload","size":%s,"cpu_ticks":%s,"exit_status":%s,"load":%s}\n' \
    "$size" $((after - before)) "$load_status" \
    "$(sed -n 's/^BENCH_JSON //p' "$work/$size-preload.txt" | grep . || echo null)" >>"$results"
  wait_idle
  if ((load_status != 0)); then
    log "size $size: preload failed ($load_status):"
    cat "$work/$size-preload.txt" >&2
  fi

  build_value_indexes "$port"
  wait_idle
  for scenario in "${scenarios[@]}"; do
    run_scenario "$size" "$scenario" "$port" "${items_per_request[$scenario]:-1}" || break
  done

  hwm=null rss=null
  if kill -0 "$server_pid" 2>/dev/null; then
    hwm=$(status_kb "$server_pid" VmHWM)
    rss=$(status_kb "$server_pid" VmRSS)
  fi
  db_bytes=$(du -sb "$data" | cut -f1)
  stop_server
  printf '{"kind":"size","size":%s,"vmhwm_kb":%s,"vmrss_kb":%s,"db_bytes":%s,"exit_status":%s}\n' \
    "$size" "$hwm" "$rss" "$db_bytes" "$server_exit" >>"$results"
  rm -rf "$data"
done

python3 bench/report.py --results "$results" --output "$output"
