#!/usr/bin/env bash
# Installs the Debian packages Ganglion needs that are missing (apt-get, when root); otherwise
# prints the exact apt-get line to run. Sourced by quickstart.sh and test.sh.
# Usage: scripts/deps.sh [--test]   (--test adds what the test suite needs)
set -euo pipefail

packages=(cmake g++ make pkg-config libyaml-cpp-dev libspdlog-dev libfmt-dev nlohmann-json3-dev doctest-dev
          libcli11-dev libzstd-dev libxxhash-dev graphviz
          python3-dev pybind11-dev python3-numpy)  # the Python module (python/, docs/python.md)
if [[ "${1:-}" == "--test" ]]; then
  # clang + its runtime for the libFuzzer targets.
  # chromium + fonts: the report page is opened headless in a test.
  # python3-pytest: the Python module's tests (tests/python/).
  # libopenmpi-dev + openmpi-bin: distributed/ and its mpirun tests (tests/distributed/); without
  # them the build leaves MPI out and runs as one process.
  packages+=(clang libclang-rt-dev chromium fonts-liberation python3-pytest libopenmpi-dev openmpi-bin)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
  echo "ganglion: installing missing packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "ganglion: missing packages: ${missing[*]}" >&2
  echo "run:  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
