"""Ganglion: NEAT neuroevolution with every network of a population activated in one call.

Runs (the same run folder, checkpoints and report as the ``ganglion`` program)::

    import ganglion
    config = ganglion.load_config("configs/xor.yaml", {"run.generations": 100})
    session = ganglion.Session.start(config, reporters=[lambda stats: print(stats["best_fitness"])])
    print(session.run(), session.run_dir)

Python tasks are objects with ``num_inputs``, ``num_outputs`` and ``evaluate(population)``
returning one fitness per network (or ``(fitness, solved)``); ``population.activate(inputs)``
runs every network at once on the run's backend; on CUDA, arrays on the device (CuPy, PyTorch, anything
with DLPack) go in and come out (as a ``DeviceArray``) without a trip through host memory. See docs/python.md.
"""

from . import _ganglion
from ._ganglion import (
    Config,
    ConnectionGene,
    DeviceArray,
    Genome,
    Network,
    NodeGene,
    Population,
    Session,
    __version__,
    config_keys,
    cuda_available,
    cuda_device_info,
    genome_from_json,
    load_genome,
    set_log_level,
    tasks,
    write_report,
)
from .config import config_from_dict, load_config, parse_config
from .errors import CheckpointError, ConfigError, Error, GenomeError
from .evaluate import evaluate_genome
from .vector_env import EpisodeTiming, run_episodes

__all__ = [
    "CheckpointError", "Config", "ConfigError", "ConnectionGene", "DeviceArray", "EpisodeTiming", "Error", "Genome",
    "GenomeError", "Network", "NodeGene", "Population", "Session", "__version__", "config_from_dict",
    "config_keys", "cuda_available", "cuda_device_info", "evaluate_genome", "genome_from_json", "load_config", "load_genome",
    "parse_config", "run", "run_episodes", "set_log_level", "tasks", "write_report",
]


def run(config, **kwargs):
    """Starts a session of ``config`` (a Config, a path or a dict), runs it to the end and returns
    its summary dict. Keyword arguments go to Session.start (task, run_dir, reporters, log)."""
    if not isinstance(config, Config):
        config = load_config(config)
    session = Session.start(config, **kwargs)
    session.run()
    return session.summary()
