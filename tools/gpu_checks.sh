#!/usr/bin/env bash
# The GPU checks of one device session, for prebuilt binaries (a portable build, so nothing is
# compiled on the GPU machine): every GPU test in BIN_DIR, the kernel tests under compute-sanitizer
# memcheck and racecheck, then the benchmarks asked for. Logs go to $OUT (or ./gpu-logs); the short
# results are printed last. Run from the repository root (tests read configs/).
#   usage: tools/gpu_checks.sh BIN_DIR
#   BIN_DIR holds `ganglion` and the *_test programs of tests/gpu/.
#   SANITIZE_S caps each sanitizer run (s); BENCH_ACTIVATE / BENCH_EPISODES, when set, are the
#   arguments of `ganglion bench activate` / `ganglion bench episodes`.
set -u
BIN=${1:?usage: tools/gpu_checks.sh BIN_DIR}
OUT=${OUT:-gpu-logs}
mkdir -p "$OUT"
export GANGLION_BINARY="$PWD/$BIN/ganglion" GANGLION_SOURCE_DIR="$PWD"
{
  nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.sm,clocks.max.sm,clocks.mem --format=csv
  echo "cpu cores: $(nproc)"
  compute-sanitizer --version | tail -1
} > "$OUT/machine.txt" 2>&1
cat "$OUT/machine.txt"

for t in "$BIN"/*_test; do
  name=$(basename "$t")
  "$t" > "$OUT/$name.log" 2>&1
  echo "$name: rc=$?"; tail -3 "$OUT/$name.log" | grep -E "test cases|assertions"
done
for t in cuda_evaluator_test fused_episodes_test; do
  [ -x "$BIN/$t" ] || continue
  for tool in memcheck racecheck; do
    GANGLION_TEST_KERNELS=level,block,warp,global,subwarp,subwarp/s0,subwarp/s1,auto \
      timeout "${SANITIZE_S:-150}" compute-sanitizer --tool $tool --error-exitcode 9 "$BIN/$t" > "$OUT/$t.$tool.log" 2>&1
    echo "$t $tool: rc=$? (0 clean, 9 errors found, 124 timed out)"; tail -2 "$OUT/$t.$tool.log"
  done
done

if [ -n "${BENCH_EPISODES:-}" ]; then
  # shellcheck disable=SC2086
  "$BIN/ganglion" bench episodes $BENCH_EPISODES > "$OUT/bench_episodes.md" 2> "$OUT/bench_episodes.err"
  echo "bench episodes: rc=$?"; tail -3 "$OUT/bench_episodes.err"
fi
if [ -n "${BENCH_ACTIVATE:-}" ]; then
  # shellcheck disable=SC2086
  "$BIN/ganglion" bench activate $BENCH_ACTIVATE --markdown "$OUT/bench_activate.md" > "$OUT/bench_activate.log" 2> "$OUT/bench_activate.err"
  echo "bench activate: rc=$?"; tail -3 "$OUT/bench_activate.err"
fi
