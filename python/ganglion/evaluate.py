"""One genome evaluated on its task, as ``ganglion eval`` does (core/task/genome_evaluation.hpp)."""

import os

from . import _ganglion
from .config import load_config
from .errors import ConfigError

__all__ = ["evaluate_genome"]


def evaluate_genome(genome, config=None, data=None, episodes=100, seed=1, tests=True):
    """Evaluates ``genome`` (a Genome or a genome file such as RUN_DIR/best_genome.json) on the
    task of ``config`` (a Config or a config file; default: the config.yaml beside a genome file).

    Returns a dict: ``task``, ``genome_id``, ``data`` (data tasks: ``inputs``, ``targets``,
    ``outputs`` as float32 arrays [rows, columns], ``loss_name``, ``loss``, ``accuracy`` (None
    unless every target is 0 or 1), ``fitness``, ``solved``; on the task's own table or on the CSV
    file ``data``), ``episodes`` (control tasks: ``episodes`` fresh episodes whose starts come from
    ``seed``: per-episode ``steps``, ``returns`` and ``episode_fitness``, their ``return_spread``
    and ``length_spread`` (mean, std, min, max), the task's ``fitness`` over them and ``solved``)
    and ``tests`` (the task's standard tests, e.g. the double pole's generalisation, each with its
    ``score``, ``out_of`` and the ``published`` figures). Bad input raises ConfigError or
    GenomeError naming the file."""
    origin = "genome"
    if isinstance(genome, (str, os.PathLike)):
        origin = os.fspath(genome)
        if config is None:
            beside = os.path.join(os.path.dirname(origin), "config.yaml")
            if not os.path.exists(beside):
                raise ConfigError(f"{origin}: no config.yaml beside the genome (a run folder has one next to "
                                  "best_genome.json); pass config=")
            config = beside
        genome = _ganglion.load_genome(origin)
    elif config is None:
        raise ConfigError("evaluate_genome: a Genome object needs its config (config=Config or a config file)")
    if not isinstance(config, _ganglion.Config):
        config = load_config(os.fspath(config))
    return _ganglion._evaluate_genome(genome, config, "" if data is None else os.fspath(data), int(episodes),
                                      int(seed), bool(tests), origin)
