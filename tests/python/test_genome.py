"""Genomes and networks from Python: loading, nodes and connections, one network, exports."""

import json
import os
import subprocess

import numpy as np
import pytest

import ganglion
from conftest import BINARY
from xor_task import INPUTS


@pytest.fixture(scope="module")
def solved_run(tmp_path_factory):
    run_dir = str(tmp_path_factory.mktemp("genome") / "xor")
    c = ganglion.load_config(os.path.join(os.path.dirname(__file__), "..", "..", "configs", "xor.yaml"), {"threads": 2})
    s = ganglion.Session.start(c, run_dir=run_dir, log=False)
    assert s.run() == "solved"
    return run_dir


def test_best_genome_loads_with_its_genes(solved_run):
    g = ganglion.load_genome(os.path.join(solved_run, "best_genome.json"))
    data = json.load(open(os.path.join(solved_run, "best_genome.json")))
    assert g.id == data["id"] and len(g.nodes) == len(data["nodes"]) and len(g.connections) == len(data["connections"])
    assert [n.kind for n in g.nodes].count("input") == 2 == g.num_inputs and g.num_outputs == 1
    c = g.connections[0]
    assert (c.innovation, c.source, c.target, c.enabled) == tuple(data["connections"][0][k] for k in
                                                                  ("innovation", "source", "target", "enabled"))
    assert ganglion.genome_from_json(g.to_json()) == g


def test_one_network_solves_xor_and_agrees_row_by_row(solved_run):
    net = ganglion.load_genome(os.path.join(solved_run, "best_genome.json")).network(feed_forward=True)
    out = net.activate(INPUTS)
    assert out.shape == (4, 1) and list(out[:, 0] > 0.5) == [False, True, True, False]
    rows = np.stack([net.activate(row) for row in INPUTS])
    assert np.array_equal(rows, out)
    with pytest.raises(ValueError, match=r"expected \(2,\) or \(rows, 2\)"):
        net.activate(np.zeros(3))


def test_a_recurrent_network_keeps_state_until_reset():
    g = ganglion.genome_from_json(json.dumps({
        "format_version": 1, "id": 5, "fitness": 0.0,
        "nodes": [{"id": 0, "kind": "input", "activation": "identity", "aggregation": "sum", "bias": 0.0, "response": 1.0},
                  {"id": 1, "kind": "output", "activation": "identity", "aggregation": "sum", "bias": 0.0, "response": 1.0}],
        "connections": [{"innovation": 0, "source": 0, "target": 1, "weight": 1.0, "enabled": True},
                        {"innovation": 1, "source": 1, "target": 1, "weight": 1.0, "enabled": True}]}))
    net = g.network()
    assert [float(net.activate([1.0])[0]) for _ in range(3)] == [1.0, 2.0, 3.0]
    net.reset()
    assert float(net.activate([1.0])[0]) == 1.0
    with pytest.raises(ganglion.GenomeError, match="cycle"):
        g.network(feed_forward=True)


def test_bad_genome_text_names_its_origin():
    with pytest.raises(ganglion.GenomeError, match="mine.json"):
        ganglion.genome_from_json('{"format_version": 1, "id": 1, "nodes": [], "connections": [{"innovation": 0, '
                                  '"source": 0, "target": 9, "weight": 1.0, "enabled": true}]}', "mine.json")


def test_exports_match_the_program(solved_run):
    path = os.path.join(solved_run, "best_genome.json")
    g = ganglion.load_genome(path)
    assert g.to_dot().startswith("digraph")
    assert "levels" in json.loads(g.to_network_json()) or json.loads(g.to_network_json())
    neat = json.loads(g.to_neat_python_json("1970-01-01T00:00:00Z"))
    assert neat["network_type"] in ("feedforward", "recurrent")
    assert neat["metadata"]["created_timestamp"] == "1970-01-01T00:00:00Z"
    assert json.loads(g.to_neat_python_json())["metadata"]["created_timestamp"].endswith("Z")  # now
    assert "<svg" in g.to_svg("layered")
    with pytest.raises(ValueError, match="engine"):
        g.to_svg("paint")
    if os.path.exists(BINARY):
        env = dict(os.environ, SOURCE_DATE_EPOCH="0")
        for fmt, text in (("dot", g.to_dot()), ("json", g.to_network_json()),
                          ("neat-python", g.to_neat_python_json("1970-01-01T00:00:00Z")),
                          ("neat-python-genome", g.to_neat_python_genome_json())):
            r = subprocess.run([BINARY, "export", path, "--format", fmt], capture_output=True, text=True, timeout=60,
                               env=env)
            assert r.stdout.rstrip("\n") == text.rstrip("\n"), fmt
    out = os.path.join(solved_run, "copy.json")
    g.save(out)
    assert ganglion.load_genome(out) == g
