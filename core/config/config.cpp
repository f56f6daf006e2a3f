// Strict YAML loading of the typed config. Every key is declared once, in its section's key table
// (core/config/settings.hpp explains the format); schema() walks the tables through each struct's
// describe() and makes one Key per row, with how to read and write it, its allowed values and its
// line of documentation. Loading, `--set` overrides, config_to_yaml(), config_keys(),
// key_resumable() and `ganglion config --keys` all walk that one schema, so they cannot drift apart.
//
// The YAML text is parsed by yaml-cpp into a ConfigValue tree (yaml_bridge.hpp), and everything
// after that reads the tree: yaml-cpp stays inside core/config's sources.
//
// Error messages follow one shape: "<where>: <key path>: <what is wrong>; allowed: <what is valid>",
// where <where> is file:line:column (1-based, from yaml-cpp's marks) or the override text
// "--set a.b=value".
#include "core/io/read_file.hpp"
#include "core/config/config.hpp"
#include "core/config/config_paths.hpp"
#include "core/config/neat_python_import.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <new>
#include <optional>
#include <set>
#include <sstream>
#include <type_traits>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "core/config/decode.hpp"
#include "core/config/memory_estimate.hpp"
#include "core/config/registered_names.hpp"
#include "core/config/yaml_bridge.hpp"
#include "core/config/yaml_limits.hpp"
#include "core/error.hpp"
#include "core/memory.hpp"

namespace ganglion {

using namespace config_detail;

namespace {

// ---------------------------------------------------------------------------------------------
// Names registered by the libraries that own them (registered_names.hpp)

struct NameRegistry {
  std::mutex mutex;
  std::map<std::string, NameList> lists;
};

NameRegistry& name_registry() {
  static NameRegistry r;
  return r;
}

// ---------------------------------------------------------------------------------------------
// Names of enum values, as written in configs

template <typename E>
struct NameTable {
  std::string what;  // "distribution": messages say "unknown distribution 'x'"
  std::vector<std::string> names;
  std::function<std::optional<E>(const std::string&)> parse;
  std::function<std::string(E)> name;
};

// An enum's words come from its EnumWords specialisation, next to the enum.
template <typename E>
const NameTable<E>& names_of() {
  static const NameTable<E> t = [] {
    NameTable<E> n;
    n.what = EnumWords<E>::what;
    for (const auto& w : EnumWords<E>::words) n.names.push_back(w.first);
    n.parse = [](const std::string& s) -> std::optional<E> {
      for (const auto& w : EnumWords<E>::words)
        if (s == w.first) return w.second;
      return std::nullopt;
    };
    n.name = [](E v) {
      for (const auto& w : EnumWords<E>::words)
        if (w.second == v) return std::string(w.first);
      return std::string("unknown");
    };
    return n;
  }();
  return t;
}

template <>
const NameTable<Activation>& names_of<Activation>() {
  static const NameTable<Activation> t{
      "activation", activation_names(), [](const std::string& s) { return parse_activation(s); },
      [](Activation a) { return std::string(activation_name(a)); }};
  return t;
}
template <>
const NameTable<Aggregation>& names_of<Aggregation>() {
  static const NameTable<Aggregation> t{
      "aggregation", aggregation_names(), [](const std::string& s) { return parse_aggregation(s); },
      [](Aggregation g) { return std::string(aggregation_name(g)); }};
  return t;
}

template <typename E>
E decode_name(const ConfigValue& n) {
  const auto& t = names_of<E>();
  if (!n.is_scalar()) throw BadValue{"expected " + t.what + " name, got " + describe(n)};
  auto v = t.parse(n.text());
  if (!v) throw BadValue{"unknown " + t.what + " '" + n.text() + "'" + did_you_mean(n.text(), t.names)};
  return *v;
}

// ---------------------------------------------------------------------------------------------
// The schema: one Key per row of the key tables

struct Key {
  std::string path;     // "speciation.compatibility_threshold"
  std::string type;     // "number", "integer", "bool", "string", "name", "list of names", ...
  std::string allowed;  // the valid values, in words (for registered names: when none are registered)
  bool registered = false;  // a string key whose names another library registers
  std::string doc;      // one line
  OnResume on_resume = OnResume::Keep;
  std::function<void(Config&, const ConfigValue&)> read;   // throws BadValue
  std::function<void(const Config&, YAML::Emitter&)> write;  // emits the value only

  std::string allowed_text() const {
    if (registered) {
      const auto names = registered_config_names(path);
      if (!names.empty()) return "one of: " + join(names, ", ");
    }
    return allowed;
  }
};

void write_string(YAML::Emitter& out, const std::string& s) {
  // Strings are read back raw, so only what YAML would not read as this string needs quotes.
  static const std::set<std::string> kNullWords = {"", "~", "null", "Null", "NULL"};
  if (kNullWords.count(s)) out << YAML::DoubleQuoted << s;
  else out << s;
}

template <typename T>
struct is_vector : std::false_type {};
template <typename T>
struct is_vector<std::vector<T>> : std::true_type {};

// The Key of one row: the reader, writer and texts follow from the field's type and `allowed`.
template <typename T>
Key make_key(std::string path, std::function<T&(Config&)> at, const Allowed& a, OnResume on_resume, std::string doc) {
  Key k;
  k.path = std::move(path);
  k.doc = std::move(doc);
  k.on_resume = on_resume;
  auto field = [at](const Config& c) -> const T& { return at(const_cast<Config&>(c)); };  // writers only read

  if constexpr (std::is_same_v<T, double>) {
    const RealRange range{a.lo, a.hi, a.lo_open, a.hi_open};
    k.type = "number";
    k.allowed = range.text();
    k.read = [at, range](Config& c, const ConfigValue& n) {
      double v = decode_double(n);
      if (!range.contains(v)) throw BadValue{"value " + format_double(v) + " is out of range"};
      at(c) = v;
    };
    k.write = [field](const Config& c, YAML::Emitter& out) { out << format_double(field(c)); };
  } else if constexpr (std::is_same_v<T, std::optional<double>>) {
    k.type = "number or null";
    k.allowed = "any finite number, or null for none";
    k.read = [at](Config& c, const ConfigValue& n) {
      if (n.is_null() || (is_plain_scalar(n) && (n.text() == "null" || n.text() == "~"))) {
        at(c) = std::nullopt;
        return;
      }
      at(c) = decode_double(n);
    };
    k.write = [field](const Config& c, YAML::Emitter& out) {
      const auto& v = field(c);
      if (v) out << format_double(*v);
      else out << YAML::Null;
    };
  } else if constexpr (std::is_same_v<T, std::optional<uint32_t>>) {
    // A count the library may choose: `auto` (empty) lets the component that reads it decide.
    const uint32_t hi = !std::isfinite(a.hi) || a.hi >= double(std::numeric_limits<uint32_t>::max())
                            ? std::numeric_limits<uint32_t>::max()
                            : uint32_t(a.hi);
    k.type = "non-negative integer or auto";
    k.allowed = "auto, or an integer in [0, " + std::to_string(hi) + "]";
    k.read = [at, hi](Config& c, const ConfigValue& n) {
      if (is_plain_scalar(n) && n.text() == "auto") {
        at(c) = std::nullopt;
        return;
      }
      if (!n.is_scalar()) throw BadValue{"expected auto or an integer, got " + describe(n)};
      uint32_t v = 0;
      try {
        v = decode_integer<uint32_t>(n);
      } catch (const BadValue&) {
        throw BadValue{"'" + n.text() + "' is neither auto nor a non-negative integer"};
      }
      if (v > hi) throw BadValue{"value " + std::to_string(v) + " is out of range"};
      at(c) = v;
    };
    k.write = [field](const Config& c, YAML::Emitter& out) {
      const auto& v = field(c);
      if (v) out << std::to_string(*v);
      else out << "auto";
    };
  } else if constexpr (std::is_same_v<T, bool>) {
    k.type = "bool";
    k.allowed = "true or false";
    k.read = [at](Config& c, const ConfigValue& n) { at(c) = decode_bool(n); };
    k.write = [field](const Config& c, YAML::Emitter& out) { out << (field(c) ? "true" : "false"); };
  } else if constexpr (std::is_integral_v<T>) {
    // The range's bounds, clamped to the field's type (an infinite bound is the type's limit).
    const T lo = !std::isfinite(a.lo) || a.lo <= double(std::numeric_limits<T>::min()) ? std::numeric_limits<T>::min()
                                                                                       : T(a.lo);
    const T hi = !std::isfinite(a.hi) || a.hi >= double(std::numeric_limits<T>::max()) ? std::numeric_limits<T>::max()
                                                                                       : T(a.hi);
    k.type = std::is_signed_v<T> ? "integer" : "non-negative integer";
    k.allowed = int_range_text<T>(lo, hi);
    k.read = [at, lo, hi](Config& c, const ConfigValue& n) {
      T v = decode_integer<T>(n);
      if (v < lo || v > hi) throw BadValue{"value " + std::to_string(v) + " is out of range"};
      at(c) = v;
    };
    k.write = [field](const Config& c, YAML::Emitter& out) { out << std::to_string(field(c)); };
  } else if constexpr (std::is_same_v<T, std::string>) {
    const bool allow_empty = a.allow_empty;
    const std::vector<std::string> words = a.words;
    k.type = "string";
    k.allowed = !words.empty() ? "one of: " + join(words, ", ")
                : allow_empty  ? "any string (may be empty)"
                               : "a non-empty string";
    k.registered = a.registered;
    if (a.file_name) k.allowed = "a file name: no '/' or '\\', not '.' or '..'";
    const std::string path_copy = k.path;
    const bool registered = a.registered;
    const bool file_name = a.file_name;
    k.read = [at, allow_empty, words, registered, file_name, path_copy](Config& c, const ConfigValue& n) {
      std::string s = decode_string(n, allow_empty);
      if (file_name && (s == "." || s == ".." || s.find_first_of(std::string("/\\\0", 3)) != std::string::npos))
        throw BadValue{"'" + s + "' is not a file name (it names a folder of its own: no '/', '\\', '.' or '..')"};
      const std::vector<std::string> valid = registered ? registered_config_names(path_copy) : words;
      if (!valid.empty() && std::find(valid.begin(), valid.end(), s) == valid.end())
        throw BadValue{"unknown value '" + s + "'" + did_you_mean(s, valid)};
      at(c) = s;
    };
    k.write = [field](const Config& c, YAML::Emitter& out) { write_string(out, field(c)); };
  } else if constexpr (is_vector<T>::value) {
    // A non-empty list of names: a YAML list, or (as neat-python writes it) a space-separated string.
    using E = typename T::value_type;
    const auto& t = names_of<E>();
    k.type = "list of " + t.what + " names";
    k.allowed = "a non-empty list (or space-separated string) of: " + join(t.names, ", ");
    k.read = [at](Config& c, const ConfigValue& n) {
      const auto& t = names_of<E>();
      T out;
      if (n.is_list()) {
        for (const auto& item : n.items()) out.push_back(decode_name<E>(item));
      } else if (n.is_scalar()) {
        std::string s = n.text();
        std::replace(s.begin(), s.end(), ',', ' ');
        std::istringstream words(s);
        std::string w;
        while (words >> w) out.push_back(decode_name<E>(ConfigValue::scalar(w)));
      } else {
        throw BadValue{"expected a list of " + t.what + " names, got " + describe(n)};
      }
      if (out.empty()) throw BadValue{"the list is empty"};
      at(c) = out;
    };
    k.write = [field](const Config& c, YAML::Emitter& out) {
      out << YAML::Flow << YAML::BeginSeq;
      for (auto v : field(c)) out << names_of<E>().name(v);
      out << YAML::EndSeq;
    };
  } else {
    // An enum, an activation or an aggregation, written by name.
    const auto& t = names_of<T>();
    k.type = t.what + " name";
    k.allowed = "one of: " + join(t.names, ", ");
    k.read = [at](Config& c, const ConfigValue& n) { at(c) = decode_name<T>(n); };
    k.write = [field](const Config& c, YAML::Emitter& out) { out << names_of<T>().name(field(c)); };
  }
  return k;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) s.replace(pos, from.size(), to);
  return s;
}

// describe()'s visitor: collects the keys of one section (Owner) and, recursively, its subsections.
template <typename Owner>
struct SchemaBuilder {
  std::vector<Key>& keys;
  std::string prefix;                    // "" at the top, "genome.weight." below
  std::function<Owner&(Config&)> owner;  // the section within a Config
  std::string what;                      // replaces "{what}" in help texts

  template <typename T>
  void key(const char* name, T Owner::*member, const Allowed& allowed, OnResume on_resume, const char* help) {
    auto of = owner;
    std::function<T&(Config&)> at = [of, member](Config& c) -> T& { return of(c).*member; };
    keys.push_back(make_key<T>(prefix + name, at, allowed, on_resume, replace_all(help, "{what}", what)));
  }

  template <typename S>
  void section(const char* name, S Owner::*member, const char* sub_what) {
    auto of = owner;
    SchemaBuilder<S> sub{keys, prefix + name + ".", [of, member](Config& c) -> S& { return of(c).*member; },
                         sub_what};
    S::describe(sub);
  }
};

// Every key, in the order of the key tables (and of the YAML written by config_to_yaml; each
// section's keys are contiguous).
std::vector<Key> build_schema() {
  std::vector<Key> keys;
  SchemaBuilder<Config> top{keys, "", [](Config& c) -> Config& { return c; }, ""};
  Config::describe(top);
  return keys;
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

void check_nested_keys(const ConfigValue& value, const std::string& where, const std::string& path) {
  if (value.is_list()) {
    for (const auto& item : value.items()) check_nested_keys(item, where, path);
  } else if (value.is_map()) {
    for (const auto& e : value.entries()) {
      if (e.key.size() > 256)
        throw ConfigError(where + ": " + path + ": keys inside a task value must be names of at most 256 characters");
      check_nested_keys(e.value, where, path);
    }
  }
}

class Reader {
 public:
  Reader(Config& config, std::string origin, Places& places)
      : config_(config), origin_(std::move(origin)), places_(places) {}

  void read_section(const ConfigValue& node, const std::string& prefix) {
    if (node.is_null()) return;  // an empty file or an empty section: defaults
    if (!node.is_map()) {
      throw ConfigError(place_of(node) + ": " + (prefix.empty() ? std::string("the top level") : prefix) +
                        ": expected a map of keys, got " + describe(node) + "; allowed keys: " +
                        join(children(prefix), ", "));
    }
    std::map<std::string, std::string> seen;  // key -> its place
    for (const auto& e : node.entries()) {
      const std::string& name = e.key;
      const ConfigValue& value = e.value;
      const std::string path = join_path(prefix, name);
      const std::string key_place = e.key_place.empty() ? place_of(node) : e.key_place;
      auto [it, fresh] = seen.emplace(name, key_place);
      if (!fresh)
        throw ConfigError(key_place + ": duplicate key '" + path + "' (first given at line " +
                          std::to_string(line_of_place(it->second)) + "); each key may appear once");
      if (prefix == "task" && !find_key(path)) {
        check_task_key(name, key_place);
        check_nested_keys(value, key_place, path);
        config_.task.params.append(name, value, key_place);
        continue;
      }
      if (const Key* k = find_key(path)) {
        // A missing value (`seed:`) has the place of whatever follows it: name the key's line instead.
        const std::string where = value.is_null() ? key_place : place_of(value);
        try {
          k->read(config_, value);
        } catch (const BadValue& bad) {
          throw ConfigError(where + ": " + path + ": " + bad.what + "; allowed: " + k->allowed_text());
        }
        places_[path] = where;
      } else if (is_section(path)) {
        read_section(value, path);
      } else {
        throw ConfigError(unknown_key_message(key_place, path));
      }
    }
  }

 private:
  std::string place_of(const ConfigValue& v) const {
    if (!v.place().empty()) return v.place();
    return origin_.empty() ? std::string("config") : origin_;
  }

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
// fuzzer first met on these texts was YAML::LoadAll's at the stray comma: check_yaml_bounds.)
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

void apply_override_to(Config& config, const std::string& assignment, Places& places) {
  const std::string where = "--set " + assignment;
  auto eq = assignment.find('=');
  if (eq == std::string::npos)
    throw ConfigError(where + ": expected section.key=value (for example speciation.compatibility_threshold=3.5)");
  const std::string path = trim(assignment.substr(0, eq));
  const std::string text = assignment.substr(eq + 1);
  if (path.empty()) throw ConfigError(where + ": the key before '=' is empty");
  YAML::Node node;
  refuse_unmatched_flow_end(text, where);
  try {
    check_yaml_bounds(text, where);
    node = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(where + ": the value is not valid YAML: " + e.msg);
  }
  if (const Key* k = find_key(path)) {
    const ConfigValue value = from_yaml(node, where, path, where);
    try {
      k->read(config, value);
    } catch (const BadValue& bad) {
      throw ConfigError(where + ": " + path + ": " + bad.what + "; allowed: " + k->allowed_text());
    }
    places[path] = where;
    return;
  }
  if (path.compare(0, 5, "task.") == 0) {
    const std::string name = path.substr(5);
    if (name.empty() || name.find('.') != std::string::npos)
      throw ConfigError(where + ": task keys are set one level below task (task.KEY=value), got '" + path + "'");
    check_task_key(name, where);
    // Messages about the key name the override (the value has no place in a file).
    const std::string place = "--set " + path;
    const ConfigValue value = from_yaml(node, where, path, place);
    check_nested_keys(value, where, path);
    config.task.params.erase(name);  // an overridden key moves to the end, as yaml-cpp's map did
    config.task.params.append(name, value, place);
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

// A run whose population cannot fit in this machine's memory, refused before anything is
// allocated. The message blames the genome's keys when fewer genomes than a small NEAT population
// (150, the default) would fit, population_size otherwise.
void check_fits_memory(const Config& c, const Places& places, const std::string& origin) {
  const uint64_t memory = physical_memory_bytes();
  if (memory == 0) return;
  const PopulationEstimate e = estimate_population_memory(c);
  if (e.bytes <= double(memory)) return;
  auto at = [&](const std::string& key) {
    auto it = places.find(key);
    return it != places.end() ? it->second : origin.empty() ? std::string("config") : origin;
  };
  const auto& g = c.genome;
  const std::string need = memory_text(e.bytes >= 1.8e19 ? UINT64_MAX : uint64_t(e.bytes));
  const std::string each = memory_text(e.bytes_per_genome >= 1.8e19 ? UINT64_MAX : uint64_t(e.bytes_per_genome));
  const std::string shape = fmt::format("genome.num_inputs {}, bias_node {}, num_outputs {}, num_hidden {} and "
                                        "initial_connection {} make initial genomes of {:.0f} nodes and {:.0f} "
                                        "connections, {} each", g.num_inputs, g.bias_node ? "true" : "false",
                                        g.num_outputs, g.num_hidden,
                                        names_of<InitialConnection>().name(g.initial_connection), e.nodes,
                                        e.connections, each);
  const double fits = std::floor(double(memory) / (2.0 * e.bytes_per_genome));
  if (fits < 150) {
    std::string key = "genome.num_hidden";
    for (const char* k : {"genome.num_hidden", "genome.num_inputs", "genome.num_outputs", "genome.initial_connection"})
      if (places.count(k)) {
        key = k;
        break;
      }
    throw ConfigError(fmt::format("{}: {}: {}; a population of {} needs at least {} (held twice while the next one "
                                  "is made), more than this machine's memory ({}), which holds {:.0f} such genomes; "
                                  "allowed: genomes small enough that the population fits",
                                  at(key), key, shape, c.population_size, need, memory_text(memory), fits));
  }
  throw ConfigError(fmt::format("{}: population_size: {} genomes need at least {} ({}; the population is held twice "
                                "while the next one is made), more than this machine's memory ({}); allowed: "
                                "population_size below {:.0f}", at("population_size"), c.population_size, need, shape,
                                memory_text(memory), fits));
}

Config parse_impl(const std::string& text, const std::string& origin, const std::string& default_name,
                  const std::vector<std::string>& overrides, bool check_memory) {
  Config config;
  config.source = origin;
  refuse_unmatched_flow_end(text, origin);
  YAML::Node root;
  try {
    check_yaml_bounds(text, origin);
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(mark_place(origin, e.mark) + ": invalid YAML: " + e.msg);
  }
  Places places;
  Reader(config, origin, places).read_section(from_yaml(root, origin, ""), "");
  if (!places.count("name") && !default_name.empty()) config.name = default_name;
  for (const auto& o : overrides) apply_override_to(config, o, places);
  check_relations(config, places, origin);
  if (check_memory) check_fits_memory(config, places, origin);
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
  const std::string text = read_regular_file_or_throw<ConfigError>(path, "config file", kMaxConfigBytes);
  if (looks_like_neat_python_config(text))
    throw ConfigError(path + ": this is a neat-python config (INI, a [NEAT] section), not a Ganglion YAML config; "
                      "convert it with: ganglion import neat-python " + path + " --out " +
                      (fs::path(path).parent_path() / (fs::path(path).stem().string() + ".yaml")).string());
  try {
    Config config = parse_impl(text, path, fs::path(path).stem().string(), overrides, /*check_memory=*/true);
    resolve_config_paths(config, fs::path(path).parent_path().string());
    check_file_hashes(config);
    return config;
  } catch (const std::bad_alloc&) {  // the bounds make this unlikely; it must still name the file
    throw ConfigError(path + ": out of memory while loading the config");
  }
}

Config parse_config(const std::string& yaml_text, const std::string& origin,
                    const std::vector<std::string>& overrides) {
  try {
    Config config = parse_impl(yaml_text, origin, "", overrides, /*check_memory=*/false);
    check_file_hashes(config);
    return config;
  } catch (const std::bad_alloc&) {
    throw ConfigError((origin.empty() ? std::string("config") : origin) + ": out of memory while loading the config");
  }
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
    if (open.size() == 1 && open.back() == "task" && config.task.params.is_map())
      for (const auto& e : config.task.params.entries())
        out << YAML::Key << e.key << YAML::Value << to_yaml(e.value);
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

std::vector<std::string> fixed_keys_that_differ(const Config& a, const Config& b) {
  auto text = [](const Key& k, const Config& c) {
    YAML::Emitter out;
    k.write(c, out);
    return std::string(out.c_str());
  };
  std::vector<std::string> out;
  for (const auto& k : schema())
    if (k.on_resume == OnResume::Keep && text(k, a) != text(k, b)) out.push_back(k.path);
  auto params = [](const Config& c) {
    YAML::Emitter out;
    out << to_yaml(c.task.params);
    return std::string(out.c_str());
  };
  if (params(a) != params(b)) out.push_back("task (its own keys)");
  return out;
}

std::vector<std::string> config_keys() {
  std::vector<std::string> out;
  for (const auto& k : schema()) out.push_back(k.path);
  return out;
}

bool key_resumable(const std::string& key_path) {
  const Key* k = find_key(key_path);
  return k && k->on_resume == OnResume::MayChange;
}

std::vector<std::string> resumable_keys() {
  std::vector<std::string> out;
  for (const auto& k : schema())
    if (k.on_resume == OnResume::MayChange) out.push_back(k.path);
  return out;
}

std::vector<ConfigKeyDoc> config_key_docs() {
  const Config defaults;
  std::vector<ConfigKeyDoc> out;
  for (const auto& k : schema()) {
    YAML::Emitter e;
    k.write(defaults, e);
    out.push_back({k.path, k.type, e.c_str(), k.allowed_text(), k.doc, k.on_resume == OnResume::MayChange});
  }
  return out;
}

void register_config_names(const std::string& key_path, NameList names) {
  auto& r = name_registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.lists[key_path] = names;
}

std::vector<std::string> registered_config_names(const std::string& key_path) {
  NameList names = nullptr;
  {
    auto& r = name_registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    auto it = r.lists.find(key_path);
    if (it != r.lists.end()) names = it->second;
  }
  return names ? names() : std::vector<std::string>{};
}

}  // namespace ganglion
