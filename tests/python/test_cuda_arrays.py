"""Arrays on the GPU (DLPack): Population.activate takes CuPy and PyTorch CUDA arrays on the CUDA
backend and gives a DeviceArray (or writes `out`), with outputs equal to the CPU backend's, and a
run whose task reads only device arrays equal to the CPU run. Without a device only the refusal of
a CUDA array by the CPU backend runs; the rest is skipped (it runs on a lent GPU)."""

import numpy as np
import pytest

import ganglion
from conftest import assert_same_run
from xor_task import INPUTS, TARGETS

needs_cuda = pytest.mark.skipif(not ganglion.cuda_available(), reason="no CUDA device: " + ganglion.cuda_device_info())


def array_libraries():
    """(name, to_device, to_host) for each CUDA array library this Python has."""
    libs = []
    try:
        import cupy
        libs.append(("cupy", lambda a: cupy.asarray(a), lambda d: cupy.asnumpy(cupy.from_dlpack(d))))
    except ImportError:
        pass
    try:
        import torch
        if torch.cuda.is_available():
            libs.append(("torch", lambda a: torch.from_numpy(np.ascontiguousarray(a)).cuda(),
                         lambda d: torch.from_dlpack(d).cpu().numpy()))
    except ImportError:
        pass
    return libs


class FakeCudaArray:
    """Says it lives on CUDA device 0 without being anything: enough to reach the backend's refusal."""

    def __dlpack_device__(self):
        return (2, 0)

    def __dlpack__(self, stream=None):
        raise AssertionError("the CPU backend must refuse before asking for the data")


class RefusalProbe:
    num_inputs, num_outputs = 2, 1

    def __init__(self):
        self.errors = {}

    def evaluate(self, pop):
        for name, call in {"inputs": lambda: pop.activate(FakeCudaArray()),
                           "out": lambda: pop.activate(INPUTS, out=FakeCudaArray())}.items():
            try:
                call()
            except ValueError as e:
                self.errors[name] = str(e)
        return np.zeros(pop.num_networks)


def test_the_cpu_backend_refuses_cuda_arrays(tmp_path, xor_config):
    probe = RefusalProbe()
    config = xor_config.with_overrides(["run.generations=1", "backend=cpu"])
    ganglion.Session.start(config, task=probe, run_dir=str(tmp_path / "r"), log=False).run()
    assert "inputs are a CUDA array (device 0), but this run's backend is cpu" in probe.errors["inputs"]
    assert "out is a CUDA array but inputs are in host memory" in probe.errors["out"]


class DeviceXor:
    """XOR whose every activation goes through device arrays of each library; fitness as xor_task's
    from the outputs brought back, so the run must equal the CPU backend's run of the host task.
    Generation 0 also records every check of the device path."""

    name = "python_xor"
    num_inputs, num_outputs = 2, 1

    def __init__(self, libs):
        self.libs = libs
        self.checks = {}
        self.rng = np.random.default_rng(20261202)

    def check_generation_0(self, pop):
        n = pop.num_networks
        host = pop.activate(INPUTS)
        per_host = self.rng.uniform(-2, 2, size=(n, 5, 2)).astype(np.float32)
        per_host_out = pop.activate(per_host)
        for name, to_device, to_host in self.libs:
            out = pop.activate(to_device(INPUTS))
            self.checks[name + " type"] = type(out).__name__
            self.checks[name + " shape"] = (out.shape, out.device)
            self.checks[name + " shared equal"] = bool(np.array_equal(to_host(out), host))
            self.checks[name + " numpy equal"] = bool(np.array_equal(np.asarray(out), host))
            self.checks[name + " per-network equal"] = bool(np.array_equal(to_host(pop.activate(to_device(per_host))),
                                                                          per_host_out))
            given = to_device(np.zeros((n, 4, 1), dtype=np.float32))
            returned = pop.activate(to_device(INPUTS), out=given)
            self.checks[name + " out written"] = returned is given and bool(np.array_equal(to_host(given), host))
            for case, bad in {"float64": to_device(INPUTS.astype(np.float64)),
                              "strided": to_device(np.zeros((4, 4), dtype=np.float32))[:, ::2],
                              "shape": to_device(np.zeros((4, 3), dtype=np.float32))}.items():
                try:
                    pop.activate(bad)
                except (TypeError, ValueError) as e:
                    self.checks[name + " refuses " + case] = str(e)
            try:
                pop.activate(to_device(INPUTS), out=to_device(np.zeros((n, 4, 2), dtype=np.float32)))
            except ValueError as e:
                self.checks[name + " refuses out shape"] = str(e)

    def evaluate(self, pop):
        if pop.generation == 0:
            self.check_generation_0(pop)
        name, to_device, to_host = self.libs[pop.generation % len(self.libs)]
        out = to_host(pop.activate(to_device(INPUTS)))[:, :, 0].astype(np.float64)
        error = np.abs(out - TARGETS).sum(axis=1)
        right = np.where(TARGETS > 0.5, out > 0.5, out < 0.5).all(axis=1)
        return (4.0 - error) ** 2, right & np.isfinite(error)


@needs_cuda
def test_device_arrays_in_and_out_equal_the_cpu_backend(tmp_path, xor_config):
    libs = array_libraries()
    if not libs:
        pytest.skip("neither CuPy nor PyTorch with CUDA is installed")
    task = DeviceXor(libs)
    config = xor_config.with_overrides(["run.generations=30"])
    cuda = ganglion.Session.start(config.with_overrides(["backend=cuda"]), task=task, run_dir=str(tmp_path / "cuda"),
                                  log=False)
    cuda.run()
    from xor_task import XorTask
    ganglion.Session.start(config.with_overrides(["backend=cpu"]), task=XorTask(), run_dir=str(tmp_path / "cpu"),
                           log=False).run()
    assert_same_run(str(tmp_path / "cuda"), str(tmp_path / "cpu"))
    c = task.checks
    for name, _, _ in libs:
        assert c[name + " type"] == "DeviceArray" and c[name + " shape"] == ((150, 4, 1), 0)
        assert c[name + " shared equal"] and c[name + " numpy equal"] and c[name + " per-network equal"]
        assert c[name + " out written"]
        assert "must be float32" in c[name + " refuses float64"]
        assert "not C-contiguous" in c[name + " refuses strided"]
        assert "inputs of shape (4, 3)" in c[name + " refuses shape"]
        assert "out has shape (150, 4, 2); expected (150, 4, 1)" in c[name + " refuses out shape"]
    print("checked with", [name for name, _, _ in libs])
