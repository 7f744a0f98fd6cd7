#!/usr/bin/env bash
# The README's second command (and what CI runs): install dependencies, build with the
# `dev` preset (Debug + ASan + UBSan, warnings as errors), check formatting, and run every
# test: unit tests, store conformance, crash/restart tests, HTTP transcript tests and interop
# tests with real FIWARE client libraries.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset dev >/dev/null
cmake --build --preset dev -j "$(nproc)"
if command -v clang-format >/dev/null; then
  bad=$(git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run 2>&1 | grep -c 'warning:' || true)
  if [ "$bad" != "0" ]; then
    echo "clang-format: $bad places need formatting (run clang-format -i)"; exit 1
  fi
fi
# npm packages of the interop tests (tests/interop: iotagent-node-lib, ngsijs; pinned by the
# committed package-lock.json) must be in place before ctest runs them.
(cd tests/interop && npm ci --no-audit --no-fund --silent)
ctest --preset dev -j "$(nproc)" --timeout 600
# JSON-LD expectations of src/core/jsonld checked against jsonld.js (versions pinned by the
# committed package-lock.json; packages from the npm registry).
(cd tests/jsonld-oracle && npm ci --no-audit --no-fund --silent && node oracle.js)
