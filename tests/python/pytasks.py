"""Python tasks the tests run: a stateful XOR (noise from a random stream it keeps), tasks that fail
in chosen ways, and factories for configs' task.python."""

import pickle
import signal

import numpy as np

from xor_task import INPUTS, XorTask


class NoisyXor(XorTask):
    """XOR plus noise from a generator that carries over between generations: resuming exactly needs
    save_state/restore_state."""

    name = "noisy_xor"

    def __init__(self, seed=7, noise=0.5):
        self.rng = np.random.default_rng(seed)
        self.noise = noise

    def evaluate(self, population):
        fitness, solved = super().evaluate(population)
        return fitness + self.rng.uniform(0, self.noise, size=fitness.shape), solved

    def save_state(self):
        return pickle.dumps(self.rng.bit_generator.state)

    def restore_state(self, state):
        self.rng.bit_generator.state = pickle.loads(state)


def make_noisy(seed=7, noise=0.5):
    return NoisyXor(seed, noise)


class FailAt(NoisyXor):
    """Raises (or sends itself SIGINT) when it reaches generation `at`."""

    def __init__(self, at, how="raise"):
        super().__init__()
        self.at, self.how = at, how

    def evaluate(self, population):
        if population.generation == self.at:
            self.rng.uniform(size=100)  # state changed before the failure: the checkpoint must not keep this
            if self.how == "raise":
                raise ZeroDivisionError("fitness code failed on purpose")
            if self.how == "sigint":
                signal.raise_signal(signal.SIGINT)
        return super().evaluate(population)


class Returns:
    """Returns whatever `result(n)` makes."""

    num_inputs, num_outputs = 2, 1

    def __init__(self, result):
        self.result = result

    def evaluate(self, population):
        population.activate(INPUTS)
        return self.result(population.num_networks)
