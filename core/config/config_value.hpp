// A YAML value as the config loader read it, in plain C++: null, a scalar (its text and whether
// it was quoted), a list, or a map (keys in file order), each with the place it came from
// ("file:line:column", "--set task.KEY", or "" when built in code). A task's own keys reach the
// task as one of these (TaskConfig::params, read through TaskParams), so that no yaml-cpp type is
// part of the plug-in interface. Values are plain values: copies share nothing.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ganglion {

class ConfigValue {
 public:
  enum class Kind { Null, Scalar, List, Map };
  // How a list or map was written, so that config_to_yaml() writes it back the same way.
  enum class Style { Default, Block, Flow };
  struct Entry;

  ConfigValue() = default;  // null
  static ConfigValue scalar(std::string text, std::string place = "");
  static ConfigValue list(std::string place = "");
  static ConfigValue map(std::string place = "");

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::Null; }
  bool is_scalar() const { return kind_ == Kind::Scalar; }
  bool is_list() const { return kind_ == Kind::List; }
  bool is_map() const { return kind_ == Kind::Map; }

  // Scalars: the text as written (without quotes).
  const std::string& text() const { return text_; }
  // The YAML tag: "!" for a quoted scalar (a string, whatever it looks like), "" or "?" for a
  // plain one, or an explicit tag ("!!str", verbatim).
  const std::string& tag() const { return tag_; }
  bool quoted() const { return tag_ == "!"; }
  Style style() const { return style_; }
  const std::string& place() const { return place_; }

  // Lists: the items; maps: the entries, in order (a map read from a file may repeat a key; the
  // loader refuses that, with the place).
  const std::vector<ConfigValue>& items() const { return items_; }
  const std::vector<Entry>& entries() const { return entries_; }
  // Items of a list, entries of a map, 0 otherwise.
  size_t size() const;
  // A map's value for `key` (the first such entry), or nullptr.
  const ConfigValue* find(const std::string& key) const;
  // A list's item i (i < size()).
  const ConfigValue& operator[](size_t i) const { return items_[i]; }

  void set_tag(std::string tag) { tag_ = std::move(tag); }
  void set_style(Style s) { style_ = s; }
  void set_place(std::string place) { place_ = std::move(place); }
  void push_back(ConfigValue item);
  // Appends an entry to a map (keys may repeat; see entries()).
  void append(std::string key, ConfigValue value, std::string key_place = "");
  // Sets `key` of a map: replaces the value of an existing entry, else appends one.
  void set(const std::string& key, ConfigValue value, std::string key_place = "");
  // Removes every entry of `key` from a map.
  void erase(const std::string& key);

 private:
  Kind kind_ = Kind::Null;
  std::string text_;
  std::string tag_;
  Style style_ = Style::Default;
  std::string place_;
  std::vector<ConfigValue> items_;
  std::vector<Entry> entries_;
};

struct ConfigValue::Entry {
  std::string key;
  std::string key_place;  // where the key is written (unknown-key messages point there)
  ConfigValue value;
};

// Parses one YAML document into a ConfigValue with places "origin:line:column" (for tests and for
// code that builds task parameters from text). Throws ConfigError on invalid YAML.
ConfigValue parse_config_value(const std::string& yaml_text, const std::string& origin);

}  // namespace ganglion
