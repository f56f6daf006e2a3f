"""Sessions from Python: the CLI's run folder, reporters, step and run, stopping, the GIL."""

import json
import os
import subprocess
import threading

import pytest

import ganglion
from conftest import BINARY, assert_same_run, config_path, config_text, read


def test_run_folder_is_the_clis(tmp_path, xor_config):
    if not os.path.exists(BINARY):
        pytest.skip("no ganglion program")
    s = ganglion.Session.start(xor_config, run_dir=str(tmp_path / "py"), log=False)
    assert s.run() == "solved"
    subprocess.run([BINARY, "run", config_path("xor.yaml"), "--threads", "2", "--out", str(tmp_path / "cli"), "-q"],
                   check=False, timeout=60)
    assert_same_run(str(tmp_path / "py"), str(tmp_path / "cli"))
    assert config_text(tmp_path / "py" / "config.yaml") == config_text(tmp_path / "cli" / "config.yaml")
    summary = s.summary()
    assert summary["reason"] == "solved" and summary["solved"] and summary["run_dir"] == str(tmp_path / "py")
    assert os.path.exists(summary["checkpoint"])
    assert s.best_genome == ganglion.load_genome(str(tmp_path / "py" / "best_genome.json"))


def test_reporters_get_the_stats_jsonl_fields(tmp_path, xor_config):
    seen = []
    s = ganglion.Session.start(xor_config, run_dir=str(tmp_path / "r"), reporters=[seen.append], log=False)
    s.run()
    with open(tmp_path / "r" / "stats.jsonl") as f:
        lines = [json.loads(line) for line in f]
    assert seen == lines and len(seen) == s.summary()["generations"]
    assert s.history == lines


def test_a_reporter_returning_true_stops_the_run_resumably(tmp_path, xor_config):
    config = xor_config.with_overrides(["run.stop_when_solved=false", "run.generations=12"])
    full = ganglion.Session.start(config, run_dir=str(tmp_path / "full"), log=False)
    assert full.run() == "generation_limit"
    s = ganglion.Session.start(config, run_dir=str(tmp_path / "cut"), log=False,
                               reporters=[lambda st: st["generation"] == 4])
    assert s.run() == "interrupted" and s.generation == 5 and s.finished
    with pytest.raises(ganglion.Error, match="has stopped"):
        s.step()
    r = ganglion.Session.resume(str(tmp_path / "cut"), log=False)
    assert r.run() == "generation_limit"
    assert_same_run(str(tmp_path / "full"), str(tmp_path / "cut"))


def test_step_by_step(tmp_path, xor_config):
    s = ganglion.Session.start(xor_config.with_overrides(["run.generations=3", "run.stop_when_solved=false"]),
                               run_dir=str(tmp_path / "s"), log=False)
    assert [s.step(), s.step(), s.step()] == ["running", "running", "generation_limit"]
    assert s.stop_reason == "generation_limit"


def test_a_failing_reporter_raises_after_the_generation_is_saved(tmp_path, xor_config):
    def boom(stats):
        if stats["generation"] == 2:
            raise RuntimeError("reporter failed")
    config = xor_config.with_overrides(["run.stop_when_solved=false"])
    s = ganglion.Session.start(config, run_dir=str(tmp_path / "f"), reporters=[boom], log=False)
    with pytest.raises(RuntimeError, match="reporter failed") as e:
        s.run()
    assert any("Session.resume" in n for n in getattr(e.value, "__notes__", [])) or not hasattr(e.value, "add_note")
    assert s.finished and len(open(tmp_path / "f" / "stats.jsonl").readlines()) == 3
    assert ganglion.Session.resume(str(tmp_path / "f"), ["run.generations=5"], log=False).run() == "generation_limit"


def test_the_gil_is_released_while_a_generation_runs(tmp_path, xor_config):
    config = xor_config.with_overrides(["population_size=3000", "run.generations=6", "run.stop_when_solved=false"])
    s = ganglion.Session.start(config, run_dir=str(tmp_path / "g"), log=False)
    count, done = [0], threading.Event()

    def spin():
        while not done.is_set():
            count[0] += 1

    t = threading.Thread(target=spin)
    t.start()
    try:
        before = count[0]
        s.run()
        during = count[0] - before
    finally:
        done.set()
        t.join()
    assert during > 10000


def test_built_in_task_by_name_and_unknown_name(tmp_path):
    c = ganglion.load_config(config_path("parity.yaml"), ["run.generations=2"])
    assert ganglion.Session.start(c, run_dir=str(tmp_path / "p"), log=False).run() in ("generation_limit", "solved")
    with pytest.raises(ganglion.ConfigError, match="did you mean 'parity'"):
        ganglion.Session.start(c.with_overrides(["task.name=parrity"]), run_dir=str(tmp_path / "q"), log=False)
    assert not (tmp_path / "q").exists()


def test_report(tmp_path, xor_config):
    ganglion.Session.start(xor_config, run_dir=str(tmp_path / "x"), log=False).run()
    path = ganglion.write_report(str(tmp_path / "x"))
    assert path.endswith("report.html") and os.path.getsize(path) > 1000


def test_leaving_a_with_block_saves_a_running_session(tmp_path, xor_config):
    config = xor_config.with_overrides(["run.stop_when_solved=false", "run.generations=10"])
    with ganglion.Session.start(config, run_dir=str(tmp_path / "w"), log=False) as s:
        s.step()
        s.step()
    assert s.finished and s.stop_reason == "interrupted"
    assert ganglion.Session.resume(str(tmp_path / "w"), log=False).run() == "generation_limit"


def test_a_folder_that_holds_a_run_is_refused_unless_overwrite(tmp_path, xor_config):
    s = ganglion.Session.start(xor_config, run_dir=str(tmp_path / "r"), log=False)
    s.run()
    with pytest.raises(ganglion.Error, match="the folder is not empty"):
        ganglion.Session.start(xor_config, run_dir=str(tmp_path / "r"), log=False)
    again = ganglion.Session.start(xor_config, run_dir=str(tmp_path / "r"), log=False, overwrite=True)
    assert again.run() == s.summary()["reason"]
    # A finished run resumed with nothing to do stays finished and writes nothing.
    before = read(tmp_path / "r" / "stats.jsonl")
    r = ganglion.Session.resume(str(tmp_path / "r"), log=False)
    assert r.run() == again.summary()["reason"]
    assert read(tmp_path / "r" / "stats.jsonl") == before
