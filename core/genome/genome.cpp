// Genome helpers and the JSON genome format (format_version 1). Loading never trusts its input:
// every field is type-checked and the result goes through validate_genome(), so a bad file ends in
// a GenomeError naming the file, the genome and the gene, never in a crash.
#include "core/io/read_file.hpp"
#include "core/genome/genome.hpp"
#include "core/io/checkpoint_io.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <new>
#include <set>
#include <sstream>
#include <tuple>

#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace ganglion {

namespace {
constexpr int kFormatVersion = 1;

using nlohmann::json;

std::string where(const std::string& origin, uint64_t genome_id) {
  return origin + ": genome " + std::to_string(genome_id);
}

NodeKind parse_node_kind(const std::string& s, const std::string& place) {
  if (s == "input") return NodeKind::Input;
  if (s == "bias") return NodeKind::Bias;
  if (s == "hidden") return NodeKind::Hidden;
  if (s == "output") return NodeKind::Output;
  throw GenomeError(place + ": unknown node kind \"" + s + "\" (valid: input, bias, hidden, output)");
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out;
}

// Reads `key` of object `j` as T, with an error naming the place and the expected type.
template <typename T>
T field(const json& j, const char* key, const std::string& place, const char* type_name) {
  auto it = j.find(key);
  if (it == j.end()) throw GenomeError(place + ": missing field \"" + key + "\"");
  try {
    return it->template get<T>();
  } catch (const json::exception&) {
    throw GenomeError(place + ": field \"" + key + "\" must be " + type_name + ", got " + it->dump());
  }
}

// Integers are checked for type and range: nlohmann would silently truncate 1.5 or 2^40.
template <typename T>
T integer_field(const json& j, const char* key, const std::string& place) {
  auto it = j.find(key);
  if (it == j.end()) throw GenomeError(place + ": missing field \"" + key + "\"");
  bool ok = false;
  if (it->is_number_unsigned()) {
    ok = it->get<uint64_t>() <= uint64_t(std::numeric_limits<T>::max());
  } else if (it->is_number_integer()) {
    int64_t v = it->get<int64_t>();
    ok = std::numeric_limits<T>::is_signed ? (v >= int64_t(std::numeric_limits<T>::min()) &&
                                              (v < 0 || uint64_t(v) <= uint64_t(std::numeric_limits<T>::max())))
                                           : v >= 0;
  }
  if (!ok)
    throw GenomeError(place + ": field \"" + key + "\" must be an integer in [" +
                      std::to_string(std::numeric_limits<T>::min()) + ", " +
                      std::to_string(std::numeric_limits<T>::max()) + "], got " + it->dump());
  return it->get<T>();
}

template <typename T>
T field_or(const json& j, const char* key, const std::string& place, const char* type_name, T fallback) {
  if (!j.contains(key)) return fallback;
  return field<T>(j, key, place, type_name);
}

// JSON has no NaN/Inf literals; nlohmann writes them as null. We reject non-finite values before
// writing, so a saved genome always loads back.
float number_field(const json& j, const char* key, const std::string& place, float fallback, bool required) {
  auto it = j.find(key);
  if (it == j.end()) {
    if (required) throw GenomeError(place + ": missing field \"" + key + "\"");
    return fallback;
  }
  if (!it->is_number())
    throw GenomeError(place + ": field \"" + key + "\" must be a finite number, got " + it->dump());
  double v = it->get<double>();
  if (!std::isfinite(v) || std::fabs(v) > 3.4028234663852886e38)
    throw GenomeError(place + ": field \"" + key + "\" must be a finite float, got " + it->dump());
  return float(v);
}
}  // namespace

void Genome::sort() {
  std::stable_sort(nodes.begin(), nodes.end(), [](const NodeGene& a, const NodeGene& b) { return a.id < b.id; });
  std::stable_sort(connections.begin(), connections.end(),
                   [](const ConnectionGene& a, const ConnectionGene& b) { return a.innovation < b.innovation; });
}

const NodeGene* Genome::find_node(int32_t node_id) const {
  auto it = std::lower_bound(nodes.begin(), nodes.end(), node_id,
                             [](const NodeGene& n, int32_t v) { return n.id < v; });
  return (it != nodes.end() && it->id == node_id) ? &*it : nullptr;
}

uint32_t Genome::count(NodeKind kind) const {
  return uint32_t(std::count_if(nodes.begin(), nodes.end(), [kind](const NodeGene& n) { return n.kind == kind; }));
}

uint32_t Genome::enabled_connections() const {
  return uint32_t(std::count_if(connections.begin(), connections.end(), [](const ConnectionGene& c) { return c.enabled; }));
}

std::string_view node_kind_name(NodeKind k) {
  switch (k) {
    case NodeKind::Input: return "input";
    case NodeKind::Bias: return "bias";
    case NodeKind::Hidden: return "hidden";
    case NodeKind::Output: return "output";
  }
  return "unknown";
}

void validate_genome(const Genome& g, const std::string& origin) {
  const std::string at = where(origin, g.id);
  // Node ids: unique. Work on a sorted copy of the ids so unsorted genomes are checked too.
  std::vector<std::pair<int32_t, size_t>> ids;
  ids.reserve(g.nodes.size());
  for (size_t i = 0; i < g.nodes.size(); ++i) ids.emplace_back(g.nodes[i].id, i);
  std::sort(ids.begin(), ids.end());
  for (size_t i = 1; i < ids.size(); ++i)
    if (ids[i].first == ids[i - 1].first)
      throw GenomeError(at + ": duplicate node id " + std::to_string(ids[i].first) + " (node ids must be unique)");
  for (const NodeGene& n : g.nodes) {
    const std::string place = at + ", node " + std::to_string(n.id);
    if (static_cast<size_t>(n.kind) > static_cast<size_t>(NodeKind::Output))
      throw GenomeError(place + ": invalid node kind (valid: input, bias, hidden, output)");
    if (static_cast<size_t>(n.activation) >= static_cast<size_t>(Activation::Count))
      throw GenomeError(place + ": invalid activation (valid: " + join(activation_names()) + ")");
    if (static_cast<size_t>(n.aggregation) >= static_cast<size_t>(Aggregation::Count))
      throw GenomeError(place + ": invalid aggregation (valid: " + join(aggregation_names()) + ")");
    if (!std::isfinite(n.bias)) throw GenomeError(place + ": bias is not finite (NaN or Inf)");
    if (!std::isfinite(n.response)) throw GenomeError(place + ": response is not finite (NaN or Inf)");
  }
  for (NodeKind k : {NodeKind::Input, NodeKind::Output})
    if (g.count(k) == 0)
      throw GenomeError(at + ": no " + std::string(node_kind_name(k)) +
                        " node; a genome needs at least one input and one output node");
  auto kind_of = [&](int32_t id) -> const NodeGene* {
    auto it = std::lower_bound(ids.begin(), ids.end(), std::make_pair(id, size_t(0)));
    return (it != ids.end() && it->first == id) ? &g.nodes[it->second] : nullptr;
  };
  for (const ConnectionGene& c : g.connections) {
    const std::string place = at + ", connection " + std::to_string(c.innovation) + " (" +
                              std::to_string(c.source) + " -> " + std::to_string(c.target) + ")";
    if (!kind_of(c.source)) throw GenomeError(place + ": source node " + std::to_string(c.source) + " does not exist");
    const NodeGene* t = kind_of(c.target);
    if (!t) throw GenomeError(place + ": target node " + std::to_string(c.target) + " does not exist");
    if (t->kind == NodeKind::Input || t->kind == NodeKind::Bias)
      throw GenomeError(place + ": target node " + std::to_string(c.target) + " is an " +
                        std::string(node_kind_name(t->kind)) + " node; connections may only enter hidden and output nodes");
    if (!std::isfinite(c.weight)) throw GenomeError(place + ": weight is not finite (NaN or Inf)");
  }
  // One gene per edge and one edge per innovation number: two genes for one edge would be summed
  // twice by the network and crossed over as strangers; one innovation number on two edges would
  // make crossover align genes that are not the same. Checked on sorted copies, as above.
  auto edge_text = [](const ConnectionGene& c) {
    return std::to_string(c.source) + " -> " + std::to_string(c.target);
  };
  std::vector<size_t> order(g.connections.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto by_edge = [&](size_t a, size_t b) {
    const ConnectionGene &x = g.connections[a], &y = g.connections[b];
    return std::tie(x.source, x.target, x.innovation) < std::tie(y.source, y.target, y.innovation);
  };
  std::sort(order.begin(), order.end(), by_edge);
  for (size_t i = 1; i < order.size(); ++i) {
    const ConnectionGene &a = g.connections[order[i - 1]], &b = g.connections[order[i]];
    if (a.source == b.source && a.target == b.target)
      throw GenomeError(at + ", connection " + std::to_string(b.innovation) + " (" + edge_text(b) +
                        "): duplicates connection " + std::to_string(a.innovation) + " (" + edge_text(a) +
                        "); each (source, target) pair may appear once");
  }
  auto by_innovation = [&](size_t a, size_t b) {
    return std::tie(g.connections[a].innovation, a) < std::tie(g.connections[b].innovation, b);
  };
  std::sort(order.begin(), order.end(), by_innovation);
  for (size_t i = 1; i < order.size(); ++i) {
    const ConnectionGene &a = g.connections[order[i - 1]], &b = g.connections[order[i]];
    if (a.innovation == b.innovation)
      throw GenomeError(at + ": innovation number " + std::to_string(a.innovation) + " is on two edges, " +
                        edge_text(a) + " and " + edge_text(b) + "; an innovation number names one edge");
  }
}

std::string genome_to_json(const Genome& g, int indent, const GenomeRetest* retest) {
  validate_genome(g, "<genome_to_json>");  // never write a file that would not load back
  json j;
  j["format_version"] = kFormatVersion;
  j["id"] = g.id;
  j["fitness"] = std::isfinite(g.fitness) ? json(g.fitness) : json(nullptr);
  json nodes = json::array();
  for (const NodeGene& n : g.nodes) {
    nodes.push_back({{"id", n.id},
                     {"kind", std::string(node_kind_name(n.kind))},
                     {"activation", std::string(activation_name(n.activation))},
                     {"aggregation", std::string(aggregation_name(n.aggregation))},
                     {"bias", n.bias},
                     {"response", n.response}});
  }
  j["nodes"] = std::move(nodes);
  json conns = json::array();
  for (const ConnectionGene& c : g.connections) {
    conns.push_back({{"innovation", c.innovation},
                     {"source", c.source},
                     {"target", c.target},
                     {"weight", c.weight},
                     {"enabled", c.enabled}});
  }
  j["connections"] = std::move(conns);
  if (retest)
    j["retest"] = {{"episodes", retest->episodes},
                   {"fitness", std::isfinite(retest->fitness) ? json(retest->fitness) : json(nullptr)},
                   {"generation", retest->generation}};
  return j.dump(indent);
}

namespace {
Genome genome_from_parsed(const json& j, const std::string& origin, std::optional<GenomeRetest>* retest);
}

namespace {

// JSON allows a key twice in one object and nlohmann keeps the last; a genome file must not, as
// which of two weights was meant cannot be known. A SAX pass before the real parse sees every key
// as it is read, with the path to it ("nodes[3].weight") kept on a stack of open objects and
// arrays. (nlohmann's parse callback could do the same, but its parser rescans an array at every
// object's end: quadratic in the number of genes.) Syntax errors are left to the real parse,
// which words them.
class DuplicateKeys : public nlohmann::json_sax<json> {
 public:
  explicit DuplicateKeys(const std::string& origin) : origin_(origin) {}

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool string(string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override { return open(false); }
  bool start_array(std::size_t) override { return open(true); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    Open& o = open_.back();
    o.key = k;
    if (!o.keys.insert(k).second)
      throw GenomeError(origin_ + ": " + (path().empty() ? std::string("the top level") : path()) +
                        ": duplicate key \"" + k + "\" (each key may appear once in an object)");
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  struct Open {
    bool array;
    std::string label;  // "[3]" or ".nodes" (or "nodes" at the top): how the path reaches it
    std::string key;    // objects: the key being read
    std::set<std::string> keys;
    size_t next = 0;    // arrays: the index of the next element
  };

  // The label of the element that starts now, counting it in its array.
  std::string element_label() {
    if (open_.empty()) return "";
    Open& o = open_.back();
    if (o.array) return "[" + std::to_string(o.next++) + "]";
    return open_.size() == 1 ? o.key : "." + o.key;
  }
  bool value() {
    if (!open_.empty() && open_.back().array) ++open_.back().next;
    return true;
  }
  bool open(bool array) {
    open_.push_back(Open{array, element_label(), {}, {}});
    return true;
  }
  bool close() {
    open_.pop_back();
    return true;
  }

  std::string path() const {
    std::string p;
    for (const Open& o : open_) p += o.label;
    return p;
  }

  const std::string& origin_;
  std::vector<Open> open_;
};

// The keys an object of the genome format may have; anything else is a typo or another format.
void refuse_unknown_keys(const json& j, std::initializer_list<const char*> known, const std::string& place) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool ok = false;
    for (const char* k : known) ok = ok || it.key() == k;
    if (ok) continue;
    std::string valid;
    for (const char* k : known) valid += (valid.empty() ? "" : ", ") + std::string(k);
    throw GenomeError(place + ": unknown key \"" + it.key() + "\" (valid: " + valid + ")");
  }
}

}  // namespace

Genome genome_from_json(const std::string& text, const std::string& origin, std::optional<GenomeRetest>* retest) {
  json j;
  try {
    DuplicateKeys keys(origin);
    json::sax_parse(text, &keys);
    j = json::parse(text);
  } catch (const json::exception& e) {  // parse errors and number overflow (1e999)
    throw GenomeError(origin + ": not valid JSON: " + e.what());
  }
  try {
    return genome_from_parsed(j, origin, retest);
  } catch (const json::exception& e) {  // a field check we missed must still name the file
    throw GenomeError(origin + ": malformed genome: " + e.what());
  }
}

namespace {
Genome genome_from_parsed(const json& j, const std::string& origin, std::optional<GenomeRetest>* retest) {
  if (!j.is_object()) throw GenomeError(origin + ": a genome must be a JSON object, got " + std::string(j.type_name()));
  refuse_unknown_keys(j, {"format_version", "id", "fitness", "nodes", "connections", "retest"},
                      origin + ": the top level");
  if (retest) retest->reset();
  if (j.contains("retest")) {
    const json& r = j.at("retest");
    const std::string place = origin + ": \"retest\"";
    if (!r.is_object()) throw GenomeError(place + " must be an object {episodes, fitness, generation}");
    refuse_unknown_keys(r, {"episodes", "fitness", "generation"}, place);
    GenomeRetest t;
    t.episodes = integer_field<uint32_t>(r, "episodes", place);
    t.generation = integer_field<uint32_t>(r, "generation", place);
    if (!r.contains("fitness") || !(r.at("fitness").is_number() || r.at("fitness").is_null()))
      throw GenomeError(place + ": field \"fitness\" must be a number or null");
    t.fitness = r.at("fitness").is_null() ? std::nan("") : r.at("fitness").get<double>();
    if (retest) *retest = t;
  }
  int version = integer_field<int>(j, "format_version", origin);
  if (version != kFormatVersion)
    throw GenomeError(origin + ": format_version " + std::to_string(version) + " is not supported (valid: " +
                      std::to_string(kFormatVersion) + ")");
  Genome g;
  g.id = integer_field<uint64_t>(j, "id", origin);
  const std::string at = where(origin, g.id);
  if (j.contains("fitness") && !j.at("fitness").is_null()) {
    if (!j.at("fitness").is_number()) throw GenomeError(at + ": field \"fitness\" must be a number or null");
    g.fitness = j.at("fitness").get<double>();
    g.evaluated = true;
  }
  auto nodes_it = j.find("nodes");
  if (nodes_it == j.end() || !nodes_it->is_array()) throw GenomeError(at + ": field \"nodes\" must be an array");
  auto conns_it = j.find("connections");
  if (conns_it == j.end() || !conns_it->is_array())
    throw GenomeError(at + ": field \"connections\" must be an array");

  g.nodes.reserve(nodes_it->size());
  size_t index = 0;
  for (const json& jn : *nodes_it) {
    std::string place = at + ", nodes[" + std::to_string(index++) + "]";
    if (!jn.is_object()) throw GenomeError(place + ": must be an object");
    refuse_unknown_keys(jn, {"id", "kind", "activation", "aggregation", "bias", "response"}, place);
    NodeGene n;
    n.id = integer_field<int32_t>(jn, "id", place);
    place = at + ", node " + std::to_string(n.id);
    n.kind = parse_node_kind(field<std::string>(jn, "kind", place, "a string"), place);
    std::string act = field_or<std::string>(jn, "activation", place, "a string", "sigmoid");
    auto a = parse_activation(act);
    if (!a) throw GenomeError(place + ": unknown activation \"" + act + "\" (valid: " + join(activation_names()) + ")");
    n.activation = *a;
    std::string agg = field_or<std::string>(jn, "aggregation", place, "a string", "sum");
    auto ag = parse_aggregation(agg);
    if (!ag) throw GenomeError(place + ": unknown aggregation \"" + agg + "\" (valid: " + join(aggregation_names()) + ")");
    n.aggregation = *ag;
    n.bias = number_field(jn, "bias", place, 0.0f, false);
    n.response = number_field(jn, "response", place, 1.0f, false);
    g.nodes.push_back(n);
  }
  g.connections.reserve(conns_it->size());
  index = 0;
  for (const json& jc : *conns_it) {
    std::string place = at + ", connections[" + std::to_string(index++) + "]";
    if (!jc.is_object()) throw GenomeError(place + ": must be an object");
    refuse_unknown_keys(jc, {"innovation", "source", "target", "weight", "enabled"}, place);
    ConnectionGene c;
    c.innovation = integer_field<int64_t>(jc, "innovation", place);
    place = at + ", connection " + std::to_string(c.innovation);
    c.source = integer_field<int32_t>(jc, "source", place);
    c.target = integer_field<int32_t>(jc, "target", place);
    c.weight = number_field(jc, "weight", place, 0.0f, true);
    c.enabled = field_or<bool>(jc, "enabled", place, "true or false", true);
    g.connections.push_back(c);
  }
  g.sort();
  validate_genome(g, origin);
  return g;
}
}  // namespace

std::string genome_file_text(const Genome& g, const std::string& origin, const GenomeRetest* retest) {
  validate_genome(g, origin);
  return genome_to_json(g, 2, retest) + '\n';
}

void save_genome(const Genome& g, const std::string& path, const GenomeRetest* retest) {
  const std::string text = genome_file_text(g, path, retest);  // an error names the file being written
  try {
    write_file_atomic(path, text.data(), text.size());  // a kill mid-write leaves the old file whole
  } catch (const Error& e) {
    throw GenomeError(e.what());
  }
}

Genome load_genome(const std::string& path, std::optional<GenomeRetest>* retest) {
  const std::string text = read_regular_file_or_throw<GenomeError>(path, "genome file");
  try {
    return genome_from_json(text, path, retest);
  } catch (const std::bad_alloc&) {
    throw GenomeError(path + ": out of memory while reading the " + std::to_string(text.size()) +
                      "-byte genome file");
  }
}

}  // namespace ganglion
