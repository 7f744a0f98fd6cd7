#!/usr/bin/env bash
# Fuzzing mode for tests/fuzz: builds the libFuzzer targets with clang-14 in build/fuzz
# (-fsanitize=fuzzer,address,undefined; the libraries get fuzzer-no-link coverage) and runs
# each for N seconds on a copy of its corpus. New corpus entries and crash reproducers go to
# a temp dir, never into the repo. Exits non-zero on the first target that fails, printing
# the reproducer path. Not run by CI (CI replays the corpora through ctest -L fuzz).
#
#   tests/fuzz/run.sh [--seconds N] [--jobs J] [target...]     (default: 60 s, every target)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
seconds=60
jobs=2
targets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [[ ${#targets[@]} -eq 0 ]]; then
  for dir in "$repo"/tests/fuzz/corpus/*/; do targets+=("$(basename "$dir")"); done
fi

# Debian 12 packages clang-14 (compiler) and libclang-rt-14-dev (the libFuzzer runtime).
if ! command -v clang++-14 >/dev/null ||
   ! ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  echo "installing clang-14 and libclang-rt-14-dev" >&2
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo=sudo
  $sudo apt-get install -y clang-14 libclang-rt-14-dev
fi

build="$repo/build/fuzz"
cmake -S "$repo" -B "$build" -G Ninja \
  -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="-O1" \
  -DRENKEI_SANITIZE="address;undefined;fuzzer-no-link" -DRENKEI_FUZZ=ON >/dev/null
fuzzers=()
for target in "${targets[@]}"; do fuzzers+=("renkei_${target}_fuzz"); done
cmake --build "$build" -j "$jobs" --target "${fuzzers[@]}"

work=$(mktemp -d "${TMPDIR:-/tmp}/renkei-fuzz.XXXXXX")
echo "new corpus entries and reproducers go to $work"
status=0
for target in "${targets[@]}"; do
  mkdir -p "$work/$target/corpus" "$work/$target/artifacts"
  log="$work/$target/log.txt"
  echo "== $target: ${seconds}s"
  if "$build/tests/fuzz/renkei_${target}_fuzz" -max_total_time="$seconds" -timeout=1 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/$target/artifacts/" \
      "$work/$target/corpus" "$repo/tests/fuzz/corpus/$target" >"$log" 2>&1; then
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' "$log" || true
  else
    echo "FAILED: $target (log: $log)"
    grep -E 'Test unit written to|SUMMARY|fuzz invariant' "$log" || tail -20 "$log"
    status=1
  fi
done
exit $status
