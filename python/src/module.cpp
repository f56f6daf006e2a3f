// The compiled half of the `ganglion` Python package (python/ganglion/__init__.py imports it as
// ganglion._ganglion). The library's errors become the exceptions of ganglion/errors.py, so that
// `except ganglion.ConfigError` works and a ConfigError carries its file, line and column.
#include <exception>

#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "gpu/backend.hpp"
#include "python/src/bindings.hpp"

namespace ganglion::python {

py::object error_class(const char* name) { return py::module_::import("ganglion.errors").attr(name); }

py::array as_array(const py::object& value, const char* what) {
  if (py::isinstance<py::array>(value)) return py::reinterpret_borrow<py::array>(value);
  py::array a = py::array::ensure(value);
  if (!a) {
    PyErr_Clear();
    throw py::type_error(std::string(what) + ": inputs must be a numpy array (or a sequence numpy can read), got " +
                         std::string(py::str(py::type::of(value).attr("__name__"))));
  }
  return a;
}

std::string shape_text(const std::vector<py::ssize_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

namespace {

void raise_as(const char* name, const char* message) {
  py::object type = error_class(name);
  PyErr_SetObject(type.ptr(), py::str(message).ptr());
}

}  // namespace

}  // namespace ganglion::python

PYBIND11_MODULE(_ganglion, m) {
  namespace py = pybind11;
  namespace gp = ganglion::python;
  m.doc() = "Ganglion's compiled core; use the `ganglion` package, which re-exports it with docs.";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ganglion::ConfigError& e) {
      gp::raise_as("ConfigError", e.what());
    } catch (const ganglion::GenomeError& e) {
      gp::raise_as("GenomeError", e.what());
    } catch (const ganglion::CheckpointError& e) {
      gp::raise_as("CheckpointError", e.what());
    } catch (const ganglion::Error& e) {
      gp::raise_as("Error", e.what());
    }
  });
  m.attr("__version__") = GANGLION_VERSION;
  m.def("cuda_available", &ganglion::cuda_available, "True when this build has the CUDA evaluator and a device is present.");
  m.def("cuda_device_info", &ganglion::cuda_device_info, "One line on the CUDA device, or why there is none.");
  m.def(
      "set_log_level",
      [](const std::string& level) {
        const auto l = spdlog::level::from_str(level);
        if (l == spdlog::level::off && level != "off")
          throw py::value_error("set_log_level: unknown level '" + level +
                                "'; use trace, debug, info, warn, error, critical or off");
        spdlog::set_level(l);
      },
      py::arg("level"), "Sets the library's log level (process-wide): trace, debug, info, warn, error, critical, off.");
  // `python -m ganglion` prints the program's log lines ("[12:00:00] info ...").
  m.def("_set_log_pattern", [](const std::string& pattern) { spdlog::set_pattern(pattern); });
  gp::bind_config(m);
  gp::bind_genome(m);
  gp::bind_task(m);
  gp::bind_session(m);
  gp::bind_dlpack(m);
  gp::bind_evaluate(m);
}
