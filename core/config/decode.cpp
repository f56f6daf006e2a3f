#include "core/config/decode.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>

#include <yaml-cpp/yaml.h>

#include "core/config/config.hpp"

namespace ganglion {
namespace config_detail {

std::string describe(const ConfigValue& v) {
  if (v.is_null()) return "nothing (null)";
  if (v.is_map()) return "a map";
  if (v.is_list()) return "a list";
  std::string s = v.text();
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return is_plain_scalar(v) ? "'" + s + "'" : "the string '" + s + "'";
}

std::string format_double(double v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, res.ptr);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // 'n' covers inf/nan
  return s;
}

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

std::string RealRange::text() const {
  const bool has_lo = std::isfinite(lo), has_hi = std::isfinite(hi);
  if (!has_lo && !has_hi) return "any finite number";
  if (!has_hi) return std::string("a number ") + (lo_open ? "> " : ">= ") + format_bound(lo);
  if (!has_lo) return std::string("a number ") + (hi_open ? "< " : "<= ") + format_bound(hi);
  return std::string("a number in ") + (lo_open ? "(" : "[") + format_bound(lo) + ", " + format_bound(hi) +
         (hi_open ? ")" : "]");
}

double decode_double(const ConfigValue& n) {
  if (!is_plain_scalar(n)) throw BadValue{"expected a number, got " + describe(n)};
  const std::string& s = n.text();
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

bool decode_bool(const ConfigValue& n) {
  // YAML's words for booleans (true/false, yes/no, on/off in their spellings), as yaml-cpp reads them.
  bool b = false;
  if (!is_plain_scalar(n) || !YAML::convert<bool>::decode(YAML::Node(n.text()), b))
    throw BadValue{"expected true or false, got " + describe(n)};
  return b;
}

std::string decode_string(const ConfigValue& n, bool allow_empty) {
  if (n.is_null() && allow_empty) return "";
  if (!n.is_scalar()) throw BadValue{"expected a string, got " + describe(n)};
  if (n.text().empty() && !allow_empty) throw BadValue{"expected a non-empty string"};
  return n.text();
}

}  // namespace config_detail

// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), case-insensitive.
std::string nearest_name(const std::string& wrong, const std::vector<std::string>& candidates) {
  using config_detail::lower;
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

}  // namespace ganglion
