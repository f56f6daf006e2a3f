// Reading one typed value out of a ConfigValue, shared by the config schema (config.cpp) and
// TaskParams (task_params.cpp), so that a framework key and a task key refuse the same mistakes
// with the same words. A decoder throws BadValue saying what is wrong; the caller adds the place,
// the key path and the allowed values ("<where>: <key>: <what>; allowed: <allowed>").
// Internal to core/config.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <system_error>
#include <type_traits>
#include <vector>

#include "core/config/config_value.hpp"

namespace ganglion::config_detail {

struct BadValue {
  std::string what;
};

// Plain (unquoted) scalars may be numbers or booleans; quoted ones are strings, as YAML says.
inline bool is_plain_scalar(const ConfigValue& v) { return v.is_scalar() && !v.quoted(); }

// "nothing (null)", "a map", "a list", "'3'" or "the string '3'".
std::string describe(const ConfigValue& v);
// Shortest text that reads back to the same double; whole numbers keep a ".0".
std::string format_double(double v);
// For range texts: "[0, 1]" rather than "[0.0, 1.0]".
std::string format_bound(double v);
std::string lower(std::string s);
std::string join(const std::vector<std::string>& items, const std::string& sep);
// " (did you mean 'x'?)" or "".
std::string did_you_mean(const std::string& wrong, const std::vector<std::string>& candidates);

struct RealRange {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;
  bool hi_open = false;

  bool contains(double v) const { return (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi); }
  std::string text() const;
};

template <typename T>
std::string int_range_text(T lo, T hi) {
  if (hi == std::numeric_limits<T>::max()) {
    if (lo == std::numeric_limits<T>::min()) return std::is_signed<T>::value ? "any integer" : "an integer >= 0";
    return "an integer >= " + std::to_string(lo);
  }
  return "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
}

double decode_double(const ConfigValue& v);
bool decode_bool(const ConfigValue& v);
std::string decode_string(const ConfigValue& v, bool allow_empty);
bool looks_numeric(const std::string& s);

// Any integer type; negatives for unsigned types and non-whole numbers are type errors.
template <typename T>
T decode_integer(const ConfigValue& n) {
  const std::string expected = std::is_signed<T>::value ? "an integer" : "a non-negative integer";
  if (!is_plain_scalar(n)) throw BadValue{"expected " + expected + ", got " + describe(n)};
  std::string s = n.text();
  if (!s.empty() && s[0] == '+') s = s.substr(1);
  bool digits = !s.empty();
  for (size_t i = 0; i < s.size(); ++i)
    if (!((s[i] >= '0' && s[i] <= '9') || (i == 0 && s[i] == '-' && s.size() > 1))) digits = false;
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

}  // namespace ganglion::config_detail
