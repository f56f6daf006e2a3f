// What the files of the Python module `_ganglion` share: one bind_* function per concept (each
// file binds one: configs, genomes and networks, Python tasks, sessions, device arrays), the
// translation of the library's errors into the Python exceptions of ganglion/errors.py, and the conversion of task
// parameters (ConfigValue) into Python values. The user-facing API and its documentation live in
// python/ganglion/ (docstrings, __init__.pyi) and docs/python.md.
#pragma once

#include <string>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "core/config/config_value.hpp"

namespace ganglion::python {

namespace py = pybind11;

void bind_config(py::module_& m);
void bind_genome(py::module_& m);
void bind_task(py::module_& m);
void bind_session(py::module_& m);
void bind_dlpack(py::module_& m);  // DeviceArray (py_dlpack.hpp)
void bind_evaluate(py::module_& m);

// A task parameter as Python sees it: quoted scalars are str; plain ones bool, None, int or float
// when they read as such (YAML's words), else str; lists and maps become list and dict.
py::object config_value_to_python(const ConfigValue& value);

// `value` as a numpy array (lists and other sequences are converted); TypeError naming `what` when
// numpy cannot read it.
py::array as_array(const py::object& value, const char* what);

// A shape as Python writes it: "(4, 2)", "(3,)".
std::string shape_text(const std::vector<py::ssize_t>& shape);
inline std::string shape_text(const py::array& a) {
  return shape_text(std::vector<py::ssize_t>(a.shape(), a.shape() + a.ndim()));
}

// The exception class `name` of ganglion.errors (Error, ConfigError, GenomeError, CheckpointError).
py::object error_class(const char* name);

}  // namespace ganglion::python
