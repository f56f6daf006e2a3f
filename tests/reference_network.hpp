// A plain, obviously correct network evaluator for property tests: maps keyed by gene id, memoised
// recursion over incoming edges, no compilation. It applies the rules of core/network/compiler.hpp
// literally (drop disabled edges and nodes that cannot reach an output; back edges of a DFS from
// the inputs/bias, then every other node, in ascending id, children in innovation order, are
// recurrent) so the compiled CSR and every evaluator can be checked against it.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "core/network/activation.hpp"
#include "core/genome/genome.hpp"

namespace ganglion::testing {

class ReferenceNetwork {
 public:
  struct Edge {
    int32_t source, target;
    int64_t innovation;
    double weight;
    bool recurrent;
  };

  explicit ReferenceNetwork(const Genome& g, bool feed_forward = true) {
    for (const auto& n : g.nodes) nodes_[n.id] = n;
    for (const auto& n : g.nodes) {
      if (n.kind == NodeKind::Input) inputs_.push_back(n.id);
      if (n.kind == NodeKind::Output) outputs_.push_back(n.id);
    }
    std::sort(inputs_.begin(), inputs_.end());
    std::sort(outputs_.begin(), outputs_.end());
    std::vector<ConnectionGene> conns = g.connections;
    std::stable_sort(conns.begin(), conns.end(), [](auto& a, auto& b) { return a.innovation < b.innovation; });

    // Useful nodes: outputs, and every node with an enabled edge into a useful node (fixpoint).
    for (int32_t o : outputs_) useful_.insert(o);
    for (bool changed = true; changed;) {
      changed = false;
      for (const auto& c : conns)
        if (c.enabled && useful_.count(c.target) && useful_.insert(c.source).second) changed = true;
    }
    for (const auto& c : conns)
      if (c.enabled && useful_.count(c.target)) edges_.push_back({c.source, c.target, c.innovation, c.weight, false});
    for (size_t i = 0; i < edges_.size(); ++i) {
      out_[edges_[i].source].push_back(i);
      in_[edges_[i].target].push_back(i);
    }

    if (!feed_forward) {
      std::map<int32_t, int> color;
      std::function<void(int32_t)> visit = [&](int32_t v) {
        color[v] = 1;
        for (size_t i : out_[v]) {
          Edge& e = edges_[i];
          if (color[e.target] == 1) e.recurrent = true;
          else if (color[e.target] == 0) visit(e.target);
        }
        color[v] = 2;
      };
      for (const auto& [id, n] : nodes_)
        if ((n.kind == NodeKind::Input || n.kind == NodeKind::Bias) && color[id] == 0) visit(id);
      for (const auto& [id, n] : nodes_)
        if (useful_.count(id) && color[id] == 0) visit(id);
    }
  }

  const std::vector<Edge>& edges() const { return edges_; }  // enabled, useful; innovation order
  bool useful(int32_t id) const { return useful_.count(id) > 0; }

  // Sums each node's inputs in the compiled CSR's order (core/network/network.hpp) instead of innovation
  // order: feed-forward edges by (rank of the source, innovation), then recurrent ones the same
  // way; `rank` maps a gene id to its compiled local index (CompiledNetwork::gene_id). The value
  // is the same up to rounding; with every activation and wide weights, rounding is not always
  // small (1/x of a sum that cancels to near 0, a step at 0, steps of recurrence carrying it on),
  // so a property test of an evaluator compares it with a reference that rounds as it does.
  void sum_in_compiled_order(const std::map<int32_t, uint32_t>& rank) {
    for (auto& [id, incoming] : in_)
      std::stable_sort(incoming.begin(), incoming.end(), [&](size_t a, size_t b) {
        const Edge &x = edges_[a], &y = edges_[b];
        return std::make_tuple(x.recurrent, rank.at(x.source), x.innovation) <
               std::make_tuple(y.recurrent, rank.at(y.source), y.innovation);
      });
  }

  // One activation step; recurrent edges read the previous step's values (0 before the first).
  std::vector<double> step(const std::vector<double>& inputs) {
    std::map<int32_t, double> value;
    for (size_t i = 0; i < inputs_.size(); ++i) value[inputs_[i]] = inputs[i];
    std::function<double(int32_t)> eval = [&](int32_t id) -> double {
      auto it = value.find(id);
      if (it != value.end()) return it->second;
      const NodeGene& n = nodes_.at(id);
      if (n.kind == NodeKind::Bias) return value[id] = 1.0;
      double acc = aggregation_init<double>(n.aggregation);
      uint32_t count = 0;
      for (size_t i : in_[id]) {
        const Edge& e = edges_[i];
        double x = e.recurrent ? (prev_.count(e.source) ? prev_.at(e.source) : 0.0) : eval(e.source);
        acc = aggregation_add<double>(n.aggregation, acc, e.weight * x);
        ++count;
      }
      double v = node_output<double>(n.activation, double(n.bias), double(n.response),
                                     aggregation_finish<double>(n.aggregation, acc, count));
      return value[id] = v;
    };
    for (int32_t id : useful_) eval(id);  // every useful node: recurrent sources need values too
    std::vector<double> out;
    for (int32_t o : outputs_) out.push_back(eval(o));
    prev_ = value;
    return out;
  }

  void reset() { prev_.clear(); }

 private:
  std::map<int32_t, NodeGene> nodes_;
  std::vector<int32_t> inputs_, outputs_;
  std::set<int32_t> useful_;
  std::vector<Edge> edges_;
  std::map<int32_t, std::vector<size_t>> in_, out_;  // edge indices, innovation order (in_: see
                                                    // sum_in_compiled_order)
  std::map<int32_t, double> prev_;
};

// |a - b| within rel * max(|b|, floor): relative error, with an absolute floor near zero. Two
// non-finite values of the same kind (both NaN, or the same infinity) agree.
inline bool close(double a, double b, double rel, double floor = 1.0) {
  if (!std::isfinite(a) || !std::isfinite(b)) return (std::isnan(a) && std::isnan(b)) || a == b;
  return std::fabs(a - b) <= rel * std::max(std::fabs(b), floor);
}

}  // namespace ganglion::testing
