#!/usr/bin/env bash
# Records the reference run folders that tests/reference_runs_test.cpp compares against: every
# shipped config (configs/*.yaml) on the CPU backend with seeds 1, 2 and 3. Each run keeps
# best_genome.json, config.yaml (run id and source folder masked) and stats.jsonl with its time_ fields removed (they are the only
# fields that may differ between two runs of one seed).
# Usage: scripts/record_reference_runs.sh BINARY [OUT_DIR]   (default OUT_DIR: tests/data/reference_runs)
# Re-record only when a change alters results on purpose, and say why in that commit.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=$(realpath "$1")
out=${2:-tests/data/reference_runs}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for config in configs/*.yaml; do
  name=$(basename "$config" .yaml)
  for seed in 1 2 3; do
    dir="$out/$name-seed$seed"
    rm -rf "$scratch/run"
    "$binary" run "$config" --seed "$seed" --set backend=cpu --out "$scratch/run" -q || [[ $? -eq 3 ]]
    mkdir -p "$dir"
    cp "$scratch/run/best_genome.json" "$dir/"
    # The run's id is fresh for every run, and data paths are recorded absolute: both are masked
    # (tests/run_files.hpp normalise_config_yaml does the same to the runs it compares).
    sed -E -e 's/^(  +id: )[0-9a-f]{16}/\1<run id>/' -e "s#$PWD#<source>#g" "$scratch/run/config.yaml" > "$dir/config.yaml"
    sed -E 's/,"time_[a-z_]+":[-+0-9.eE]+//g' "$scratch/run/stats.jsonl" > "$dir/stats.jsonl"
  done
done
