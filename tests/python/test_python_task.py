"""Python tasks: XOR that solves, Population.activate's shapes and refusals, results checked, errors
in fitness code stopping the run with the last generation saved."""

import signal

import numpy as np
import pytest

import ganglion
from conftest import assert_same_run, config_path, read, stats_without_time
from pytasks import FailAt, NoisyXor, Returns
from xor_task import INPUTS, XorTask


def test_python_xor_solves_and_equals_the_built_in(tmp_path, xor_config):
    s = ganglion.Session.start(xor_config, task=XorTask(), run_dir=str(tmp_path / "py"), log=False)
    assert s.run() == "solved" and s.task_name == "python_xor"
    ganglion.Session.start(xor_config, run_dir=str(tmp_path / "cpp"), log=False).run()
    # The built-in also measures each network's loss and accuracy (stats.jsonl's best_loss and
    # best_accuracy); this Python task measures none. Everything else is the same run.
    cpp = stats_without_time(str(tmp_path / "cpp"))
    assert all("best_loss" in s and "best_accuracy" in s for s in cpp)
    metrics = ("best_loss", "best_accuracy")
    assert stats_without_time(str(tmp_path / "py")) == [{k: v for k, v in s.items() if k not in metrics} for s in cpp]
    assert read(str(tmp_path / "py" / "best_genome.json")) == read(str(tmp_path / "cpp" / "best_genome.json"))
    assert "name: python" in open(tmp_path / "py" / "config.yaml").read()
    out = s.best_genome.network().activate(INPUTS)[:, 0]
    assert list(out > 0.5) == [False, True, True, False]


class Probe:
    """Records what Population allows and refuses, then scores like XOR."""

    num_inputs, num_outputs = 2, 1

    def __init__(self):
        self.log = {}
        self.kept = None

    def evaluate(self, pop):
        n = pop.num_networks
        shared = pop.activate(INPUTS)
        assert shared.shape == (n, 4, 1) and shared.dtype == np.float32
        per = pop.activate(np.broadcast_to(INPUTS, (n, 4, 2)).copy())
        self.log["per_network_equal"] = bool(np.array_equal(shared, per))
        self.log["float64_equal"] = bool(np.array_equal(pop.activate(INPUTS.astype(np.float64)), shared))
        out = np.empty((n, 4, 1), dtype=np.float32)
        self.log["out_is_used"] = pop.activate(INPUTS, out=out) is not None and bool(np.array_equal(out, shared))
        for name, bad_out in {"out_list": [0.0], "out_shape": np.empty((n, 4, 2), dtype=np.float32),
                              "out_dtype": np.empty((n, 4, 1))}.items():
            try:
                pop.activate(INPUTS, out=bad_out)
            except ValueError as e:
                self.log[name] = str(e)
        for name, bad in {"cols": np.zeros((4, 3)), "nets": np.zeros((n + 1, 4, 2)), "1d": np.zeros(2),
                          "rows0": np.zeros((0, 2))}.items():
            try:
                pop.activate(bad)
            except ValueError as e:
                self.log[name] = str(e)
        try:
            pop.activate(np.array([["a", "b"]]))
        except TypeError as e:
            self.log["dtype"] = str(e)
        self.log["meta"] = (pop.generation, pop.seed, pop.backend, len(pop))
        self.kept = pop
        pop.reset()
        return np.zeros(n)


def test_population_activate_shapes_and_refusals(tmp_path, xor_config):
    probe = Probe()
    s = ganglion.Session.start(xor_config.with_overrides(["run.generations=1"]), task=probe, run_dir=str(tmp_path / "p"),
                               log=False)
    s.run()
    log = probe.log
    assert log["per_network_equal"] and log["float64_equal"] and log["out_is_used"]
    assert "shape (4, 3)" in log["cols"] and "expected (rows, 2) shared by all networks or (150, rows, 2)" in log["cols"]
    assert "shape (151, 4, 2)" in log["nets"] and "shape (2,)" in log["1d"] and "no rows" in log["rows0"]
    assert "dtype <U1" in log["dtype"]
    assert all("float32 array of shape (150, 4, 1)" in log[k] for k in ("out_list", "out_shape", "out_dtype"))
    assert log["meta"] == (0, 1, "cpu", 150)
    with pytest.raises(ValueError, match="only be used inside its evaluate"):
        probe.kept.activate(INPUTS)


@pytest.mark.parametrize("result,error,match", [
    (lambda n: np.zeros(n - 1), ValueError, r"fitness of shape \(149,\); expected \(150,\)"),
    (lambda n: np.zeros((n, 1)), ValueError, r"shape \(150, 1\)"),
    (lambda n: np.array(["x"] * n), TypeError, "dtype <U1"),
    (lambda n: "fitness", TypeError, "dtype <U7"),
    (lambda n: {"f": 1}, TypeError, "dtype object"),
    (lambda n: (np.zeros(n), np.zeros(3)), ValueError, "solved flags"),
])
def test_results_are_checked(tmp_path, xor_config, result, error, match):
    s = ganglion.Session.start(xor_config, task=Returns(result), run_dir=str(tmp_path / "r"), log=False)
    with pytest.raises(error, match=match):
        s.run()
    assert s.finished and s.stop_reason == "interrupted"


def test_nan_fitness_follows_the_engines_rule(tmp_path, xor_config):
    def result(n):
        f = np.arange(n, dtype=np.float64)
        f[:10] = np.nan
        return f
    s = ganglion.Session.start(xor_config.with_overrides(["run.generations=1"]), task=Returns(result),
                               run_dir=str(tmp_path / "n"), log=False)
    s.run()
    # NaN counts as the generation's worst finite fitness (10 here).
    stats = stats_without_time(str(tmp_path / "n"))[0]
    assert stats["best_fitness"] == 149 and stats["mean_fitness"] == pytest.approx((sum(range(10, 150)) + 100) / 150)


def test_bad_task_objects_are_refused(tmp_path, xor_config):
    class NoInputs:
        num_outputs = 1

        def evaluate(self, p):
            return np.zeros(len(p))

    class WrongInputs(XorTask):
        num_inputs = 3

    with pytest.raises(TypeError, match="no attribute 'num_inputs'"):
        ganglion.Session.start(xor_config, task=NoInputs(), run_dir=str(tmp_path / "a"), log=False)
    with pytest.raises(ganglion.ConfigError, match="has 3 inputs.*genome.num_inputs = 2"):
        ganglion.Session.start(xor_config, task=WrongInputs(), run_dir=str(tmp_path / "b"), log=False)
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_an_exception_in_fitness_code_stops_the_run_saved_and_resumable(tmp_path, xor_config):
    config = xor_config.with_overrides(["run.stop_when_solved=false", "run.generations=8"])
    ganglion.Session.start(config, task=NoisyXor(), run_dir=str(tmp_path / "full"), log=False).run()
    s = ganglion.Session.start(config, task=FailAt(3), run_dir=str(tmp_path / "cut"), log=False)
    with pytest.raises(ZeroDivisionError, match="on purpose") as e:
        s.run()
    assert "fitness code failed" in str(e.value) and e.traceback[-1].name == "evaluate"
    if hasattr(e.value, "__notes__"):
        assert "stopped at generation 3" in e.value.__notes__[0]
    assert len(stats_without_time(str(tmp_path / "cut"))) == 3
    r = ganglion.Session.resume(str(tmp_path / "cut"), task=NoisyXor(), log=False)
    assert r.run() == "generation_limit"
    assert_same_run(str(tmp_path / "full"), str(tmp_path / "cut"))


def test_ctrl_c_in_fitness_code_ends_the_run_as_interrupted(tmp_path, xor_config):
    config = xor_config.with_overrides(["run.stop_when_solved=false", "run.generations=8"])
    ganglion.Session.start(config, task=NoisyXor(), run_dir=str(tmp_path / "full"), log=False).run()
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        s = ganglion.Session.start(config, task=FailAt(5, "sigint"), run_dir=str(tmp_path / "cut"), log=False)
        assert s.run() == "interrupted"
    finally:
        signal.signal(signal.SIGINT, previous)
    assert s.generation == 5
    assert ganglion.Session.resume(str(tmp_path / "cut"), task=NoisyXor(), log=False).run() == "generation_limit"
    assert_same_run(str(tmp_path / "full"), str(tmp_path / "cut"))


def test_a_resumed_python_object_run_needs_its_task(tmp_path, xor_config):
    s = ganglion.Session.start(xor_config.with_overrides(["run.generations=2", "run.stop_when_solved=false"]),
                               task=XorTask(), run_dir=str(tmp_path / "o"), log=False)
    s.run()
    with pytest.raises(ganglion.ConfigError, match=r"task=\.\.\."):
        ganglion.Session.resume(str(tmp_path / "o"), ["run.generations=4"], log=False)


def test_a_task_written_in_a_config(tmp_path):
    c = ganglion.load_config(config_path("xor.yaml"), ["task.name=noisy", "task.python=pytasks:make_noisy",
                                                       "task.noise=0.25", "run.generations=3",
                                                       "run.stop_when_solved=false"])
    s = ganglion.Session.start(c, run_dir=str(tmp_path / "c"), log=False)
    assert s.run() == "generation_limit" and s.task_name == "noisy_xor"
    bad = c.with_overrides(["task.nois=1"])
    with pytest.raises(ganglion.ConfigError, match="does not take the task keys"):
        ganglion.Session.start(bad, run_dir=str(tmp_path / "d"), log=False)
    with pytest.raises(ganglion.ConfigError, match="not 'module:factory'"):
        ganglion.Session.start(c.with_overrides(["task.python=nocolon"]), run_dir=str(tmp_path / "e"), log=False)
