"""Resuming a Python task with state: the resumed run's files are the uninterrupted run's."""

import pytest

import ganglion
from conftest import assert_same_run, config_path, run_module, stats_without_time
from pytasks import NoisyXor


@pytest.mark.parametrize("cut", [1, 6])
def test_stateful_task_resumes_exactly(tmp_path, xor_config, cut):
    config = xor_config.with_overrides(["run.stop_when_solved=false", "run.generations=10", "checkpoint.every=3"])
    ganglion.Session.start(config, task=NoisyXor(), run_dir=str(tmp_path / "full"), log=False).run()
    s = ganglion.Session.start(config, task=NoisyXor(), run_dir=str(tmp_path / "cut"), log=False,
                               reporters=[lambda st: st["generation"] == cut])
    assert s.run() == "interrupted"
    # A fresh task object: its state comes from the checkpoint, not from the object.
    r = ganglion.Session.resume(str(tmp_path / "cut"), task=NoisyXor(seed=999), log=False)
    assert r.run() == "generation_limit"
    assert_same_run(str(tmp_path / "full"), str(tmp_path / "cut"))


def test_without_restore_the_run_would_differ(tmp_path, xor_config):
    """The check above could fail: a task that drops its state gives other fitness values."""
    config = xor_config.with_overrides(["run.stop_when_solved=false", "run.generations=6"])
    ganglion.Session.start(config, task=NoisyXor(), run_dir=str(tmp_path / "full"), log=False).run()
    ganglion.Session.start(config, task=NoisyXor(), run_dir=str(tmp_path / "cut"), log=False,
                           reporters=[lambda st: st["generation"] == 2]).run()

    class Forgetful(NoisyXor):
        def restore_state(self, state):
            pass

    ganglion.Session.resume(str(tmp_path / "cut"), task=Forgetful(seed=999), log=False).run()
    assert stats_without_time(str(tmp_path / "full")) != stats_without_time(str(tmp_path / "cut"))


def test_generation_limit_extended_from_a_finished_run(tmp_path, xor_config):
    config = xor_config.with_overrides(["run.stop_when_solved=false", "run.generations=9"])
    ganglion.Session.start(config, task=NoisyXor(), run_dir=str(tmp_path / "full"), log=False).run()
    ganglion.Session.start(config.with_overrides(["run.generations=4"]), task=NoisyXor(), run_dir=str(tmp_path / "cut"),
                           log=False).run()
    assert ganglion.Session.resume(str(tmp_path / "cut"), ["run.generations=9"], task=NoisyXor(), log=False).run() \
        == "generation_limit"
    assert_same_run(str(tmp_path / "full"), str(tmp_path / "cut"))


def test_state_needs_both_methods(tmp_path, xor_config):
    class SaveOnly:
        num_inputs, num_outputs = 2, 1

        def evaluate(self, p):
            return [0.0] * len(p)

        def save_state(self):
            return b""

    with pytest.raises(TypeError, match="no restore_state"):
        ganglion.Session.start(xor_config, task=SaveOnly(), run_dir=str(tmp_path / "h"), log=False)


def test_python_m_ganglion_resume_of_a_config_task(tmp_path):
    full, cut = str(tmp_path / "full"), str(tmp_path / "cut")
    common = ["--set", "task.python=pytasks:make_noisy", "--set", "task.name=noisy", "--set",
              "run.stop_when_solved=false", "-q"]
    assert run_module(["run", config_path("xor.yaml"), "--generations", "8", "--out", full, *common]).returncode == 3
    assert run_module(["run", config_path("xor.yaml"), "--generations", "3", "--out", cut, *common]).returncode == 3
    r = run_module(["resume", cut, "--generations", "8", "-q"])
    assert r.returncode == 3, r.stderr
    assert_same_run(full, cut)
