"""One genome on its task from Python (ganglion.evaluate_genome, what `ganglion eval` prints)."""

import os

import numpy as np
import pytest

import ganglion

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
CONFIGS = os.path.join(ROOT, "configs")


@pytest.fixture(scope="module")
def xor_run(tmp_path_factory):
    run_dir = str(tmp_path_factory.mktemp("evaluate") / "xor")
    c = ganglion.load_config(os.path.join(CONFIGS, "xor.yaml"), {"threads": 2})
    s = ganglion.Session.start(c, run_dir=run_dir, log=False)
    assert s.run() == "solved"
    return run_dir


def test_a_run_folders_genome_on_its_own_table(xor_run):
    r = ganglion.evaluate_genome(os.path.join(xor_run, "best_genome.json"))  # the config beside it
    assert r["task"] == "xor" and r["episodes"] is None
    d = r["data"]
    assert d["rows"] == 4 and d["inputs"].shape == (4, 2) and d["outputs"].shape == (4, 1)
    net = ganglion.load_genome(os.path.join(xor_run, "best_genome.json")).network(feed_forward=True)
    assert np.array_equal(d["outputs"], net.activate(d["inputs"]))
    assert d["loss_name"] == "mae"
    assert d["loss"] == pytest.approx(float(np.mean(np.abs(d["outputs"] - d["targets"]))), rel=1e-6)
    assert d["accuracy"] == 1.0 and d["solved"]


def test_a_control_task_plays_fresh_episodes_by_seed(xor_run):
    c = ganglion.load_config(os.path.join(CONFIGS, "cartpole.yaml"))
    s = ganglion.Session.start(ganglion.load_config(os.path.join(CONFIGS, "cartpole.yaml"),
                                                    {"population_size": 30, "run.generations": 2, "threads": 1}),
                               run_dir=os.path.join(os.path.dirname(xor_run), "cartpole"), log=False)
    s.run()
    g = ganglion.load_genome(os.path.join(s.run_dir, "best_genome.json"))
    a = ganglion.evaluate_genome(g, c, episodes=6, seed=5)
    e = a["episodes"]
    assert a["data"] is None and e["random_starts"] and len(e["steps"]) == 6
    assert e["returns"] == [float(n) for n in e["steps"]]  # reward 1 per step
    assert e["return_spread"]["mean"] == pytest.approx(np.mean(e["returns"]))
    assert e["return_spread"]["std"] == pytest.approx(np.std(e["returns"]))
    assert e["fitness"] == pytest.approx(np.mean(e["episode_fitness"]))
    assert ganglion.evaluate_genome(g, c, episodes=6, seed=5)["episodes"]["steps"] == e["steps"]


def test_the_double_pole_generalisation_test():
    path = os.path.join(ROOT, "tests", "data", "reference_runs", "double_pole_nv-seed1", "best_genome.json")
    r = ganglion.evaluate_genome(path, os.path.join(CONFIGS, "double_pole_nv.yaml"), episodes=1)
    (t,) = r["tests"]
    assert t["name"] == "generalization" and t["out_of"] == 625 and 0 <= t["score"] <= 625
    assert [(p["method"], p["score"]) for p in t["published"]][:2] == [("NEAT", "286"), ("ESP", "289")]


def test_bad_input_names_the_place(tmp_path):
    g = ganglion.load_genome(os.path.join(ROOT, "tests", "data", "reference_runs", "xor-seed1", "best_genome.json"))
    with pytest.raises(ganglion.GenomeError, match="task 'cartpole'"):
        ganglion.evaluate_genome(g, os.path.join(CONFIGS, "cartpole.yaml"))
    bad = tmp_path / "bad.csv"
    bad.write_text("0,0,0\n1,1\n")
    with pytest.raises(ganglion.ConfigError, match="bad.csv:2: 2 columns, expected 3"):
        ganglion.evaluate_genome(g, os.path.join(CONFIGS, "xor.yaml"), data=bad)
    with pytest.raises(ganglion.ConfigError, match="no config.yaml beside"):
        ganglion.evaluate_genome(str(tmp_path / "g.json"))
