// Sessions from Python: evolution/session.hpp's Session with Python reporters, Python tasks, the
// GIL released while a generation runs, and Ctrl-C ending a run as it does in the CLI.
//
// How a run stops, besides its own stop rules (docs/python.md, "Stopping a run"):
//  - a reporter returns True: the generation's files are written, then the run ends Interrupted
//    with a checkpoint that resumes exactly;
//  - Ctrl-C (KeyboardInterrupt, or any exception a Python signal handler raises while C++ works):
//    the same, as the CLI's first Ctrl-C; run() and step() return "interrupted";
//  - an exception in the task's Python code, or a result it refuses: the run ends Interrupted with
//    a checkpoint of the generation that failed (unevaluated, task state from before it), and the
//    exception is raised again with a note naming the run folder; a reporter's exception likewise,
//    after the generation's files are written.
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/task/task.hpp"
#include "evolution/report/report.hpp"
#include "evolution/session.hpp"
#include "gpu/backend.hpp"
#include "python/src/bindings.hpp"
#include "python/src/py_task.hpp"

namespace ganglion::python {

namespace {

const char* reason_word(StopReason r) {
  switch (r) {
    case StopReason::None: return "running";
    case StopReason::Solved: return "solved";
    case StopReason::Threshold: return "threshold";
    case StopReason::GenerationLimit: return "generation_limit";
    case StopReason::Interrupted: return "interrupted";
    case StopReason::AllInvalid: return "no_valid_fitness";
  }
  return "?";
}

py::object stats_dict(const GenerationStats& stats) {
  return py::module_::import("json").attr("loads")(stats_to_json(stats));
}

// A Python callable, called once per generation with the stats.jsonl fields as a dict. It never
// throws into the engine (which is half-way through its reporters): an exception is kept for the
// session to raise once the generation's files are written.
class PythonReporter final : public Reporter {
 public:
  PythonReporter(py::object fn, bool* stop, std::optional<py::error_already_set>* error)
      : fn_(std::move(fn)), stop_(stop), error_(error) {}
  ~PythonReporter() override {
    py::gil_scoped_acquire gil;
    fn_ = py::object();
  }
  void on_generation(const GenerationStats& stats, const EvolutionState&, StopReason) override {
    py::gil_scoped_acquire gil;
    if (error_->has_value()) return;
    try {
      py::object r = fn_(stats_dict(stats));
      if (r.ptr() == Py_True) *stop_ = true;
    } catch (py::error_already_set& e) {
      if (e.matches(PyExc_KeyboardInterrupt)) *stop_ = true;  // Ctrl-C while the reporter ran
      else error_->emplace(std::move(e));
    } catch (const std::exception& e) {
      error_->emplace([&] {
        PyErr_SetString(PyExc_RuntimeError, e.what());
        return py::error_already_set();
      }());
    }
  }

 private:
  py::object fn_;
  bool* stop_;
  std::optional<py::error_already_set>* error_;
};

py::dict summary_dict(const RunSummary& s);

class PySession {
 public:
  static std::unique_ptr<PySession> start(const Config& config, py::object task, std::string run_dir,
                                          std::vector<py::object> reporters, bool log, bool overwrite) {
    auto self = std::unique_ptr<PySession>(new PySession());
    Config c = config;
    // A Python task's config must not name a built-in task (a resume from config.yaml would then run
    // the built-in): task.name becomes "python" unless it is a name of the user's own.
    const bool python_task = !task.is_none() || c.task.params.find("python");
    if (python_task && TaskRegistry::instance().find(c.task.name)) c.task.name = "python";
    SessionOptions options = self->options(std::move(run_dir), reporters, log);
    options.overwrite = overwrite;
    self->session_ = std::make_unique<Session>(Session::start(c, self->backends(task), options));
    return self;
  }
  static std::unique_ptr<PySession> resume(const std::string& from, const std::vector<std::string>& overrides,
                                           py::object task, std::string run_dir, std::vector<py::object> reporters,
                                           bool log) {
    auto self = std::unique_ptr<PySession>(new PySession());
    SessionOptions options = self->options(std::move(run_dir), reporters, log);
    self->session_ = std::make_unique<Session>(Session::resume(from, overrides, self->backends(task), options));
    return self;
  }

  std::string step() { return reason_word(step_once()); }

  std::string run() {
    // A resumed run with nothing left to do (Session::resume) is finished from the start.
    if (session_->finished()) return reason_word(session_->stop_reason());
    StopReason r = StopReason::None;
    while (r == StopReason::None) r = step_once();
    return reason_word(r);
  }

  void interrupt() {
    py::gil_scoped_release nogil;
    session_->interrupt();
  }

  const Session& session() const { return *session_; }

 private:
  PySession() = default;

  SessionOptions options(std::string run_dir, const std::vector<py::object>& reporters, bool log) {
    SessionOptions o;
    o.run_dir = std::move(run_dir);
    if (log) {
      log_ = std::make_unique<LogReporter>();
      o.reporters.push_back(log_.get());
    }
    for (const auto& fn : reporters) {
      if (!PyCallable_Check(fn.ptr()))
        throw py::type_error("reporters: " + std::string(py::repr(fn)) +
                             " is not callable; a reporter is called as reporter(stats: dict)");
      reporters_.push_back(std::make_unique<PythonReporter>(fn, &stop_requested_, &reporter_error_));
      o.reporters.push_back(reporters_.back().get());
    }
    return o;
  }

  // Called with the GIL held (start and resume keep it): the task factory may run Python code.
  SessionBackends backends(const py::object& task) {
    SessionBackends b;
    b.make_execution = make_execution_context;
    PyObject* raw = task.ptr();  // borrowed: start/resume hold the caller's reference while they run
    b.make_task = [this, raw](Config& config) { return make_session_task(config, py::handle(raw), &task_); };
    return b;
  }

  void save_after_failure() {
    try {
      interrupt();
    } catch (const std::exception& e) {
      PyErr_WarnEx(PyExc_RuntimeWarning, (std::string("ganglion: the checkpoint after the failure could not be written: ") +
                                          e.what()).c_str(), 1);
    }
  }

  void add_note(py::error_already_set& e) {
    const std::string note = "ganglion: the run in " + session_->run_dir() + " stopped at generation " +
                             std::to_string(session_->state().generation) +
                             "; it is saved and resumes with ganglion.Session.resume('" + session_->run_dir() + "')";
    py::object value = e.value();
    if (value && py::hasattr(value, "add_note")) value.attr("add_note")(note);
  }

  StopReason step_once() {
    if (session_->finished())
      throw Error(session_->run_dir() + ": the run has stopped (" + reason_word(session_->stop_reason()) +
                  "); resume it to go further");
    StopReason r = StopReason::None;
    try {
      try {
        py::gil_scoped_release nogil;
        r = session_->step();
      } catch (const Error& e) {
        // The engine names the task and the generation, with the task's own exception nested:
        // a Python exception goes on as it was raised, traceback included.
        std::rethrow_if_nested(e);
        throw;
      }
    } catch (py::error_already_set& e) {
      if (!task_ || !task_->failed()) throw;
      if (e.matches(PyExc_KeyboardInterrupt)) {
        save_after_failure();
        return StopReason::Interrupted;
      }
      save_after_failure();
      add_note(e);
      throw;
    } catch (py::builtin_exception& e) {
      if (!task_ || !task_->failed()) throw;
      save_after_failure();
      e.set_error();
      py::error_already_set err;
      add_note(err);
      throw err;
    }
    if (reporter_error_) {
      py::error_already_set e = std::move(*reporter_error_);
      reporter_error_.reset();
      if (!session_->finished()) save_after_failure();
      add_note(e);
      throw e;
    }
    if (r != StopReason::None) return r;
    if (stop_requested_) {
      interrupt();
      return StopReason::Interrupted;
    }
    if (PyErr_CheckSignals() != 0) {
      py::error_already_set e;
      interrupt();
      if (e.matches(PyExc_KeyboardInterrupt)) return StopReason::Interrupted;
      throw e;
    }
    return r;
  }

  // Destroyed in reverse order: the session (whose engine points at the reporters) first.
  std::unique_ptr<LogReporter> log_;
  std::vector<std::unique_ptr<PythonReporter>> reporters_;
  bool stop_requested_ = false;
  std::optional<py::error_already_set> reporter_error_;
  PythonTask* task_ = nullptr;  // owned by the session, when its task is a Python one
  std::unique_ptr<Session> session_;
};

py::dict summary_dict(const RunSummary& s) {
  py::dict d;
  d["reason"] = reason_word(s.reason);
  d["generations"] = s.generations;
  d["evaluations"] = s.evaluations;
  d["seconds"] = s.seconds;
  d["solved"] = s.solved;
  d["best"] = s.best;
  d["best_fitness"] = s.best.fitness;
  d["run_dir"] = s.run_dir;
  d["checkpoint"] = s.checkpoint;
  return d;
}

}  // namespace

void bind_session(py::module_& m) {
  py::class_<PySession>(m, "Session",
                        "One NEAT run and its run folder, as `ganglion run` makes it (docs/run-folder.md). Start one "
                        "with Session.start(config, ...) or continue one with Session.resume(run_dir, ...); then "
                        "step() one generation at a time or run() to the end. The GIL is released while a "
                        "generation runs.")
      .def_static("start", &PySession::start, py::arg("config"), py::kw_only(), py::arg("task") = py::none(),
                  py::arg("run_dir") = "", py::arg("reporters") = std::vector<py::object>{}, py::arg("log") = true,
                  py::arg("overwrite") = false,
                  "A new run of `config`: creates the run folder and its config.yaml; a run_dir that holds files "
                  "is refused unless overwrite=True, which deletes a run's files there first. task: a Python task object "
                  "(else task.python or a built-in task by task.name). reporters: callables called once per "
                  "generation with a dict of the stats.jsonl fields; returning True stops the run (resumably). "
                  "log: one log line per generation on stderr.")
      .def_static("resume", &PySession::resume, py::arg("path"), py::arg("overrides") = std::vector<std::string>{},
                  py::kw_only(), py::arg("task") = py::none(), py::arg("run_dir") = "",
                  py::arg("reporters") = std::vector<py::object>{}, py::arg("log") = true,
                  "Continues a run from its folder (newest checkpoint), a checkpoints folder or a .gck file. "
                  "overrides: 'key=value' changes of resumable keys (run.generations=N, threads, ...). A run whose "
                  "task was a Python object needs it again as task=.")
      .def("step", &PySession::step,
           "Evaluates one generation and makes the next. Returns 'running', or why the run stopped: 'solved', "
           "'threshold', 'generation_limit', 'interrupted'.")
      .def("run", &PySession::run, "Steps until the run stops; returns the stop reason (see step()).")
      .def("interrupt", &PySession::interrupt,
           "Ends a running session now as 'interrupted', writing a checkpoint that resumes exactly.")
      .def("__enter__", [](py::object self) { return self; })
      .def(
          "__exit__",
          [](PySession& s, py::args) {
            if (!s.session().finished()) s.interrupt();
            return false;
          },
          "Leaving a `with` block ends a session that still runs as interrupt() does (saved, resumable).")
      .def_property_readonly("finished", [](const PySession& s) { return s.session().finished(); })
      .def_property_readonly("stop_reason", [](const PySession& s) { return reason_word(s.session().stop_reason()); })
      .def_property_readonly("run_dir", [](const PySession& s) { return s.session().run_dir(); })
      .def_property_readonly("config", [](const PySession& s) { return s.session().config(); },
                             "The run's effective config (a copy).")
      .def_property_readonly("task_name", [](const PySession& s) { return s.session().task_name(); })
      .def_property_readonly("backend", [](const PySession& s) { return s.session().evaluator_name(); })
      .def_property_readonly("generation", [](const PySession& s) { return s.session().state().generation; },
                             "The generation held now (the next to evaluate while the run goes on).")
      .def_property_readonly(
          "history",
          [](const PySession& s) {
            py::list out;
            for (const auto& g : s.session().state().history) out.append(stats_dict(g));
            return out;
          },
          "Every evaluated generation's statistics, as the dicts reporters get.")
      .def_property_readonly(
          "best_genome",
          [](const PySession& s) -> py::object {
            const EvolutionState& st = s.session().state();
            if (st.solved) return py::cast(st.solution);
            if (!st.has_best) return py::none();
            return py::cast(st.best);
          },
          "The solution when solved, else the fittest genome evaluated so far (None before the first generation).")
      .def("summary", [](const PySession& s) { return summary_dict(s.session().summary()); },
           "The end-of-run figures as a dict: reason, generations, evaluations, seconds, solved, best (a Genome), "
           "best_fitness, run_dir, checkpoint.");

  m.def(
      "write_report",
      [](const std::string& run_dir) {
        py::gil_scoped_release nogil;
        return write_report(run_dir);
      },
      py::arg("run_dir"), "Writes RUN_DIR/report.html (as `ganglion report`) and returns its path.");
}

}  // namespace ganglion::python
