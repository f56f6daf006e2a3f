// Packing compiled networks into one PopulationLayout. Sizes are known up front, so the offsets are
// prefix sums and every network is copied into its own slice of preallocated arrays: the copy runs
// in parallel and the result is the same for any thread count.
#include "core/network/layout.hpp"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <string>

#include "core/error.hpp"
#include "core/parallel.hpp"

namespace ganglion {

namespace {

// Sizes every array by the field table and fills the per-network entries, the offsets and the
// shape summary (no network data copied yet). Every entry is written here or by copy_network(),
// so a reused layout needs no clearing.
void allocate(PopulationLayout& L, const std::vector<const CompiledNetwork*>& nets) {
  const size_t count = nets.size();
  if (count >= size_t(UINT32_MAX)) throw GenomeError("population too large for 32-bit network indices");
  L.num_networks = uint32_t(count);
  L.num_inputs = count ? nets[0]->num_inputs : 0;
  L.num_outputs = count ? nets[0]->num_outputs : 0;
  uint64_t nodes = 0, edges = 0, rec = 0, levels = 0;
  for (size_t i = 0; i < count; ++i) {
    const CompiledNetwork& c = *nets[i];
    if (c.num_inputs != L.num_inputs || c.num_outputs != L.num_outputs) {
      throw GenomeError("genome " + std::to_string(c.genome_id) + " has " + std::to_string(c.num_inputs) +
                        " inputs and " + std::to_string(c.num_outputs) + " outputs; every network of a population " +
                        "must have " + std::to_string(L.num_inputs) + " inputs and " + std::to_string(L.num_outputs) +
                        " outputs (those of genome " + std::to_string(nets[0]->genome_id) + ")");
    }
    if (c.level_start.empty() || c.row_offset.size() != size_t(c.num_nodes) + 1 ||
        c.rec_row_offset.size() != size_t(c.num_nodes) + 1 || c.output_node.size() != c.num_outputs)
      throw GenomeError("genome " + std::to_string(c.genome_id) + ": malformed compiled network");
    nodes += c.num_nodes;
    edges += c.num_edges();
    rec += c.num_rec_edges();
    levels += c.level_start.size();
    if (nodes >= UINT32_MAX || edges >= UINT32_MAX || rec >= UINT32_MAX || levels >= UINT32_MAX)
      throw GenomeError("population too large for a layout with 32-bit indices (" + std::to_string(nodes) +
                        " nodes, " + std::to_string(edges) + " edges so far)");
  }
  LayoutCounts counts;
  counts.networks = count;
  counts.nodes = nodes;
  counts.edges = edges;
  counts.rec_edges = rec;
  counts.level_starts = levels;
  counts.outputs = L.num_outputs;
  for_each_layout_field(L, [&](auto& v, const LayoutField& f) { v.resize(extent_size(f.extent, counts)); });

  L.node_offset[0] = L.edge_offset[0] = L.rec_edge_offset[0] = L.level_offset[0] = 0;
  for (size_t i = 0; i < count; ++i) {
    const CompiledNetwork& c = *nets[i];
    L.genome_id[i] = c.genome_id;
    L.num_bias[i] = c.num_bias;
    L.node_offset[i + 1] = L.node_offset[i] + c.num_nodes;
    L.edge_offset[i + 1] = L.edge_offset[i] + c.num_edges();
    L.rec_edge_offset[i + 1] = L.rec_edge_offset[i] + c.num_rec_edges();
    L.level_offset[i + 1] = L.level_offset[i] + uint32_t(c.level_start.size());
  }
  L.row_offset[nodes] = uint32_t(edges);
  L.rec_row_offset[nodes] = uint32_t(rec);
  fill_shape_summary(L);
}

void copy_network(PopulationLayout& L, size_t i, const CompiledNetwork& c) {
  const uint32_t n0 = L.node_offset[i], e0 = L.edge_offset[i], r0 = L.rec_edge_offset[i];
  std::copy(c.level_start.begin(), c.level_start.end(), L.level_start.begin() + L.level_offset[i]);
  for (uint32_t j = 0; j < c.num_nodes; ++j) {
    L.activation[n0 + j] = static_cast<uint8_t>(c.activation[j]);
    L.aggregation[n0 + j] = static_cast<uint8_t>(c.aggregation[j]);
    L.row_offset[n0 + j] = e0 + c.row_offset[j];
    L.rec_row_offset[n0 + j] = r0 + c.rec_row_offset[j];
  }
  std::copy(c.bias.begin(), c.bias.end(), L.bias.begin() + n0);
  std::copy(c.response.begin(), c.response.end(), L.response.begin() + n0);
  std::copy(c.src.begin(), c.src.end(), L.src.begin() + e0);
  std::copy(c.weight.begin(), c.weight.end(), L.weight.begin() + e0);
  std::copy(c.rec_src.begin(), c.rec_src.end(), L.rec_src.begin() + r0);
  std::copy(c.rec_weight.begin(), c.rec_weight.end(), L.rec_weight.begin() + r0);
  std::copy(c.output_node.begin(), c.output_node.end(), L.output_node.begin() + i * L.num_outputs);
}

}  // namespace

size_t PopulationLayout::bytes() const {
  size_t total = 0;
  for_each_layout_field(*this, [&](const auto& v, const LayoutField& f) { total += v.size() * f.element_bytes; });
  return total;
}

LayoutCounts PopulationLayout::counts() const {
  LayoutCounts c;
  c.networks = num_networks;
  c.nodes = total_nodes();
  c.edges = total_edges();
  c.rec_edges = total_rec_edges();
  c.level_starts = level_offset.empty() ? 0 : level_offset.back();
  c.outputs = num_outputs;
  return c;
}

void fill_shape_summary(PopulationLayout& L) {
  L.max_nodes = L.max_edges = L.max_levels = 0;
  L.any_recurrent = false;
  for (uint32_t n = 0; n < L.num_networks; ++n) {
    const uint32_t levels = L.levels_of(n);
    L.max_nodes = std::max(L.max_nodes, L.nodes_of(n));
    L.max_edges = std::max(L.max_edges, L.edge_offset[n + 1] - L.edge_offset[n]);
    L.max_levels = std::max(L.max_levels, levels ? levels - 1 : 0u);
    L.any_recurrent = L.any_recurrent || L.rec_edge_offset[n + 1] > L.rec_edge_offset[n];
  }
}

PopulationLayout pack(const std::vector<CompiledNetwork>& networks, ThreadPool* pool) {
  std::vector<const CompiledNetwork*> ptrs(networks.size());
  for (size_t i = 0; i < networks.size(); ++i) ptrs[i] = &networks[i];
  PopulationLayout L;
  allocate(L, ptrs);
  ThreadPool& threads = pool ? *pool : serial_pool();
  threads.for_each(networks.size(), [&](size_t i) { copy_network(L, i, networks[i]); }, 64);
  return L;
}

PopulationLayout compile_population(const std::vector<Genome>& genomes, const CompileOptions& options,
                                    unsigned threads) {
  PopulationLayout L;
  compile_population(genomes, options, L, threads);
  return L;
}

// Every array entry is overwritten by allocate() and copy_network(), so resizing a reused layout
// needs no clearing.
void compile_population(const std::vector<Genome>& genomes, const CompileOptions& options, PopulationLayout& L,
                        unsigned threads) {
  ThreadPool pool(threads);
  compile_population(genomes, options, L, pool);
}

void compile_population(const std::vector<Genome>& genomes, const CompileOptions& options, PopulationLayout& L,
                        ThreadPool& pool, std::vector<CompiledNetwork>* kept) {
  if (genomes.size() >= size_t(UINT32_MAX)) throw GenomeError("population too large for 32-bit network indices");
  compile_population_range(genomes, NetworkRange{0, uint32_t(genomes.size()), 1}, options, L, pool, kept);
}

void compile_population_range(const std::vector<Genome>& all, const NetworkRange& range,
                              const CompileOptions& options, PopulationLayout& L, ThreadPool& pool,
                              std::vector<CompiledNetwork>* kept) {
  const size_t count = range.count;
  if (!range.fits(all.size()))
    throw Error("compile_population_range: " + range.describe() + " reach outside a population of " +
                std::to_string(all.size()));
  const Genome* base = all.data();
  const NetworkRange r = range;
  auto genome_at = [base, r](size_t i) -> const Genome& { return base[r.index(uint32_t(i))]; };
  std::vector<CompiledNetwork> own;
  std::vector<CompiledNetwork>& nets = kept ? *kept : own;
  nets.resize(count);
  // On errors, report the lowest failing genome index so the message does not depend on threads.
  std::mutex error_m;
  size_t error_index = SIZE_MAX;
  std::exception_ptr error;
  pool.for_each(count, [&](size_t i) {
    try {
      compile(genome_at(i), options, nets[i]);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_m);
      if (i < error_index) {
        error_index = i;
        error = std::current_exception();
      }
    }
  }, 16);
  if (error) std::rethrow_exception(error);
  std::vector<const CompiledNetwork*> ptrs(nets.size());
  for (size_t i = 0; i < nets.size(); ++i) ptrs[i] = &nets[i];
  allocate(L, ptrs);
  // Without a kept store each network is freed right after its copy, so the peak stays near one
  // population's size.
  pool.for_each(nets.size(), [&](size_t i) {
    copy_network(L, i, nets[i]);
    if (!kept) nets[i] = CompiledNetwork();
  }, 64);
}

}  // namespace ganglion
