"""Control tasks from Python: episodes of a vectorised environment, one batched activation per step.

``run_episodes`` takes an environment with Gymnasium's vector API (``reset(seed=...)`` returning
``(observations, infos)``, ``step(actions)`` returning ``(observations, rewards, terminated,
truncated, infos)``, all arrays over ``num_envs`` environments) with ``num_envs ==
population.num_networks * episodes``: environment ``k * episodes + e`` runs episode ``e`` of
network ``k``. Each step activates every network once on its observations (recurrent state kept
per network and episode) and hands the actions to the environment. A ``gymnasium.vector`` env
works as it is, e.g. ``gymnasium.make_vec("CartPole-v1", num_envs=n)``; examples/python/cartpole.py
has a numpy cart-pole with the same interface.
"""

import time

import numpy as np

__all__ = ["run_episodes", "EpisodeTiming"]


class EpisodeTiming:
    """Seconds spent in Ganglion (activate) and in the environment (reset, step), accumulated."""

    def __init__(self):
        self.network_seconds = 0.0
        self.env_seconds = 0.0
        self.steps = 0

    def __repr__(self):
        return (f"EpisodeTiming(network={self.network_seconds:.4f}s, env={self.env_seconds:.4f}s, "
                f"steps={self.steps})")


def run_episodes(population, env, max_steps, *, seed=None, episodes=1, action=None, timing=None):
    """Runs every network of ``population`` through ``episodes`` episodes of ``env`` and returns
    each network's mean return, shape ``(num_networks,)`` float64.

    action: turns the networks' outputs, shape ``(num_envs, num_outputs)``, into what
    ``env.step`` takes (default: the outputs themselves; e.g. ``lambda out: (out[:, 0] > 0.5)
    .astype(np.int64)`` for a discrete action). Rewards count until an environment's first
    ``terminated`` or ``truncated`` (a Gymnasium vector env resets itself after that). The loop
    ends after ``max_steps`` steps or when every episode has ended. ``timing`` (an
    EpisodeTiming) accumulates the time split between Ganglion and the environment.
    """
    n = population.num_networks
    num_envs = n * episodes
    if getattr(env, "num_envs", num_envs) != num_envs:
        raise ValueError(f"run_episodes: the environment has {env.num_envs} sub-environments; expected "
                         f"{num_envs} ({n} networks x {episodes} episodes)")
    t0 = time.perf_counter()
    obs, _ = env.reset(seed=seed)
    env_s = time.perf_counter() - t0
    net_s = 0.0
    returns = np.zeros(num_envs)
    done = np.zeros(num_envs, dtype=bool)
    population.reset()
    steps = 0
    for _ in range(max_steps):
        obs = np.asarray(obs, dtype=np.float32)
        if obs.shape[0] != num_envs:
            raise ValueError(f"run_episodes: observations of shape {obs.shape}; expected ({num_envs}, "
                             f"{population.num_inputs})")
        t0 = time.perf_counter()
        out = population.activate(obs.reshape(n, episodes, -1)).reshape(num_envs, -1)
        t1 = time.perf_counter()
        obs, reward, terminated, truncated, _ = env.step(action(out) if action is not None else out)
        t2 = time.perf_counter()
        net_s += t1 - t0
        env_s += t2 - t1
        steps += 1
        returns += np.where(done, 0.0, np.asarray(reward, dtype=np.float64))
        done |= np.asarray(terminated, dtype=bool) | np.asarray(truncated, dtype=bool)
        if done.all():
            break
    if timing is not None:
        timing.network_seconds += net_s
        timing.env_seconds += env_s
        timing.steps += steps
    return returns.reshape(n, episodes).mean(axis=1)
