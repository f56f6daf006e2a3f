#!/usr/bin/env bash
# Whole CPU generations before and after a change, in one call: XOR at a large population
# (configs/xor.yaml, solving does not stop the run) with two binaries run back to back, on 1 thread
# and on all cores, each pair alternated `repeats` times; then `bench evolve` of both. Prints
# markdown: per run the mean of stats.jsonl's time_total per generation (the best of the repeats,
# and all of them), the after binary's time_ split, and whether both gave the same stats.jsonl
# (apart from time_ fields) and best_genome.json.
#   scripts/bench_cpu_generations.sh BEFORE_BINARY AFTER_BINARY [population] [generations] [repeats]
set -euo pipefail
before=$(realpath "$1"); after=$(realpath "$2")
population=${3:-10000}; generations=${4:-30}; repeats=${5:-2}
config=$(realpath "$(dirname "$0")/../configs/xor.yaml")
all=$(nproc)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "before: $before"; echo "after:  $after"
echo "XOR, population $population, $generations generations, run.stop_when_solved=false"
echo
echo "| threads | binary | ms per generation (best of $repeats) | each run | wall s (best) |"
echo "| --- | --- | --- | --- | --- |"
for threads in 1 "$all"; do
  for which in before after; do : > "$work/$which-$threads.txt"; done
  for r in $(seq "$repeats"); do
    for which in before after; do
      bin=$before; [[ $which == after ]] && bin=$after
      dir="$work/$which-$threads-$r"; mkdir -p "$dir"
      start=$(date +%s.%N)
      (cd "$dir" && "$bin" run "$config" --set population_size="$population" --set run.stop_when_solved=false \
         --set threads="$threads" --generations "$generations" -q >/dev/null 2>&1) || true
      end=$(date +%s.%N)
      echo "$dir $(echo "$end - $start" | bc)" >> "$work/$which-$threads.txt"
    done
  done
  for which in before after; do
    python3 - "$work/$which-$threads.txt" "$which" "$threads" <<'PY'
import glob, json, sys
rows = [l.split() for l in open(sys.argv[1])]
means, walls = [], []
for d, wall in rows:
    lines = [json.loads(l) for l in open(glob.glob(d + "/runs/*/stats.jsonl")[0])]
    means.append(1000 * sum(l["time_total"] for l in lines) / len(lines))
    walls.append(float(wall))
print(f"| {sys.argv[3]} | {sys.argv[2]} | {min(means):.1f} | {', '.join(f'{m:.1f}' for m in means)} | {min(walls):.2f} |")
PY
  done
done
echo
python3 - "$work" "$all" <<'PY'
import glob, json, sys
work, threads = sys.argv[1], sys.argv[2]
def load(d):
    lines = [json.loads(l) for l in open(glob.glob(d + "/runs/*/stats.jsonl")[0])]
    best = open(glob.glob(d + "/runs/*/best_genome.json")[0]).read()
    return lines, best
def best(which):  # the repeat with the lowest mean time_total
    runs = sorted(glob.glob(work + f"/{which}-{threads}-*"))
    return min(runs, key=lambda d: sum(l["time_total"] for l in load(d)[0]))
b, bb = load(best("before"))
a, ab = load(best("after"))
strip = lambda ls: [{k: v for k, v in l.items() if not k.startswith("time_")} for l in ls]
print(f"same stats.jsonl apart from time_ fields: {strip(a) == strip(b)}; same best_genome.json: {ab == bb}")
keys = [k for k in a[0] if k.startswith("time_")]
print()
print(f"after, {threads} threads, its best repeat: mean ms per generation by time_ field")
print("| " + " | ".join(k[5:] for k in keys) + " |")
print("|" + " --- |" * len(keys))
print("| " + " | ".join(f"{1000 * sum(l[k] for l in a) / len(a):.2f}" for k in keys) + " |")
PY
echo
for which in before after; do
  bin=$before; [[ $which == after ]] && bin=$after
  echo "bench evolve, $which:"
  echo '```'
  "$bin" bench evolve --sizes 10000,100000 --connections 20 --generations 3
  echo '```'
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
