#include "evolution/distance.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define GANGLION_SCREEN_AVX2 1
#endif

namespace ganglion {

namespace {
bool counted(const NodeGene& n) { return n.kind == NodeKind::Hidden || n.kind == NodeKind::Output; }

// The node genes' part of the distance: disjoint nodes and matching nodes' differences, added to
// the connections' counts in the order compatibility_distance has always added them.
void add_node_genes(const Genome& a, const Genome& b, size_t& disjoint, size_t& matching, double& weight_diff) {
  size_t p = 0, q = 0;
  while (p < a.nodes.size() || q < b.nodes.size()) {
    if (p < a.nodes.size() && !counted(a.nodes[p])) { ++p; continue; }
    if (q < b.nodes.size() && !counted(b.nodes[q])) { ++q; continue; }
    if (q >= b.nodes.size() || (p < a.nodes.size() && a.nodes[p].id < b.nodes[q].id)) {
      ++disjoint;
      ++p;
    } else if (p >= a.nodes.size() || b.nodes[q].id < a.nodes[p].id) {
      ++disjoint;
      ++q;
    } else {
      const NodeGene& x = a.nodes[p++];
      const NodeGene& y = b.nodes[q++];
      weight_diff += std::fabs(double(x.bias) - double(y.bias)) + std::fabs(double(x.response) - double(y.response));
      if (x.activation != y.activation) weight_diff += 1.0;
      if (x.aggregation != y.aggregation) weight_diff += 1.0;
      ++matching;
    }
  }
}

double normaliser(size_t genes, const SpeciationConfig& config) {
  return genes < config.normalize_min_genes ? 1.0 : double(genes);
}

double combine(size_t excess, size_t disjoint, size_t matching, double weight_diff, size_t genes,
               const SpeciationConfig& config) {
  const double n = normaliser(genes, config);
  const double w = matching ? weight_diff / double(matching) : 0.0;
  return config.excess_coefficient * double(excess) / n + config.disjoint_coefficient * double(disjoint) / n +
         config.weight_coefficient * w;
}
}  // namespace

double compatibility_distance(const Genome& a, const Genome& b, const SpeciationConfig& config) {
  const auto& A = a.connections;
  const auto& B = b.connections;
  size_t i = 0, j = 0, matching = 0, disjoint = 0, excess = 0;
  double weight_diff = 0.0;
  while (i < A.size() && j < B.size()) {
    if (A[i].innovation == B[j].innovation) {
      weight_diff += std::fabs(double(A[i].weight) - double(B[j].weight));
      ++matching;
      ++i;
      ++j;
    } else if (A[i].innovation < B[j].innovation) {
      ++disjoint;
      ++i;
    } else {
      ++disjoint;
      ++j;
    }
  }
  excess = (A.size() - i) + (B.size() - j);
  size_t genes = std::max(A.size(), B.size());

  if (config.include_node_genes) {
    size_t na = 0, nb = 0;
    for (const auto& n : a.nodes) na += counted(n);
    for (const auto& n : b.nodes) nb += counted(n);
    add_node_genes(a, b, disjoint, matching, weight_diff);
    genes = std::max(A.size() + na, B.size() + nb);
  }
  return combine(excess, disjoint, matching, weight_diff, genes, config);
}

DistanceGenome distance_genome(const Genome& g, const SpeciationConfig& config) {
  DistanceGenome d;
  d.genome = &g;
  d.connections = uint32_t(g.connections.size());
  for (const auto& c : g.connections) d.signature |= uint64_t(1) << (uint64_t(c.innovation) & 63);
  d.collisions = d.connections - uint32_t(__builtin_popcountll(d.signature));
  if (config.include_node_genes)  // the only case that reads the node counts
    for (const auto& n : g.nodes) d.counted_nodes += counted(n);
  d.genes = d.connections + d.counted_nodes;
  return d;
}

namespace {
// The exits' margin: far above the few ulps by which the formula's rounding can move a distance.
constexpr double kMargin = 1.0 + 1e-9;
double min_coefficient(const SpeciationConfig& config) {
  return std::min(config.excess_coefficient, config.disjoint_coefficient);
}
}  // namespace

uint32_t DistanceBound::compute_apart_limit(uint32_t genes) const {
  // apart >= x and apart >= ceil(x) agree for every integer apart.
  const double x = limit_per_gene * (genes < normalize_min_genes ? 1.0 : double(genes));
  return x >= 4294967295.0 ? std::numeric_limits<uint32_t>::max() : uint32_t(std::ceil(x));
}

DistanceBound distance_bound(const SpeciationConfig& config, double threshold, uint32_t max_genes) {
  DistanceBound b;
  b.threshold = threshold;
  b.include_node_genes = config.include_node_genes;
  b.normalize_min_genes = config.normalize_min_genes;
  // Exits need non-negative terms, and the margin holds only while no bound underflows or
  // overflows: outside these generous ranges every pair goes through the plain formula.
  const double c_min = min_coefficient(config), c3 = config.weight_coefficient;
  auto sane = [](double x) { return x >= 1e-100 && x <= 1e100; };
  const bool exits = sane(c_min) && (c3 == 0.0 || sane(c3)) && sane(threshold);
  b.limit_per_gene = exits ? threshold * kMargin / c_min : std::numeric_limits<double>::infinity();
  b.apart_limits.resize(size_t(max_genes) + 1);
  for (uint32_t g = 0; g <= max_genes; ++g) b.apart_limits[g] = b.compute_apart_limit(g);
  return b;
}

bool within_threshold_merged(const DistanceGenome& da, const DistanceGenome& db, const SpeciationConfig& config,
                             const DistanceBound& bound) {
  const size_t sa = da.connections, sb = db.connections;
  const double n = distance_normaliser(da, db, bound);
  const bool exits = std::isfinite(bound.limit_per_gene);
  const uint32_t limit = bound.apart_limit(std::max(da.genes, db.genes));
  const double per_apart = min_coefficient(config) / n;
  const double reach = bound.threshold * kMargin;
  const double c3 = config.weight_coefficient;
  // Matching node genes share W's mean too.
  const size_t node_matches = config.include_node_genes ? std::min(da.counted_nodes, db.counted_nodes) : 0;

  const ConnectionGene* A = da.genome->connections.data();
  const ConnectionGene* B = db.genome->connections.data();
  size_t i = 0, j = 0, matching = 0, disjoint = 0;
  double weight_diff = 0.0;
  while (i < sa && j < sb) {
    const int64_t x = A[i].innovation, y = B[j].innovation;
    if (x == y) {
      weight_diff += std::fabs(double(A[i].weight) - double(B[j].weight));
      ++matching;
      ++i;
      ++j;
      continue;
    }
    ++disjoint;
    if (x < y) ++i;
    else ++j;
    if (!exits) continue;
    // Whatever follows, the gap between what is left of each list does not match, and the
    // weight differences so far are shared by at most this many matches.
    const size_t left_a = sa - i, left_b = sb - j;
    const size_t apart = disjoint + (left_a > left_b ? left_a - left_b : left_b - left_a);
    if (apart >= limit) return false;
    // per_apart * apart + c3 * weight_diff / most_matching >= reach, without the division (the
    // margin in `reach` covers the different rounding).
    const size_t most_matching = matching + std::min(left_a, left_b) + node_matches;
    if (weight_diff > 0.0 && c3 * weight_diff >= (reach - per_apart * double(apart)) * double(most_matching))
      return false;
  }
  const size_t excess = (sa - i) + (sb - j);
  if (config.include_node_genes) add_node_genes(*da.genome, *db.genome, disjoint, matching, weight_diff);
  const size_t genes = std::max(da.genes, db.genes);
  return combine(excess, disjoint, matching, weight_diff, genes, config) < bound.threshold;
}

void DistanceColumns::reserve(size_t n) {
  genome.reserve(n);
  signature.reserve(n);
  connections.reserve(n);
  collisions.reserve(n);
  counted_nodes.reserve(n);
  limit.reserve(n);
}

void DistanceColumns::push(const DistanceGenome& d, const DistanceBound& bound) {
  genome.push_back(d);
  signature.push_back(d.signature);
  connections.push_back(d.connections);
  collisions.push_back(d.collisions);
  counted_nodes.push_back(d.counted_nodes);
  limit.push_back(bound.apart_limit(d.genes));
}

// One genome at a time: least_apart() itself against the pair's limit.
#if defined(__x86_64__) && defined(__GNUC__) && defined(__linux__)
__attribute__((target_clones("popcnt", "default")))
#endif
uint64_t screen_apart_scalar(const DistanceColumns& columns, size_t begin, size_t end, const DistanceGenome& g,
                             uint32_t g_limit, bool with_nodes) {
  uint64_t maybe = 0;
  for (size_t k = begin; k < end; ++k)
    maybe |= uint64_t(least_apart(columns.genome[k], g, with_nodes) < std::max(columns.limit[k], g_limit)) << (k - begin);
  return maybe;
}

bool screen_apart_has_avx2() {
#ifdef GANGLION_SCREEN_AVX2
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
#else
  return false;
#endif
}

namespace {
#ifdef GANGLION_SCREEN_AVX2
// Four 32-bit values, zero-extended into 64-bit lanes.
__attribute__((target("avx2"), always_inline)) inline __m256i widen(const uint32_t* p) {
  return _mm256_cvtepu32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

// screen_apart_scalar's test, four genomes per step in 64-bit lanes (each 32-bit quantity zero-extended, so the low
// half of a lane computes exactly the scalar unsigned 32-bit arithmetic). The signature's popcount
// is the nibble-table method (vpshufb) summed per lane by vpsadbw.
__attribute__((target("avx2"))) uint64_t screen_avx2(const DistanceColumns& c, size_t begin, size_t end,
                                                     const DistanceGenome& g, uint32_t g_limit, bool with_nodes) {
  const __m256i nibble_bits = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,  //
                                               0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i low4 = _mm256_set1_epi8(0x0f);
  const __m256i zero = _mm256_setzero_si256();
  const __m256i g_sig = _mm256_set1_epi64x(int64_t(g.signature));
  const __m256i g_coll = _mm256_set1_epi64x(int64_t(g.collisions));
  const __m256i g_conn = _mm256_set1_epi64x(int64_t(g.connections));
  const __m256i g_nodes = _mm256_set1_epi64x(int64_t(g.counted_nodes));
  const __m256i g_lim = _mm256_set1_epi64x(int64_t(g_limit));
  uint64_t maybe = 0;
  size_t k = begin;
  for (; k + 4 <= end; k += 4) {
    const __m256i s = _mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(c.signature.data() + k)), g_sig);
    const __m256i bytes = _mm256_add_epi8(_mm256_shuffle_epi8(nibble_bits, _mm256_and_si256(s, low4)),
                                          _mm256_shuffle_epi8(nibble_bits, _mm256_and_si256(_mm256_srli_epi16(s, 4), low4)));
    const __m256i popcount = _mm256_sad_epu8(bytes, zero);
    const __m256i conn = widen(c.connections.data() + k);
    const __m256i shared = _mm256_add_epi32(popcount, _mm256_min_epu32(widen(c.collisions.data() + k), g_coll));
    const __m256i matching = _mm256_min_epu32(shared, _mm256_min_epu32(conn, g_conn));
    __m256i apart = _mm256_sub_epi32(_mm256_add_epi32(conn, g_conn), _mm256_add_epi32(matching, matching));
    if (with_nodes) {
      const __m256i nodes = widen(c.counted_nodes.data() + k);
      apart = _mm256_add_epi32(apart, _mm256_sub_epi32(_mm256_max_epu32(nodes, g_nodes), _mm256_min_epu32(nodes, g_nodes)));
    }
    const __m256i limit = _mm256_max_epu32(widen(c.limit.data() + k), g_lim);
    // apart >= limit exactly when max(apart, limit) == apart; the even 32-bit lanes hold the answers.
    const uint32_t apart_lanes = uint32_t(_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_max_epu32(apart, limit), apart))));
    const uint32_t apart4 = (apart_lanes & 1u) | ((apart_lanes >> 1) & 2u) | ((apart_lanes >> 2) & 4u) | ((apart_lanes >> 3) & 8u);
    maybe |= uint64_t(~apart4 & 0xfu) << (k - begin);
  }
  if (k < end) maybe |= screen_apart_scalar(c, k, end, g, g_limit, with_nodes) << (k - begin);
  return maybe;
}
#endif
}  // namespace

uint64_t screen_apart(const DistanceColumns& columns, size_t begin, size_t end, const DistanceGenome& g,
                      uint32_t g_limit, bool with_nodes) {
#ifdef GANGLION_SCREEN_AVX2
  if (screen_apart_has_avx2()) return screen_avx2(columns, begin, end, g, g_limit, with_nodes);
#endif
  return screen_apart_scalar(columns, begin, end, g, g_limit, with_nodes);
}

}  // namespace ganglion
