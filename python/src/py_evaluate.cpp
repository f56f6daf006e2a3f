// One genome evaluated on its task from Python (core/task/genome_evaluation.hpp, what `ganglion
// eval` prints): the result as a dict of plain values and numpy arrays.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "core/config/config.hpp"
#include "core/genome/genome.hpp"
#include "core/task/genome_evaluation.hpp"
#include "python/src/bindings.hpp"

namespace ganglion::python {

namespace {

py::array_t<float> table(const std::vector<float>& values, size_t rows, size_t columns) {
  py::array_t<float> a({py::ssize_t(rows), py::ssize_t(columns)});
  std::copy(values.begin(), values.end(), a.mutable_data());
  return a;
}

py::dict spread_dict(const Spread& s) {
  py::dict d;
  d["mean"] = s.mean;
  d["std"] = s.std;
  d["min"] = s.min;
  d["max"] = s.max;
  return d;
}

py::dict to_python(const GenomeEvaluation& r) {
  py::dict out;
  out["task"] = r.task;
  out["genome_id"] = r.genome_id;
  out["data"] = py::none();
  out["episodes"] = py::none();
  if (r.data) {
    const DataEvaluation& d = *r.data;
    py::dict x;
    x["origin"] = d.origin;
    x["rows"] = d.data.rows();
    x["inputs"] = table(d.data.inputs, d.data.rows(), d.data.num_inputs);
    x["targets"] = table(d.data.targets, d.data.rows(), d.data.num_targets);
    x["outputs"] = table(d.outputs, d.data.rows(), d.data.num_targets);
    x["loss_name"] = d.loss_name;
    x["loss"] = d.loss;
    x["accuracy"] = d.accuracy ? py::object(py::float_(*d.accuracy)) : py::none();
    x["fitness"] = d.fitness;
    x["solved"] = d.solved;
    out["data"] = x;
  }
  if (r.episodes) {
    const EpisodeEvaluation& e = *r.episodes;
    py::dict x;
    std::vector<uint32_t> steps;
    std::vector<double> returns, fitness;
    for (const auto& ep : e.episodes) {
      steps.push_back(ep.steps);
      returns.push_back(ep.total_reward);
      fitness.push_back(ep.fitness);
    }
    x["seed"] = e.seed;
    x["random_starts"] = e.random_starts;
    x["steps"] = steps;
    x["returns"] = returns;
    x["episode_fitness"] = fitness;
    x["return_spread"] = spread_dict(e.returns);
    x["length_spread"] = spread_dict(e.lengths);
    x["fitness"] = e.fitness;
    x["solved"] = e.solved;
    out["episodes"] = x;
  }
  py::list tests;
  for (const ProtocolTest& t : r.tests) {
    py::dict x;
    x["name"] = t.name;
    x["description"] = t.description;
    x["score"] = t.score;
    x["out_of"] = t.out_of;
    py::list published;
    for (const PublishedScore& p : t.published) {
      py::dict q;
      q["method"] = p.method;
      q["score"] = p.score;
      q["source"] = p.source;
      published.append(q);
    }
    x["published"] = published;
    tests.append(x);
  }
  out["tests"] = tests;
  return out;
}

}  // namespace

void bind_evaluate(py::module_& m) {
  m.def(
      "_evaluate_genome",
      [](const Genome& genome, const Config& config, const std::string& data, uint32_t episodes, uint64_t seed,
         bool tests, const std::string& origin) {
        GenomeEvaluationOptions o;
        o.data_file = data;
        o.episodes = episodes;
        o.seed = seed;
        o.protocol_tests = tests;
        GenomeEvaluation r;
        {
          py::gil_scoped_release nogil;
          r = evaluate_genome(config, genome, o, origin);
        }
        return to_python(r);
      },
      py::arg("genome"), py::arg("config"), py::arg("data") = "", py::arg("episodes") = 100, py::arg("seed") = 1,
      py::arg("tests") = true, py::arg("origin") = "genome",
      "evaluate_genome's compiled part (ganglion.evaluate_genome is the documented call).");
}

}  // namespace ganglion::python
