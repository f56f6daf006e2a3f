// The network compiler (see core/network/compiler.hpp for the four steps). Everything works on "dense"
// node indices (position in ascending gene-id order) so no map is touched per edge; the scratch
// buffers live in a thread_local arena, so compiling a population allocates little more than the
// result itself.
#include "core/network/compiler.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "core/error.hpp"

namespace ganglion {

namespace {

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

// A CSR entry being sorted into its final (local source, innovation) order; `order` is the
// edge's rank in innovation order.
struct RowEntry {
  uint32_t src;
  uint32_t order;
  float weight;
  bool operator<(const RowEntry& o) const { return src != o.src ? src < o.src : order < o.order; }
};

// Reusable buffers. Hot loops read them through raw pointers taken once (a thread_local vector's
// data pointer would otherwise be reloaded through the TLS segment on every access).
struct Scratch {
  std::vector<uint32_t> dense_to_gene;  // dense index -> index into genome.nodes
  std::vector<int32_t> ids;             // ascending gene ids
  std::vector<uint8_t> kind;            // NodeKind per dense index
  std::vector<uint32_t> lut;            // id - min_id -> dense index (when ids are compact)
  std::vector<uint32_t> conn_order;     // connection indices in innovation order
  // Enabled edges in innovation order (structure of arrays).
  std::vector<uint32_t> e_src, e_tgt;
  std::vector<float> e_w;
  std::vector<uint32_t> in_off, in_src;               // incoming adjacency (all enabled edges)
  std::vector<uint32_t> out_off, out_tgt, out_eid;    // outgoing adjacency (kept edges)
  std::vector<uint8_t> keep, rec, color;
  std::vector<uint32_t> stack, stack_pos, queue, indeg, level, local, cursor, count;
  std::vector<RowEntry> rows;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

template <typename T>
T* fill(std::vector<T>& v, size_t n, T value) {
  v.assign(n, value);
  return v.data();
}

template <typename T>
T* sized(std::vector<T>& v, size_t n) {
  if (v.size() < n) v.resize(n);
  return v.data();
}

std::string genome_label(const Genome& g) { return "genome " + std::to_string(g.id); }

constexpr uint8_t kInput = uint8_t(NodeKind::Input);
constexpr uint8_t kBias = uint8_t(NodeKind::Bias);
constexpr uint8_t kOutput = uint8_t(NodeKind::Output);
inline bool is_source_only(uint8_t k) { return k == kInput || k == kBias; }

// Sorts each row [offsets[j], offsets[j+1]) by (local source, innovation).
void sort_rows(RowEntry* rows, const uint32_t* offsets, uint32_t num_nodes) {
  for (uint32_t j = 0; j < num_nodes; ++j) {
    RowEntry* b = rows + offsets[j];
    RowEntry* e = rows + offsets[j + 1];
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
  CompiledNetwork net;
  compile(genome, options, net);
  return net;
}

void compile(const Genome& genome, const CompileOptions& options, CompiledNetwork& net) {
  Scratch& s = scratch();
  const auto& nodes = genome.nodes;
  const auto& conns = genome.connections;
  if (nodes.size() >= size_t(kNone) || conns.size() >= size_t(kNone))
    throw GenomeError(genome_label(genome) + ": too many genes for 32-bit indices");
  const uint32_t n = uint32_t(nodes.size());

  // 1. Dense numbering: nodes in ascending id order (the genome convention; sorted if it is not).
  uint32_t* d2g = sized(s.dense_to_gene, n);
  for (uint32_t i = 0; i < n; ++i) d2g[i] = i;
  bool sorted = true;
  for (uint32_t i = 1; i < n && sorted; ++i) sorted = nodes[i - 1].id < nodes[i].id;
  if (!sorted) std::stable_sort(d2g, d2g + n, [&](uint32_t a, uint32_t b) { return nodes[a].id < nodes[b].id; });
  int32_t* ids = sized(s.ids, n);
  uint8_t* kind = sized(s.kind, n);
  for (uint32_t i = 0; i < n; ++i) {
    ids[i] = nodes[d2g[i]].id;
    kind[i] = uint8_t(nodes[d2g[i]].kind);
  }
  for (uint32_t i = 1; i < n; ++i)
    if (ids[i] == ids[i - 1]) throw GenomeError(genome_label(genome) + ": duplicate node id " + std::to_string(ids[i]));

  // Id -> dense index: a direct table when the ids are compact (the usual case), else binary search.
  const int64_t min_id = n ? ids[0] : 0;
  const int64_t range = n ? int64_t(ids[n - 1]) - min_id + 1 : 0;
  const bool use_lut = n && range <= int64_t(n) * 4 + 256;
  uint32_t* lut = nullptr;
  if (use_lut) {
    lut = fill(s.lut, size_t(range), kNone);
    for (uint32_t i = 0; i < n; ++i) lut[size_t(int64_t(ids[i]) - min_id)] = i;
  }
  auto dense_of = [&](int32_t id) -> uint32_t {
    if (use_lut) {
      int64_t k = int64_t(id) - min_id;
      return (k < 0 || k >= range) ? kNone : lut[size_t(k)];
    }
    const int32_t* it = std::lower_bound(ids, ids + n, id);
    return (it != ids + n && *it == id) ? uint32_t(it - ids) : kNone;
  };

  // Enabled edges in innovation order.
  const uint32_t m_all = uint32_t(conns.size());
  bool conns_sorted = true;
  for (uint32_t i = 1; i < m_all && conns_sorted; ++i) conns_sorted = conns[i - 1].innovation <= conns[i].innovation;
  const uint32_t* corder = nullptr;
  if (!conns_sorted) {
    uint32_t* co = sized(s.conn_order, m_all);
    for (uint32_t i = 0; i < m_all; ++i) co[i] = i;
    std::stable_sort(co, co + m_all, [&](uint32_t a, uint32_t b) { return conns[a].innovation < conns[b].innovation; });
    corder = co;
  }
  uint32_t* e_src = sized(s.e_src, m_all);
  uint32_t* e_tgt = sized(s.e_tgt, m_all);
  float* e_w = sized(s.e_w, m_all);
  uint32_t m = 0;
  for (uint32_t r = 0; r < m_all; ++r) {
    const ConnectionGene& c = conns[corder ? corder[r] : r];
    if (!c.enabled) continue;
    const uint32_t a = dense_of(c.source);
    const uint32_t b = dense_of(c.target);
    if (a == kNone || b == kNone) {
      throw GenomeError(genome_label(genome) + ", connection " + std::to_string(c.innovation) + " (" +
                        std::to_string(c.source) + " -> " + std::to_string(c.target) + "): " +
                        (a == kNone ? "source" : "target") + " node " +
                        std::to_string(a == kNone ? c.source : c.target) + " does not exist");
    }
    if (is_source_only(kind[b])) {
      throw GenomeError(genome_label(genome) + ", connection " + std::to_string(c.innovation) + ": target node " +
                        std::to_string(c.target) + " is an " + std::string(node_kind_name(NodeKind(kind[b]))) +
                        " node; connections may only enter hidden and output nodes");
    }
    e_src[m] = a;
    e_tgt[m] = b;
    e_w[m] = c.weight;
    ++m;
  }

  // Incoming adjacency of all enabled edges (counting sort by target).
  uint32_t* in_off = fill(s.in_off, size_t(n) + 1, 0u);
  for (uint32_t e = 0; e < m; ++e) ++in_off[e_tgt[e] + 1];
  for (uint32_t i = 0; i < n; ++i) in_off[i + 1] += in_off[i];
  uint32_t* in_src = sized(s.in_src, m);
  uint32_t* cursor = sized(s.cursor, size_t(n) + 1);
  std::copy(in_off, in_off + n, cursor);
  for (uint32_t e = 0; e < m; ++e) in_src[cursor[e_tgt[e]]++] = e_src[e];

  // 2a. Keep the nodes that can reach an output (backwards search from every output), plus all
  // inputs and bias nodes, whose positions are part of the network's interface.
  uint8_t* keep = fill(s.keep, n, uint8_t(0));
  uint32_t* stack = sized(s.stack, size_t(n) + 1);
  uint32_t sp = 0;
  for (uint32_t d = 0; d < n; ++d) {
    if (kind[d] == kOutput) {
      keep[d] = 1;
      stack[sp++] = d;
    }
  }
  while (sp) {
    const uint32_t v = stack[--sp];
    for (uint32_t i = in_off[v], end = in_off[v + 1]; i < end; ++i) {
      const uint32_t u = in_src[i];
      if (!keep[u]) {
        keep[u] = 1;
        stack[sp++] = u;
      }
    }
  }
  for (uint32_t d = 0; d < n; ++d)
    if (is_source_only(kind[d])) keep[d] = 1;

  // Outgoing adjacency of the kept edges (an edge is kept when its target is; its source then
  // reaches an output too), in innovation order: the DFS visits children in that order.
  uint32_t* out_off = fill(s.out_off, size_t(n) + 1, 0u);
  for (uint32_t e = 0; e < m; ++e)
    if (keep[e_tgt[e]]) ++out_off[e_src[e] + 1];
  for (uint32_t i = 0; i < n; ++i) out_off[i + 1] += out_off[i];
  const uint32_t kept_edges = out_off[n];
  uint32_t* out_tgt = sized(s.out_tgt, kept_edges);
  uint32_t* out_eid = sized(s.out_eid, kept_edges);
  std::copy(out_off, out_off + n, cursor);
  for (uint32_t e = 0; e < m; ++e) {
    if (!keep[e_tgt[e]]) continue;
    const uint32_t at = cursor[e_src[e]]++;
    out_tgt[at] = e_tgt[e];
    out_eid[at] = e;
  }

  // 2b. Recurrent edges: back edges of a depth-first search from the inputs and bias nodes, then
  // from every other kept node, both in ascending gene id.
  uint8_t* rec = fill(s.rec, m, uint8_t(0));
  bool any_rec = false;
  if (!options.feed_forward) {
    uint8_t* color = fill(s.color, n, uint8_t(0));  // 0 white, 1 on the stack, 2 done
    uint32_t* pos = sized(s.stack_pos, size_t(n) + 1);
    auto dfs = [&](uint32_t root) {
      if (color[root] != 0) return;
      uint32_t depth = 0;
      color[root] = 1;
      stack[depth] = root;
      pos[depth++] = out_off[root];
      while (depth) {
        const uint32_t v = stack[depth - 1];
        uint32_t& p = pos[depth - 1];
        if (p == out_off[v + 1]) {
          color[v] = 2;
          --depth;
          continue;
        }
        const uint32_t i = p++;
        const uint32_t w = out_tgt[i];
        if (color[w] == 1) {
          rec[out_eid[i]] = 1;
          any_rec = true;
        } else if (color[w] == 0) {
          color[w] = 1;
          stack[depth] = w;
          pos[depth++] = out_off[w];
        }
      }
    };
    for (uint32_t d = 0; d < n; ++d)
      if (is_source_only(kind[d])) dfs(d);
    for (uint32_t d = 0; d < n; ++d)
      if (keep[d]) dfs(d);
  }

  // 3. Levels by Kahn's algorithm over the kept feed-forward edges. Inputs and bias nodes are
  // level 0, every other node 1 + the highest level of its feed-forward sources (1 without any).
  uint32_t* indeg = fill(s.indeg, n, 0u);
  for (uint32_t e = 0; e < m; ++e)
    if (keep[e_tgt[e]] && !rec[e]) ++indeg[e_tgt[e]];
  uint32_t* level = sized(s.level, n);
  uint32_t* queue = sized(s.queue, size_t(n) + 1);
  uint32_t qn = 0, kept = 0;
  for (uint32_t d = 0; d < n; ++d) {
    if (!keep[d]) continue;
    ++kept;
    level[d] = is_source_only(kind[d]) ? 0 : 1;
    if (indeg[d] == 0) queue[qn++] = d;
  }
  uint32_t max_level = 0;
  for (uint32_t qi = 0; qi < qn; ++qi) {
    const uint32_t v = queue[qi];
    const uint32_t lv = level[v];
    max_level = std::max(max_level, lv);
    for (uint32_t i = out_off[v], end = out_off[v + 1]; i < end; ++i) {
      if (any_rec && rec[out_eid[i]]) continue;
      const uint32_t w = out_tgt[i];
      if (level[w] < lv + 1) level[w] = lv + 1;
      if (--indeg[w] == 0) queue[qn++] = w;
    }
  }
  if (qn != kept) {
    // A cycle (only possible with feed_forward = true). Every unfinished node has an unfinished
    // source, so walking sources from one of them must come back to a node already seen.
    uint32_t start = kNone;
    for (uint32_t d = 0; d < n && start == kNone; ++d)
      if (keep[d] && indeg[d] > 0) start = d;
    std::vector<uint32_t> seen_at(n, kNone);  // position of a node in the walk
    std::vector<uint32_t> walk;
    uint32_t v = start;
    while (seen_at[v] == kNone) {
      seen_at[v] = uint32_t(walk.size());
      walk.push_back(v);
      uint32_t next = kNone;
      for (uint32_t i = in_off[v]; i < in_off[v + 1]; ++i) {
        const uint32_t u = in_src[i];
        if (keep[u] && indeg[u] > 0) {
          next = u;
          break;
        }
      }
      v = next;  // exists: see above
    }
    std::string cycle;
    // The walk went against the edges; print the cycle along them.
    for (size_t i = walk.size(); i-- > seen_at[v];) cycle += std::to_string(ids[walk[i]]) + " -> ";
    cycle += std::to_string(ids[walk.back()]);
    throw GenomeError(genome_label(genome) + ": cycle through nodes " + cycle +
                      " in a feed-forward network (a feed-forward genome must be acyclic; "
                      "set feed_forward: false to allow recurrent connections)");
  }

  // 4. Renumber: inputs, bias nodes, then the rest by (level, gene id) via a counting sort. Every
  // array of `net` is sized here and each entry written, so its earlier contents do not matter
  // (a reused network keeps its capacity: no allocation once the population's sizes settle).
  net.genome_id = genome.id;
  uint32_t* local = fill(s.local, n, kNone);
  uint32_t next_local = 0;
  for (uint32_t d = 0; d < n; ++d)
    if (kind[d] == kInput) local[d] = next_local++;
  net.num_inputs = next_local;
  for (uint32_t d = 0; d < n; ++d)
    if (kind[d] == kBias) local[d] = next_local++;
  net.num_bias = next_local - net.num_inputs;
  uint32_t* count = fill(s.count, size_t(max_level) + 2, 0u);
  for (uint32_t d = 0; d < n; ++d)
    if (keep[d] && !is_source_only(kind[d])) ++count[level[d]];
  // level_start[0] = 0; level_start[1] = first non-input node; level_start[k + 1] = end of level k.
  net.level_start.resize(size_t(max_level) + 2);
  net.level_start[0] = 0;
  uint32_t acc = next_local;
  for (uint32_t k = 1; k <= max_level; ++k) {
    net.level_start[k] = acc;
    const uint32_t c = count[k];
    count[k] = acc;  // now the next free slot of level k
    acc += c;
  }
  net.level_start[max_level + 1] = acc;
  if (max_level == 0) net.level_start[1] = next_local;
  for (uint32_t d = 0; d < n; ++d)
    if (keep[d] && !is_source_only(kind[d])) local[d] = count[level[d]]++;
  net.num_nodes = acc;
  const uint32_t nn = net.num_nodes;

  net.activation.resize(nn);
  net.aggregation.resize(nn);
  net.bias.resize(nn);
  net.response.resize(nn);
  net.gene_id.resize(nn);
  for (uint32_t d = 0; d < n; ++d) {
    const uint32_t j = local[d];
    if (j == kNone) continue;
    const NodeGene& gene = nodes[d2g[d]];
    net.activation[j] = gene.activation;
    net.aggregation[j] = gene.aggregation;
    net.bias[j] = gene.bias;
    net.response[j] = gene.response;
    net.gene_id[j] = gene.id;
  }
  net.output_node.clear();
  for (uint32_t d = 0; d < n; ++d)
    if (kind[d] == kOutput) net.output_node.push_back(local[d]);
  net.num_outputs = uint32_t(net.output_node.size());

  // CSR of the kept edges, feed-forward and recurrent apart, rows in (local source, innovation)
  // order. One counting pass for both, then the entries are placed by target and rows sorted.
  net.row_offset.assign(size_t(nn) + 1, 0u);
  net.rec_row_offset.assign(size_t(nn) + 1, 0u);
  uint32_t* ff_off = net.row_offset.data();
  uint32_t* rc_off = net.rec_row_offset.data();
  for (uint32_t e = 0; e < m; ++e) {
    const uint32_t t = e_tgt[e];
    if (!keep[t]) continue;
    ++(rec[e] ? rc_off : ff_off)[local[t] + 1];
  }
  for (uint32_t j = 0; j < nn; ++j) {
    ff_off[j + 1] += ff_off[j];
    rc_off[j + 1] += rc_off[j];
  }
  const uint32_t n_ff = ff_off[nn], n_rc = rc_off[nn];
  RowEntry* rows = sized(s.rows, size_t(n_ff) + n_rc);
  uint32_t* ff_cur = sized(s.cursor, size_t(nn) * 2 + 1);
  uint32_t* rc_cur = ff_cur + nn;
  for (uint32_t j = 0; j < nn; ++j) {
    ff_cur[j] = ff_off[j];
    rc_cur[j] = n_ff + rc_off[j];
  }
  for (uint32_t e = 0; e < m; ++e) {
    const uint32_t t = e_tgt[e];
    if (!keep[t]) continue;
    const uint32_t j = local[t];
    const uint32_t at = rec[e] ? rc_cur[j]++ : ff_cur[j]++;
    rows[at] = RowEntry{local[e_src[e]], e, e_w[e]};
  }
  sort_rows(rows, ff_off, nn);
  sort_rows(rows + n_ff, rc_off, nn);
  net.src.resize(n_ff);
  net.weight.resize(n_ff);
  for (uint32_t i = 0; i < n_ff; ++i) {
    net.src[i] = rows[i].src;
    net.weight[i] = rows[i].weight;
  }
  net.rec_src.resize(n_rc);
  net.rec_weight.resize(n_rc);
  for (uint32_t i = 0; i < n_rc; ++i) {
    net.rec_src[i] = rows[n_ff + i].src;
    net.rec_weight[i] = rows[n_ff + i].weight;
  }
}

}  // namespace ganglion
