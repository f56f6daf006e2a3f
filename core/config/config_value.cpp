#include "core/config/config_value.hpp"

#include <algorithm>

#include "core/config/decode.hpp"
#include "core/config/yaml_bridge.hpp"
#include "core/config/yaml_limits.hpp"
#include "core/error.hpp"

namespace ganglion {

ConfigValue ConfigValue::scalar(std::string text, std::string place) {
  ConfigValue v;
  v.kind_ = Kind::Scalar;
  v.text_ = std::move(text);
  v.place_ = std::move(place);
  return v;
}

ConfigValue ConfigValue::list(std::string place) {
  ConfigValue v;
  v.kind_ = Kind::List;
  v.place_ = std::move(place);
  return v;
}

ConfigValue ConfigValue::map(std::string place) {
  ConfigValue v;
  v.kind_ = Kind::Map;
  v.place_ = std::move(place);
  return v;
}

size_t ConfigValue::size() const {
  if (kind_ == Kind::List) return items_.size();
  if (kind_ == Kind::Map) return entries_.size();
  return 0;
}

const ConfigValue* ConfigValue::find(const std::string& key) const {
  for (const auto& e : entries_)
    if (e.key == key) return &e.value;
  return nullptr;
}

void ConfigValue::push_back(ConfigValue item) {
  if (kind_ != Kind::List) throw Error("ConfigValue::push_back on a value that is not a list");
  items_.push_back(std::move(item));
}

void ConfigValue::append(std::string key, ConfigValue value, std::string key_place) {
  if (kind_ != Kind::Map) throw Error("ConfigValue::append on a value that is not a map");
  entries_.push_back(Entry{std::move(key), std::move(key_place), std::move(value)});
}

void ConfigValue::set(const std::string& key, ConfigValue value, std::string key_place) {
  if (kind_ != Kind::Map) throw Error("ConfigValue::set on a value that is not a map");
  for (auto& e : entries_)
    if (e.key == key) {
      e.value = std::move(value);
      e.key_place = std::move(key_place);
      return;
    }
  entries_.push_back(Entry{key, std::move(key_place), std::move(value)});
}

void ConfigValue::erase(const std::string& key) {
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.key == key; }),
                 entries_.end());
}

ConfigValue parse_config_value(const std::string& yaml_text, const std::string& origin) {
  YAML::Node node;
  try {
    config_detail::check_yaml_bounds(yaml_text, origin);
    node = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(config_detail::mark_place(origin, e.mark) + ": invalid YAML: " + e.msg);
  }
  return config_detail::from_yaml(node, origin, "");
}

namespace config_detail {

std::string mark_place(const std::string& origin, const YAML::Mark& mark) {
  const std::string o = origin.empty() ? std::string("config") : origin;
  if (mark.is_null()) return o;
  return o + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

int line_of_place(const std::string& place) {
  const auto col = place.rfind(':');
  if (col == std::string::npos || col == 0) return 0;
  const auto line = place.rfind(':', col - 1);
  if (line == std::string::npos) return 0;
  const std::string digits = place.substr(line + 1, col - line - 1);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) return 0;
  return std::stoi(digits);
}

namespace {

ConfigValue::Style style_of(YAML::EmitterStyle::value s) {
  switch (s) {
    case YAML::EmitterStyle::Block: return ConfigValue::Style::Block;
    case YAML::EmitterStyle::Flow: return ConfigValue::Style::Flow;
    default: return ConfigValue::Style::Default;
  }
}

YAML::EmitterStyle::value emitter_style(ConfigValue::Style s) {
  switch (s) {
    case ConfigValue::Style::Block: return YAML::EmitterStyle::Block;
    case ConfigValue::Style::Flow: return YAML::EmitterStyle::Flow;
    default: return YAML::EmitterStyle::Default;
  }
}

struct Converter {
  const std::string& origin;
  const std::string& fixed_place;
  size_t count = 0;

  std::string place(const YAML::Node& n) const { return fixed_place.empty() ? mark_place(origin, n.Mark()) : fixed_place; }

  int depth = 0;

  ConfigValue convert(const YAML::Node& n, const std::string& path) {
    // check_yaml_bounds() ran on the text already; these guards keep a tree built another way
    // (or a cycle yaml-cpp made) from recursing without bound.
    struct Level {
      int& d;
      explicit Level(int& depth) : d(depth) { ++d; }
      ~Level() { --d; }
    } level(depth);
    if (depth > kMaxConfigDepth)
      throw ConfigError(place(n) + ": " + (path.empty() ? std::string("the config") : path) +
                        ": maps and lists nested more than " + std::to_string(kMaxConfigDepth) + " levels deep");
    if (++count > kMaxConfigValues)
      throw ConfigError(place(n) + ": " + (path.empty() ? std::string("the config") : path) + ": more than " +
                        std::to_string(kMaxConfigValues) + " values (does a YAML alias expand too far?)");
    ConfigValue v;
    switch (n.Type()) {
      case YAML::NodeType::Scalar:
        v = ConfigValue::scalar(n.Scalar(), place(n));
        break;
      case YAML::NodeType::Sequence:
        v = ConfigValue::list(place(n));
        v.set_style(style_of(n.Style()));
        for (const auto& item : n) v.push_back(convert(item, path));
        break;
      case YAML::NodeType::Map:
        v = ConfigValue::map(place(n));
        v.set_style(style_of(n.Style()));
        for (const auto& kv : n) {
          if (!kv.first.IsScalar())
            throw ConfigError(place(kv.first) + ": " + (path.empty() ? std::string("the top level") : path) +
                              ": keys must be plain names, got " + describe(convert(kv.first, path)));
          const std::string key = kv.first.Scalar();
          v.append(key, convert(kv.second, path.empty() ? key : path + "." + key), place(kv.first));
        }
        break;
      default:  // null or undefined
        v.set_place(place(n));
        break;
    }
    v.set_tag(n.Tag());
    return v;
  }
};

}  // namespace

ConfigValue from_yaml(const YAML::Node& node, const std::string& origin, const std::string& path,
                      const std::string& fixed_place) {
  Converter c{origin, fixed_place};
  return c.convert(node, path);
}

YAML::Node to_yaml(const ConfigValue& value) {
  auto tagged = [&](YAML::Node n) {
    if (!value.tag().empty()) n.SetTag(value.tag());
    return n;
  };
  switch (value.kind()) {
    case ConfigValue::Kind::Scalar: return tagged(YAML::Node(value.text()));
    case ConfigValue::Kind::List: {
      YAML::Node n(YAML::NodeType::Sequence);
      n.SetStyle(emitter_style(value.style()));
      for (const auto& item : value.items()) n.push_back(to_yaml(item));
      return tagged(n);
    }
    case ConfigValue::Kind::Map: {
      YAML::Node n(YAML::NodeType::Map);
      n.SetStyle(emitter_style(value.style()));
      for (const auto& e : value.entries()) n.force_insert(e.key, to_yaml(e.value));
      return tagged(n);
    }
    case ConfigValue::Kind::Null:
    default: return YAML::Node(YAML::NodeType::Null);
  }
}

}  // namespace config_detail
}  // namespace ganglion
