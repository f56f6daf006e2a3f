"""`python -m ganglion run|resume`: configs whose task is written in Python, exit codes, Ctrl-C."""

import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import EXAMPLES, config_path, run_module, stats_without_time


def test_run_a_config_naming_a_python_task(tmp_path):
    out = str(tmp_path / "xor")
    r = run_module(["run", os.path.join(EXAMPLES, "xor.yaml"), "--out", out, "--report"])
    assert r.returncode == 0, r.stderr
    assert "task python_xor" in r.stderr and "solved after" in r.stderr
    for f in ("config.yaml", "stats.jsonl", "best_genome.json", "report.html"):
        assert os.path.exists(os.path.join(out, f))
    assert os.listdir(os.path.join(out, "checkpoints"))


def test_exit_codes_and_errors(tmp_path):
    r = run_module(["run", os.path.join(EXAMPLES, "xor.yaml"), "--generations", "1", "--set", "run.stop_when_solved=false",
                    "--out", str(tmp_path / "a"), "-q"])
    assert r.returncode == 3 and r.stderr == ""
    r = run_module(["run", config_path("xor.yaml"), "--set", "genome.num_inputz=2", "-q"])
    assert r.returncode == 1 and "did you mean 'genome.num_inputs'" in r.stderr
    r = run_module(["run", config_path("xor.yaml"), "--set", "task.python=pytasks:nothing", "--out", str(tmp_path / "b")])
    assert r.returncode == 1 and "has no 'nothing'" in r.stderr and not (tmp_path / "b").exists()
    r = run_module(["resume", str(tmp_path / "nowhere")])
    assert r.returncode == 1 and "nowhere" in r.stderr


def test_an_exception_in_the_task_shows_the_traceback(tmp_path):
    r = run_module(["run", config_path("xor.yaml"), "--set", "task.python=pytasks:FailAt", "--set", "task.at=2",
                    "--set", "run.stop_when_solved=false", "--out", str(tmp_path / "f"), "-q"])
    assert r.returncode == 1
    assert "Traceback" in r.stderr and "ZeroDivisionError: fitness code failed on purpose" in r.stderr
    assert "pytasks.py" in r.stderr and "stopped at generation 2" in r.stderr
    assert len(stats_without_time(str(tmp_path / "f"))) == 2


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_and_sigterm_save_and_exit_130(tmp_path, sig):
    out = str(tmp_path / "c")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    p = subprocess.Popen([sys.executable, "-m", "ganglion", "run", os.path.join(EXAMPLES, "xor.yaml"), "--generations",
                          "100000", "--set", "run.stop_when_solved=false", "--set", "population_size=400", "--out", out],
                         env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and not os.path.exists(os.path.join(out, "stats.jsonl")):
        time.sleep(0.05)
    while time.time() < deadline and os.path.getsize(os.path.join(out, "stats.jsonl")) == 0:
        time.sleep(0.05)
    p.send_signal(sig)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130, err
    assert "interrupted after" in err
    assert os.listdir(os.path.join(out, "checkpoints"))
    done = len(stats_without_time(out))
    r = run_module(["resume", out, "--generations", str(done + 2), "-q"])
    assert r.returncode == 3, r.stderr
    assert len(stats_without_time(out)) == done + 2
