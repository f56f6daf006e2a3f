// Configs from Python: the library's strict loader (core/config/config.hpp) on a file or on text,
// and the Config object with the few fields scripts read. A config from a dict is built in
// ganglion/config.py, which writes the dict as YAML text and hands it to parse_config here, so it
// is checked key by key exactly as a file is.
#include <pybind11/stl.h>

#include <cerrno>
#include <cstdlib>

#include "core/config/config.hpp"
#include "core/task/task.hpp"
#include "python/src/bindings.hpp"

namespace ganglion::python {

namespace {

bool is_word(const std::string& s, std::initializer_list<const char*> words) {
  for (const char* w : words)
    if (s == w) return true;
  return false;
}

py::object scalar_to_python(const ConfigValue& v) {
  const std::string& t = v.text();
  if (v.quoted() || v.tag() == "!!str") return py::str(t);
  if (is_word(t, {"true", "True", "TRUE"})) return py::bool_(true);
  if (is_word(t, {"false", "False", "FALSE"})) return py::bool_(false);
  if (is_word(t, {"~", "null", "Null", "NULL", ""})) return py::none();
  if (!t.empty()) {
    char* end = nullptr;
    errno = 0;
    const long long i = std::strtoll(t.c_str(), &end, 10);
    if (errno == 0 && end && *end == '\0') return py::int_(i);
    errno = 0;
    const double d = std::strtod(t.c_str(), &end);
    if (errno == 0 && end && *end == '\0') return py::float_(d);
    if (is_word(t, {".inf", ".Inf", "+.inf"})) return py::float_(HUGE_VAL);
    if (is_word(t, {"-.inf", "-.Inf"})) return py::float_(-HUGE_VAL);
  }
  return py::str(t);
}

const char* backend_word(BackendKind b) {
  switch (b) {
    case BackendKind::Cpu: return "cpu";
    case BackendKind::Cuda: return "cuda";
    default: return "auto";
  }
}

}  // namespace

py::object config_value_to_python(const ConfigValue& value) {
  switch (value.kind()) {
    case ConfigValue::Kind::Null: return py::none();
    case ConfigValue::Kind::Scalar: return scalar_to_python(value);
    case ConfigValue::Kind::List: {
      py::list out;
      for (const auto& item : value.items()) out.append(config_value_to_python(item));
      return out;
    }
    case ConfigValue::Kind::Map: {
      py::dict out;
      for (const auto& e : value.entries()) out[py::str(e.key)] = config_value_to_python(e.value);
      return out;
    }
  }
  return py::none();
}

void bind_config(py::module_& m) {
  py::class_<Config>(m, "Config",
                     "A checked experiment config (docs/config.md). Make one with ganglion.load_config(path) or "
                     "ganglion.config_from_dict(d); it is immutable, with_overrides() returns a changed copy.")
      .def_property_readonly("name", [](const Config& c) { return c.name; }, "The experiment name.")
      .def_property_readonly("seed", [](const Config& c) { return c.seed; }, "The run's one seed.")
      .def_property_readonly("backend", [](const Config& c) { return backend_word(c.backend); },
                             "'cpu', 'cuda' or 'auto'.")
      .def_property_readonly("threads", [](const Config& c) { return c.threads; }, "CPU threads (0: all cores).")
      .def_property_readonly("population_size", [](const Config& c) { return c.population_size; })
      .def_property_readonly("generations", [](const Config& c) { return c.run.generations; },
                             "run.generations, the generation limit.")
      .def_property_readonly("num_inputs", [](const Config& c) { return c.genome.num_inputs; }, "genome.num_inputs")
      .def_property_readonly("num_outputs", [](const Config& c) { return c.genome.num_outputs; },
                             "genome.num_outputs")
      .def_property_readonly("feed_forward", [](const Config& c) { return c.genome.feed_forward; },
                             "genome.feed_forward")
      .def_property_readonly("task_name", [](const Config& c) { return c.task.name; }, "task.name")
      .def_property_readonly("task_params", [](const Config& c) { return config_value_to_python(c.task.params); },
                             "The task's own keys (everything under task: but name and plugin), as a dict.")
      .def_property_readonly("source", [](const Config& c) { return c.source; },
                             "The file it was loaded from, or the origin given to parse_config.")
      .def(
          "with_overrides",
          [](const Config& c, const std::vector<std::string>& overrides) {
            Config copy = c;
            for (const auto& s : overrides) apply_override(copy, s);
            return copy;
          },
          py::arg("overrides"), "A copy with 'key.path=value' overrides applied, each checked as in a file.")
      .def("to_yaml", &config_to_yaml, "The effective config as YAML, every key included (what config.yaml holds).")
      .def("__repr__", [](const Config& c) {
        return "<ganglion.Config '" + c.name + "' task " + c.task.name + ", population " +
               std::to_string(c.population_size) + ", seed " + std::to_string(c.seed) + ">";
      });

  m.def("_load_config", &load_config, py::arg("path"), py::arg("overrides") = std::vector<std::string>{});
  m.def("_parse_config", &parse_config, py::arg("text"), py::arg("origin"),
        py::arg("overrides") = std::vector<std::string>{});
  m.def("config_keys", &config_keys, "Every valid config key path, e.g. 'speciation.compatibility_threshold'.");
  m.def("tasks", [] { return TaskRegistry::instance().names(); }, "The names of the built-in (C++) tasks.");
}

}  // namespace ganglion::python
