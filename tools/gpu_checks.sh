#!/usr/bin/env bash
# The GPU checks of one device session, for prebuilt binaries (a portable build, so nothing is
# compiled on the GPU machine): the GPU tests, the same tests under compute-sanitizer memcheck and
# racecheck, then `ganglion bench activate` with the remaining arguments. Logs go to $OUT (or
# ./gpu-logs); the short results are printed last.
#   usage: tools/gpu_checks.sh BIN_DIR [bench activate options...]
#   BIN_DIR holds `ganglion` and `cuda_evaluator_test`; SANITIZE_S caps each sanitizer run (s).
set -u
BIN=${1:?usage: tools/gpu_checks.sh BIN_DIR [bench options]}
shift
OUT=${OUT:-gpu-logs}
mkdir -p "$OUT"
{
  nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.sm,clocks.max.sm,clocks.mem --format=csv
  echo "cpu cores: $(nproc)"
  compute-sanitizer --version | tail -1
} > "$OUT/machine.txt" 2>&1
cat "$OUT/machine.txt"

"$BIN/cuda_evaluator_test" > "$OUT/test.log" 2>&1
echo "gpu tests: rc=$?"; tail -3 "$OUT/test.log"
for tool in memcheck racecheck; do
  timeout "${SANITIZE_S:-150}" compute-sanitizer --tool $tool --error-exitcode 9 "$BIN/cuda_evaluator_test" \
    > "$OUT/$tool.log" 2>&1
  echo "$tool: rc=$? (0 clean, 9 errors found, 124 timed out)"; tail -2 "$OUT/$tool.log"
done

if [ $# -gt 0 ]; then
  "$BIN/ganglion" bench activate "$@" --markdown "$OUT/bench.md" > "$OUT/bench.log" 2> "$OUT/bench.err"
  echo "bench: rc=$?"; tail -5 "$OUT/bench.err"
  cat "$OUT/bench.md"
fi
