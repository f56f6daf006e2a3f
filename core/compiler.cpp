// The network compiler (see core/compiler.hpp for the four steps). Everything works on "dense"
// node indices (position in ascending gene-id order) so no map is touched per edge; the scratch
// buffers live in a thread_local arena, so compiling a population allocates little more than the
// result itself.
#include "core/compiler.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "core/error.hpp"

namespace ganglion {

namespace {

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

// One enabled connection, in dense node indices; `order` is its rank in innovation order.
struct Edge {
  uint32_t src;
  uint32_t tgt;
  uint32_t order;
  float weight;
};

// A CSR entry being sorted into its final (local source, innovation) order.
struct RowEntry {
  uint32_t src;
  uint32_t order;
  float weight;
  bool operator<(const RowEntry& o) const { return src != o.src ? src < o.src : order < o.order; }
};

struct Scratch {
  std::vector<uint32_t> dense_to_gene;  // dense index -> index into genome.nodes
  std::vector<int32_t> ids;             // ascending gene ids
  std::vector<uint32_t> lut;            // id - min_id -> dense index (when ids are compact)
  std::vector<uint32_t> conn_order;     // connection indices in innovation order
  std::vector<Edge> edges;              // enabled edges, innovation order
  std::vector<uint32_t> in_off, in_edge;    // incoming adjacency (all enabled edges)
  std::vector<uint32_t> out_off, out_edge;  // outgoing adjacency (kept edges)
  std::vector<uint8_t> keep, rec, color;
  std::vector<uint32_t> stack, stack_pos, queue, indeg, level, local, cursor, count;
  std::vector<RowEntry> rows;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

template <typename T>
void fill(std::vector<T>& v, size_t n, T value) {
  v.assign(n, value);
}

std::string genome_label(const Genome& g) { return "genome " + std::to_string(g.id); }

// Writes the rows of one CSR (edges already bucketed by target in innovation order) sorted by
// (local source, innovation).
void sort_rows(std::vector<RowEntry>& rows, const std::vector<uint32_t>& offsets, uint32_t num_nodes) {
  for (uint32_t j = 0; j < num_nodes; ++j) {
    RowEntry* b = rows.data() + offsets[j];
    RowEntry* e = rows.data() + offsets[j + 1];
    if (e - b < 2) continue;
    if (e - b <= 24) {  // insertion sort: rows are short in NEAT networks
      for (RowEntry* i = b + 1; i < e; ++i) {
        RowEntry x = *i;
        RowEntry* k = i;
        while (k > b && x < *(k - 1)) {
          *k = *(k - 1);
          --k;
        }
        *k = x;
      }
    } else {
      std::sort(b, e);
    }
  }
}

}  // namespace

CompiledNetwork compile(const Genome& genome, const CompileOptions& options) {
  Scratch& s = scratch();
  const auto& nodes = genome.nodes;
  const auto& conns = genome.connections;
  if (nodes.size() >= size_t(kNone) || conns.size() >= size_t(kNone))
    throw GenomeError(genome_label(genome) + ": too many genes for 32-bit indices");
  const uint32_t n = uint32_t(nodes.size());

  // 1. Dense numbering: nodes in ascending id order (the genome convention; sorted if it is not).
  s.dense_to_gene.resize(n);
  for (uint32_t i = 0; i < n; ++i) s.dense_to_gene[i] = i;
  bool sorted = true;
  for (uint32_t i = 1; i < n && sorted; ++i) sorted = nodes[i - 1].id < nodes[i].id;
  if (!sorted) {
    std::stable_sort(s.dense_to_gene.begin(), s.dense_to_gene.end(),
                     [&](uint32_t a, uint32_t b) { return nodes[a].id < nodes[b].id; });
  }
  s.ids.resize(n);
  for (uint32_t i = 0; i < n; ++i) s.ids[i] = nodes[s.dense_to_gene[i]].id;
  for (uint32_t i = 1; i < n; ++i)
    if (s.ids[i] == s.ids[i - 1])
      throw GenomeError(genome_label(genome) + ": duplicate node id " + std::to_string(s.ids[i]));

  // Id -> dense index: a direct table when the ids are compact (the usual case), else binary search.
  bool use_lut = false;
  int64_t min_id = n ? s.ids.front() : 0;
  if (n) {
    int64_t range = int64_t(s.ids.back()) - min_id + 1;
    if (range <= int64_t(n) * 4 + 256) {
      use_lut = true;
      fill(s.lut, size_t(range), kNone);
      for (uint32_t i = 0; i < n; ++i) s.lut[size_t(int64_t(s.ids[i]) - min_id)] = i;
    }
  }
  auto dense_of = [&](int32_t id) -> uint32_t {
    if (use_lut) {
      int64_t k = int64_t(id) - min_id;
      return (k < 0 || k >= int64_t(s.lut.size())) ? kNone : s.lut[size_t(k)];
    }
    auto it = std::lower_bound(s.ids.begin(), s.ids.end(), id);
    return (it != s.ids.end() && *it == id) ? uint32_t(it - s.ids.begin()) : kNone;
  };
  auto kind_of = [&](uint32_t d) { return nodes[s.dense_to_gene[d]].kind; };

  // Enabled edges in innovation order.
  const uint32_t m_all = uint32_t(conns.size());
  s.conn_order.resize(m_all);
  for (uint32_t i = 0; i < m_all; ++i) s.conn_order[i] = i;
  bool conns_sorted = true;
  for (uint32_t i = 1; i < m_all && conns_sorted; ++i) conns_sorted = conns[i - 1].innovation <= conns[i].innovation;
  if (!conns_sorted) {
    std::stable_sort(s.conn_order.begin(), s.conn_order.end(),
                     [&](uint32_t a, uint32_t b) { return conns[a].innovation < conns[b].innovation; });
  }
  s.edges.clear();
  for (uint32_t r = 0; r < m_all; ++r) {
    const ConnectionGene& c = conns[s.conn_order[r]];
    if (!c.enabled) continue;
    uint32_t a = dense_of(c.source);
    uint32_t b = dense_of(c.target);
    if (a == kNone || b == kNone) {
      throw GenomeError(genome_label(genome) + ", connection " + std::to_string(c.innovation) + " (" +
                        std::to_string(c.source) + " -> " + std::to_string(c.target) + "): " +
                        (a == kNone ? "source" : "target") + " node " +
                        std::to_string(a == kNone ? c.source : c.target) + " does not exist");
    }
    NodeKind tk = kind_of(b);
    if (tk == NodeKind::Input || tk == NodeKind::Bias) {
      throw GenomeError(genome_label(genome) + ", connection " + std::to_string(c.innovation) + ": target node " +
                        std::to_string(c.target) + " is an " + std::string(node_kind_name(tk)) +
                        " node; connections may only enter hidden and output nodes");
    }
    s.edges.push_back(Edge{a, b, r, c.weight});
  }
  const uint32_t m = uint32_t(s.edges.size());

  // Incoming adjacency of all enabled edges (counting sort by target, innovation order kept).
  fill(s.in_off, size_t(n) + 1, 0u);
  for (const Edge& e : s.edges) ++s.in_off[e.tgt + 1];
  for (uint32_t i = 0; i < n; ++i) s.in_off[i + 1] += s.in_off[i];
  s.in_edge.resize(m);
  s.cursor.assign(s.in_off.begin(), s.in_off.end() - 1);
  for (uint32_t e = 0; e < m; ++e) s.in_edge[s.cursor[s.edges[e].tgt]++] = e;

  // 2a. Keep the nodes that can reach an output (backwards search from every output), plus all
  // inputs and bias nodes, whose positions are part of the network's interface.
  fill(s.keep, n, uint8_t(0));
  s.stack.clear();
  for (uint32_t d = 0; d < n; ++d) {
    NodeKind k = kind_of(d);
    if (k == NodeKind::Output) {
      s.keep[d] = 1;
      s.stack.push_back(d);
    }
  }
  while (!s.stack.empty()) {
    uint32_t v = s.stack.back();
    s.stack.pop_back();
    for (uint32_t i = s.in_off[v]; i < s.in_off[v + 1]; ++i) {
      uint32_t u = s.edges[s.in_edge[i]].src;
      if (!s.keep[u]) {
        s.keep[u] = 1;
        s.stack.push_back(u);
      }
    }
  }
  for (uint32_t d = 0; d < n; ++d) {
    NodeKind k = kind_of(d);
    if (k == NodeKind::Input || k == NodeKind::Bias) s.keep[d] = 1;
  }

  // Outgoing adjacency of the kept edges (an edge is kept when its target is; its source then
  // reaches an output too), in innovation order: the DFS visits children in that order.
  fill(s.out_off, size_t(n) + 1, 0u);
  for (const Edge& e : s.edges)
    if (s.keep[e.tgt]) ++s.out_off[e.src + 1];
  for (uint32_t i = 0; i < n; ++i) s.out_off[i + 1] += s.out_off[i];
  s.out_edge.resize(s.out_off[n]);
  s.cursor.assign(s.out_off.begin(), s.out_off.end() - 1);
  for (uint32_t e = 0; e < m; ++e)
    if (s.keep[s.edges[e].tgt]) s.out_edge[s.cursor[s.edges[e].src]++] = e;

  // 2b. Recurrent edges: back edges of a depth-first search from the inputs and bias nodes, then
  // from every other kept node, both in ascending gene id.
  fill(s.rec, m, uint8_t(0));
  if (!options.feed_forward) {
    fill(s.color, n, uint8_t(0));  // 0 white, 1 on the stack, 2 done
    s.stack.clear();
    s.stack_pos.clear();
    auto dfs = [&](uint32_t root) {
      if (s.color[root] != 0) return;
      s.color[root] = 1;
      s.stack.push_back(root);
      s.stack_pos.push_back(s.out_off[root]);
      while (!s.stack.empty()) {
        uint32_t v = s.stack.back();
        uint32_t& pos = s.stack_pos.back();
        if (pos == s.out_off[v + 1]) {
          s.color[v] = 2;
          s.stack.pop_back();
          s.stack_pos.pop_back();
          continue;
        }
        uint32_t e = s.out_edge[pos++];
        uint32_t w = s.edges[e].tgt;
        if (s.color[w] == 1) {
          s.rec[e] = 1;
        } else if (s.color[w] == 0) {
          s.color[w] = 1;
          s.stack.push_back(w);
          s.stack_pos.push_back(s.out_off[w]);
        }
      }
    };
    for (uint32_t d = 0; d < n; ++d) {
      NodeKind k = kind_of(d);
      if (k == NodeKind::Input || k == NodeKind::Bias) dfs(d);
    }
    for (uint32_t d = 0; d < n; ++d)
      if (s.keep[d]) dfs(d);
  }

  // 3. Levels by Kahn's algorithm over the kept feed-forward edges. Inputs and bias nodes are
  // level 0, every other node 1 + the highest level of its feed-forward sources (1 without any).
  fill(s.indeg, n, 0u);
  for (uint32_t v = 0; v < n; ++v)
    for (uint32_t i = s.out_off[v]; i < s.out_off[v + 1]; ++i)
      if (!s.rec[s.out_edge[i]]) ++s.indeg[s.edges[s.out_edge[i]].tgt];
  fill(s.level, n, 0u);
  s.queue.clear();
  uint32_t kept = 0;
  for (uint32_t d = 0; d < n; ++d) {
    if (!s.keep[d]) continue;
    ++kept;
    NodeKind k = kind_of(d);
    s.level[d] = (k == NodeKind::Input || k == NodeKind::Bias) ? 0 : 1;
    if (s.indeg[d] == 0) s.queue.push_back(d);
  }
  uint32_t max_level = 0;
  for (size_t qi = 0; qi < s.queue.size(); ++qi) {
    uint32_t v = s.queue[qi];
    max_level = std::max(max_level, s.level[v]);
    for (uint32_t i = s.out_off[v]; i < s.out_off[v + 1]; ++i) {
      uint32_t e = s.out_edge[i];
      if (s.rec[e]) continue;
      uint32_t w = s.edges[e].tgt;
      s.level[w] = std::max(s.level[w], s.level[v] + 1);
      if (--s.indeg[w] == 0) s.queue.push_back(w);
    }
  }
  if (s.queue.size() != kept) {
    // A cycle (only possible with feed_forward = true). Every unfinished node has an unfinished
    // source, so walking sources from one of them must come back to a node already seen.
    uint32_t start = kNone;
    for (uint32_t d = 0; d < n && start == kNone; ++d)
      if (s.keep[d] && s.indeg[d] > 0) start = d;
    fill(s.cursor, n, kNone);  // position of a node in the walk
    s.stack.clear();
    uint32_t v = start;
    while (s.cursor[v] == kNone) {
      s.cursor[v] = uint32_t(s.stack.size());
      s.stack.push_back(v);
      uint32_t next = kNone;
      for (uint32_t i = s.in_off[v]; i < s.in_off[v + 1]; ++i) {
        uint32_t u = s.edges[s.in_edge[i]].src;
        if (s.keep[u] && s.indeg[u] > 0) {
          next = u;
          break;
        }
      }
      v = next;  // exists: see above
    }
    std::string cycle;
    // The walk went against the edges; print the cycle along them.
    for (size_t i = s.stack.size(); i-- > s.cursor[v];) cycle += std::to_string(s.ids[s.stack[i]]) + " -> ";
    cycle += std::to_string(s.ids[s.stack.back()]);
    throw GenomeError(genome_label(genome) + ": cycle through nodes " + cycle +
                      " in a feed-forward network (a feed-forward genome must be acyclic; "
                      "set feed_forward: false to allow recurrent connections)");
  }

  // 4. Renumber: inputs, bias nodes, then the rest by (level, gene id) via a counting sort.
  CompiledNetwork net;
  net.genome_id = genome.id;
  fill(s.local, n, kNone);
  uint32_t next_local = 0;
  for (uint32_t d = 0; d < n; ++d)
    if (kind_of(d) == NodeKind::Input) s.local[d] = next_local++;
  net.num_inputs = next_local;
  for (uint32_t d = 0; d < n; ++d)
    if (kind_of(d) == NodeKind::Bias) s.local[d] = next_local++;
  net.num_bias = next_local - net.num_inputs;
  fill(s.count, size_t(max_level) + 2, 0u);
  for (uint32_t d = 0; d < n; ++d)
    if (s.keep[d] && s.local[d] == kNone) ++s.count[s.level[d] + 1];
  // level_start[0] = 0; level_start[1] = first non-input node; level_start[k + 1] = end of level k.
  net.level_start.resize(size_t(max_level) + 2);
  net.level_start[0] = 0;
  net.level_start[1] = next_local;
  uint32_t acc = next_local;
  s.cursor.assign(size_t(max_level) + 1, 0u);
  for (uint32_t k = 1; k <= max_level; ++k) {
    s.cursor[k] = acc;
    acc += s.count[k + 1];
    net.level_start[k + 1] = acc;
  }
  for (uint32_t d = 0; d < n; ++d)
    if (s.keep[d] && s.local[d] == kNone) s.local[d] = s.cursor[s.level[d]]++;
  net.num_nodes = acc;
  const uint32_t nn = net.num_nodes;

  net.activation.resize(nn);
  net.aggregation.resize(nn);
  net.bias.resize(nn);
  net.response.resize(nn);
  net.gene_id.resize(nn);
  for (uint32_t d = 0; d < n; ++d) {
    uint32_t j = s.local[d];
    if (j == kNone) continue;
    const NodeGene& gene = nodes[s.dense_to_gene[d]];
    net.activation[j] = gene.activation;
    net.aggregation[j] = gene.aggregation;
    net.bias[j] = gene.bias;
    net.response[j] = gene.response;
    net.gene_id[j] = gene.id;
  }
  for (uint32_t d = 0; d < n; ++d)
    if (kind_of(d) == NodeKind::Output) net.output_node.push_back(s.local[d]);
  net.num_outputs = uint32_t(net.output_node.size());

  // CSR of the kept edges, feed-forward and recurrent apart, rows in (local source, innovation) order.
  auto build = [&](bool recurrent, std::vector<uint32_t>& row_offset, std::vector<uint32_t>& src,
                   std::vector<float>& weight) {
    row_offset.assign(size_t(nn) + 1, 0u);
    uint32_t total = 0;
    for (uint32_t e = 0; e < m; ++e) {
      const Edge& ed = s.edges[e];
      if (s.keep[ed.tgt] && bool(s.rec[e]) == recurrent) {
        ++row_offset[s.local[ed.tgt] + 1];
        ++total;
      }
    }
    for (uint32_t j = 0; j < nn; ++j) row_offset[j + 1] += row_offset[j];
    s.rows.resize(total);
    s.cursor.assign(row_offset.begin(), row_offset.end() - 1);
    for (uint32_t e = 0; e < m; ++e) {
      const Edge& ed = s.edges[e];
      if (s.keep[ed.tgt] && bool(s.rec[e]) == recurrent)
        s.rows[s.cursor[s.local[ed.tgt]]++] = RowEntry{s.local[ed.src], ed.order, ed.weight};
    }
    sort_rows(s.rows, row_offset, nn);
    src.resize(total);
    weight.resize(total);
    for (uint32_t i = 0; i < total; ++i) {
      src[i] = s.rows[i].src;
      weight[i] = s.rows[i].weight;
    }
  };
  build(false, net.row_offset, net.src, net.weight);
  build(true, net.rec_row_offset, net.rec_src, net.rec_weight);
  return net;
}

}  // namespace ganglion
