"""Shared fixtures of the Python module's tests: paths, the examples on sys.path, and run-folder
comparisons (stats.jsonl without its time_ fields, as tests/run_files.hpp does for the C++ tests)."""

import json
import os
import subprocess
import sys

import pytest

SOURCE_DIR = os.environ.get("GANGLION_SOURCE_DIR") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("GANGLION_BINARY") or os.path.join(SOURCE_DIR, "build", "ganglion")
EXAMPLES = os.path.join(SOURCE_DIR, "examples", "python")
sys.path.insert(0, EXAMPLES)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def config_path(name):
    return os.path.join(SOURCE_DIR, "configs", name)


def stats_without_time(run_dir):
    """stats.jsonl's lines as dicts without the time_ fields (the only non-deterministic ones)."""
    with open(os.path.join(run_dir, "stats.jsonl")) as f:
        return [{k: v for k, v in json.loads(line).items() if not k.startswith("time_")} for line in f]


def config_text(path):
    """A run folder's config.yaml with its run id masked: every run has a fresh one."""
    import re
    return re.sub(rb"(?m)^(  id: )[0-9a-f]{16}", rb"\1<run id>", read(path))


def read(path):
    with open(path, "rb") as f:
        return f.read()


def assert_same_run(a, b):
    assert stats_without_time(a) == stats_without_time(b)
    assert read(os.path.join(a, "best_genome.json")) == read(os.path.join(b, "best_genome.json"))


def run_module(args, **kwargs):
    """`python -m ganglion ARGS` in a child process with this process's module path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    return subprocess.run([sys.executable, "-m", "ganglion", *args], env=env, capture_output=True, text=True,
                          timeout=120, **kwargs)


@pytest.fixture
def xor_config():
    import ganglion

    return ganglion.load_config(config_path("xor.yaml"), {"threads": 2})
