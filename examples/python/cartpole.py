"""Cart-pole balancing with the environment written in numpy, as a Ganglion task.

CartPoleVectorEnv is Gymnasium's CartPole-v1 (the same physics, termination and 500-step limit)
for many environments at once, with Gymnasium's vector API: reset(seed=...) -> (obs, infos) and
step(actions) -> (obs, rewards, terminated, truncated, infos), arrays over all environments. The
task runs every network in its own environment through ganglion.run_episodes: one batched
activation of the whole population per step. With Gymnasium installed, the same task runs on
gymnasium.make_vec("CartPole-v1", num_envs=n) instead (see make_gym below and docs/python.md).

    python -m ganglion run examples/python/cartpole.yaml
"""

import numpy as np

import ganglion


class CartPoleVectorEnv:
    """num_envs cart-poles (Barto, Sutton & Anderson 1983; Gymnasium's CartPole-v1 constants)."""

    gravity, masscart, masspole, length, force_mag, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    theta_limit = 12 * 2 * np.pi / 360
    x_limit = 2.4

    def __init__(self, num_envs, max_episode_steps=500):
        self.num_envs = num_envs
        self.max_episode_steps = max_episode_steps
        self.state = np.zeros((num_envs, 4))
        self.steps = np.zeros(num_envs, dtype=np.int64)
        self.rng = np.random.default_rng()

    def reset(self, seed=None):
        if seed is not None:
            self.rng = np.random.default_rng(seed)
        self.state = self.rng.uniform(-0.05, 0.05, size=(self.num_envs, 4))
        self.steps[:] = 0
        return self.state.astype(np.float32), {}

    def step(self, actions):
        x, x_dot, theta, theta_dot = self.state.T
        force = np.where(np.asarray(actions) == 1, self.force_mag, -self.force_mag)
        cos, sin = np.cos(theta), np.sin(theta)
        total_mass = self.masscart + self.masspole
        polemass_length = self.masspole * self.length
        temp = (force + polemass_length * theta_dot**2 * sin) / total_mass
        theta_acc = (self.gravity * sin - cos * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * cos**2 / total_mass))
        x_acc = temp - polemass_length * theta_acc * cos / total_mass
        x = x + self.tau * x_dot  # explicit Euler, as Gymnasium's default
        x_dot = x_dot + self.tau * x_acc
        theta = theta + self.tau * theta_dot
        theta_dot = theta_dot + self.tau * theta_acc
        self.state = np.stack([x, x_dot, theta, theta_dot], axis=1)
        self.steps += 1
        terminated = (np.abs(x) > self.x_limit) | (np.abs(theta) > self.theta_limit)
        truncated = self.steps >= self.max_episode_steps
        rewards = np.ones(self.num_envs)
        # Gymnasium's vector envs reset a finished environment by themselves.
        done = terminated | truncated
        if done.any():
            self.state[done] = self.rng.uniform(-0.05, 0.05, size=(int(done.sum()), 4))
            self.steps[done] = 0
        return self.state.astype(np.float32), rewards, terminated, truncated, {}


class CartPoleTask:
    """Fitness: mean steps balanced over `episodes` episodes (at most max_steps each)."""

    name = "python_cartpole"
    num_inputs = 4
    num_outputs = 1

    def __init__(self, max_steps=500, episodes=1, make_env=CartPoleVectorEnv):
        self.max_steps, self.episodes, self.make_env = max_steps, episodes, make_env
        self.timing = ganglion.EpisodeTiming()

    def evaluate(self, population):
        env = self.make_env(population.num_networks * self.episodes)
        returns = ganglion.run_episodes(
            population, env, self.max_steps, seed=[population.seed, population.generation],
            episodes=self.episodes, action=lambda out: (out[:, 0] > 0.5).astype(np.int64), timing=self.timing)
        return returns, returns >= self.max_steps


def make(max_steps=500, episodes=1):
    """The factory a config names: task: {python: "cartpole:make", max_steps: 500}."""
    return CartPoleTask(max_steps, episodes)


def make_gym(max_steps=500, episodes=1):
    """The same task on Gymnasium's own vectorised CartPole-v1 (needs gymnasium)."""
    import gymnasium

    return CartPoleTask(max_steps, episodes,
                        make_env=lambda n: gymnasium.make_vec("CartPole-v1", num_envs=n, vectorization_mode="sync"))
