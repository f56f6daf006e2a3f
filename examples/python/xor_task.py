"""XOR written in Python with numpy: the NEAT paper's first benchmark, as a Ganglion task.

One activate() call per generation runs every network on the four rows; fitness is the paper's
(4 - sum |output - target|)^2 and a network solves XOR when every output lies on the right side
of 0.5. It computes the same values as the built-in C++ task `xor`, so a run gives the built-in's
results. Run it:

    python -m ganglion run examples/python/xor.yaml          (the config names xor_task:make)
    python examples/python/xor_task.py                        (the same from a script)
"""

import numpy as np

INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
TARGETS = np.array([0, 1, 1, 0], dtype=np.float64)


class XorTask:
    name = "python_xor"
    num_inputs = 2
    num_outputs = 1

    def evaluate(self, population):
        out = population.activate(INPUTS)[:, :, 0].astype(np.float64)  # (networks, 4)
        error = np.abs(out - TARGETS).sum(axis=1)
        fitness = (4.0 - error) ** 2
        right = np.where(TARGETS > 0.5, out > 0.5, out < 0.5).all(axis=1)
        return fitness, right & np.isfinite(error)


def make():
    """The factory a config names: task: {python: "xor_task:make"}."""
    return XorTask()


if __name__ == "__main__":
    import os

    import ganglion

    here = os.path.dirname(os.path.abspath(__file__))
    # The built-in XOR's config; task= puts the Python task in its place.
    config = ganglion.load_config(os.path.join(here, "..", "..", "configs", "xor.yaml"))
    session = ganglion.Session.start(config, task=XorTask(), log=False,
                                     reporters=[lambda s: print(f"generation {s['generation']}: best "
                                                                f"{s['best_fitness']:.3f}")])
    print(session.run(), "->", session.run_dir)
    print(session.best_genome.network().activate(INPUTS))
