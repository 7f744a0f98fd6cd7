#!/usr/bin/env bash
# Installs renkei's build and test dependencies from Debian 12 packages (the only source
# this project uses). Safe to run repeatedly. Needs root (uses sudo when not root).
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libboost1.81-dev libboost-json1.81-dev   # Beast/Asio (headers) and Boost.JSON
  libsqlite3-dev libssl-dev
  libjemalloc-dev                          # the server's allocator (docs/adr/0004-jemalloc.md)
  libspdlog-dev libfmt-dev libtomlplusplus-dev libcli11-dev
  libgtest-dev libgmock-dev
  libmosquitto-dev                         # MQTT notifications (docs/adr/0005-mqtt-client.md)
  mosquitto mosquitto-clients openssl      # MQTT tests: a real broker (TLS certificates made
                                           # by openssl); mosquitto_sub to watch notifications;
                                           # tests/tls makes its certificates with openssl too
  python3 curl procps clang-format
)
# Node.js runs the JSON-LD oracle (tests/jsonld-oracle) and the interop tests with real FIWARE
# clients (tests/interop); a machine that already has node and npm (from any Debian source)
# keeps them.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then PACKAGES+=(nodejs npm); fi
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
