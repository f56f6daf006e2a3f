#!/usr/bin/env bash
# The README's second command: build and run the whole test suite through CTest.
#   1. release build (CUDA code compiled too when nvcc is present; GPU tests skip without a device),
#      with the Python module and its pytest suite (label python) where Python and pybind11 are found
#   2. debug build under AddressSanitizer + UndefinedBehaviorSanitizer, all CPU tests
#   3. libFuzzer targets built with clang, each run for a bounded time
# Leaves the command-line program at build/ganglion. Stages can be skipped for quick local runs:
# GANGLION_SKIP_SANITIZE=1, GANGLION_SKIP_FUZZ=1. GANGLION_FUZZ_SECONDS sets each fuzzer's time.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh --test
jobs=$(nproc 2>/dev/null || echo 2)
failed=0

echo "== release build and tests"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DGANGLION_TESTS=ON
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs") || failed=1

if [[ "${GANGLION_SKIP_SANITIZE:-0}" != 1 ]]; then
  echo "== debug build under AddressSanitizer + UndefinedBehaviorSanitizer"
  # No Python module: an interpreter would have to preload the sanitizer runtimes to import it.
  # No MPI: Open MPI's own allocations trip LeakSanitizer; its tests (label mpi) run in stage 1.
  cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Debug -DGANGLION_SANITIZE=ON -DGANGLION_CUDA=OFF \
        -DGANGLION_TESTS=ON -DGANGLION_PYTHON=OFF -DGANGLION_MPI=OFF
  cmake --build build-sanitize -j"$jobs"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  (cd build-sanitize && ctest --output-on-failure -j"$jobs" -L unit) || failed=1
fi

if [[ "${GANGLION_SKIP_FUZZ:-0}" != 1 ]] && command -v clang++ >/dev/null; then
  if [[ -f fuzz/CMakeLists.txt ]]; then
    echo "== libFuzzer targets (clang), ${GANGLION_FUZZ_SECONDS:-30} s each"
    CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGANGLION_FUZZ=ON \
          -DGANGLION_CUDA=OFF -DGANGLION_TESTS=OFF -DGANGLION_PYTHON=OFF
    cmake --build build-fuzz -j"$jobs" --target ganglion_fuzzers
    (cd build-fuzz && GANGLION_FUZZ_SECONDS=${GANGLION_FUZZ_SECONDS:-30} ctest --output-on-failure -L fuzz) || failed=1
  fi
fi

if [[ $failed -ne 0 ]]; then
  echo "ganglion: some tests FAILED (see above)"
  exit 1
fi
echo "ganglion: all test stages passed"
