#include "core/io/export.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/network/compiler.hpp"
#include "core/error.hpp"

namespace ganglion {
namespace {

using Json = nlohmann::ordered_json;

// The shortest decimal that reads back as the same float: 0.3f is written 0.3, not
// 0.30000001192092896.
double tidy(float f) { return std::strtod(fmt::format("{}", f).c_str(), nullptr); }

std::string dot_id(int32_t gene_id) {
  return gene_id < 0 ? fmt::format("nm{}", -int64_t(gene_id)) : fmt::format("n{}", gene_id);
}

// Where each genome node sits in the compiled network (recurrent edges allowed, so any genome
// that loads can be drawn).
struct Placement {
  CompiledNetwork net;
  std::map<int32_t, uint32_t> level;          // gene id -> level, for compiled nodes only
  std::set<std::pair<int32_t, int32_t>> recurrent;  // (source, target) gene ids
  std::map<int32_t, uint32_t> input_index;    // Input gene id -> input position
  std::map<int32_t, uint32_t> output_index;   // Output gene id -> output position
};

Placement place(const Genome& genome) {
  Placement p;
  CompileOptions options;
  options.feed_forward = false;
  p.net = compile(genome, options);
  for (uint32_t l = 0; l < p.net.num_levels(); ++l)
    for (uint32_t j = p.net.level_start[l]; j < p.net.level_start[l + 1]; ++j) p.level[p.net.gene_id[j]] = l;
  for (uint32_t j = 0; j < p.net.num_nodes; ++j)
    for (uint32_t e = p.net.rec_row_offset[j]; e < p.net.rec_row_offset[j + 1]; ++e)
      p.recurrent.insert({p.net.gene_id[p.net.rec_src[e]], p.net.gene_id[j]});
  uint32_t in = 0, out = 0;
  for (const auto& n : genome.nodes) {  // nodes are sorted by id: input/output order
    if (n.kind == NodeKind::Input) p.input_index[n.id] = in++;
    if (n.kind == NodeKind::Output) p.output_index[n.id] = out++;
  }
  return p;
}

std::string node_label(const NodeGene& n, const Placement& p) {
  switch (n.kind) {
    case NodeKind::Input: return fmt::format("\"in{}\"", p.input_index.at(n.id));
    case NodeKind::Bias: return "\"bias\"";
    case NodeKind::Output:
      return fmt::format("<out{}<BR/><FONT POINT-SIZE=\"7\">{}</FONT>>", p.output_index.at(n.id), activation_name(n.activation));
    default: return fmt::format("<h{}<BR/><FONT POINT-SIZE=\"7\">{}</FONT>>", n.id, activation_name(n.activation));
  }
}

// Merges links with the same source into the first of them (see to_neat_python),
// calling `refuse` first when there is anything to merge.
template <typename Refuse>
void merge_duplicate_links(std::vector<std::pair<int64_t, double>>& links, Refuse refuse) {
  std::vector<uint32_t> order(links.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return links[a].first != links[b].first ? links[a].first < links[b].first : a < b;
  });
  std::vector<bool> merged(links.size(), false);
  bool any = false;
  for (size_t i = 0; i < order.size();) {
    size_t end = i + 1;
    while (end < order.size() && links[order[end]].first == links[order[i]].first) ++end;
    if (end - i > 1) {
      if (!any) refuse();
      any = true;
      for (size_t k = end - 1; k > i; --k) {
        links[order[i]].second += links[order[k]].second;
        merged[order[k]] = true;
      }
    }
    i = end;
  }
  if (!any) return;
  size_t out = 0;
  for (size_t i = 0; i < links.size(); ++i)
    if (!merged[i]) links[out++] = links[i];
  links.resize(out);
}

float max_abs_weight(const Genome& genome) {
  float m = 0.0f;
  for (const auto& c : genome.connections) m = std::max(m, std::fabs(c.weight));
  return m;
}

}  // namespace

std::string genome_to_dot(const Genome& genome) {
  Placement p = place(genome);
  const float wmax = max_abs_weight(genome);
  uint32_t hidden_levels = 0;
  for (const auto& n : genome.nodes)
    if (n.kind == NodeKind::Hidden && p.level.count(n.id)) hidden_levels = std::max(hidden_levels, p.level[n.id]);

  std::string out;
  out += fmt::format("digraph genome_{} {{\n", genome.id);
  out += fmt::format("  // Ganglion genome {}: {} inputs, {} bias, {} hidden, {} outputs; {} of {} connections enabled\n",
                     genome.id, genome.count(NodeKind::Input), genome.count(NodeKind::Bias),
                     genome.count(NodeKind::Hidden), genome.count(NodeKind::Output), genome.enabled_connections(),
                     genome.connections.size());
  out += "  graph [rankdir=LR, ranksep=0.8, nodesep=0.25, fontname=\"Helvetica\"];\n";
  out += "  node [fontname=\"Helvetica\", fontsize=10, style=filled, penwidth=0.8, width=0.4, height=0.4, margin=0.03];\n";
  out += "  edge [arrowsize=0.5];\n";

  // Invisible anchors, one per rank, chained so that each level gets its own column even where
  // no edge runs between two levels.
  const uint32_t ranks = hidden_levels + 2;  // level 0, hidden levels 1..L, outputs
  out += "  ";
  for (uint32_t r = 0; r < ranks; ++r) out += fmt::format("{}rank{}", r ? " -> " : "", r);
  out += " [style=invis];\n";

  auto node_line = [&](const NodeGene& n) {
    std::string shape = "circle", fill = "#fef3c7";
    if (n.kind == NodeKind::Input) shape = "box", fill = "#dbeafe";
    if (n.kind == NodeKind::Bias) shape = "box", fill = "#e5e7eb";
    if (n.kind == NodeKind::Output) shape = "doublecircle", fill = "#dcfce7";
    std::string extra;
    if (!p.level.count(n.id)) {  // cannot influence an output: pruned by the compiler
      fill = "#f3f4f6";
      extra = ", color=\"#9ca3af\", fontcolor=\"#6b7280\"";
    }
    std::string tooltip = n.kind == NodeKind::Input || n.kind == NodeKind::Bias
                              ? fmt::format("node {}", n.id)
                              : fmt::format("node {}: {}({:.4f} + {:.4f} * {})", n.id, activation_name(n.activation),
                                            n.bias, n.response, aggregation_name(n.aggregation));
    return fmt::format("{} [label={}, shape={}, fillcolor=\"{}\", tooltip=\"{}\"{}];", dot_id(n.id),
                       node_label(n, p), shape, fill, tooltip, extra);
  };

  std::vector<std::vector<const NodeGene*>> by_rank(ranks);
  std::vector<const NodeGene*> pruned;
  for (const auto& n : genome.nodes) {
    if (n.kind == NodeKind::Input || n.kind == NodeKind::Bias) by_rank[0].push_back(&n);
    else if (n.kind == NodeKind::Output) by_rank[ranks - 1].push_back(&n);
    else if (p.level.count(n.id)) by_rank[p.level[n.id]].push_back(&n);
    else pruned.push_back(&n);
  }
  for (uint32_t r = 0; r < ranks; ++r) {
    out += fmt::format("  {{rank={}; rank{} [shape=point, style=invis, width=0, height=0];",
                       r == 0 ? "min" : (r + 1 == ranks ? "max" : "same"), r);
    for (const NodeGene* n : by_rank[r]) out += "\n    " + node_line(*n);
    out += "}\n";
  }
  for (const NodeGene* n : pruned) out += "  " + node_line(*n) + "\n";

  for (const auto& c : genome.connections) {
    const float rel = wmax > 0.0f ? std::fabs(c.weight) / wmax : 0.0f;
    std::string attrs;
    if (!c.enabled) {
      attrs = "color=\"#9ca3af\", style=dashed, penwidth=0.75";
    } else {
      attrs = fmt::format("color=\"{}\", penwidth={:.2f}", c.weight >= 0.0f ? "#2563eb" : "#dc2626", 0.5f + 3.0f * rel);
      if (p.recurrent.count({c.source, c.target})) attrs += ", constraint=false";
    }
    out += fmt::format("  {} -> {} [{}, tooltip=\"#{} w={:.4f}{}\"];\n", dot_id(c.source), dot_id(c.target), attrs,
                       c.innovation, c.weight, c.enabled ? "" : " (disabled)");
  }
  out += "}\n";
  return out;
}

std::string network_to_json(const CompiledNetwork& net, int indent) {
  std::set<uint32_t> outputs(net.output_node.begin(), net.output_node.end());
  Json j;
  j["format"] = "ganglion-network";
  j["format_version"] = 1;
  j["genome_id"] = net.genome_id;
  j["num_inputs"] = net.num_inputs;
  j["num_bias"] = net.num_bias;
  j["num_outputs"] = net.num_outputs;
  j["num_nodes"] = net.num_nodes;
  j["recurrent"] = net.recurrent();
  Json levels = Json::array();
  std::vector<uint32_t> level_of(net.num_nodes, 0);
  for (uint32_t l = 0; l < net.num_levels(); ++l) {
    Json level = Json::array();
    for (uint32_t k = net.level_start[l]; k < net.level_start[l + 1]; ++k) {
      level.push_back(k);
      level_of[k] = l;
    }
    levels.push_back(std::move(level));
  }
  j["levels"] = std::move(levels);
  Json nodes = Json::array();
  for (uint32_t k = 0; k < net.num_nodes; ++k) {
    Json n;
    n["index"] = k;
    n["gene_id"] = net.gene_id[k];
    const bool computed = k >= net.num_inputs + net.num_bias;
    n["kind"] = k < net.num_inputs ? "input" : (!computed ? "bias" : (outputs.count(k) ? "output" : "hidden"));
    n["level"] = level_of[k];
    if (computed) {
      n["activation"] = std::string(activation_name(net.activation[k]));
      n["aggregation"] = std::string(aggregation_name(net.aggregation[k]));
      n["bias"] = tidy(net.bias[k]);
      n["response"] = tidy(net.response[k]);
    }
    nodes.push_back(std::move(n));
  }
  j["nodes"] = std::move(nodes);
  auto edges = [&](const std::vector<uint32_t>& row, const std::vector<uint32_t>& src, const std::vector<float>& w) {
    Json list = Json::array();
    for (uint32_t t = 0; t + 1 < row.size(); ++t)
      for (uint32_t e = row[t]; e < row[t + 1]; ++e) list.push_back(Json{{"source", src[e]}, {"target", t}, {"weight", tidy(w[e])}});
    return list;
  };
  j["edges"] = edges(net.row_offset, net.src, net.weight);
  j["recurrent_edges"] = edges(net.rec_row_offset, net.rec_src, net.rec_weight);
  j["outputs"] = net.output_node;
  return j.dump(indent) + "\n";
}

std::string genome_to_network_json(const Genome& genome, int indent) {
  CompileOptions options;
  options.feed_forward = false;
  return network_to_json(compile(genome, options), indent);
}

namespace {

// One non-input node in neat-python's terms (see to_neat_python).
struct NeatPythonNode {
  int64_t key = 0;
  bool output = false;
  double bias = 0.0, response = 1.0;
  Activation activation = Activation::Sigmoid;
  Aggregation aggregation = Aggregation::Sum;
  int32_t ganglion_id = 0;
  Activation ganglion_activation = Activation::Sigmoid;
  std::vector<std::pair<int64_t, double>> links;      // (source key, weight): this step's values
  std::vector<std::pair<int64_t, double>> recurrent;  // (source key, weight): the previous step's
};

// A compiled network in neat-python's terms, its non-input nodes in evaluation order.
struct NeatPythonNetwork {
  uint32_t num_inputs = 0, num_outputs = 0;
  std::vector<NeatPythonNode> nodes;
  bool recurrent() const {
    for (const auto& n : nodes)
      if (!n.recurrent.empty()) return true;
    return false;
  }
};

// neat-python's keys (inputs -1..-n, outputs 0..m-1, hidden m, m+1, ... in evaluation order), bias
// nodes folded into node biases or responses, Ganglion's sigmoids as neat-python's sigmoid with
// bias and response scaled. Shared by both neat-python formats; docs/export.md says why each step
// is exact. Throws GenomeError naming the genome and node for what cannot be expressed.
NeatPythonNetwork to_neat_python(const Genome& genome, const CompiledNetwork& net) {
  const uint32_t n_in = net.num_inputs, first = net.num_inputs + net.num_bias;
  if (n_in == 0)
    throw GenomeError(fmt::format("genome {}: neat-python export needs at least one input node", genome.id));

  std::vector<int64_t> key(net.num_nodes, 0);
  std::vector<bool> is_output(net.num_nodes, false);
  for (uint32_t i = 0; i < n_in; ++i) key[i] = -int64_t(i) - 1;
  for (uint32_t k = 0; k < net.num_outputs; ++k) {
    key[net.output_node[k]] = k;
    is_output[net.output_node[k]] = true;
  }
  int64_t next_hidden = net.num_outputs;
  for (uint32_t j = first; j < net.num_nodes; ++j)
    if (!is_output[j]) key[j] = next_hidden++;

  NeatPythonNetwork out;
  out.num_inputs = n_in;
  out.num_outputs = net.num_outputs;
  for (uint32_t j = first; j < net.num_nodes; ++j) {
    auto where = [&] { return fmt::format("genome {} node {}", genome.id, net.gene_id[j]); };
    NeatPythonNode node;
    node.key = key[j];
    node.output = is_output[j];
    node.ganglion_id = net.gene_id[j];
    node.ganglion_activation = net.activation[j];
    Aggregation agg = net.aggregation[j];
    double bias = net.bias[j], response = net.response[j];
    std::vector<double> bias_weights;
    for (uint32_t e = net.row_offset[j]; e < net.row_offset[j + 1]; ++e) {
      if (net.src[e] >= n_in && net.src[e] < first) bias_weights.push_back(net.weight[e]);
      else node.links.push_back({key[net.src[e]], net.weight[e]});
    }
    for (uint32_t e = net.rec_row_offset[j]; e < net.rec_row_offset[j + 1]; ++e)
      node.recurrent.push_back({key[net.rec_src[e]], net.rec_weight[e]});
    if (net.rec_row_offset[j + 1] > net.rec_row_offset[j]) {
      const std::set<uint32_t> sources(net.src.begin() + net.row_offset[j], net.src.begin() + net.row_offset[j + 1]);
      for (uint32_t e = net.rec_row_offset[j]; e < net.rec_row_offset[j + 1]; ++e)
        if (sources.count(net.rec_src[e]))
          throw GenomeError(fmt::format("{}: node {} feeds it both within a step and from the previous step, which "
                                        "one neat-python connection cannot express",
                                        where(), net.gene_id[net.rec_src[e]]));
    }
    // neat-python keys a connection by (source, target), so two genes between the same nodes
    // (the compiler keeps both) become one: exact for sums, not expressible otherwise. The merged
    // link keeps the first one's place; its weight is the first weight plus the later ones from
    // the last back (the order of the sum fixes the bits written). One sort of the node's links,
    // so a node with many inputs costs n log n, not n^2.
    auto refuse_merge = [&] {
      if (agg != Aggregation::Sum)
        throw GenomeError(fmt::format("{}: two connections from the same node into a '{}' node cannot be "
                                      "expressed in neat-python (one connection per node pair; merging is "
                                      "exact only for 'sum')",
                                      where(), aggregation_name(agg)));
    };
    merge_duplicate_links(node.links, refuse_merge);
    merge_duplicate_links(node.recurrent, refuse_merge);
    // neat-python has no bias node: fold its constant input into the node's bias or response.
    if (node.links.empty() && node.recurrent.empty()) {
      // A node fed by nothing but bias nodes is a constant; neat-python would never evaluate a node
      // without inputs, so it gets a zero-weight link from input -1 and a sum of nothing.
      double e = aggregation_init<double>(agg);
      for (double w : bias_weights) e = aggregation_add<double>(agg, e, w);
      bias += response * aggregation_finish<double>(agg, e, uint32_t(bias_weights.size()));
      agg = Aggregation::Sum;
      node.links.push_back({-1, 0.0});
    } else if (!bias_weights.empty()) {
      if (agg == Aggregation::Sum) {
        for (double w : bias_weights) bias += response * w;
      } else if (agg == Aggregation::Product) {
        for (double w : bias_weights) response *= w;
      } else {
        throw GenomeError(fmt::format(
            "{}: a bias-node connection into a '{}' node cannot be expressed in neat-python (it has no bias "
            "node; only 'sum' and 'product' nodes can absorb it)",
            where(), aggregation_name(agg)));
      }
    }
    // neat-python's only sigmoid is 1/(1+exp(-5z)); Ganglion's other sigmoids are the same curve
    // with the argument scaled, so scaling bias and response gives the identical function.
    Activation act = net.activation[j];
    if (act == Activation::NeatSigmoid || act == Activation::PlainSigmoid) {
      const double s = act == Activation::NeatSigmoid ? 4.9 / 5.0 : 1.0 / 5.0;
      bias *= s;
      response *= s;
      act = Activation::Sigmoid;
    } else if (act == Activation::Step) {
      throw GenomeError(fmt::format("{}: activation 'step' has no neat-python counterpart", where()));
    }
    node.bias = bias;
    node.response = response;
    node.activation = act;
    node.aggregation = agg;
    out.nodes.push_back(std::move(node));
  }
  return out;
}

}  // namespace

std::string genome_to_neat_python_genome_json(const Genome& genome, int indent) {
  CompileOptions options;
  options.feed_forward = false;  // a cycle is reported below in this format's terms
  const CompiledNetwork net = compile(genome, options);
  if (net.recurrent()) {
    const uint32_t t = uint32_t(std::upper_bound(net.rec_row_offset.begin(), net.rec_row_offset.end(), 0u) -
                                net.rec_row_offset.begin()) - 1;
    throw GenomeError(fmt::format(
        "genome {} is recurrent (its connection {} -> {} closes a cycle): the neat-python-genome format holds "
        "feed-forward networks only; export it with --format neat-python (neat-python's network JSON, "
        "network_type \"recurrent\") or --format json",
        genome.id, net.gene_id[net.rec_src[0]], net.gene_id[t]));
  }
  const NeatPythonNetwork np = to_neat_python(genome, net);

  Json nodes = Json::array(), connections = Json::array(), evals = Json::array();
  std::vector<Json> output_nodes(np.num_outputs), hidden_nodes;
  for (const NeatPythonNode& n : np.nodes) {
    Json node;
    node["key"] = n.key;
    node["bias"] = n.bias;
    node["response"] = n.response;
    node["activation"] = std::string(activation_name(n.activation));
    node["aggregation"] = std::string(aggregation_name(n.aggregation));
    node["ganglion_node_id"] = n.ganglion_id;
    node["ganglion_activation"] = std::string(activation_name(n.ganglion_activation));
    Json link_list = Json::array();
    for (const auto& [k, w] : n.links) {
      connections.push_back(Json{{"key", {k, n.key}}, {"weight", w}, {"enabled", true}});
      link_list.push_back(Json{k, w});
    }
    Json ev;
    ev["node"] = n.key;
    ev["activation"] = node["activation"];
    ev["aggregation"] = node["aggregation"];
    ev["bias"] = n.bias;
    ev["response"] = n.response;
    ev["links"] = std::move(link_list);
    evals.push_back(std::move(ev));
    if (n.output) output_nodes[size_t(n.key)] = std::move(node);
    else hidden_nodes.push_back(std::move(node));
  }
  for (auto& n : output_nodes) nodes.push_back(std::move(n));
  for (auto& n : hidden_nodes) nodes.push_back(std::move(n));

  Json j;
  j["format"] = "ganglion-neat-python-genome";
  j["format_version"] = 1;
  j["ganglion_genome_id"] = genome.id;
  j["num_inputs"] = np.num_inputs;
  j["num_outputs"] = np.num_outputs;
  Json in_keys = Json::array(), out_keys = Json::array();
  for (uint32_t i = 0; i < np.num_inputs; ++i) in_keys.push_back(-int64_t(i) - 1);
  for (uint32_t k = 0; k < np.num_outputs; ++k) out_keys.push_back(k);
  j["input_keys"] = std::move(in_keys);
  j["output_keys"] = std::move(out_keys);
  j["nodes"] = std::move(nodes);
  j["connections"] = std::move(connections);
  j["node_evals"] = std::move(evals);
  return j.dump(indent) + "\n";
}

std::string export_timestamp() {
  std::time_t t = std::time(nullptr);
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch && *epoch) {
    char* end = nullptr;
    const long long v = std::strtoll(epoch, &end, 10);
    if (*end != '\0' || v < 0)
      throw Error(fmt::format("SOURCE_DATE_EPOCH='{}': not a number of seconds since 1970-01-01", epoch));
    t = std::time_t(v);
  }
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string genome_to_neat_python_network_json(const Genome& genome, const std::string& created_timestamp,
                                               int indent) {
  CompileOptions options;
  options.feed_forward = false;
  const NeatPythonNetwork np = to_neat_python(genome, compile(genome, options));
  const bool recurrent = np.recurrent();
  auto function = [](std::string name) { return Json{{"name", std::move(name)}, {"custom", false}}; };

  Json j;
  j["format_version"] = "1.0";
  j["network_type"] = recurrent ? "recurrent" : "feedforward";
  Json meta;
  meta["created_timestamp"] = created_timestamp;
  meta["fitness"] = genome.fitness;
  meta["genome_id"] = genome.id;
  meta["exported_by"] = "ganglion";
  Json topology;
  topology["num_inputs"] = np.num_inputs;
  topology["num_outputs"] = np.num_outputs;
  Json in_keys = Json::array(), out_keys = Json::array();
  for (uint32_t i = 0; i < np.num_inputs; ++i) in_keys.push_back(-int64_t(i) - 1);
  for (uint32_t k = 0; k < np.num_outputs; ++k) out_keys.push_back(k);
  topology["input_keys"] = in_keys;
  topology["output_keys"] = out_keys;

  Json nodes = Json::array(), connections = Json::array(), rec_list = Json::array();
  for (const auto& k : in_keys)
    nodes.push_back(Json{{"id", k},
                         {"type", "input"},
                         {"activation", function("identity")},
                         {"aggregation", function("none")},
                         {"bias", 0.0},
                         {"response", 1.0}});
  for (const NeatPythonNode& n : np.nodes) {
    Json node;
    node["id"] = n.key;
    node["type"] = n.output ? "output" : "hidden";
    node["activation"] = function(std::string(activation_name(n.activation)));
    node["aggregation"] = function(std::string(aggregation_name(n.aggregation)));
    node["bias"] = n.bias;
    node["response"] = n.response;
    node["ganglion_node_id"] = n.ganglion_id;
    node["ganglion_activation"] = std::string(activation_name(n.ganglion_activation));
    nodes.push_back(std::move(node));
    for (const auto& [k, w] : n.links)
      connections.push_back(Json{{"from", k}, {"to", n.key}, {"weight", w}, {"enabled", true}});
    for (const auto& [k, w] : n.recurrent) {
      connections.push_back(Json{{"from", k}, {"to", n.key}, {"weight", w}, {"enabled", true}});
      rec_list.push_back(Json{k, n.key});
    }
  }
  // How Ganglion steps a recurrent network (docs/export.md): the one fact a reader of the standard
  // fields could not know, kept where the format allows fields of one's own.
  if (recurrent) meta["ganglion_recurrent_connections"] = std::move(rec_list);
  j["metadata"] = std::move(meta);
  j["topology"] = std::move(topology);
  j["nodes"] = std::move(nodes);
  j["connections"] = std::move(connections);
  return j.dump(indent) + "\n";
}

std::string genome_to_layered_svg(const Genome& genome) {
  Placement p = place(genome);
  const CompiledNetwork& net = p.net;
  std::set<uint32_t> outputs(net.output_node.begin(), net.output_node.end());
  // Columns: level 0 (inputs, bias), one per hidden level, then the outputs.
  uint32_t hidden_levels = 0;
  for (uint32_t j = net.num_inputs + net.num_bias; j < net.num_nodes; ++j)
    if (!outputs.count(j)) hidden_levels = std::max(hidden_levels, p.level[net.gene_id[j]]);
  const uint32_t cols = hidden_levels + 2;
  std::vector<std::vector<uint32_t>> column(cols);
  for (uint32_t j = 0; j < net.num_nodes; ++j) {
    if (outputs.count(j)) continue;
    column[j < net.num_inputs + net.num_bias ? 0 : p.level[net.gene_id[j]]].push_back(j);
  }
  for (uint32_t k = 0; k < net.num_outputs; ++k) column[cols - 1].push_back(net.output_node[k]);
  size_t rows = 1;
  for (const auto& c : column) rows = std::max(rows, c.size());

  const double dx = 130, dy = 46, r = 15, margin = 30;
  const double width = margin * 2 + dx * (cols - 1), height = margin * 2 + dy * double(rows - 1);
  std::vector<double> x(net.num_nodes), y(net.num_nodes);
  for (uint32_t c = 0; c < cols; ++c)
    for (size_t i = 0; i < column[c].size(); ++i) {
      x[column[c][i]] = margin + dx * c;
      y[column[c][i]] = margin + dy * (double(i) + (double(rows) - double(column[c].size())) / 2.0);
    }
  float wmax = 0.0f;
  for (float w : net.weight) wmax = std::max(wmax, std::fabs(w));
  for (float w : net.rec_weight) wmax = std::max(wmax, std::fabs(w));

  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"network-layered\" width=\"{:.0f}\" height=\"{:.0f}\" "
      "viewBox=\"0 0 {:.0f} {:.0f}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"10\">\n",
      width, height, width, height);
  svg += "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"5\" markerHeight=\"5\" "
         "orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>\n";
  auto edge = [&](uint32_t s, uint32_t t, float w, bool recurrent) {
    const double rel = wmax > 0 ? std::fabs(w) / wmax : 0.0;
    const char* colour = w >= 0 ? "#2563eb" : "#dc2626";
    const double len = std::hypot(x[t] - x[s], y[t] - y[s]);
    if (recurrent || len == 0.0) {  // a loop above the nodes
      const double top = std::min(y[s], y[t]) - r - 25;
      svg += fmt::format("<path d=\"M{:.1f},{:.1f} C{:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f}\" fill=\"none\" stroke=\"{}\" "
                         "stroke-width=\"{:.2f}\" stroke-dasharray=\"2,2\" marker-end=\"url(#arrow)\"><title>w={:.4f} (recurrent)</title></path>\n",
                         x[s], y[s] - r, x[s] - 20, top, x[t] + 20, top, x[t], y[t] - r, colour, 0.5 + 3.0 * rel, w);
      return;
    }
    const double ux = (x[t] - x[s]) / len, uy = (y[t] - y[s]) / len;
    svg += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" stroke-width=\"{:.2f}\" "
                       "marker-end=\"url(#arrow)\"><title>w={:.4f}</title></line>\n",
                       x[s] + ux * r, y[s] + uy * r, x[t] - ux * r, y[t] - uy * r, colour, 0.5 + 3.0 * rel, w);
  };
  for (uint32_t t = 0; t < net.num_nodes; ++t) {
    for (uint32_t e = net.row_offset[t]; e < net.row_offset[t + 1]; ++e) edge(net.src[e], t, net.weight[e], false);
    for (uint32_t e = net.rec_row_offset[t]; e < net.rec_row_offset[t + 1]; ++e) edge(net.rec_src[e], t, net.rec_weight[e], true);
  }
  for (uint32_t j = 0; j < net.num_nodes; ++j) {
    std::string label, fill = "#fef3c7", title;
    if (j < net.num_inputs) label = fmt::format("in{}", j), fill = "#dbeafe";
    else if (j < net.num_inputs + net.num_bias) label = "bias", fill = "#e5e7eb";
    else {
      label = outputs.count(j) ? fmt::format("out{}", std::find(net.output_node.begin(), net.output_node.end(), j) -
                                                          net.output_node.begin())
                               : fmt::format("h{}", net.gene_id[j]);
      if (outputs.count(j)) fill = "#dcfce7";
      title = fmt::format("node {}: {}({:.4f} + {:.4f} * {})", net.gene_id[j], activation_name(net.activation[j]),
                          net.bias[j], net.response[j], aggregation_name(net.aggregation[j]));
    }
    svg += fmt::format("<g><title>{}</title><circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:.0f}\" fill=\"{}\" stroke=\"#333\" "
                       "stroke-width=\"0.8\"/><text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text></g>\n",
                       title.empty() ? fmt::format("node {}", net.gene_id[j]) : title, x[j], y[j], r, fill, x[j],
                       y[j] + 3.5, label);
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace ganglion
