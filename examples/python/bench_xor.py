"""Time per generation: the numpy XOR task (xor_task.py) against the built-in C++ task `xor`.

Both runs evolve the same populations (the Python task computes the built-in's fitness values),
so the difference is the cost of the Python task: the call into Python, one activate() and the
numpy fitness. Prints milliseconds per generation (median of the wall time of step() over a run, best of
--repeat runs) and of its evaluation alone (stats.jsonl's time_evaluate).

    PYTHONPATH=build/python python3 examples/python/bench_xor.py [--threads N]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

import ganglion

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from xor_task import XorTask  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def per_generation(population, generations, task, threads):
    config = ganglion.load_config(os.path.join(ROOT, "configs", "xor.yaml"), {
        "population_size": population, "run.generations": generations, "run.stop_when_solved": False,
        "threads": threads})
    with tempfile.TemporaryDirectory() as d:
        s = ganglion.Session.start(config, task=task, run_dir=os.path.join(d, "run"), log=False)
        times = []
        while not s.finished:
            t = time.perf_counter()
            s.step()
            times.append(time.perf_counter() - t)
        evaluate = [h["time_evaluate"] for h in s.history]
    return statistics.median(times[1:]) * 1e3, statistics.median(evaluate[1:]) * 1e3


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    print(f"{'population':>10} {'task':>8} {'ms/generation':>14} {'ms evaluate':>12}")
    for population, generations in ((150, 100), (10000, 30)):
        # The two tasks take turns, so that a busy machine slows both alike; the best of the repeats counts.
        results = {"c++": [], "python": []}
        for _ in range(args.repeat):
            for name, task in (("c++", None), ("python", XorTask())):
                results[name].append(per_generation(population, generations, task, args.threads))
        for name, r in results.items():
            best = min(r)
            print(f"{population:>10} {name:>8} {best[0]:>14.3f} {best[1]:>12.3f}")


if __name__ == "__main__":
    main()
