// Tasks written in Python (docs/python.md, "Python tasks"): an object with num_inputs,
// num_outputs and evaluate(population) -> one fitness per network, wrapped as a C++ Task so that
// the engine, the session and the checkpoints treat it as any other. evaluate() is handed a
// Population whose activate() runs every network at once on the run's backend.
//
// GIL: the engine calls Task::evaluate with the GIL released (the session's step releases it);
// PythonTask takes it for the Python calls and Population.activate releases it again while the
// backend computes.
//
// Exact resume: a checkpoint stores save_state()'s bytes. When evaluate() fails, the run ends
// with a checkpoint of the generation that failed, unevaluated; its task state must be the one
// from before that evaluate() began, so PythonTask asks for save_state() before each evaluate()
// and hands that copy to the checkpoint of a failed generation.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/task/task.hpp"
#include "python/src/bindings.hpp"

namespace ganglion::python {

class PythonTask final : public Task {
 public:
  // `object` is the user's task; `origin` names it in messages ("module:factory", "task object").
  PythonTask(py::object object, std::string origin);
  ~PythonTask() override;

  std::string name() const override { return name_; }
  uint32_t num_inputs() const override { return num_inputs_; }
  uint32_t num_outputs() const override { return num_outputs_; }
  void evaluate(const PopulationLayout& layout, Evaluator& evaluator, const TaskContext& ctx,
                std::vector<double>& fitness) override;
  bool solved_network(uint32_t network, double fitness) const override;
  std::string save_state() const override;
  void restore_state(const std::string& state) override;
  // save_state() is taken before each evaluate(), so a failed generation checkpoints exactly.
  bool state_survives_failed_evaluation() const override { return true; }

  // Whether the last evaluate() failed (a Python exception, or a result that was refused).
  bool failed() const { return failed_; }
  const std::string& origin() const { return origin_; }

 private:
  py::object object_;
  std::string origin_;
  std::string name_;
  uint32_t num_inputs_ = 0;
  uint32_t num_outputs_ = 0;
  bool has_save_ = false;
  bool has_restore_ = false;
  bool failed_ = false;
  std::string before_evaluate_;  // save_state() as it was when the last evaluate() began
  std::vector<uint8_t> solved_;
};

// The task a session runs for `config`: `task_object` when it is not None; else the factory named
// by task.python ("module:factory", called with the task's other keys); else a built-in by name.
// `made` is set to the PythonTask when one is made (the session asks it whether a step failed in
// Python code). Needs the GIL.
std::unique_ptr<Task> make_session_task(Config& config, py::handle task_object, PythonTask** made);

}  // namespace ganglion::python
