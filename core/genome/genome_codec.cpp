// Column-wise genome encoding (see genome_codec.hpp and docs/checkpoint-format.md). Each column is
// a length-prefixed blob, so a reader knows every column's extent before decoding and a damaged
// length is caught at once; encoding and decoding are one streaming pass over the genomes.
#include "core/genome/genome_codec.hpp"

#include <cstring>
#include <limits>
#include <memory>

#include "core/parallel.hpp"

#include <fmt/format.h>

namespace ganglion {

namespace {

// An uninitialised byte buffer written through a raw pointer (no zero-fill of the worst case).
struct Column {
  std::unique_ptr<uint8_t[]> buf;
  uint8_t* p = nullptr;
  explicit Column(size_t max) : buf(new uint8_t[max ? max : 1]) { p = buf.get(); }
  size_t size() const { return static_cast<size_t>(p - buf.get()); }
  void varint(uint64_t v) { p = BinaryWriter::put_varint(p, v); }
  void svarint(int64_t v) { varint(BinaryWriter::zigzag(v)); }
  void u8(uint8_t v) { *p++ = v; }
  void f32(float v) {
    uint32_t b;
    std::memcpy(&b, &v, 4);
    for (int i = 0; i < 4; ++i) *p++ = static_cast<uint8_t>(b >> (8 * i));
  }
  void f64(double v) {
    uint64_t b;
    std::memcpy(&b, &v, 8);
    for (int i = 0; i < 8; ++i) *p++ = static_cast<uint8_t>(b >> (8 * i));
  }
};

// Bits, least significant first.
struct BitColumn {
  std::vector<uint8_t> bytes;
  size_t n = 0;
  explicit BitColumn(size_t count) : bytes((count + 7) / 8, 0) {}
  void push(bool b) {
    if (b) bytes[n >> 3] |= static_cast<uint8_t>(1u << (n & 7));
    ++n;
  }
};

void put_blob(BinaryWriter& w, const uint8_t* data, size_t n) {
  w.varint(n);
  w.bytes(data, n);
}

inline float load_f32(const uint8_t* p) {
  uint32_t b = static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
               static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
  float v;
  std::memcpy(&v, &b, 4);
  return v;
}
inline double load_f64(const uint8_t* p) {
  uint64_t b = 0;
  for (int i = 0; i < 8; ++i) b |= static_cast<uint64_t>(p[i]) << (8 * i);
  double v;
  std::memcpy(&v, &b, 8);
  return v;
}

}  // namespace

namespace {

// One chunk: the columns of genomes [first, first + g_count).
void encode_chunk(BinaryWriter& w, const Genome* genomes_begin, size_t g_count) {
  struct Range {
    const Genome* b;
    const Genome* e;
    const Genome* begin() const { return b; }
    const Genome* end() const { return e; }
  } genomes{genomes_begin, genomes_begin + g_count};
  size_t n_nodes = 0, n_conns = 0;
  for (const auto& g : genomes) {
    n_nodes += g.nodes.size();
    n_conns += g.connections.size();
  }
  w.data().reserve(w.size() + 64 + g_count * 24 + n_nodes * 16 + n_conns * 12);

  Column ids(g_count * 10), node_counts(g_count * 10), conn_counts(g_count * 10), fitness(g_count * 8);
  BitColumn evaluated(g_count);
  uint64_t prev_id = 0;
  for (const auto& g : genomes) {
    ids.svarint(static_cast<int64_t>(g.id - prev_id));
    prev_id = g.id;
    node_counts.varint(g.nodes.size());
    conn_counts.varint(g.connections.size());
    fitness.f64(g.fitness);
    evaluated.push(g.evaluated);
  }
  put_blob(w, ids.buf.get(), ids.size());
  put_blob(w, node_counts.buf.get(), node_counts.size());
  put_blob(w, conn_counts.buf.get(), conn_counts.size());
  put_blob(w, fitness.buf.get(), fitness.size());
  put_blob(w, evaluated.bytes.data(), evaluated.bytes.size());

  {
    Column node_ids(n_nodes * 5), kinds(n_nodes), acts(n_nodes), aggs(n_nodes), biases(n_nodes * 4),
        responses(n_nodes * 4);
    for (const auto& g : genomes) {
      int32_t prev = 0;
      for (const auto& n : g.nodes) {
        node_ids.svarint(static_cast<int64_t>(n.id) - prev);
        prev = n.id;
        kinds.u8(static_cast<uint8_t>(n.kind));
        acts.u8(static_cast<uint8_t>(n.activation));
        aggs.u8(static_cast<uint8_t>(n.aggregation));
        biases.f32(n.bias);
        responses.f32(n.response);
      }
    }
    for (Column* c : {&node_ids, &kinds, &acts, &aggs, &biases, &responses}) put_blob(w, c->buf.get(), c->size());
  }
  {
    Column innovations(n_conns * 10), sources(n_conns * 10), targets(n_conns * 10), weights(n_conns * 4);
    BitColumn enabled(n_conns);
    for (const auto& g : genomes) {
      int64_t prev = 0;
      for (const auto& c : g.connections) {
        innovations.svarint(static_cast<int64_t>(static_cast<uint64_t>(c.innovation) - static_cast<uint64_t>(prev)));
        prev = c.innovation;
        sources.svarint(c.source);
        targets.svarint(c.target);
        weights.f32(c.weight);
        enabled.push(c.enabled);
      }
    }
    for (Column* c : {&innovations, &sources, &targets, &weights}) put_blob(w, c->buf.get(), c->size());
    put_blob(w, enabled.bytes.data(), enabled.bytes.size());
  }
}

// Decodes one chunk's columns into genomes[0, g_count); `first` is the chunk's first genome index
// in the block (for messages).
void decode_chunk(BinaryReader& r, Genome* genomes, size_t g_count, size_t first, const std::string& w) {
  auto name = [&](const char* col) { return w + " " + col; };

  BinaryReader ids = r.blob(name("genome ids").c_str());
  BinaryReader node_counts = r.blob(name("node counts").c_str());
  BinaryReader conn_counts = r.blob(name("connection counts").c_str());
  BinaryReader fitness = r.blob(name("fitness values").c_str());
  BinaryReader evaluated = r.blob(name("evaluated flags").c_str());
  if (fitness.remaining() != g_count * 8)
    fitness.fail_at(0, fmt::format("{} column is {} bytes, expected {} (8 per genome)", name("fitness"),
                                   fitness.remaining(), g_count * 8));
  if (evaluated.remaining() != (g_count + 7) / 8)
    evaluated.fail_at(0, fmt::format("{} column is {} bytes, expected {}", name("evaluated flags"),
                                     evaluated.remaining(), (g_count + 7) / 8));
  BinaryReader node_ids = r.blob(name("node ids").c_str());
  BinaryReader kinds = r.blob(name("node kinds").c_str());
  BinaryReader acts = r.blob(name("node activations").c_str());
  BinaryReader aggs = r.blob(name("node aggregations").c_str());
  BinaryReader biases = r.blob(name("node biases").c_str());
  BinaryReader responses = r.blob(name("node responses").c_str());
  BinaryReader innovations = r.blob(name("connection innovations").c_str());
  BinaryReader sources = r.blob(name("connection sources").c_str());
  BinaryReader targets = r.blob(name("connection targets").c_str());
  BinaryReader weights = r.blob(name("connection weights").c_str());
  BinaryReader enabled = r.blob(name("connection enabled flags").c_str());

  // Per-genome counts first: they must add up to the sizes of the fixed-width columns, which bounds
  // every allocation below by the body's size.
  const size_t n_nodes = kinds.remaining();
  const size_t n_conns = weights.remaining() / 4;
  if (weights.remaining() % 4 != 0)
    weights.fail_at(0, fmt::format("{} column is {} bytes, not a multiple of 4", name("connection weights"),
                                   weights.remaining()));
  if (acts.remaining() != n_nodes || aggs.remaining() != n_nodes || biases.remaining() != n_nodes * 4 ||
      responses.remaining() != n_nodes * 4)
    kinds.fail_at(0, fmt::format("{}: node columns disagree in length ({} kinds, {} activations, {} aggregations, "
                                 "{} bias bytes, {} response bytes)", w, n_nodes, acts.remaining(),
                                 aggs.remaining(), biases.remaining(), responses.remaining()));
  if (enabled.remaining() != (n_conns + 7) / 8)
    enabled.fail_at(0, fmt::format("{} column is {} bytes, expected {} for {} connections",
                                   name("connection enabled flags"), enabled.remaining(), (n_conns + 7) / 8, n_conns));

  size_t sum_nodes = 0, sum_conns = 0;
  std::vector<uint32_t> counts(2 * g_count);
  uint64_t prev_id = 0;
  const uint8_t* fit = fitness.raw(g_count * 8, "fitness");
  const uint8_t* ev = evaluated.raw(evaluated.remaining(), "evaluated flags");
  for (size_t i = 0; i < g_count; ++i) {
    Genome& g = genomes[i];
    const size_t gi = first + i;
    uint64_t v;
    if (!ids.try_varint(v)) ids.fail(fmt::format("{} id of genome #{}", w, gi));
    prev_id += static_cast<uint64_t>(BinaryReader::unzigzag(v));
    g.id = prev_id;
    uint64_t nn, nc;
    if (!node_counts.try_varint(nn)) node_counts.fail(fmt::format("{} node count of genome #{}", w, gi));
    if (!conn_counts.try_varint(nc)) conn_counts.fail(fmt::format("{} connection count of genome #{}", w, gi));
    if (nn > n_nodes - sum_nodes)
      node_counts.fail(fmt::format("{} node count of genome #{} (id {}): {} is more than the {} node records left",
                                   w, gi, g.id, nn, n_nodes - sum_nodes));
    if (nc > n_conns - sum_conns)
      conn_counts.fail(fmt::format("{} connection count of genome #{} (id {}): {} is more than the {} connection "
                                   "records left", w, gi, g.id, nc, n_conns - sum_conns));
    sum_nodes += nn;
    sum_conns += nc;
    // Reserved, not resized: the genes are appended fully formed below (no zero-fill pass).
    g.nodes.reserve(nn);
    g.connections.reserve(nc);
    counts[2 * i] = static_cast<uint32_t>(nn);
    counts[2 * i + 1] = static_cast<uint32_t>(nc);
    g.fitness = load_f64(fit + 8 * i);
    g.evaluated = (ev[i >> 3] >> (i & 7)) & 1;
  }
  ids.expect_end(name("genome ids").c_str());
  node_counts.expect_end(name("node counts").c_str());
  conn_counts.expect_end(name("connection counts").c_str());
  if (sum_nodes != n_nodes || sum_conns != n_conns)
    r.fail_at(r.position(), fmt::format("{}: the genomes have {} nodes and {} connections in all, but the columns "
                                        "hold {} and {}", w, sum_nodes, sum_conns, n_nodes, n_conns));

  const uint8_t* kd = kinds.raw(n_nodes, "node kinds");
  const uint8_t* ad = acts.raw(n_nodes, "node activations");
  const uint8_t* gd = aggs.raw(n_nodes, "node aggregations");
  const uint8_t* bd = biases.raw(n_nodes * 4, "node biases");
  const uint8_t* rd = responses.raw(n_nodes * 4, "node responses");
  const uint8_t* wd = weights.raw(n_conns * 4, "connection weights");
  const uint8_t* ed = enabled.raw(enabled.remaining(), "connection enabled flags");
  size_t ni = 0, ci = 0;
  for (size_t i = 0; i < g_count; ++i) {
    Genome& g = genomes[i];
    const size_t gi = first + i;
    int64_t prev = 0;
    for (uint32_t k = 0; k < counts[2 * i]; ++k) {
      NodeGene& n = g.nodes.emplace_back();
      uint64_t v;
      if (!node_ids.try_varint(v)) node_ids.fail(fmt::format("{} node ids of genome #{} (id {})", w, gi, g.id));
      prev += BinaryReader::unzigzag(v);
      if (prev < std::numeric_limits<int32_t>::min() || prev > std::numeric_limits<int32_t>::max())
        node_ids.fail(fmt::format("{} node ids of genome #{} (id {}): id {} is outside 32 bits", w, gi, g.id, prev));
      n.id = static_cast<int32_t>(prev);
      if (kd[ni] > static_cast<uint8_t>(NodeKind::Output))
        kinds.fail_at(ni, fmt::format("{}: node {} of genome {} has kind {}, valid kinds are 0-3", w, n.id, g.id, kd[ni]));
      if (ad[ni] >= static_cast<uint8_t>(Activation::Count))
        acts.fail_at(ni, fmt::format("{}: node {} of genome {} has activation {}, valid are 0-{}", w, n.id, g.id, ad[ni],
                                     static_cast<int>(Activation::Count) - 1));
      if (gd[ni] >= static_cast<uint8_t>(Aggregation::Count))
        aggs.fail_at(ni, fmt::format("{}: node {} of genome {} has aggregation {}, valid are 0-{}", w, n.id, g.id,
                                     gd[ni], static_cast<int>(Aggregation::Count) - 1));
      n.kind = static_cast<NodeKind>(kd[ni]);
      n.activation = static_cast<Activation>(ad[ni]);
      n.aggregation = static_cast<Aggregation>(gd[ni]);
      n.bias = load_f32(bd + 4 * ni);
      n.response = load_f32(rd + 4 * ni);
      ++ni;
    }
    int64_t prev_inn = 0;
    for (uint32_t k = 0; k < counts[2 * i + 1]; ++k) {
      ConnectionGene& c = g.connections.emplace_back();
      uint64_t vi, vs, vt;
      if (!innovations.try_varint(vi))
        innovations.fail(fmt::format("{} innovation numbers of genome #{} (id {})", w, gi, g.id));
      if (!sources.try_varint(vs)) sources.fail(fmt::format("{} connection sources of genome #{} (id {})", w, gi, g.id));
      if (!targets.try_varint(vt)) targets.fail(fmt::format("{} connection targets of genome #{} (id {})", w, gi, g.id));
      prev_inn = static_cast<int64_t>(static_cast<uint64_t>(prev_inn) + static_cast<uint64_t>(BinaryReader::unzigzag(vi)));
      int64_t s = BinaryReader::unzigzag(vs), t = BinaryReader::unzigzag(vt);
      if (s < std::numeric_limits<int32_t>::min() || s > std::numeric_limits<int32_t>::max() ||
          t < std::numeric_limits<int32_t>::min() || t > std::numeric_limits<int32_t>::max())
        sources.fail(fmt::format("{} connection of genome #{} (id {}): node id {} -> {} is outside 32 bits", w, gi,
                                 g.id, s, t));
      c.innovation = prev_inn;
      c.source = static_cast<int32_t>(s);
      c.target = static_cast<int32_t>(t);
      c.weight = load_f32(wd + 4 * ci);
      c.enabled = (ed[ci >> 3] >> (ci & 7)) & 1;
      ++ci;
    }
  }
  node_ids.expect_end(name("node ids").c_str());
  innovations.expect_end(name("connection innovations").c_str());
  sources.expect_end(name("connection sources").c_str());
  targets.expect_end(name("connection targets").c_str());
  r.expect_end(name("chunk").c_str());
}

}  // namespace

void encode_genomes(BinaryWriter& w, const std::vector<Genome>& genomes, ThreadPool* pool) {
  const size_t g_count = genomes.size();
  const size_t chunks = (g_count + kGenomeChunk - 1) / kGenomeChunk;
  w.varint(g_count);
  w.varint(kGenomeChunk);
  std::vector<BinaryWriter> parts(chunks);
  auto encode_one = [&](size_t c) {
    const size_t first = c * kGenomeChunk;
    encode_chunk(parts[c], genomes.data() + first, std::min(kGenomeChunk, g_count - first));
  };
  if (chunks > 1 && pool) pool->for_each(chunks, encode_one);
  else for (size_t c = 0; c < chunks; ++c) encode_one(c);
  size_t total = 0;
  for (const auto& p : parts) total += p.size() + 10;
  w.data().reserve(w.size() + total);
  for (auto& p : parts) {
    w.varint(p.size());
    w.bytes(p.data().data(), p.size());
    p = BinaryWriter();
  }
}

std::vector<Genome> decode_genomes(BinaryReader& r, const char* what, ThreadPool* pool) {
  const std::string w = what;
  const size_t at = r.position();
  const size_t g_count = r.count((w + " genome count").c_str(), 1);
  const uint64_t chunk = r.varint((w + " chunk size").c_str());
  if (g_count > 0 && chunk == 0) r.fail_at(at, fmt::format("{}: chunk size 0 for {} genomes", w, g_count));
  const size_t chunks = g_count == 0 ? 0 : static_cast<size_t>((g_count + chunk - 1) / chunk);
  if (chunks > r.remaining()) r.fail_at(at, fmt::format("{}: {} genomes in {} chunks, but only {} bytes follow", w,
                                                        g_count, chunks, r.remaining()));
  std::vector<BinaryReader> parts;
  parts.reserve(chunks);
  for (size_t c = 0; c < chunks; ++c) parts.push_back(r.blob(fmt::format("{} chunk #{}", w, c).c_str()));
  // Each chunk holds at least 5 bytes per genome (5 columns), which bounds the allocation below.
  for (size_t c = 0; c < chunks; ++c) {
    const size_t n = std::min<size_t>(chunk, g_count - c * chunk);
    if (parts[c].remaining() < 5 * n)
      parts[c].fail_at(0, fmt::format("{} chunk #{}: {} bytes cannot hold {} genomes", w, c, parts[c].remaining(), n));
  }
  std::vector<Genome> genomes(g_count);
  auto decode_one = [&](size_t c) {
    const size_t first = c * chunk;
    decode_chunk(parts[c], genomes.data() + first, std::min<size_t>(chunk, g_count - first), first, w);
  };
  if (chunks > 1 && pool) pool->for_each(chunks, decode_one);
  else for (size_t c = 0; c < chunks; ++c) decode_one(c);
  return genomes;
}

}  // namespace ganglion
