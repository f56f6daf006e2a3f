// Genomes and single networks from Python: read best_genome.json or a genome's JSON text, look at
// its nodes and connections, activate it as a network on the CPU, and export it in the formats
// of core/io/export.hpp (docs/export.md).
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "core/error.hpp"
#include "core/genome/genome.hpp"
#include "core/io/export.hpp"
#include "core/io/graphviz.hpp"
#include "core/network/compiler.hpp"
#include "core/network/cpu_evaluator.hpp"
#include "core/network/layout.hpp"
#include "python/src/bindings.hpp"

namespace ganglion::python {

namespace {

// One genome compiled as a one-network layout on a one-thread CPU evaluator.
class Network {
 public:
  Network(const Genome& genome, bool feed_forward) : evaluator_(1u) {
    CompileOptions options;
    options.feed_forward = feed_forward;
    layout_ = compile_population({genome}, options, 1u);
    evaluator_.load(layout_);
  }
  uint32_t num_inputs() const { return layout_.num_inputs; }
  uint32_t num_outputs() const { return layout_.num_outputs; }

  py::array_t<float> activate(const py::object& given) {
    const py::array inputs = as_array(given, "Network.activate");
    const char kind = inputs.dtype().kind();
    if (kind != 'f' && kind != 'i' && kind != 'u')
      throw py::type_error("Network.activate: inputs must be numbers, got dtype " + std::string(py::str(inputs.dtype())));
    const size_t in = layout_.num_inputs;
    const bool one_row = inputs.ndim() == 1;
    if (!((one_row && size_t(inputs.shape(0)) == in) || (inputs.ndim() == 2 && size_t(inputs.shape(1)) == in))) {
      std::string shape = "(";
      for (py::ssize_t i = 0; i < inputs.ndim(); ++i) shape += (i ? ", " : "") + std::to_string(inputs.shape(i));
      throw py::value_error("Network.activate: inputs of shape " + shape + (inputs.ndim() == 1 ? ",)" : ")") +
                            "; expected (" + std::to_string(in) + ",) or (rows, " + std::to_string(in) + ")");
    }
    const size_t rows = one_row ? 1 : size_t(inputs.shape(0));
    if (rows == 0) throw py::value_error("Network.activate: no input rows");
    auto a = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(inputs);
    py::array_t<float> out = one_row ? py::array_t<float>({py::ssize_t(layout_.num_outputs)})
                                     : py::array_t<float>({py::ssize_t(rows), py::ssize_t(layout_.num_outputs)});
    const float* src = a.data();
    float* dst = out.mutable_data();
    {
      py::gil_scoped_release nogil;
      evaluator_.activate(src, rows, InputMode::Shared, dst);
    }
    return out;
  }
  void reset() { evaluator_.reset_state(); }

 private:
  PopulationLayout layout_;
  CpuEvaluator evaluator_;
};

std::string svg_of(const Genome& g, const std::string& engine) {
  if (engine == "dot" || (engine == "auto" && dot_program())) return dot_to_svg(genome_to_dot(g));
  if (engine == "layered" || engine == "auto") return genome_to_layered_svg(g);
  throw py::value_error("Genome.to_svg: engine '" + engine + "'; use 'auto' (graphviz when installed), 'dot' or 'layered'");
}

}  // namespace

void bind_genome(py::module_& m) {
  py::class_<NodeGene>(m, "NodeGene", "A node gene: id, kind ('input', 'bias', 'hidden', 'output'), activation, "
                                      "aggregation, bias, response.")
      .def_readonly("id", &NodeGene::id)
      .def_property_readonly("kind", [](const NodeGene& n) { return std::string(node_kind_name(n.kind)); })
      .def_property_readonly("activation", [](const NodeGene& n) { return std::string(activation_name(n.activation)); })
      .def_property_readonly("aggregation", [](const NodeGene& n) { return std::string(aggregation_name(n.aggregation)); })
      .def_readonly("bias", &NodeGene::bias)
      .def_readonly("response", &NodeGene::response)
      .def("__repr__", [](const NodeGene& n) {
        return "<NodeGene " + std::to_string(n.id) + " " + std::string(node_kind_name(n.kind)) + " " +
               std::string(activation_name(n.activation)) + ">";
      });
  py::class_<ConnectionGene>(m, "ConnectionGene", "A connection gene: innovation, source, target, weight, enabled.")
      .def_readonly("innovation", &ConnectionGene::innovation)
      .def_readonly("source", &ConnectionGene::source)
      .def_readonly("target", &ConnectionGene::target)
      .def_readonly("weight", &ConnectionGene::weight)
      .def_readonly("enabled", &ConnectionGene::enabled)
      .def("__repr__", [](const ConnectionGene& c) {
        return "<ConnectionGene " + std::to_string(c.source) + "->" + std::to_string(c.target) + " w=" +
               std::to_string(c.weight) + (c.enabled ? "" : " disabled") + ">";
      });

  py::class_<Network>(m, "Network", "One genome as a network on the CPU (Genome.network()).")
      .def_property_readonly("num_inputs", &Network::num_inputs)
      .def_property_readonly("num_outputs", &Network::num_outputs)
      .def("activate", &Network::activate, py::arg("inputs"),
           "One activation step: inputs (num_inputs,) or (rows, num_inputs); returns (num_outputs,) or (rows, "
           "num_outputs) float32. A recurrent network keeps its state between calls until reset().")
      .def("reset", &Network::reset, "Clears the recurrent state.");

  py::class_<Genome>(m, "Genome", "A NEAT genome (core/genome/genome.hpp): nodes, connections, fitness.")
      .def_readonly("id", &Genome::id)
      .def_readonly("fitness", &Genome::fitness)
      .def_property_readonly("nodes", [](const Genome& g) { return g.nodes; }, "The node genes, sorted by id (copies).")
      .def_property_readonly("connections", [](const Genome& g) { return g.connections; },
                             "The connection genes, sorted by innovation (copies).")
      .def_property_readonly("num_inputs", [](const Genome& g) { return g.count(NodeKind::Input); })
      .def_property_readonly("num_outputs", [](const Genome& g) { return g.count(NodeKind::Output); })
      .def_property_readonly("num_hidden", [](const Genome& g) { return g.count(NodeKind::Hidden); })
      .def_property_readonly("enabled_connections", &Genome::enabled_connections)
      .def(
          "network", [](const Genome& g, bool feed_forward) { return std::make_unique<Network>(g, feed_forward); },
          py::arg("feed_forward") = false,
          "The genome compiled as a network. feed_forward=True refuses a cycle (GenomeError) instead of making it "
          "recurrent.")
      .def("to_json", [](const Genome& g) { return genome_to_json(g); }, "The genome file format (best_genome.json).")
      .def("save", [](const Genome& g, const std::string& path) { save_genome(g, path); }, py::arg("path"),
           "Writes the genome as JSON to `path`.")
      .def("to_dot", &genome_to_dot, "Graphviz DOT source of the network.")
      .def("to_svg", &svg_of, py::arg("engine") = "auto",
           "An SVG drawing: 'dot' (graphviz, must be installed), 'layered' (no graphviz), 'auto' (dot when found).")
      .def("to_network_json", [](const Genome& g) { return genome_to_network_json(g); },
           "Ganglion's compiled-network JSON (docs/export.md).")
      .def(
          "to_neat_python_json",
          [](const Genome& g, const std::string& created) {
            return genome_to_neat_python_network_json(g, created.empty() ? export_timestamp() : created);
          },
          py::arg("created_timestamp") = "",
          "neat-python's network JSON (neat.export.export_network_json's format; docs/export.md), feed-forward "
          "or recurrent; created_timestamp defaults to now. GenomeError when a node cannot be expressed.")
      .def("to_neat_python_genome_json", [](const Genome& g) { return genome_to_neat_python_genome_json(g); },
           "Ganglion's JSON of neat-python genes and FeedForwardNetwork node_evals (docs/export.md); feed-forward "
           "genomes only. GenomeError when it cannot be expressed.")
      .def("__eq__", [](const Genome& a, const Genome& b) { return a == b; })
      .def("__repr__", [](const Genome& g) {
        return "<ganglion.Genome " + std::to_string(g.id) + ": " + std::to_string(g.nodes.size()) + " nodes, " +
               std::to_string(g.enabled_connections()) + " enabled connections, fitness " + std::to_string(g.fitness) +
               ">";
      });

  m.def("load_genome", [](const std::string& path) { return load_genome(path); }, py::arg("path"),
        "Reads a genome file (best_genome.json, `ganglion export`'s input).");
  m.def(
      "genome_from_json", [](const std::string& text, const std::string& origin) { return genome_from_json(text, origin); },
      py::arg("text"), py::arg("origin") = "<string>",
      "A genome from its JSON text; GenomeError names `origin` and the gene when it is invalid.");
}

}  // namespace ganglion::python
