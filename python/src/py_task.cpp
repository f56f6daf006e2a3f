#include "python/src/py_task.hpp"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>

#include "core/error.hpp"
#include "core/execution.hpp"
#include "core/network/backend.hpp"
#include "python/src/py_dlpack.hpp"

namespace ganglion::python {

namespace {

// One generation's networks, valid while the task's evaluate() runs (the layout it reads is the
// engine's and changes with the next generation); afterwards every call refuses with a message.
class Population {
 public:
  Population(const PopulationLayout& layout, Evaluator& evaluator, const TaskContext& ctx)
      : layout_(&layout), evaluator_(&evaluator), generation_(ctx.generation), seed_(ctx.seed) {
    Backend* b = ctx.backend();
    backend_ = b ? b->name() : evaluator.name();
  }
  void invalidate() { layout_ = nullptr; evaluator_ = nullptr; }

  uint32_t num_networks() const { return check().num_networks; }
  uint32_t num_inputs() const { return check().num_inputs; }
  uint32_t num_outputs() const { return check().num_outputs; }
  uint32_t generation() const { return generation_; }
  uint64_t seed() const { return seed_; }
  const std::string& backend() const { return backend_; }

  // Host arrays (numpy, or anything numpy reads) run through Evaluator::activate; CUDA arrays
  // (DLPack) through activate_device, on evaluators that compute on that device.
  py::object activate(const py::object& given, const py::object& out) {
    check();
    if (cuda_device_of(given) >= 0) return activate_on_device(given, out);
    if (!out.is_none() && cuda_device_of(out) >= 0)
      throw py::value_error("Population.activate: out is a CUDA array but inputs are in host memory; give both on "
                            "the device or both on the host");
    const py::array inputs = as_array(given, "Population.activate");
    const char kind = inputs.dtype().kind();
    if (kind != 'f' && kind != 'i' && kind != 'u')
      throw py::type_error("Population.activate: inputs must be numbers (float32; other float and integer arrays are "
                           "converted), got dtype " + std::string(py::str(inputs.dtype())));
    const Batch b = batch_of(std::vector<py::ssize_t>(inputs.shape(), inputs.shape() + inputs.ndim()));
    // No copy when the array is float32 and C-contiguous already.
    auto in = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(inputs);
    if (!in) throw py::error_already_set();
    py::array_t<float> result;
    if (out.is_none()) {
      result = py::array_t<float>(b.out_shape);
    } else {
      bool ok = py::isinstance<py::array_t<float>>(out);
      if (ok) {
        result = py::reinterpret_borrow<py::array_t<float>>(out);
        ok = std::vector<py::ssize_t>(result.shape(), result.shape() + result.ndim()) == b.out_shape &&
             result.writeable() && (result.flags() & py::array::c_style);
      }
      if (!ok)
        throw py::value_error("Population.activate: out must be a writable C-contiguous float32 array of shape " +
                              shape_text(b.out_shape));
    }
    const float* src = in.data();
    float* dst = result.mutable_data();
    {
      py::gil_scoped_release nogil;
      evaluator_->activate(src, b.rows, b.mode, dst);
    }
    return result;
  }

  void reset() {
    check();
    evaluator_->reset_state();
  }

 private:
  struct Batch {
    InputMode mode;
    size_t rows;
    std::vector<py::ssize_t> out_shape;  // (networks, rows, outputs)
  };
  // How inputs of `shape` are read, or a ValueError saying what would be valid.
  Batch batch_of(const std::vector<py::ssize_t>& shape) const {
    const PopulationLayout& l = *layout_;
    Batch b{InputMode::Shared, 0, {}};
    if (shape.size() == 2 && size_t(shape[1]) == l.num_inputs) {
      b.rows = size_t(shape[0]);
    } else if (shape.size() == 3 && size_t(shape[0]) == l.num_networks && size_t(shape[2]) == l.num_inputs) {
      b.mode = InputMode::PerNetwork;
      b.rows = size_t(shape[1]);
    } else {
      throw py::value_error("Population.activate: inputs of shape " + shape_text(shape) + "; expected (rows, " +
                            std::to_string(l.num_inputs) + ") shared by all networks or (" +
                            std::to_string(l.num_networks) + ", rows, " + std::to_string(l.num_inputs) + ")");
    }
    if (b.rows == 0) throw py::value_error("Population.activate: inputs of shape " + shape_text(shape) + " have no rows");
    b.out_shape = {py::ssize_t(l.num_networks), py::ssize_t(b.rows), py::ssize_t(l.num_outputs)};
    return b;
  }

  py::object activate_on_device(const py::object& given, const py::object& out) {
    const int device = cuda_device_of(given);
    if (evaluator_->device() < 0)
      throw py::value_error("Population.activate: inputs are a CUDA array (device " + std::to_string(device) +
                            "), but this run's backend is " + backend_ +
                            ", which computes in host memory; pass a numpy array, or run with backend: cuda");
    if (device != evaluator_->device())
      throw py::value_error("Population.activate: inputs are on CUDA device " + std::to_string(device) +
                            ", but this run computes on device " + std::to_string(evaluator_->device()) +
                            " (cuda.device)");
    DeviceInput in(given, evaluator_->stream(), "Population.activate: inputs");
    const Batch b = batch_of(in.shape());
    std::unique_ptr<DeviceInput> into;
    std::shared_ptr<DeviceArray> made;
    float* dst;
    if (out.is_none()) {
      made = std::make_shared<DeviceArray>(b.out_shape, device);
      dst = made->data();
    } else {
      if (cuda_device_of(out) != device)
        throw py::value_error("Population.activate: inputs are a CUDA array on device " + std::to_string(device) +
                              ", so out must be one too (float32, C-contiguous, shape " + shape_text(b.out_shape) +
                              ")");
      into = std::make_unique<DeviceInput>(out, evaluator_->stream(), "Population.activate: out");
      if (into->shape() != b.out_shape)
        throw py::value_error("Population.activate: out has shape " + shape_text(into->shape()) + "; expected " +
                              shape_text(b.out_shape));
      dst = into->data();
    }
    {
      py::gil_scoped_release nogil;
      evaluator_->activate_device(in.data(), b.rows, b.mode, dst);
    }
    if (made) return py::cast(made);
    return out;
  }

  const PopulationLayout& check() const {
    if (!layout_)
      throw py::value_error("this Population belongs to generation " + std::to_string(generation_) +
                            ", whose evaluate() has returned; a population can only be used inside its evaluate()");
    return *layout_;
  }
  const PopulationLayout* layout_;
  Evaluator* evaluator_;
  uint32_t generation_;
  uint64_t seed_;
  std::string backend_;
};

uint32_t count_attribute(const py::object& obj, const char* attr, const std::string& origin) {
  if (!py::hasattr(obj, attr))
    throw py::type_error("Python task " + origin + " has no attribute '" + attr +
                         "' (a task needs num_inputs, num_outputs and evaluate(population))");
  py::object v = obj.attr(attr);
  if (!py::isinstance<py::int_>(v) || py::isinstance<py::bool_>(v))
    throw py::type_error("Python task " + origin + ": " + attr + " must be an int, got " +
                         std::string(py::str(py::type::of(v).attr("__name__"))));
  const long long n = v.cast<long long>();
  if (n < 1 || n > 1000000)
    throw py::value_error("Python task " + origin + ": " + attr + " = " + std::to_string(n) + "; it must be 1 or more");
  return uint32_t(n);
}

std::string state_bytes(const py::object& state, const std::string& origin) {
  if (py::isinstance<py::bytes>(state)) return state.cast<std::string>();
  if (py::isinstance(state, py::module_::import("builtins").attr("bytearray")) ||
      py::isinstance(state, py::module_::import("builtins").attr("memoryview")))
    return py::bytes(state).cast<std::string>();
  throw py::type_error("Python task " + origin + ": save_state() must return bytes, got " +
                       std::string(py::str(py::type::of(state).attr("__name__"))));
}

}  // namespace

PythonTask::PythonTask(py::object object, std::string origin) : object_(std::move(object)), origin_(std::move(origin)) {
  num_inputs_ = count_attribute(object_, "num_inputs", origin_);
  num_outputs_ = count_attribute(object_, "num_outputs", origin_);
  if (!py::hasattr(object_, "evaluate") || !PyCallable_Check(object_.attr("evaluate").ptr()))
    throw py::type_error("Python task " + origin_ + " has no method evaluate(population)");
  name_ = py::hasattr(object_, "name") ? std::string(py::str(object_.attr("name"))) : origin_;
  has_save_ = py::hasattr(object_, "save_state");
  has_restore_ = py::hasattr(object_, "restore_state");
  if (has_save_ != has_restore_)
    throw py::type_error("Python task " + origin_ + " has " + (has_save_ ? "save_state() but no restore_state(bytes)"
                                                                        : "restore_state(bytes) but no save_state()") +
                         "; a stateful task needs both so that a resumed run is the uninterrupted one");
}

PythonTask::~PythonTask() {
  py::gil_scoped_acquire gil;
  object_ = py::object();
}

void PythonTask::evaluate(const PopulationLayout& layout, Evaluator& evaluator, const TaskContext& ctx,
                          std::vector<double>& fitness) {
  py::gil_scoped_acquire gil;
  failed_ = true;  // until evaluate() has returned a result that was accepted
  if (has_save_) before_evaluate_ = state_bytes(object_.attr("save_state")(), origin_);
  auto population = std::make_shared<Population>(layout, evaluator, ctx);
  py::object result;
  try {
    result = object_.attr("evaluate")(py::cast(population));
  } catch (...) {
    population->invalidate();
    throw;
  }
  population->invalidate();

  const size_t n = layout.num_networks;
  const std::string what = "Python task " + origin_ + ": evaluate() of generation " + std::to_string(ctx.generation);
  py::object fit = result, solved = py::none();
  if (py::isinstance<py::tuple>(result)) {
    py::tuple t = result;
    if (t.size() != 2)
      throw py::value_error(what + " returned a tuple of " + std::to_string(t.size()) +
                            " items; return fitness, or (fitness, solved)");
    fit = t[0];
    solved = t[1];
  }
  py::array a = py::array::ensure(fit);
  if (!a) {
    PyErr_Clear();
    throw py::type_error(what + " returned " + std::string(py::str(py::type::of(fit).attr("__name__"))) +
                         "; expected a numpy array of " + std::to_string(n) + " fitness values");
  }
  const char kind = a.dtype().kind();
  if (kind != 'f' && kind != 'i' && kind != 'u')
    throw py::type_error(what + " returned an array of dtype " + std::string(py::str(a.dtype())) +
                         "; expected real numbers (float64, float32 or integers)");
  if (a.ndim() != 1 || size_t(a.shape(0)) != n)
    throw py::value_error(what + " returned fitness of shape " + shape_text(a) + "; expected (" + std::to_string(n) +
                          ",), one value per network");
  auto values = py::array_t<double, py::array::forcecast>::ensure(a);
  auto v = values.unchecked<1>();
  fitness.resize(n);
  for (size_t i = 0; i < n; ++i) fitness[i] = v(py::ssize_t(i));  // NaN: the engine's rule (invalid_fitness)
  solved_.assign(n, 0);
  if (!solved.is_none()) {
    py::array s = py::array::ensure(solved);
    if (!s || s.ndim() != 1 || size_t(s.shape(0)) != n) {
      PyErr_Clear();
      throw py::value_error(what + " returned solved flags that are not an array of shape (" + std::to_string(n) +
                            ",)" + (s ? ", got " + shape_text(s) : std::string()));
    }
    auto flags = py::array_t<bool, py::array::forcecast>::ensure(s);
    auto f = flags.unchecked<1>();
    for (size_t i = 0; i < n; ++i) solved_[i] = f(py::ssize_t(i)) ? 1 : 0;
  }
  failed_ = false;
}

bool PythonTask::solved_network(uint32_t network, double fitness) const {
  (void)fitness;
  return network < solved_.size() && solved_[network];
}

std::string PythonTask::save_state() const {
  if (failed_) return before_evaluate_;
  if (!has_save_) return {};
  py::gil_scoped_acquire gil;
  return state_bytes(object_.attr("save_state")(), origin_);
}

void PythonTask::restore_state(const std::string& state) {
  if (!has_restore_) {
    Task::restore_state(state);
    return;
  }
  py::gil_scoped_acquire gil;
  object_.attr("restore_state")(py::bytes(state));
}

std::unique_ptr<Task> make_session_task(Config& config, py::handle task_object, PythonTask** made) {
  const std::string where = config.source.empty() ? std::string("config") : config.source;
  const ConfigValue* spec = config.task.params.find("python");
  if (!task_object.is_none()) {
    if (spec)
      throw ConfigError(where + ": task.python names a Python task, and a task object was given too; give one of them");
    auto task = std::make_unique<PythonTask>(py::reinterpret_borrow<py::object>(task_object), "task object");
    *made = task.get();
    return task;
  }
  if (spec) {
    if (!spec->is_scalar() || spec->text().empty())
      throw ConfigError(where + ": task.python: expected \"module:factory\" (a Python callable that returns the task)");
    py::dict kwargs = config_value_to_python(config.task.params);
    kwargs.attr("pop")("python");
    py::object obj = py::module_::import("ganglion.tasks").attr("_make_python_task")(spec->text(), kwargs, where);
    auto task = std::make_unique<PythonTask>(obj, spec->text());
    *made = task.get();
    return task;
  }
  if (!TaskRegistry::instance().find(config.task.name) && config.task.name == "python")
    throw ConfigError(where + ": task.name: this run's task is a Python object, which a config cannot name; pass it "
                      "again: ganglion.Session.resume(RUN_DIR, task=...)");
  return TaskRegistry::instance().create(config, &config.task.params);
}

void bind_task(py::module_& m) {
  py::class_<Population, std::shared_ptr<Population>>(
      m, "Population",
      "One generation's networks, handed to a Python task's evaluate(). activate() runs every network at once on "
      "the run's backend; it is valid only while that evaluate() runs.")
      .def_property_readonly("num_networks", &Population::num_networks)
      .def_property_readonly("num_inputs", &Population::num_inputs)
      .def_property_readonly("num_outputs", &Population::num_outputs)
      .def_property_readonly("generation", &Population::generation, "The generation being evaluated.")
      .def_property_readonly("seed", &Population::seed,
                             "The run's seed: derive random streams from (seed, generation) for reproducible runs.")
      .def_property_readonly("backend", &Population::backend, "'cpu' or 'cuda'.")
      .def("__len__", &Population::num_networks)
      .def("activate", &Population::activate, py::arg("inputs"), py::arg("out") = py::none(),
           "One activation step of every network. inputs: (rows, num_inputs) shared by all networks, or "
           "(num_networks, rows, num_inputs); float32 is used without a copy. Returns (num_networks, rows, "
           "num_outputs) float32 (written into `out` when given). Recurrent networks keep their state between calls "
           "(per network and row) until reset() or a change of rows. On the CUDA backend, inputs may be a float32 "
           "C-contiguous CUDA array (CuPy, PyTorch, anything with __dlpack__): the outputs are then a DeviceArray "
           "(or `out`, a CUDA array too), with no copy through host memory.")
      .def("reset", &Population::reset, "Clears the recurrent state of every network.");
}

}  // namespace ganglion::python
