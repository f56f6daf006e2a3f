"""run_episodes over a vectorised environment, and the numpy cart-pole example improving."""

import numpy as np
import pytest

import ganglion
from cartpole import CartPoleTask, CartPoleVectorEnv


class Counter:
    """num_envs environments; environment i ends after i + 1 steps, reward 1 per step."""

    def __init__(self, num_envs, num_inputs):
        self.num_envs, self.num_inputs = num_envs, num_inputs
        self.t = 0
        self.actions = []

    def reset(self, seed=None):
        self.t, self.seed = 0, seed
        return np.zeros((self.num_envs, self.num_inputs), dtype=np.float32), {}

    def step(self, actions):
        self.actions.append(np.array(actions))
        self.t += 1
        ended = np.arange(self.num_envs) + 1 <= self.t
        obs = np.full((self.num_envs, self.num_inputs), self.t, dtype=np.float32)
        return obs, np.ones(self.num_envs), ended, np.zeros(self.num_envs, dtype=bool), {}


class EpisodeProbe:
    num_inputs, num_outputs = 2, 1

    def __init__(self, episodes):
        self.episodes = episodes
        self.returns = None

    def evaluate(self, pop):
        env = Counter(len(pop) * self.episodes, 2)
        self.returns = ganglion.run_episodes(pop, env, 1000, seed=3, episodes=self.episodes)
        self.env = env
        with pytest.raises(ValueError, match="sub-environments"):
            ganglion.run_episodes(pop, Counter(5, 2), 10)
        return self.returns


def test_run_episodes_counts_rewards_until_each_episode_ends(tmp_path):
    c = ganglion.config_from_dict({"population_size": 10, "run.generations": 1, "genome": {"num_inputs": 2}})
    probe = EpisodeProbe(episodes=3)
    ganglion.Session.start(c, task=probe, run_dir=str(tmp_path / "e"), log=False).run()
    # Network k runs environments 3k, 3k+1, 3k+2, which last 3k+1, 3k+2, 3k+3 steps.
    assert np.array_equal(probe.returns, np.arange(10) * 3 + 2.0)
    assert len(probe.env.actions) == 30 and probe.env.actions[0].shape == (30, 1)


def test_numpy_cart_pole_improves(tmp_path):
    c = ganglion.config_from_dict({
        "population_size": 50, "seed": 2, "run": {"generations": 8, "stop_when_solved": True},
        "genome": {"num_inputs": 4, "num_outputs": 1}, "threads": 2})
    task = CartPoleTask(max_steps=200)
    s = ganglion.Session.start(c, task=task, run_dir=str(tmp_path / "cp"), log=False)
    reason = s.run()
    h = s.history
    assert reason == "solved" or h[-1]["best_ever_fitness"] > h[0]["mean_fitness"]
    assert h[-1]["best_ever_fitness"] > h[0]["best_fitness"] or h[0]["best_fitness"] == 200
    assert task.timing.steps > 0 and task.timing.network_seconds > 0 and task.timing.env_seconds > 0


def test_cart_pole_env_follows_the_vector_api():
    env = CartPoleVectorEnv(4, max_episode_steps=3)
    obs, info = env.reset(seed=1)
    assert obs.shape == (4, 4) and obs.dtype == np.float32 and np.all(np.abs(obs) <= 0.05)
    for t in range(3):
        obs, r, term, trunc, _ = env.step(np.array([0, 1, 0, 1]))
    assert trunc.all() and r.shape == (4,)
    a, _ = CartPoleVectorEnv(2).reset(seed=5)
    b, _ = CartPoleVectorEnv(2).reset(seed=5)
    assert np.array_equal(a, b)
