"""Configs from Python: the same strict loader as the program, with ConfigError's place."""

import os
import subprocess

import pytest

import ganglion
from conftest import BINARY, EXAMPLES, config_path


def test_a_shipped_config_loads_with_overrides_as_list_or_dict():
    c = ganglion.load_config(config_path("xor.yaml"), ["run.generations=7"])
    assert (c.name, c.population_size, c.generations, c.num_inputs, c.task_name) == ("xor", 150, 7, 2, "xor")
    d = ganglion.load_config(config_path("xor.yaml"), {"run.generations": 9, "seed": 4})
    assert (d.generations, d.seed) == (9, 4)
    assert c.with_overrides(["seed=5"]).seed == 5 and c.seed == 1


def test_unknown_key_in_a_file_carries_file_line_and_column(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("seed: 1\npopulaton_size: 3\n")
    with pytest.raises(ganglion.ConfigError) as e:
        ganglion.load_config(p)
    assert e.value.file == str(p) and (e.value.line, e.value.column) == (2, 1)
    assert "did you mean 'population_size'" in e.value.message
    assert isinstance(e.value, ganglion.Error)


def test_out_of_range_value_and_bad_override_are_refused():
    with pytest.raises(ganglion.ConfigError, match="seed: expected a non-negative integer"):
        ganglion.load_config(config_path("xor.yaml"), ["seed=-1"])
    with pytest.raises(ganglion.ConfigError, match="did you mean 'run.generations'"):
        ganglion.load_config(config_path("xor.yaml"), {"run.generation": 3})


def test_missing_file_names_it():
    with pytest.raises(ganglion.ConfigError, match="nowhere.yaml"):
        ganglion.load_config("/nowhere.yaml")


def test_a_dict_is_checked_as_strictly_as_a_file():
    c = ganglion.config_from_dict({"seed": 3, "population_size": 20, "genome": {"num_inputs": 2, "weight": {"init_stdev": 0.5}},
                                   "task": {"name": "parity", "bits": 2}, "run.generations": 4})
    assert (c.seed, c.population_size, c.generations, c.task_params) == (3, 20, 4, {"bits": 2})
    with pytest.raises(ganglion.ConfigError) as e:
        ganglion.config_from_dict({"genome": {"num_inputz": 2}})
    assert e.value.file == "<dict>" and e.value.line is not None
    assert "did you mean 'genome.num_inputs'" in str(e.value)
    with pytest.raises(ganglion.ConfigError, match="population_size"):
        ganglion.config_from_dict({"population_size": "many"})
    with pytest.raises(TypeError):
        ganglion.config_from_dict({"seed": object()})


def test_effective_yaml_loads_to_the_same_config():
    c = ganglion.load_config(config_path("parity.yaml"))
    again = ganglion.parse_config(c.to_yaml(), "again")
    assert again.to_yaml() == c.to_yaml()


def test_task_parameters_keep_their_types():
    c = ganglion.config_from_dict({"task": {"python": "m:f", "a": 1, "b": 2.5, "c": True, "d": "text", "e": [1, "x"],
                                            "f": None}})
    assert c.task_params == {"python": "m:f", "a": 1, "b": 2.5, "c": True, "d": "text", "e": [1, "x"], "f": None}


def test_the_cpp_program_refuses_a_python_task_naming_the_python_command():
    if not os.path.exists(BINARY):
        pytest.skip("no ganglion program at " + BINARY)
    r = subprocess.run([BINARY, "run", os.path.join(EXAMPLES, "xor.yaml"), "-q"], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 1
    assert "task.python" in r.stderr and "python -m ganglion run" in r.stderr
