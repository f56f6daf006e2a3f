// Strict YAML loading of the typed config. Everything rests on one schema table (schema()): one
// entry per key with its path, how to read and write it, its allowed range and a line of
// documentation. Loading, `--set` overrides, config_to_yaml(), config_keys() and `ganglion config
// --keys` all walk that table, so they cannot drift apart; a key added to Config is added here once.
//
// Error messages follow one shape: "<where>: <key path>: <what is wrong>; allowed: <what is valid>",
// where <where> is file:line:column (1-based, from yaml-cpp's marks) or the override text
// "--set a.b=value".
#include "core/config/config.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <set>
#include <sstream>
#include <type_traits>

#include "core/error.hpp"

#include <yaml-cpp/eventhandler.h>

namespace ganglion {
namespace {

// ---------------------------------------------------------------------------------------------
// Places and value descriptions

std::string mark_place(const std::string& origin, const YAML::Mark& mark) {
  const std::string o = origin.empty() ? std::string("config") : origin;
  if (mark.is_null()) return o;
  return o + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

// A value that does not fit its key. `what` says what is wrong; the caller adds place, key path
// and the allowed range.
struct BadValue {
  std::string what;
};

// Plain (unquoted) scalars may be numbers or booleans; quoted ones are strings, as YAML says.
bool is_plain_scalar(const YAML::Node& n) { return n.IsScalar() && n.Tag() != "!"; }

std::string describe(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return "nothing (null)";
  if (n.IsMap()) return "a map";
  if (n.IsSequence()) return "a list";
  std::string s = n.Scalar();
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return is_plain_scalar(n) ? "'" + s + "'" : "the string '" + s + "'";
}

// Shortest text that reads back to the same double; whole numbers keep a ".0" so they read as
// numbers to a human too.
std::string format_double(double v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, res.ptr);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // 'n' covers inf/nan
  return s;
}

// For range texts: "[0, 1]" rather than "[0.0, 1.0]".
std::string format_bound(double v) {
  std::string s = format_double(v);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
  return out;
}

std::string did_you_mean(const std::string& wrong, const std::vector<std::string>& candidates) {
  std::string near = nearest_name(wrong, candidates);
  return near.empty() ? std::string() : " (did you mean '" + near + "'?)";
}

// ---------------------------------------------------------------------------------------------
// Decoding scalars (shared by the schema and TaskParams)

double decode_double(const YAML::Node& n) {
  if (!is_plain_scalar(n)) throw BadValue{"expected a number, got " + describe(n)};
  const std::string& s = n.Scalar();
  const char* begin = s.c_str();
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(begin, &end);
  if (s.empty() || end != begin + s.size()) throw BadValue{"expected a number, got " + describe(n)};
  if (!std::isfinite(v) || errno == ERANGE) throw BadValue{"expected a finite number, got " + describe(n)};
  return v;
}

bool looks_numeric(const std::string& s) {
  const char* begin = s.c_str();
  char* end = nullptr;
  std::strtod(begin, &end);
  return !s.empty() && end == begin + s.size() && s.find_first_of("xX") == std::string::npos;
}

// Any integer type; negatives for unsigned types and non-whole numbers are type errors.
template <typename T>
T decode_integer(const YAML::Node& n) {
  const std::string expected = std::is_signed<T>::value ? "an integer" : "a non-negative integer";
  if (!is_plain_scalar(n)) throw BadValue{"expected " + expected + ", got " + describe(n)};
  std::string s = n.Scalar();
  if (!s.empty() && s[0] == '+') s = s.substr(1);
  bool digits = !s.empty();
  for (size_t i = 0; i < s.size(); ++i)
    if (!(std::isdigit(static_cast<unsigned char>(s[i])) || (i == 0 && s[i] == '-' && s.size() > 1))) digits = false;
  if (!digits) {
    if (looks_numeric(s)) throw BadValue{"expected " + expected + ", got the non-integer number " + describe(n)};
    throw BadValue{"expected " + expected + ", got " + describe(n)};
  }
  if (!std::is_signed<T>::value && s[0] == '-') throw BadValue{"expected " + expected + ", got the negative number " + s};
  T v{};
  auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (res.ec == std::errc::result_out_of_range || res.ptr != s.data() + s.size())
    throw BadValue{"the integer " + s + " does not fit a " + std::to_string(sizeof(T) * 8) + "-bit " +
                   (std::is_signed<T>::value ? "signed" : "unsigned") + " integer"};
  return v;
}

bool decode_bool(const YAML::Node& n) {
  bool b = false;
  if (!is_plain_scalar(n) || !YAML::convert<bool>::decode(n, b))
    throw BadValue{"expected true or false, got " + describe(n)};
  return b;
}

std::string decode_string(const YAML::Node& n, bool allow_empty) {
  if (n.IsNull() && allow_empty) return "";
  if (!n.IsScalar()) throw BadValue{"expected a string, got " + describe(n)};
  if (n.Scalar().empty() && !allow_empty) throw BadValue{"expected a non-empty string"};
  return n.Scalar();
}

// ---------------------------------------------------------------------------------------------
// Ranges

struct RealRange {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;
  bool hi_open = false;

  bool contains(double v) const {
    return (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
  }
  std::string text() const {
    const bool has_lo = std::isfinite(lo), has_hi = std::isfinite(hi);
    if (!has_lo && !has_hi) return "any finite number";
    if (!has_hi) return std::string("a number ") + (lo_open ? "> " : ">= ") + format_bound(lo);
    if (!has_lo) return std::string("a number ") + (hi_open ? "< " : "<= ") + format_bound(hi);
    return std::string("a number in ") + (lo_open ? "(" : "[") + format_bound(lo) + ", " + format_bound(hi) +
           (hi_open ? ")" : "]");
  }
};

const RealRange kAnyReal{};
const RealRange kProbability{0.0, 1.0};
const RealRange kNonNegative{0.0, std::numeric_limits<double>::infinity()};
const RealRange kPositive{0.0, std::numeric_limits<double>::infinity(), true};

template <typename T>
std::string int_range_text(T lo, T hi) {
  if (hi == std::numeric_limits<T>::max()) {
    if (lo == std::numeric_limits<T>::min()) return std::is_signed<T>::value ? "any integer" : "an integer >= 0";
    return "an integer >= " + std::to_string(lo);
  }
  return "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
}

// ---------------------------------------------------------------------------------------------
// Names of enum values, as written in configs

template <typename E>
struct NameTable {
  std::vector<std::string> names;
  std::function<std::optional<E>(const std::string&)> parse;
  std::function<std::string(E)> name;
};

template <typename E>
NameTable<E> enum_table(std::vector<std::pair<std::string, E>> entries) {
  NameTable<E> t;
  for (const auto& e : entries) t.names.push_back(e.first);
  t.parse = [entries](const std::string& s) -> std::optional<E> {
    for (const auto& e : entries)
      if (e.first == s) return e.second;
    return std::nullopt;
  };
  t.name = [entries](E v) {
    for (const auto& e : entries)
      if (e.second == v) return e.first;
    return std::string("unknown");
  };
  return t;
}

template <typename E>
const NameTable<E>& names_of();

template <>
const NameTable<BackendKind>& names_of<BackendKind>() {
  static const auto t = enum_table<BackendKind>({{"auto", BackendKind::Auto}, {"cpu", BackendKind::Cpu}, {"cuda", BackendKind::Cuda}});
  return t;
}
template <>
const NameTable<FitnessCriterion>& names_of<FitnessCriterion>() {
  static const auto t = enum_table<FitnessCriterion>({{"max", FitnessCriterion::Max}, {"min", FitnessCriterion::Min}});
  return t;
}
template <>
const NameTable<InitialConnection>& names_of<InitialConnection>() {
  static const auto t = enum_table<InitialConnection>(
      {{"full", InitialConnection::Full}, {"none", InitialConnection::None}, {"partial", InitialConnection::Partial}});
  return t;
}
template <>
const NameTable<Distribution>& names_of<Distribution>() {
  static const auto t =
      enum_table<Distribution>({{"gaussian", Distribution::Gaussian}, {"uniform", Distribution::Uniform}});
  return t;
}
template <>
const NameTable<Activation>& names_of<Activation>() {
  static const NameTable<Activation> t{
      activation_names(), [](const std::string& s) { return parse_activation(s); },
      [](Activation a) { return std::string(activation_name(a)); }};
  return t;
}
template <>
const NameTable<Aggregation>& names_of<Aggregation>() {
  static const NameTable<Aggregation> t{
      aggregation_names(), [](const std::string& s) { return parse_aggregation(s); },
      [](Aggregation g) { return std::string(aggregation_name(g)); }};
  return t;
}

template <typename E>
E decode_name(const YAML::Node& n, const std::string& what) {
  const auto& t = names_of<E>();
  if (!n.IsScalar()) throw BadValue{"expected " + what + " name, got " + describe(n)};
  auto v = t.parse(n.Scalar());
  if (!v) throw BadValue{"unknown " + what + " '" + n.Scalar() + "'" + did_you_mean(n.Scalar(), t.names)};
  return *v;
}

// ---------------------------------------------------------------------------------------------
// The schema

struct Key {
  std::string path;     // "speciation.compatibility_threshold"
  std::string type;     // "number", "integer", "bool", "string", "name", "list of names", ...
  std::string allowed;  // the valid values, in words
  std::string doc;      // one line
  std::function<void(Config&, const YAML::Node&)> read;        // throws BadValue
  std::function<void(const Config&, YAML::Emitter&)> write;    // emits the value only
};

template <typename F>
auto& field(F& at, const Config& c) {
  return at(const_cast<Config&>(c));  // `at` only locates the field; writers never modify it
}

template <typename F>
Key real(std::string path, F at, RealRange range, std::string doc) {
  Key k{std::move(path), "number", range.text(), std::move(doc), nullptr, nullptr};
  k.read = [at, range](Config& c, const YAML::Node& n) {
    double v = decode_double(n);
    if (!range.contains(v)) throw BadValue{"value " + format_double(v) + " is out of range"};
    at(c) = v;
  };
  k.write = [at](const Config& c, YAML::Emitter& out) mutable { out << format_double(field(at, c)); };
  return k;
}

template <typename F>
Key maybe_real(std::string path, F at, std::string doc) {
  Key k{std::move(path), "number or null", "any finite number, or null for none", std::move(doc), nullptr, nullptr};
  k.read = [at](Config& c, const YAML::Node& n) {
    if (n.IsNull()) {
      at(c) = std::nullopt;
      return;
    }
    if (is_plain_scalar(n) && (n.Scalar() == "null" || n.Scalar() == "~")) {
      at(c) = std::nullopt;
      return;
    }
    at(c) = decode_double(n);
  };
  k.write = [at](const Config& c, YAML::Emitter& out) mutable {
    const auto& v = field(at, c);
    if (v) out << format_double(*v);
    else out << YAML::Null;
  };
  return k;
}

template <typename F>
Key integer(std::string path, F at, int64_t lo, uint64_t hi, std::string doc) {
  using T = std::remove_reference_t<decltype(at(std::declval<Config&>()))>;
  static_assert(std::is_integral<T>::value, "integer() needs an integer field");
  const T tlo = static_cast<T>(std::max<int64_t>(lo, static_cast<int64_t>(std::numeric_limits<T>::min())));
  const T thi = static_cast<T>(std::min<uint64_t>(hi, static_cast<uint64_t>(std::numeric_limits<T>::max())));
  Key k{std::move(path), std::is_signed<T>::value ? "integer" : "non-negative integer", int_range_text<T>(tlo, thi),
        std::move(doc), nullptr, nullptr};
  k.read = [at, tlo, thi](Config& c, const YAML::Node& n) {
    T v = decode_integer<T>(n);
    if (v < tlo || v > thi) throw BadValue{"value " + std::to_string(v) + " is out of range"};
    at(c) = v;
  };
  k.write = [at](const Config& c, YAML::Emitter& out) mutable { out << std::to_string(field(at, c)); };
  return k;
}

template <typename F>
Key flag(std::string path, F at, std::string doc) {
  Key k{std::move(path), "bool", "true or false", std::move(doc), nullptr, nullptr};
  k.read = [at](Config& c, const YAML::Node& n) { at(c) = decode_bool(n); };
  k.write = [at](const Config& c, YAML::Emitter& out) mutable { out << (field(at, c) ? "true" : "false"); };
  return k;
}

void write_string(YAML::Emitter& out, const std::string& s) {
  // Strings are read back raw, so only what YAML would not read as this string needs quotes.
  static const std::set<std::string> kNullWords = {"", "~", "null", "Null", "NULL"};
  if (kNullWords.count(s)) out << YAML::DoubleQuoted << s;
  else out << s;
}

// A free string; `choices` (when given) restricts it to those words.
template <typename F>
Key text(std::string path, F at, bool allow_empty, std::vector<std::string> choices, std::string doc) {
  std::string allowed = !choices.empty() ? "one of: " + join(choices, ", ")
                        : allow_empty    ? "any string (may be empty)"
                                         : "a non-empty string";
  Key k{std::move(path), "string", allowed, std::move(doc), nullptr, nullptr};
  k.read = [at, allow_empty, choices](Config& c, const YAML::Node& n) {
    std::string s = decode_string(n, allow_empty);
    if (!choices.empty() && std::find(choices.begin(), choices.end(), s) == choices.end())
      throw BadValue{"unknown value '" + s + "'" + did_you_mean(s, choices)};
    at(c) = s;
  };
  k.write = [at](const Config& c, YAML::Emitter& out) mutable { write_string(out, field(at, c)); };
  return k;
}

// An enum, an activation or an aggregation, written by name.
template <typename F>
Key named(std::string path, F at, std::string what, std::string doc) {
  using E = std::remove_reference_t<decltype(at(std::declval<Config&>()))>;
  Key k{std::move(path), what + " name", "one of: " + join(names_of<E>().names, ", "), std::move(doc), nullptr,
        nullptr};
  k.read = [at, what](Config& c, const YAML::Node& n) { at(c) = decode_name<E>(n, what); };
  k.write = [at](const Config& c, YAML::Emitter& out) mutable { out << names_of<E>().name(field(at, c)); };
  return k;
}

// A non-empty list of names: a YAML list, or (as neat-python writes it) a space-separated string.
template <typename F>
Key named_list(std::string path, F at, std::string what, std::string doc) {
  using V = std::remove_reference_t<decltype(at(std::declval<Config&>()))>;
  using E = typename V::value_type;
  Key k{std::move(path), "list of " + what + " names",
        "a non-empty list (or space-separated string) of: " + join(names_of<E>().names, ", "), std::move(doc),
        nullptr, nullptr};
  k.read = [at, what](Config& c, const YAML::Node& n) {
    V out;
    if (n.IsSequence()) {
      for (const auto& item : n) out.push_back(decode_name<E>(item, what));
    } else if (n.IsScalar()) {
      std::string s = n.Scalar();
      std::replace(s.begin(), s.end(), ',', ' ');
      std::istringstream words(s);
      std::string w;
      while (words >> w) out.push_back(decode_name<E>(YAML::Node(w), what));
    } else {
      throw BadValue{"expected a list of " + what + " names, got " + describe(n)};
    }
    if (out.empty()) throw BadValue{"the list is empty"};
    at(c) = out;
  };
  k.write = [at](const Config& c, YAML::Emitter& out) mutable {
    out << YAML::Flow << YAML::BeginSeq;
    for (auto v : field(at, c)) out << names_of<E>().name(v);
    out << YAML::EndSeq;
  };
  return k;
}

void add_attribute(std::vector<Key>& keys, const std::string& prefix,
                   GeneAttributeConfig& (*attr)(Config&), const std::string& what) {
  auto a = [attr](auto member) { return [attr, member](Config& c) -> auto& { return attr(c).*member; }; };
  keys.push_back(real(prefix + ".init_mean", a(&GeneAttributeConfig::init_mean), kAnyReal,
                      "mean of a new " + what));
  keys.push_back(real(prefix + ".init_stdev", a(&GeneAttributeConfig::init_stdev), kNonNegative,
                      "stdev (gaussian) or half-width (uniform) of a new " + what));
  keys.push_back(named(prefix + ".init_type", a(&GeneAttributeConfig::init_type), "distribution",
                       "distribution of a new " + what));
  keys.push_back(real(prefix + ".min_value", a(&GeneAttributeConfig::min_value), kAnyReal,
                      "values are clamped to [min_value, max_value]"));
  keys.push_back(real(prefix + ".max_value", a(&GeneAttributeConfig::max_value), kAnyReal,
                      "upper clamp; must be >= min_value"));
  keys.push_back(real(prefix + ".mutate_rate", a(&GeneAttributeConfig::mutate_rate), kProbability,
                      "per gene: probability that the " + what + " is perturbed"));
  keys.push_back(real(prefix + ".mutate_power", a(&GeneAttributeConfig::mutate_power), kNonNegative,
                      "stdev (gaussian) or half-width (uniform) of a perturbation"));
  keys.push_back(named(prefix + ".mutate_type", a(&GeneAttributeConfig::mutate_type), "distribution",
                       "distribution of a perturbation"));
  keys.push_back(real(prefix + ".replace_rate", a(&GeneAttributeConfig::replace_rate), kProbability,
                      "per gene: probability that the " + what + " is replaced by a fresh value"));
}

constexpr uint64_t kU32 = std::numeric_limits<uint32_t>::max();
constexpr uint64_t kU64 = std::numeric_limits<uint64_t>::max();

// Every key, in the order of the Config struct (and of the YAML written by config_to_yaml; each
// section's keys must be contiguous).
std::vector<Key> build_schema() {
  std::vector<Key> k;
  k.push_back(text("name", [](Config& c) -> auto& { return c.name; }, false, {},
                   "experiment name (defaults to the config file's stem)"));
  k.push_back(integer("seed", [](Config& c) -> auto& { return c.seed; }, 0, kU64,
                      "the one seed that decides the whole run"));
  k.push_back(named("backend", [](Config& c) -> auto& { return c.backend; }, "backend",
                    "evaluator: cpu, cuda, or auto (cuda when a device is present)"));
  k.push_back(integer("threads", [](Config& c) -> auto& { return c.threads; }, 0, 4096,
                      "CPU threads; 0 = all cores (results do not depend on it)"));
  k.push_back(integer("population_size", [](Config& c) -> auto& { return c.population_size; }, 2, 100000000,
                      "genomes per generation"));

  k.push_back(integer("run.generations", [](Config& c) -> auto& { return c.run.generations; }, 1, kU32,
                      "generation limit"));
  k.push_back(named("run.fitness_criterion", [](Config& c) -> auto& { return c.run.fitness_criterion; },
                    "criterion", "max: larger fitness is better; min: smaller is better"));
  k.push_back(maybe_real("run.fitness_threshold", [](Config& c) -> auto& { return c.run.fitness_threshold; },
                         "stop once the best fitness reaches it; null: no threshold"));
  k.push_back(flag("run.stop_when_solved", [](Config& c) -> auto& { return c.run.stop_when_solved; },
                   "stop when the task reports a solution"));
  k.push_back(text("run.out_dir", [](Config& c) -> auto& { return c.run.out_dir; }, false, {},
                   "run folders are created under it"));

  k.push_back(integer("genome.num_inputs", [](Config& c) -> auto& { return c.genome.num_inputs; }, 1, 1u << 24,
                      "input nodes (the bias node not counted)"));
  k.push_back(integer("genome.num_outputs", [](Config& c) -> auto& { return c.genome.num_outputs; }, 1, 1u << 24,
                      "output nodes"));
  k.push_back(integer("genome.num_hidden", [](Config& c) -> auto& { return c.genome.num_hidden; }, 0, 1u << 24,
                      "hidden nodes in the initial genomes"));
  k.push_back(flag("genome.bias_node", [](Config& c) -> auto& { return c.genome.bias_node; },
                   "an always-1 input node, as in the NEAT paper"));
  k.push_back(flag("genome.feed_forward", [](Config& c) -> auto& { return c.genome.feed_forward; },
                   "false allows recurrent and self connections"));
  k.push_back(named("genome.initial_connection", [](Config& c) -> auto& { return c.genome.initial_connection; },
                    "initial connection", "how initial genomes are wired: full, none, or partial"));
  k.push_back(real("genome.connection_fraction", [](Config& c) -> auto& { return c.genome.connection_fraction; },
                   kProbability, "share of possible connections present when initial_connection is partial"));
  k.push_back(named("genome.activation_default", [](Config& c) -> auto& { return c.genome.activation_default; },
                    "activation", "activation of new nodes"));
  k.push_back(named_list("genome.activation_options",
                         [](Config& c) -> auto& { return c.genome.activation_options; }, "activation",
                         "activations that a mutation may choose"));
  k.push_back(real("genome.activation_mutate_rate",
                   [](Config& c) -> auto& { return c.genome.activation_mutate_rate; }, kProbability,
                   "per node: probability that its activation is replaced"));
  k.push_back(named("genome.aggregation_default", [](Config& c) -> auto& { return c.genome.aggregation_default; },
                    "aggregation", "aggregation of new nodes"));
  k.push_back(named_list("genome.aggregation_options",
                         [](Config& c) -> auto& { return c.genome.aggregation_options; }, "aggregation",
                         "aggregations that a mutation may choose"));
  k.push_back(real("genome.aggregation_mutate_rate",
                   [](Config& c) -> auto& { return c.genome.aggregation_mutate_rate; }, kProbability,
                   "per node: probability that its aggregation is replaced"));
  k.push_back(real("genome.weight_mutate_genome_rate",
                   [](Config& c) -> auto& { return c.genome.weight_mutate_genome_rate; }, kProbability,
                   "probability that a child's weights are mutated at all"));
  add_attribute(k, "genome.weight", [](Config& c) -> GeneAttributeConfig& { return c.genome.weight; },
                "connection weight");
  add_attribute(k, "genome.bias", [](Config& c) -> GeneAttributeConfig& { return c.genome.bias; }, "node bias");
  add_attribute(k, "genome.response", [](Config& c) -> GeneAttributeConfig& { return c.genome.response; },
                "node response");
  k.push_back(real("genome.conn_add_prob", [](Config& c) -> auto& { return c.genome.conn_add_prob; }, kProbability,
                   "per child: probability of an add-connection mutation"));
  k.push_back(real("genome.conn_delete_prob", [](Config& c) -> auto& { return c.genome.conn_delete_prob; },
                   kProbability, "per child: probability of a delete-connection mutation"));
  k.push_back(real("genome.node_add_prob", [](Config& c) -> auto& { return c.genome.node_add_prob; }, kProbability,
                   "per child: probability of an add-node mutation"));
  k.push_back(real("genome.node_delete_prob", [](Config& c) -> auto& { return c.genome.node_delete_prob; },
                   kProbability, "per child: probability of a delete-node mutation"));
  k.push_back(real("genome.enabled_mutate_rate", [](Config& c) -> auto& { return c.genome.enabled_mutate_rate; },
                   kProbability, "per connection: probability that its enabled flag is toggled"));
  k.push_back(flag("genome.single_structural_mutation",
                   [](Config& c) -> auto& { return c.genome.single_structural_mutation; },
                   "at most one structural mutation per child"));

  k.push_back(real("speciation.compatibility_threshold",
                   [](Config& c) -> auto& { return c.speciation.compatibility_threshold; }, kPositive,
                   "genomes closer than this belong to one species"));
  k.push_back(real("speciation.excess_coefficient",
                   [](Config& c) -> auto& { return c.speciation.excess_coefficient; }, kNonNegative,
                   "c1: weight of excess genes in the distance"));
  k.push_back(real("speciation.disjoint_coefficient",
                   [](Config& c) -> auto& { return c.speciation.disjoint_coefficient; }, kNonNegative,
                   "c2: weight of disjoint genes in the distance"));
  k.push_back(real("speciation.weight_coefficient",
                   [](Config& c) -> auto& { return c.speciation.weight_coefficient; }, kNonNegative,
                   "c3: weight of the mean weight difference of matching genes"));
  k.push_back(flag("speciation.include_node_genes",
                   [](Config& c) -> auto& { return c.speciation.include_node_genes; },
                   "count node genes (and their bias/response differences) too"));
  k.push_back(integer("speciation.normalize_min_genes",
                      [](Config& c) -> auto& { return c.speciation.normalize_min_genes; }, 0, kU32,
                      "N = 1 when both genomes have fewer genes than this (NEAT paper)"));
  k.push_back(flag("speciation.dynamic_threshold",
                   [](Config& c) -> auto& { return c.speciation.dynamic_threshold; },
                   "steer compatibility_threshold towards target_species"));
  k.push_back(integer("speciation.target_species", [](Config& c) -> auto& { return c.speciation.target_species; },
                      1, kU32, "species count aimed at when dynamic_threshold is on"));
  k.push_back(real("speciation.threshold_step", [](Config& c) -> auto& { return c.speciation.threshold_step; },
                   kPositive, "threshold change per generation when dynamic_threshold is on"));
  k.push_back(real("speciation.threshold_min", [](Config& c) -> auto& { return c.speciation.threshold_min; },
                   kPositive, "the dynamic threshold never goes below this"));

  k.push_back(integer("stagnation.max_stagnation", [](Config& c) -> auto& { return c.stagnation.max_stagnation; },
                      1, kU32, "generations without improvement before a species is removed"));
  k.push_back(integer("stagnation.species_elitism",
                      [](Config& c) -> auto& { return c.stagnation.species_elitism; }, 0, kU32,
                      "the best K species are never removed for stagnation"));

  k.push_back(integer("reproduction.elitism", [](Config& c) -> auto& { return c.reproduction.elitism; }, 0, kU32,
                      "best genomes of the population copied unchanged (<= population_size)"));
  k.push_back(integer("reproduction.species_elitism_min_size",
                      [](Config& c) -> auto& { return c.reproduction.species_elitism_min_size; }, 0, kU32,
                      "the champion of each species with more members than this is copied unchanged"));
  k.push_back(real("reproduction.survival_threshold",
                   [](Config& c) -> auto& { return c.reproduction.survival_threshold; },
                   RealRange{0.0, 1.0, true, false}, "share of each species allowed to reproduce"));
  k.push_back(integer("reproduction.min_species_size",
                      [](Config& c) -> auto& { return c.reproduction.min_species_size; }, 1, kU32,
                      "smallest number of children a surviving species gets"));
  k.push_back(real("reproduction.mutate_only_rate",
                   [](Config& c) -> auto& { return c.reproduction.mutate_only_rate; }, kProbability,
                   "share of children made by mutation alone (no crossover)"));
  k.push_back(real("reproduction.interspecies_rate",
                   [](Config& c) -> auto& { return c.reproduction.interspecies_rate; }, kProbability,
                   "probability that a crossover takes its second parent from another species"));
  k.push_back(real("reproduction.disabled_gene_inherit_prob",
                   [](Config& c) -> auto& { return c.reproduction.disabled_gene_inherit_prob; }, kProbability,
                   "probability that a gene disabled in either parent stays disabled"));
  k.push_back(flag("reproduction.reset_on_extinction",
                   [](Config& c) -> auto& { return c.reproduction.reset_on_extinction; },
                   "start a fresh population when every species is gone"));

  // task: any other key of the section goes to TaskConfig::params, checked by the task.
  k.push_back(text("task.name", [](Config& c) -> auto& { return c.task.name; }, false, {},
                   "registered task name (`ganglion tasks` lists them); other keys of `task:` are the task's own"));
  k.push_back(text("task.plugin", [](Config& c) -> auto& { return c.task.plugin; }, true, {},
                   "shared library that registers the task (empty: built-in tasks)"));

  k.push_back(text("cuda.kernel", [](Config& c) -> auto& { return c.cuda.kernel; }, false, {},
                   "kernel strategy: auto, level, block, warp, subwarp, global or paper (checked by the CUDA backend)"));
  k.push_back(integer("cuda.device", [](Config& c) -> auto& { return c.cuda.device; }, 0, 1023,
                      "CUDA device index"));

  k.push_back(integer("checkpoint.every", [](Config& c) -> auto& { return c.checkpoint.every; }, 0, kU32,
                      "generations between checkpoints; 0: only at the end (and on Ctrl-C/SIGTERM)"));
  k.push_back(integer("checkpoint.keep", [](Config& c) -> auto& { return c.checkpoint.keep; }, 1, kU32,
                      "most recent checkpoints kept"));

  k.push_back(text("log.level", [](Config& c) -> auto& { return c.log.level; }, false,
                   {"trace", "debug", "info", "warn", "error", "off"}, "log verbosity"));
  k.push_back(flag("log.progress", [](Config& c) -> auto& { return c.log.progress; },
                   "a progress line on terminals"));
  return k;
}

const std::vector<Key>& schema() {
  static const std::vector<Key> keys = build_schema();
  return keys;
}

const Key* find_key(const std::string& path) {
  for (const auto& k : schema())
    if (k.path == path) return &k;
  return nullptr;
}

std::string section_of(const std::string& path) {
  auto dot = path.rfind('.');
  return dot == std::string::npos ? std::string() : path.substr(0, dot);
}

std::string leaf_of(const std::string& path) {
  auto dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

std::string join_path(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

bool is_section(const std::string& path) {
  if (path.empty()) return true;
  for (const auto& k : schema())
    if (k.path.size() > path.size() && k.path.compare(0, path.size(), path) == 0 && k.path[path.size()] == '.')
      return true;
  return false;
}

// The names directly below a section (keys and subsections), in schema order.
std::vector<std::string> children(const std::string& section) {
  std::vector<std::string> out;
  for (const auto& k : schema()) {
    std::string rest;
    if (section.empty()) rest = k.path;
    else if (k.path.size() > section.size() && k.path.compare(0, section.size(), section) == 0 &&
             k.path[section.size()] == '.')
      rest = k.path.substr(section.size() + 1);
    else continue;
    std::string child = rest.substr(0, rest.find('.'));
    if (std::find(out.begin(), out.end(), child) == out.end()) out.push_back(child);
  }
  return out;
}

// The key a user most likely meant by an unknown path: the same name in another section first
// (`compatibility_threshold` under genome:), then a near name in the same section, then anywhere.
std::string suggest(const std::string& path) {
  const std::string section = section_of(path), leaf = leaf_of(path);
  for (const auto& k : schema())
    if (lower(leaf_of(k.path)) == lower(leaf) && k.path != path) return k.path;
  // Also sections of the same name elsewhere (e.g. `weight:` at the top level).
  for (const auto& k : schema()) {
    std::string s = section_of(k.path);
    while (!s.empty()) {
      if (lower(leaf_of(s)) == lower(leaf) && s != path) return s;
      s = section_of(s);
    }
  }
  if (is_section(section)) {
    std::string near = nearest_name(leaf, children(section));
    if (!near.empty()) return join_path(section, near);
  }
  std::vector<std::string> leaves, paths;
  for (const auto& k : schema()) {
    leaves.push_back(leaf_of(k.path));
    paths.push_back(k.path);
  }
  std::string near = nearest_name(leaf, leaves);
  if (!near.empty())
    for (const auto& k : schema())
      if (leaf_of(k.path) == near) return k.path;
  return nearest_name(path, paths);
}

std::string unknown_key_message(const std::string& where, const std::string& path) {
  std::string msg = where + ": unknown key '" + path + "'";
  std::string near = suggest(path);
  if (!near.empty()) msg += " (did you mean '" + near + "'?)";
  std::string section = section_of(path);
  if (is_section(section))
    msg += "; valid keys " + (section.empty() ? std::string("at the top level") : "in '" + section + "'") + ": " +
           join(children(section), ", ");
  else
    msg += "; `ganglion config --keys` lists every key";
  return msg;
}

// ---------------------------------------------------------------------------------------------
// Reading

// Where each key was last set (file:line:col or the override text), for messages of checks that
// involve several keys.
using Places = std::map<std::string, std::string>;

YAML::Node copy_map(const YAML::Node& map, const std::string& except) {
  // A new map node sharing the entries (with their marks) but not the container, so that a copied
  // Config's params are not changed by an override applied to another copy.
  YAML::Node out(YAML::NodeType::Map);
  if (map.IsMap())
    for (const auto& kv : map)
      if (kv.first.Scalar() != except) out.force_insert(kv.first, kv.second);
  return out;
}

// A task's own keys (everything under `task:` the schema does not know) are names the task looks
// up: letters, digits, '_' and '-', at most 64 characters. Keys nested in their values may be any
// scalar of at most 256 characters: YAML (and yaml-cpp's reader) takes a plain key of at most 1024
// characters, so a longer one would make config_to_yaml write a config that does not load again
// (found by fuzz/fuzz_config.cpp).
void check_task_key(const std::string& name, const std::string& where) {
  const bool plain = !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-';
  });
  if (plain) return;
  std::string shown;  // the key as far as it can be shown: printable, at most 40 characters
  for (char ch : name.substr(0, 40)) shown += std::isprint(static_cast<unsigned char>(ch)) ? ch : '?';
  if (name.size() > 40) shown += "...";
  throw ConfigError(where + ": task key '" + shown +
                    "': allowed: a name of letters, digits, '_' and '-', at most 64 characters");
}

void check_nested_keys(const YAML::Node& node, const std::string& where, const std::string& path) {
  if (node.IsSequence()) {
    for (const auto& item : node) check_nested_keys(item, where, path);
  } else if (node.IsMap()) {
    for (const auto& kv : node) {
      if (!kv.first.IsScalar() || kv.first.Scalar().size() > 256)
        throw ConfigError(where + ": " + path + ": keys inside a task value must be names of at most 256 characters");
      check_nested_keys(kv.second, where, path);
    }
  }
}

class Reader {
 public:
  Reader(Config& config, std::string origin, Places& places)
      : config_(config), origin_(std::move(origin)), places_(places) {}

  void read_section(const YAML::Node& node, const std::string& prefix) {
    if (node.IsNull()) return;  // an empty file or an empty section: defaults
    if (!node.IsMap()) {
      throw ConfigError(mark_place(origin_, node.Mark()) + ": " +
                        (prefix.empty() ? std::string("the top level") : prefix) +
                        ": expected a map of keys, got " + describe(node) + "; allowed keys: " +
                        join(children(prefix), ", "));
    }
    std::map<std::string, YAML::Mark> seen;
    for (const auto& kv : node) {
      const YAML::Node& key = kv.first;
      const YAML::Node& value = kv.second;
      if (!key.IsScalar())
        throw ConfigError(mark_place(origin_, key.Mark()) + ": " + (prefix.empty() ? "the top level" : prefix) +
                          ": keys must be plain names, got " + describe(key));
      const std::string name = key.Scalar();
      const std::string path = join_path(prefix, name);
      auto [it, fresh] = seen.emplace(name, key.Mark());
      if (!fresh)
        throw ConfigError(mark_place(origin_, key.Mark()) + ": duplicate key '" + path + "' (first given at line " +
                          std::to_string(it->second.line + 1) + "); each key may appear once");
      if (prefix == "task" && !find_key(path)) {
        check_task_key(name, mark_place(origin_, key.Mark()));
        check_nested_keys(value, mark_place(origin_, key.Mark()), path);
        config_.task.params.force_insert(key, value);
        continue;
      }
      if (const Key* k = find_key(path)) {
        // A missing value (`seed:`) has the mark of whatever follows it: name the key's line instead.
        const std::string where = mark_place(origin_, value.IsNull() ? key.Mark() : value.Mark());
        try {
          k->read(config_, value);
        } catch (const BadValue& bad) {
          throw ConfigError(where + ": " + path + ": " + bad.what + "; allowed: " + k->allowed);
        }
        places_[path] = where;
      } else if (is_section(path)) {
        read_section(value, path);
      } else {
        throw ConfigError(unknown_key_message(mark_place(origin_, key.Mark()), path));
      }
    }
  }

 private:
  Config& config_;
  std::string origin_;
  Places& places_;
};

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// A flow-end bracket that closes nothing (e.g. ",a: b}" -- found by fuzz/fuzz_config.cpp) is never
// a sensible config, and yaml-cpp 0.7 reads some such texts without complaint ("a: b}" gives the
// value "b}"), so it is refused before yaml-cpp sees it, with the place. (The endless loop the
// fuzzer first met on these texts was YAML::LoadAll's at the stray comma: refuse_second_document.)
void refuse_unmatched_flow_end(const std::string& text, const std::string& origin) {
  int depth = 0;
  size_t line = 1, col = 0;
  char quote = 0;
  bool comment = false;
  char prev = '\n';
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    ++col;
    if (ch == '\n') {
      ++line;
      col = 0;
      comment = false;
      if (quote == 0) prev = ch;
      continue;
    }
    if (comment) continue;
    if (quote) {
      if (quote == '"' && ch == '\\') {
        ++i;
        ++col;
      } else if (ch == quote) {
        if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
          ++i;
          ++col;
        } else {
          quote = 0;
        }
      }
      prev = ch;
      continue;
    }
    const bool token_start = prev == '\n' || prev == ' ' || prev == '\t' || prev == '[' || prev == '{' ||
                             prev == ',' || prev == ':' || prev == '-';
    if (ch == '#' && (prev == '\n' || prev == ' ' || prev == '\t')) {
      comment = true;
    } else if ((ch == '"' || ch == '\'') && token_start) {
      quote = ch;
    } else if (ch == '{' || ch == '[') {
      ++depth;
    } else if (ch == '}' || ch == ']') {
      if (depth == 0)
        throw ConfigError(origin + ":" + std::to_string(line) + ":" + std::to_string(col) + ": invalid YAML: '" +
                          std::string(1, ch) + "' closes nothing (quote the value if the bracket belongs to it)");
      --depth;
    }
    prev = ch;
  }
}

// Events of a parse that nobody wants: refuse_second_document only needs where documents start.
class DocumentStarts : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// A config file holds exactly one YAML document. The documents are counted by parsing at most
// two, never with YAML::LoadAll: on a ',' outside any [...] or {...} before or after the root
// node (",a: 1", "[a],b", "- a\n,b"), yaml-cpp 0.7 (Debian 12) starts a new empty document at the
// comma without consuming it, so LoadAll collects documents until memory runs out (found by
// fuzz/fuzz_config.cpp).
void refuse_second_document(const std::string& text, const std::string& origin) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts events;
  if (!parser.HandleNextDocument(events) || !parser.HandleNextDocument(events) || events.starts.size() < 2) return;
  const YAML::Mark& second = events.starts[1];
  const bool comma = second.pos >= 0 && static_cast<size_t>(second.pos) < text.size() && text[second.pos] == ',';
  if (comma)
    throw ConfigError(mark_place(origin, second) +
                      ": invalid YAML: ',' outside any [...] or {...} (quote the value if the comma belongs to it)");
  throw ConfigError(mark_place(origin, second) + ": a second YAML document ('---'); a config file holds exactly one");
}

void apply_override_to(Config& config, const std::string& assignment, Places& places) {
  const std::string where = "--set " + assignment;
  auto eq = assignment.find('=');
  if (eq == std::string::npos)
    throw ConfigError(where + ": expected section.key=value (for example speciation.compatibility_threshold=3.5)");
  const std::string path = trim(assignment.substr(0, eq));
  const std::string text = assignment.substr(eq + 1);
  if (path.empty()) throw ConfigError(where + ": the key before '=' is empty");
  YAML::Node value;
  refuse_unmatched_flow_end(text, where);
  try {
    value = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(where + ": the value is not valid YAML: " + e.msg);
  }
  if (const Key* k = find_key(path)) {
    try {
      k->read(config, value);
    } catch (const BadValue& bad) {
      throw ConfigError(where + ": " + path + ": " + bad.what + "; allowed: " + k->allowed);
    }
    places[path] = where;
    return;
  }
  if (path.compare(0, 5, "task.") == 0) {
    const std::string name = path.substr(5);
    if (name.empty() || name.find('.') != std::string::npos)
      throw ConfigError(where + ": task keys are set one level below task (task.KEY=value), got '" + path + "'");
    check_task_key(name, where);
    check_nested_keys(value, where, path);
    YAML::Node params = copy_map(config.task.params, name);
    params[name] = value;  // a key without a mark: TaskParams names the override for it
    config.task.params.reset(params);  // rebind: other copies of the config keep their params
    places[path] = where;
    return;
  }
  if (is_section(path))
    throw ConfigError(where + ": '" + path + "' is a section; set one of its keys: " + join(children(path), ", "));
  throw ConfigError(unknown_key_message(where, path));
}

// Checks between keys, after everything was read.
void check_relations(const Config& c, const Places& places, const std::string& origin) {
  auto place = [&](const std::string& a, const std::string& b) {
    auto it = places.find(b);
    if (it != places.end()) return it->second;
    it = places.find(a);
    if (it != places.end()) return it->second;
    return origin.empty() ? std::string("config") : origin;
  };
  const std::pair<const char*, const GeneAttributeConfig*> attrs[] = {
      {"genome.weight", &c.genome.weight}, {"genome.bias", &c.genome.bias}, {"genome.response", &c.genome.response}};
  for (const auto& [name, a] : attrs) {
    if (a->min_value > a->max_value) {
      const std::string lo = std::string(name) + ".min_value", hi = std::string(name) + ".max_value";
      throw ConfigError(place(lo, hi) + ": " + lo + " (" + format_double(a->min_value) + ") is greater than " + hi +
                        " (" + format_double(a->max_value) + "); allowed: " + lo + " <= " + hi);
    }
  }
  if (c.reproduction.elitism > c.population_size)
    throw ConfigError(place("population_size", "reproduction.elitism") + ": reproduction.elitism (" +
                      std::to_string(c.reproduction.elitism) + ") is greater than population_size (" +
                      std::to_string(c.population_size) + "); allowed: an integer in [0, population_size]");
}

Config parse_impl(const std::string& text, const std::string& origin, const std::string& default_name,
                  const std::vector<std::string>& overrides) {
  Config config;
  config.source = origin;
  config.task.params = YAML::Node(YAML::NodeType::Map);
  refuse_unmatched_flow_end(text, origin);
  YAML::Node root;
  try {
    root = YAML::Load(text);
    refuse_second_document(text, origin);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(mark_place(origin, e.mark) + ": invalid YAML: " + e.msg);
  }
  Places places;
  Reader(config, origin, places).read_section(root, "");
  if (!places.count("name") && !default_name.empty()) config.name = default_name;
  for (const auto& o : overrides) apply_override_to(config, o, places);
  check_relations(config, places, origin);
  return config;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Public functions

Config load_config(const std::string& path, const std::vector<std::string>& overrides) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) throw ConfigError(path + ": config file not found");
  if (fs::is_directory(path, ec)) throw ConfigError(path + ": is a directory, not a config file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot open config file: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ConfigError(path + ": cannot read config file");
  return parse_impl(text.str(), path, fs::path(path).stem().string(), overrides);
}

Config parse_config(const std::string& yaml_text, const std::string& origin,
                    const std::vector<std::string>& overrides) {
  return parse_impl(yaml_text, origin, "", overrides);
}

void apply_override(Config& config, const std::string& assignment) {
  Places places;
  Config updated = config;  // all or nothing: a failed override leaves `config` as it was
  apply_override_to(updated, assignment, places);
  check_relations(updated, places, config.source);
  config = std::move(updated);
}

std::string config_to_yaml(const Config& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  std::vector<std::string> open;  // the open sections, outermost first
  auto close_one = [&] {
    if (open.size() == 1 && open.back() == "task" && config.task.params.IsMap())
      for (const auto& kv : config.task.params) out << YAML::Key << kv.first << YAML::Value << kv.second;
    out << YAML::EndMap;
    open.pop_back();
  };
  for (const auto& k : schema()) {
    std::vector<std::string> want;
    std::string s = section_of(k.path);
    for (size_t start = 0; !s.empty();) {
      size_t dot = s.find('.', start);
      want.push_back(s.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    size_t common = 0;
    while (common < open.size() && common < want.size() && open[common] == want[common]) ++common;
    while (open.size() > common) close_one();
    for (size_t i = common; i < want.size(); ++i) {
      out << YAML::Key << want[i] << YAML::Value << YAML::BeginMap;
      open.push_back(want[i]);
    }
    out << YAML::Key << leaf_of(k.path) << YAML::Value;
    k.write(config, out);
    out << YAML::Comment(k.doc);
  }
  while (!open.empty()) close_one();
  out << YAML::EndMap;
  if (!out.good()) throw Error("config_to_yaml: " + out.GetLastError());
  return std::string(out.c_str()) + "\n";
}

std::vector<std::string> config_keys() {
  std::vector<std::string> out;
  for (const auto& k : schema()) out.push_back(k.path);
  return out;
}

std::vector<ConfigKeyDoc> config_key_docs() {
  const Config defaults;
  std::vector<ConfigKeyDoc> out;
  for (const auto& k : schema()) {
    YAML::Emitter e;
    k.write(defaults, e);
    out.push_back({k.path, k.type, e.c_str(), k.allowed, k.doc});
  }
  return out;
}

// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), case-insensitive.
std::string nearest_name(const std::string& wrong, const std::vector<std::string>& candidates) {
  const std::string a = lower(wrong);
  std::string best;
  size_t best_d = std::numeric_limits<size_t>::max();
  for (const auto& cand : candidates) {
    const std::string b = lower(cand);
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (size_t i = 1; i <= a.size(); ++i)
      for (size_t j = 1; j <= b.size(); ++j) {
        size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
        d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    size_t dist = d[a.size()][b.size()];
    if (dist < best_d) {
      best_d = dist;
      best = cand;
    }
  }
  // "Reasonably close": a third of the typed name, at least two edits, and never the whole word.
  const size_t limit = std::max<size_t>(2, a.size() / 3);
  if (best.empty() || best_d > limit || best_d >= std::max(a.size(), lower(best).size())) return "";
  return best;
}

// ---------------------------------------------------------------------------------------------
// TaskParams

TaskParams::TaskParams(const YAML::Node& params, std::string origin, std::string task_name)
    : params_(params), origin_(std::move(origin)), task_(std::move(task_name)) {
  if (params_.IsDefined() && !params_.IsNull() && !params_.IsMap())
    throw ConfigError(mark_place(origin_, params_.Mark()) + ": task: expected a map of the task's keys, got " +
                      describe(params_));
}

namespace {

// The entry `key` of a task section, with its key node (for its mark), if present.
std::optional<std::pair<YAML::Node, YAML::Node>> find_param(const YAML::Node& params, const std::string& key) {
  if (!params.IsMap()) return std::nullopt;
  for (const auto& kv : params)
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return std::make_pair(kv.first, kv.second);
  return std::nullopt;
}

// Entries from the file carry marks; entries set by `--set task.key=value` do not.
std::string param_place(const std::string& origin, const std::string& key, const YAML::Node& key_node,
                        const YAML::Node& at) {
  if (key_node.Mark().is_null()) return "--set task." + key;
  return mark_place(origin, at.Mark());
}

template <typename T, typename Decode>
T get_param(const YAML::Node& params, const std::string& origin, const std::string& key, const T& def,
            const std::string& allowed, Decode decode) {
  auto entry = find_param(params, key);
  if (!entry) return def;
  try {
    return decode(entry->second);
  } catch (const BadValue& bad) {
    throw ConfigError(param_place(origin, key, entry->first, entry->second) + ": task." + key + ": " + bad.what +
                      "; allowed: " + allowed);
  }
}

}  // namespace

double TaskParams::get_double(const std::string& key, double def, double min_value, double max_value) {
  known_.emplace_back(key, format_double(def));
  const RealRange range{min_value, max_value};
  return get_param<double>(params_, origin_, key, def, range.text(), [&](const YAML::Node& n) {
    double v = decode_double(n);
    if (!range.contains(v)) throw BadValue{"value " + format_double(v) + " is out of range"};
    return v;
  });
}

int64_t TaskParams::get_int(const std::string& key, int64_t def, int64_t min_value, int64_t max_value) {
  known_.emplace_back(key, std::to_string(def));
  return get_param<int64_t>(params_, origin_, key, def, int_range_text<int64_t>(min_value, max_value),
                            [&](const YAML::Node& n) {
                              int64_t v = decode_integer<int64_t>(n);
                              if (v < min_value || v > max_value)
                                throw BadValue{"value " + std::to_string(v) + " is out of range"};
                              return v;
                            });
}

bool TaskParams::get_bool(const std::string& key, bool def) {
  known_.emplace_back(key, def ? "true" : "false");
  return get_param<bool>(params_, origin_, key, def, "true or false", [](const YAML::Node& n) { return decode_bool(n); });
}

std::string TaskParams::get_string(const std::string& key, const std::string& def) {
  known_.emplace_back(key, def.empty() ? "''" : def);
  return get_param<std::string>(params_, origin_, key, def, "a string",
                                [](const YAML::Node& n) { return decode_string(n, true); });
}

void TaskParams::finish() const {
  if (!params_.IsMap()) return;
  std::vector<std::string> names;
  for (const auto& k : known_)
    if (std::find(names.begin(), names.end(), k.first) == names.end()) names.push_back(k.first);
  for (const auto& kv : params_) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
    if (std::find(names.begin(), names.end(), key) != names.end()) continue;
    std::string msg = param_place(origin_, key, kv.first, kv.first) + ": unknown key 'task." + key + "' for task '" +
                      task_ + "'" + did_you_mean(key, names);
    msg += names.empty() ? "; task '" + task_ + "' takes no keys of its own"
                         : "; its keys are: " + join(names, ", ") + " (and name, plugin)";
    throw ConfigError(msg);
  }
}

}  // namespace ganglion
