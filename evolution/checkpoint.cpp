// Checkpoint body (format version 1; docs/checkpoint-format.md, "Body"): eight sections and three
// optional ones (TIME, RTST, METR) in a fixed order, each read with a bounds-checked reader that names the field on failure.
#include "evolution/checkpoint.hpp"

#include <algorithm>
#include <filesystem>
#include <limits>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/genome/genome_codec.hpp"
#include "core/memory.hpp"

namespace ganglion {

namespace fs = std::filesystem;

namespace {

constexpr uint32_t kMax32 = std::numeric_limits<uint32_t>::max();

uint32_t get_u32v(BinaryReader& r, const char* what) { return static_cast<uint32_t>(r.varint_max(what, kMax32)); }

void put_species_stats(BinaryWriter& w, const std::vector<SpeciesStats>& v) {
  w.varint(v.size());
  for (const auto& s : v) {
    w.varint(s.id);
    w.varint(s.size);
    w.f64(s.best_fitness);
    w.varint(s.age);
    w.varint(s.stagnation);
  }
}

std::vector<SpeciesStats> get_species_stats(BinaryReader& r) {
  std::vector<SpeciesStats> v(r.count("species statistics count", 12));
  for (auto& s : v) {
    s.id = get_u32v(r, "species statistics id");
    s.size = get_u32v(r, "species statistics size");
    s.best_fitness = r.f64("species statistics best fitness");
    s.age = get_u32v(r, "species statistics age");
    s.stagnation = get_u32v(r, "species statistics stagnation");
  }
  return v;
}

void put_stats(BinaryWriter& w, const GenerationStats& s) {
  w.varint(s.generation);
  w.varint(s.evaluations);
  w.f64(s.best_fitness);
  w.f64(s.mean_fitness);
  w.f64(s.median_fitness);
  w.f64(s.best_ever_fitness);
  put_species_stats(w, s.species);
  w.f64(s.mean_nodes);
  w.f64(s.mean_connections);
  w.varint(s.best_nodes);
  w.varint(s.best_connections);
  w.varint(s.best_genome_id);
  w.f64(s.compatibility_threshold);
  w.boolean(s.solved);
  w.varint(s.invalid_fitness);
#define GANGLION_HIST_TIME(name, in_hist) \
  if (in_hist) w.f64(s.time_##name);
  GANGLION_GENERATION_TIMES(GANGLION_HIST_TIME)
#undef GANGLION_HIST_TIME
}

// The TIME section: the time_ fields HIST lacks, by name, so that later fields need no new format.
// A reader skips names it does not know; a checkpoint without the section has them all 0.
struct ExtraTime {
  const char* name;
  double GenerationStats::*field;
};
std::vector<ExtraTime> extra_times() {
  std::vector<ExtraTime> v;
#define GANGLION_EXTRA_TIME(name, in_hist) \
  if (!(in_hist)) v.push_back(ExtraTime{#name, &GenerationStats::time_##name});
  GANGLION_GENERATION_TIMES(GANGLION_EXTRA_TIME)
#undef GANGLION_EXTRA_TIME
  return v;
}

void put_times(BinaryWriter& w, const std::vector<GenerationStats>& history) {
  const auto extra = extra_times();
  w.varint(extra.size());
  for (const auto& e : extra) w.string(e.name);
  for (const auto& s : history)
    for (const auto& e : extra) w.f64(s.*(e.field));
}

void get_times(BinaryReader& r, std::vector<GenerationStats>& history) {
  const auto extra = extra_times();
  std::vector<double GenerationStats::*> fields(r.count("time field count"));
  for (auto& f : fields) {
    const std::string name = r.string("time field name", 256);
    f = nullptr;
    for (const auto& e : extra)
      if (name == e.name) f = e.field;
  }
  for (auto& s : history)
    for (auto f : fields) {
      const double v = r.f64("time field value");
      if (f) s.*f = v;
    }
}

void put_retest(BinaryWriter& w, const std::optional<GenomeRetest>& t) {
  w.boolean(t.has_value());
  if (!t) return;
  w.varint(t->episodes);
  w.varint(t->generation);
  w.f64(t->fitness);
}

std::optional<GenomeRetest> get_retest(BinaryReader& r, const char* what) {
  if (!r.boolean(what)) return std::nullopt;
  GenomeRetest t;
  t.episodes = get_u32v(r, "re-test episodes");
  t.generation = get_u32v(r, "re-test generation");
  t.fitness = r.f64("re-test fitness");
  return t;
}

// The METR section: each HIST entry's best_loss and best_accuracy, present or not. Written only
// when some generation has one (a task that measures nothing leaves the checkpoint as it was).
bool any_metrics(const std::vector<GenerationStats>& history) {
  for (const auto& s : history)
    if (s.best_loss || s.best_accuracy) return true;
  return false;
}

void put_metrics(BinaryWriter& w, const std::vector<GenerationStats>& history) {
  w.varint(history.size());
  for (const auto& s : history) {
    w.varint((s.best_loss ? 1u : 0u) | (s.best_accuracy ? 2u : 0u));
    if (s.best_loss) w.f64(*s.best_loss);
    if (s.best_accuracy) w.f64(*s.best_accuracy);
  }
}

void get_metrics(BinaryReader& r, std::vector<GenerationStats>& history) {
  const size_t at = r.position();
  const uint64_t count = r.varint("metrics count");
  if (count != history.size())
    r.fail_at(at, fmt::format("metrics for {} generations, but HIST holds {}", count, history.size()));
  for (auto& s : history) {
    const size_t flags_at = r.position();
    const uint64_t flags = r.varint("metrics flags");
    if (flags > 3) r.fail_at(flags_at, fmt::format("metrics flags {}: only 0 to 3 (bit 0: loss, bit 1: accuracy)", flags));
    if (flags & 1u) s.best_loss = r.f64("best loss");
    if (flags & 2u) s.best_accuracy = r.f64("best accuracy");
  }
}

GenerationStats get_stats(BinaryReader& r) {
  GenerationStats s;
  s.generation = get_u32v(r, "statistics generation");
  s.evaluations = r.varint("statistics evaluations");
  s.best_fitness = r.f64("statistics best fitness");
  s.mean_fitness = r.f64("statistics mean fitness");
  s.median_fitness = r.f64("statistics median fitness");
  s.best_ever_fitness = r.f64("statistics best-ever fitness");
  s.species = get_species_stats(r);
  s.mean_nodes = r.f64("statistics mean nodes");
  s.mean_connections = r.f64("statistics mean connections");
  s.best_nodes = get_u32v(r, "statistics best nodes");
  s.best_connections = get_u32v(r, "statistics best connections");
  s.best_genome_id = r.varint("statistics best genome id");
  s.compatibility_threshold = r.f64("statistics compatibility threshold");
  s.solved = r.boolean("statistics solved flag");
  s.invalid_fitness = get_u32v(r, "statistics invalid fitness count");
#define GANGLION_HIST_TIME(name, in_hist) \
  if (in_hist) s.time_##name = r.f64("statistics time_" #name);
  GANGLION_GENERATION_TIMES(GANGLION_HIST_TIME)
#undef GANGLION_HIST_TIME
  return s;
}

}  // namespace

Bytes encode_checkpoint(const EvolutionState& st, const CheckpointInfo& c, ThreadPool* pool) {
  BinaryWriter w;
  size_t s = w.begin_section("RUN ");
  w.boolean(c.needs_reproduce);
  w.string(c.stop_reason);
  w.string(c.task_state);
  w.end_section(s);

  s = w.begin_section("CONF");
  w.string(c.config_yaml);
  w.end_section(s);

  s = w.begin_section("STAT");
  w.varint(st.generation);
  w.varint(st.evaluations);
  w.varint(st.next_genome_id);
  w.varint(st.next_species_id);
  w.f64(st.compatibility_threshold);
  w.boolean(st.has_best);
  w.boolean(st.solved);
  w.varint(st.restarts);
  w.end_section(s);

  s = w.begin_section("GENS");
  encode_genomes(w, st.genomes, pool);
  w.end_section(s);

  s = w.begin_section("SPEC");
  w.varint(st.species.size());
  std::vector<Genome> reps;
  reps.reserve(st.species.size());
  for (const auto& sp : st.species) {
    w.varint(sp.id);
    w.varint(sp.created);
    w.varint(sp.last_improved);
    w.f64(sp.best_score);
    w.boolean(sp.has_best);
    w.varint(sp.members.size());
    uint32_t prev = 0;
    for (uint32_t m : sp.members) {  // ascending: deltas are small
      w.svarint(static_cast<int64_t>(m) - prev);
      prev = m;
    }
    reps.push_back(sp.representative);
  }
  encode_genomes(w, reps);
  w.end_section(s);

  s = w.begin_section("INNO");
  const InnovationHistory& h = st.innovations;
  w.svarint(h.next_innovation);
  w.svarint(h.next_node_id);
  w.varint(h.connections.size());
  for (const auto& [key, inn] : h.connections) {
    w.svarint(key.first);
    w.svarint(key.second);
    w.svarint(inn);
  }
  w.varint(h.splits.size());
  for (const auto& [inn, rec] : h.splits) {
    w.svarint(inn);
    w.svarint(rec.node);
    w.svarint(rec.in_innovation);
    w.svarint(rec.out_innovation);
  }
  w.end_section(s);

  s = w.begin_section("BEST");
  encode_genomes(w, {st.best, st.solution});
  w.end_section(s);

  s = w.begin_section("HIST");
  w.varint(st.history.size());
  for (const auto& g : st.history) put_stats(w, g);
  w.end_section(s);

  s = w.begin_section("TIME");
  put_times(w, st.history);
  w.end_section(s);

  // Only runs that re-test their champion write RTST, so other checkpoints keep their bytes.
  const bool retests = st.best_retest || st.solution_retest ||
                       std::any_of(st.history.begin(), st.history.end(),
                                   [](const GenerationStats& g) { return g.retest_fitness.has_value(); });
  if (retests) {
    s = w.begin_section("RTST");
    put_retest(w, st.best_retest);
    put_retest(w, st.solution_retest);
    w.varint(st.history.size());
    for (const auto& g : st.history) {
      w.boolean(g.retest_fitness.has_value());
      if (g.retest_fitness) w.f64(*g.retest_fitness);
    }
    w.end_section(s);
  }
  if (any_metrics(st.history)) {
    s = w.begin_section("METR");
    put_metrics(w, st.history);
    w.end_section(s);
  }
  return w.take();
}

Checkpoint decode_checkpoint(const Bytes& body, const std::string& origin, ThreadPool* pool) {
  Checkpoint checkpoint;
  EvolutionState& st = checkpoint.state;
  CheckpointInfo& c = checkpoint.info;
  BinaryReader r(body.data(), body.size(), origin);
  if (r.next_section_is("ISLS")) {
    const IslandsCheckpoint whole = decode_islands_checkpoint(body, origin);
    throw CheckpointError(fmt::format("{}: the checkpoint of an islands run ({} islands, {} generation(s) evaluated); "
                                      "resume its run folder with `mpirun -np {} ganglion resume RUN_DIR`",
                                      origin, whole.islands.size(), whole.completed, whole.islands.size()));
  }

  BinaryReader run = r.section("RUN ");
  c.needs_reproduce = run.boolean("needs-reproduce flag");
  c.stop_reason = run.string("stop reason", 1024);
  c.task_state = run.string("task state");
  run.expect_end("section RUN");

  BinaryReader conf = r.section("CONF");
  c.config_yaml = conf.string("effective config");
  conf.expect_end("section CONF");

  BinaryReader stat = r.section("STAT");
  st.generation = get_u32v(stat, "generation");
  st.evaluations = stat.varint("evaluations");
  st.next_genome_id = stat.varint("next genome id");
  st.next_species_id = get_u32v(stat, "next species id");
  st.compatibility_threshold = stat.f64("compatibility threshold");
  st.has_best = stat.boolean("has-best flag");
  st.solved = stat.boolean("solved flag");
  st.restarts = stat.varint("restarts");
  stat.expect_end("section STAT");

  BinaryReader gens = r.section("GENS");
  st.genomes = decode_genomes(gens, "population", pool);
  gens.expect_end("section GENS");

  BinaryReader spec = r.section("SPEC");
  st.species.resize(spec.count("species count", 14));
  uint32_t prev_id = 0;
  for (size_t i = 0; i < st.species.size(); ++i) {
    Species& sp = st.species[i];
    size_t at = spec.position();
    sp.id = get_u32v(spec, "species id");
    if (i > 0 && sp.id <= prev_id)
      spec.fail_at(at, fmt::format("species ids must ascend, but species #{} has id {} after id {}", i, sp.id, prev_id));
    prev_id = sp.id;
    sp.created = get_u32v(spec, "species creation generation");
    sp.last_improved = get_u32v(spec, "species last-improved generation");
    sp.best_score = spec.f64("species best score");
    sp.has_best = spec.boolean("species has-best flag");
    sp.members.resize(spec.count("species member count"));
    int64_t m = 0;
    for (size_t k = 0; k < sp.members.size(); ++k) {
      at = spec.position();
      m += spec.svarint("species member index");
      if (m < 0 || static_cast<uint64_t>(m) >= st.genomes.size() || (k > 0 && static_cast<uint32_t>(m) <= sp.members[k - 1]))
        spec.fail_at(at, fmt::format("species {} member #{} is genome index {}, but indices must ascend and lie in "
                                     "[0, {})", sp.id, k, m, st.genomes.size()));
      sp.members[k] = static_cast<uint32_t>(m);
    }
  }
  {
    auto reps = decode_genomes(spec, "species representatives");
    if (reps.size() != st.species.size())
      spec.fail(fmt::format("species representatives: {} for {} species", reps.size(), st.species.size()));
    for (size_t i = 0; i < reps.size(); ++i) st.species[i].representative = std::move(reps[i]);
  }
  spec.expect_end("section SPEC");

  BinaryReader inno = r.section("INNO");
  InnovationHistory& h = st.innovations;
  h.next_innovation = inno.svarint("next innovation number");
  int64_t nn = inno.svarint("next node id");
  if (nn < std::numeric_limits<int32_t>::min() || nn > std::numeric_limits<int32_t>::max())
    inno.fail(fmt::format("next node id: {} is outside 32 bits", nn));
  h.next_node_id = static_cast<int32_t>(nn);
  auto node_id = [&](const char* what) {
    int64_t v = inno.svarint(what);
    if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max())
      inno.fail(fmt::format("{}: {} is outside 32 bits", what, v));
    return static_cast<int32_t>(v);
  };
  size_t nconn = inno.count("innovation connection count", 3);
  for (size_t i = 0; i < nconn; ++i) {
    int32_t s = node_id("innovation source node");
    int32_t t = node_id("innovation target node");
    h.connections.emplace_hint(h.connections.end(), std::make_pair(s, t), inno.svarint("connection innovation"));
  }
  size_t nsplit = inno.count("innovation split count", 4);
  for (size_t i = 0; i < nsplit; ++i) {
    int64_t inn = inno.svarint("split connection innovation");
    SplitRecord rec;
    rec.node = node_id("split node id");
    rec.in_innovation = inno.svarint("split in-innovation");
    rec.out_innovation = inno.svarint("split out-innovation");
    h.splits.emplace_hint(h.splits.end(), inn, rec);
  }
  inno.expect_end("section INNO");

  BinaryReader best = r.section("BEST");
  auto two = decode_genomes(best, "best genomes");
  if (two.size() != 2) best.fail(fmt::format("best genomes: {} instead of 2 (best, solution)", two.size()));
  st.best = std::move(two[0]);
  st.solution = std::move(two[1]);
  best.expect_end("section BEST");

  BinaryReader hist = r.section("HIST");
  st.history.resize(hist.count("history length", 90));
  for (auto& g : st.history) g = get_stats(hist);
  hist.expect_end("section HIST");

  if (r.remaining() > 0) {  // optional: checkpoints written before it existed end with HIST
    BinaryReader time = r.section("TIME");
    get_times(time, st.history);
    time.expect_end("section TIME");
  }
  if (r.next_section_is("RTST")) {  // optional: only runs that re-test their champion write it
    BinaryReader rt = r.section("RTST");
    st.best_retest = get_retest(rt, "best genome's re-test");
    st.solution_retest = get_retest(rt, "solution's re-test");
    const size_t count = rt.count("re-test history length", 1);
    if (count != st.history.size())
      rt.fail(fmt::format("re-test history length: {} entries for {} generations of history", count,
                          st.history.size()));
    for (auto& g : st.history)
      if (rt.boolean("re-test flag")) g.retest_fitness = rt.f64("re-test fitness");
    rt.expect_end("section RTST");
  }
  if (r.next_section_is("METR")) {  // optional: only when a generation has a loss or an accuracy
    BinaryReader metrics = r.section("METR");
    get_metrics(metrics, st.history);
    metrics.expect_end("section METR");
  }
  r.expect_end("the last section (TIME, RTST or METR)");
  return checkpoint;
}

void check_checkpoint_matches_config(const Checkpoint& checkpoint, const Config& config, const std::string& file) {
  const EvolutionState& st = checkpoint.state;
  if (st.genomes.size() != config.population_size)
    throw CheckpointError(fmt::format("{}: the checkpoint holds a population of {} genomes, but its config has "
                                      "population_size: {}", file, st.genomes.size(), config.population_size));
  const GenomeConfig& gc = config.genome;
  auto check = [&](const Genome& g, const std::string& which) {
    uint32_t inputs = 0, outputs = 0, biases = 0;
    for (const NodeGene& n : g.nodes) {
      inputs += n.kind == NodeKind::Input;
      outputs += n.kind == NodeKind::Output;
      biases += n.kind == NodeKind::Bias;
    }
    auto refuse = [&](uint32_t have, const char* kind, const std::string& key_value, uint32_t want) {
      throw CheckpointError(fmt::format("{}: {} (genome id {}) has {} {} node(s), but the checkpoint's config has {} "
                                        "({} expected)", file, which, g.id, have, kind, key_value, want));
    };
    if (inputs != gc.num_inputs) refuse(inputs, "input", fmt::format("genome.num_inputs: {}", gc.num_inputs), gc.num_inputs);
    if (outputs != gc.num_outputs)
      refuse(outputs, "output", fmt::format("genome.num_outputs: {}", gc.num_outputs), gc.num_outputs);
    const uint32_t want_bias = gc.bias_node ? 1 : 0;
    if (biases != want_bias)
      refuse(biases, "bias", fmt::format("genome.bias_node: {}", gc.bias_node ? "true" : "false"), want_bias);
  };
  for (size_t i = 0; i < st.genomes.size(); ++i) check(st.genomes[i], fmt::format("population genome #{}", i));
  for (const Species& sp : st.species) check(sp.representative, fmt::format("the representative of species {}", sp.id));
  if (st.has_best) check(st.best, "the best genome");
  if (st.solved) check(st.solution, "the solution");
}

void save_checkpoint(const std::string& path, const EvolutionState& state, const CheckpointInfo& info,
                     const ContainerOptions& options) {
  write_container_file(path, encode_checkpoint(state, info, options.pool), options);
}

Bytes encode_islands_checkpoint(const IslandsCheckpoint& checkpoint) {
  BinaryWriter w;
  const size_t token = w.begin_section("ISLS");
  w.string(checkpoint.run_id);
  w.varint(checkpoint.completed);
  w.varint(checkpoint.islands.size());
  for (const Bytes& island : checkpoint.islands) {
    w.varint(island.size());
    w.bytes(island.data(), island.size());
  }
  w.end_section(token);
  return w.take();
}

bool is_islands_checkpoint(const Bytes& body) {
  return BinaryReader(body.data(), body.size(), "").next_section_is("ISLS");
}

IslandsCheckpoint decode_islands_checkpoint(const Bytes& body, const std::string& origin) {
  BinaryReader r(body.data(), body.size(), origin);
  BinaryReader s = r.section("ISLS");
  IslandsCheckpoint out;
  out.run_id = s.string("islands run id", 64);
  out.completed = uint32_t(s.varint_max("generations evaluated", std::numeric_limits<uint32_t>::max()));
  const size_t islands = s.count("number of islands", kCheckpointHeaderSize);
  if (islands == 0) s.fail("an islands checkpoint of no island");
  for (size_t i = 0; i < islands; ++i) {
    const size_t n = size_t(s.varint_max("island checkpoint size", s.remaining()));
    const uint8_t* p = s.raw(n, "island checkpoint");
    out.islands.emplace_back(p, p + n);
  }
  s.expect_end("section ISLS");
  r.expect_end("islands checkpoint");
  return out;
}

Checkpoint island_checkpoint(const Bytes& island_file, const std::string& origin, int island, ThreadPool* pool) {
  const std::string where = fmt::format("{} (island {})", origin, island);
  const Bytes body = decode_container(island_file.data(), island_file.size(), where, nullptr, pool);
  if (is_islands_checkpoint(body)) throw CheckpointError(where + ": an islands checkpoint inside an islands checkpoint");
  return decode_checkpoint(body, where, pool);
}

Checkpoint load_checkpoint(const std::string& path, CheckpointHeader* header, ThreadPool* pool) {
  Bytes body = read_container_file(path, header, pool);
  try {
    return decode_checkpoint(body, path, pool);
  } catch (const std::bad_alloc&) {
    // Every count in the body is checked against the bytes that follow it, so this is a body that
    // is valid but too large for the memory left.
    throw CheckpointError(fmt::format("{}: out of memory while decoding the {}-byte ({}) body", path, body.size(),
                                      memory_text(body.size())));
  }
}

std::string find_checkpoint(const std::string& p) {
  std::error_code ec;
  if (!fs::exists(p, ec)) throw CheckpointError(fmt::format("{}: no such file or folder (expected a run folder or a "
                                                            "checkpoint file)", p));
  if (!fs::is_directory(p, ec)) return p;
  fs::path dir = fs::path(p) / "checkpoints";
  if (!fs::is_directory(dir, ec)) dir = p;
  auto files = list_checkpoints(dir.string());
  if (files.empty())
    throw CheckpointError(fmt::format("{}: no checkpoints (files ckpt-<generation>.gck) in {}: is it a run folder? (a run "
                                      "writes its first checkpoint when it starts)", p, dir.string()));
  return files.back().path;
}

std::string run_folder_of_checkpoint(const std::string& checkpoint_path) {
  fs::path parent = fs::absolute(checkpoint_path).parent_path();
  if (parent.filename() == "checkpoints") return parent.parent_path().string();
  return parent.string();
}

// ------------------------------------------------------------------------ CheckpointWriter
CheckpointWriter::CheckpointWriter(CheckpointSink sink, const Config& config, const Task* task, ThreadPool* pool)
    : sink_(std::move(sink)),
      config_yaml_(config_to_yaml(config)),
      task_(task),
      pool_(pool),
      every_(config.checkpoint.every),
      seconds_(config.checkpoint.seconds),
      keep_(config.checkpoint.keep) {}

CheckpointWriter::CheckpointWriter(std::string run_dir, const Config& config, const Task* task, ThreadPool* pool)
    : CheckpointWriter(CheckpointSink{}, config, task, pool) {
  dir_ = (fs::path(run_dir) / "checkpoints").string();
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw CheckpointError(fmt::format("{}: cannot create the checkpoints folder: {}", dir_, ec.message()));
}

void CheckpointWriter::write(const EvolutionState& state, bool needs_reproduce, StopReason reason) {
  const uint32_t n = needs_reproduce ? state.generation + 1 : state.generation;
  if (static_cast<int64_t>(n) == last_completed_) return;  // this point of the run is saved already
  CheckpointInfo info;
  info.needs_reproduce = needs_reproduce;
  info.config_yaml = config_yaml_;
  if (task_) info.task_state = task_->save_state();
  info.stop_reason = reason == StopReason::None ? "" : stop_reason_name(reason);
  ContainerOptions options;
  options.pool = pool_;
  if (sink_.take) {
    sink_.take(n, encode_container(encode_checkpoint(state, info, pool_), options));
    last_completed_ = n;
    last_time_ = std::chrono::steady_clock::now();
    return;
  }
  std::string path = (fs::path(dir_) / checkpoint_file_name(n)).string();
  save_checkpoint(path, state, info, options);
  rotate_checkpoints(dir_, keep_);
  last_completed_ = n;
  last_path_ = path;
  last_time_ = std::chrono::steady_clock::now();
  spdlog::debug("checkpoint {}", path);
}

void CheckpointWriter::on_start(const EvolutionState& state) {
  // A new run: its first generation, so a run killed before any other checkpoint still resumes
  // (from the start, exactly). A resumed run starts from a checkpoint that exists already.
  if (state.history.empty()) write(state, false, StopReason::None);
  last_time_ = std::chrono::steady_clock::now();
}

void CheckpointWriter::on_generation(const GenerationStats& stats, const EvolutionState& state, StopReason reason) {
  (void)stats;
  // Mid-run checkpoints are taken when the state already holds the next generation.
  if (reason != StopReason::None) return;
  const bool by_count = every_ > 0 && state.generation % every_ == 0;
  const bool by_time =
      sink_.take ? sink_.due_by_time && sink_.due_by_time()
                 : seconds_ > 0 &&
                       std::chrono::duration<double>(std::chrono::steady_clock::now() - last_time_).count() >= seconds_;
  if (by_count || by_time) write(state, false, reason);
}

void CheckpointWriter::on_finish(const EvolutionState& state, StopReason reason) {
  // Interrupted or AllInvalid: the state is the next, unevaluated generation. Otherwise the state
  // is the final evaluated one.
  write(state, !stop_leaves_unevaluated(reason), reason);
}

}  // namespace ganglion
