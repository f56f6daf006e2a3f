// How a config section declares its keys: once, in one X-macro table next to the struct, with
// everything the framework needs to know about each key. Each row is
//
//   KEY(type, name, default, allowed, on_resume, "one line of help")
//   SUB(struct type, name, default, "what it is")          (a nested section, e.g. genome.weight)
//
// and the section struct is written as
//
//   struct SpeciationConfig {
//     GANGLION_SPECIATION_SETTINGS(GANGLION_SETTING_FIELD, GANGLION_SETTING_FIELD)
//     GANGLION_SETTINGS_DESCRIBE(SpeciationConfig, GANGLION_SPECIATION_SETTINGS)
//   };
//
// GANGLION_SETTING_FIELD turns every row into a member with its default; GANGLION_SETTINGS_DESCRIBE
// adds `describe(visitor)`, which hands every row to the config loader (core/config/config.cpp).
// From that one table come: the struct, strict YAML loading, `--set`, config_to_yaml(), `ganglion
// config --keys`, docs/config.md's tables and key_resumable(). Adding a key is adding one row.
//
// `allowed` is one of the words below (namespace settings); `on_resume` is `fixed` (the key decides
// what the run computes, so a resumed run must keep it) or `may_change` (how, where or how long the
// run goes, never what it computes). In SUB rows' help texts, "{what}" stands for the SUB's "what".
//
// This header is plain C++ (no yaml-cpp): task plug-ins include it through config.hpp.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace ganglion {

enum class OnResume { Keep, MayChange };

// The values a key accepts beyond its type. Numbers: a range (an integer key takes the whole
// numbers in it, clamped to its type). Strings: non-empty or not, a fixed list of words, or a list
// of names registered at run time by the library that owns them (core/config/registered_names.hpp).
struct Allowed {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;
  bool hi_open = false;
  bool allow_empty = false;        // strings
  std::vector<std::string> words;  // strings: the only valid values, when not empty
  bool registered = false;         // strings: the valid values are registered under the key's path
  bool file_name = false;          // strings: one file name (no folder separators, not "." or "..")
};

namespace settings {

inline constexpr OnResume fixed = OnResume::Keep;
inline constexpr OnResume may_change = OnResume::MayChange;

// Any value of the key's type (any finite number, true or false, any name of an enum).
inline Allowed any() { return {}; }
// Numbers in [lo, hi], (lo, hi] when lo_open; hi may be infinite.
inline Allowed numbers(double lo, double hi, bool lo_open = false) {
  Allowed a;
  a.lo = lo;
  a.hi = hi;
  a.lo_open = lo_open;
  return a;
}
inline Allowed range(double lo, double hi) { return numbers(lo, hi); }
// Numbers in (lo, hi].
inline Allowed range_above(double lo, double hi) { return numbers(lo, hi, true); }
// Numbers >= lo.
inline Allowed at_least(double lo) { return numbers(lo, std::numeric_limits<double>::infinity()); }
// Numbers > lo.
inline Allowed above(double lo) { return numbers(lo, std::numeric_limits<double>::infinity(), true); }
// Probabilities and shares: [0, 1].
inline Allowed probability() { return range(0.0, 1.0); }
// Strings.
inline Allowed non_empty() { return {}; }
inline Allowed may_be_empty() {
  Allowed a;
  a.allow_empty = true;
  return a;
}
// A name that becomes part of a path (a run folder's name): one non-empty file name, so that it can
// never point outside the folder it is made in.
inline Allowed file_name() {
  Allowed a;
  a.file_name = true;
  return a;
}
inline Allowed one_of(std::vector<std::string> words) {
  Allowed a;
  a.words = std::move(words);
  return a;
}
// The names registered for this key's path by the library that owns them (gpu/ registers
// `cuda.kernel`); a program that links no such library accepts any non-empty name.
inline Allowed registered_names() {
  Allowed a;
  a.registered = true;
  return a;
}

}  // namespace settings

// The words a config uses for the values of an enum key, declared next to the enum by
// specialising this template:
//   template <> struct EnumWords<Distribution> {
//     static constexpr const char* what = "distribution";  // "unknown distribution 'x'"
//     static constexpr std::pair<const char*, Distribution> words[] = {{"gaussian", Distribution::Gaussian}, ...};
//   };
template <typename E>
struct EnumWords;

// A row as a struct member with its default.
#define GANGLION_SETTING_FIELD(type, name, default_value, ...) type name = default_value;

// A row handed to describe()'s visitor: keys with their member, sections with theirs.
#define GANGLION_SETTING_VISIT_KEY(type, name, default_value, allowed, on_resume, help) \
  visitor.key(#name, &Self::name, allowed, on_resume, help);
#define GANGLION_SETTING_VISIT_SUB(type, name, default_value, what) visitor.section(#name, &Self::name, what);

#define GANGLION_SETTINGS_DESCRIBE(struct_type, table)                            \
  template <typename Visitor>                                                     \
  static void describe(Visitor& visitor) {                                        \
    using Self = struct_type;                                                     \
    using namespace ::ganglion::settings;                                         \
    table(GANGLION_SETTING_VISIT_KEY, GANGLION_SETTING_VISIT_SUB)                 \
  }

}  // namespace ganglion
