"""Time per generation of the numpy cart-pole (cartpole.py) and its split between Ganglion's
batched activations and the numpy environment, at a population of 10,000 by default.

    PYTHONPATH=build/python python3 examples/python/bench_cartpole.py [--population N] [--backend cpu|cuda]
"""

import argparse
import os
import sys
import tempfile
import time

import ganglion

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cartpole import CartPoleTask  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--population", type=int, default=10000)
    p.add_argument("--generations", type=int, default=5)
    p.add_argument("--steps", type=int, default=500)
    p.add_argument("--backend", default="cpu")
    p.add_argument("--threads", type=int, default=0)
    args = p.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "cartpole.yaml")) as f:
        text = f.read()
    # cartpole.yaml's settings with the task passed as an object (to read its timing) instead of named.
    text = text[:text.index("\ntask:")] + "\ntask:\n  name: python_cartpole\n"
    config = ganglion.parse_config(text, "cartpole.yaml (task as an object)", {
        "population_size": args.population, "run.generations": args.generations, "run.stop_when_solved": False,
        "backend": args.backend, "threads": args.threads})
    print(f"population {args.population}, backend {args.backend}, up to {args.steps} steps per episode")
    print(f"{'gen':>4} {'ms total':>9} {'ms network':>11} {'ms env+loop':>12} {'steps':>6} {'us/step loop':>13}")
    with tempfile.TemporaryDirectory() as d:
        task = CartPoleTask(max_steps=args.steps)
        s = ganglion.Session.start(config, task=task, run_dir=os.path.join(d, "run"), log=False)
        while not s.finished:
            before = (task.timing.network_seconds, task.timing.env_seconds, task.timing.steps)
            t = time.perf_counter()
            s.step()
            total = time.perf_counter() - t
            net = task.timing.network_seconds - before[0]
            env = task.timing.env_seconds - before[1]
            steps = task.timing.steps - before[2]
            print(f"{s.history[-1]['generation']:>4} {total * 1e3:>9.1f} {net * 1e3:>11.1f} {env * 1e3:>12.1f} "
                  f"{steps:>6} {env / max(steps, 1) * 1e6:>13.1f}")


if __name__ == "__main__":
    main()
