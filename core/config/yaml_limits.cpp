// One pass of yaml-cpp's event parser over a YAML text (see yaml_limits.hpp): events carry marks
// and anchor ids but build nothing, so the bounds cost one scan of the text. Each anchored value's
// expanded size is recorded when it ends, and an alias adds that size, so the count of values
// after expansion is known without expanding anything.
#include "core/config/yaml_limits.hpp"

#include <sstream>
#include <vector>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "core/config/yaml_bridge.hpp"
#include "core/error.hpp"

namespace ganglion::config_detail {

namespace {

std::string size_text(size_t bytes) {
  if (bytes % (size_t(1) << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

class BoundsCheck : public YAML::EventHandler {
 public:
  explicit BoundsCheck(const std::string& origin) : origin_(origin) {}

  std::vector<YAML::Mark> document_starts;

  void OnDocumentStart(const YAML::Mark& mark) override { document_starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string&) override {
    leaf(mark, anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    // yaml-cpp lets an alias name the anchor of a value that is still open ("a: &a [*a]"): a
    // value that contains itself, which no loader can copy out.
    for (const Open& o : open_)
      if (o.anchor == anchor && anchor != YAML::NullAnchor)
        throw ConfigError(mark_place(origin_, mark) +
                          ": an alias inside the value its anchor names (a value that contains itself); "
                          "allowed: aliases of values defined before them");
    add(anchor < sizes_.size() ? sizes_[anchor] : 1, mark, true);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    YAML::anchor_t anchor;
    size_t values_before;
  };

  void add(size_t n, const YAML::Mark& mark, bool alias) {
    values_ += n;
    if (values_ > kMaxConfigValues)
      throw ConfigError(mark_place(origin_, mark) + ": more than " + std::to_string(kMaxConfigValues) +
                        " values" + (alias ? " once this alias is expanded" : "") +
                        "; allowed: a config of at most " + std::to_string(kMaxConfigValues) +
                        " values, every alias counting as a copy of its anchor's value");
  }
  void record(YAML::anchor_t anchor, size_t size) {
    if (anchor == YAML::NullAnchor) return;
    if (sizes_.size() <= anchor) sizes_.resize(anchor + 1, 1);
    sizes_[anchor] = size;
  }
  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor) {
    add(1, mark, false);
    record(anchor, 1);
  }
  void open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (static_cast<int>(open_.size()) >= kMaxConfigDepth)
      throw ConfigError(mark_place(origin_, mark) + ": maps and lists nested more than " +
                        std::to_string(kMaxConfigDepth) + " levels deep; allowed: at most " +
                        std::to_string(kMaxConfigDepth) + " levels");
    open_.push_back({anchor, values_});
    add(1, mark, false);
  }
  void close() {
    const Open o = open_.back();
    open_.pop_back();
    record(o.anchor, values_ - o.values_before);
  }

  const std::string& origin_;
  size_t values_ = 0;
  std::vector<Open> open_;
  std::vector<size_t> sizes_;  // by anchor id: values of the anchored value, expanded
};

}  // namespace

// The documents are counted by parsing at most two, never with YAML::LoadAll: on a ',' outside
// any [...] or {...} before or after the root node (",a: 1", "[a],b", "- a\n,b"), yaml-cpp 0.7
// (Debian 12) starts a new empty document at the comma without consuming it, so LoadAll collects
// documents until memory runs out (found by fuzz/fuzz_config.cpp).
void check_yaml_bounds(const std::string& text, const std::string& origin) {
  const std::string where = origin.empty() ? std::string("config") : origin;
  if (text.size() > kMaxConfigBytes)
    throw ConfigError(where + ": " + std::to_string(text.size()) + " bytes of YAML; allowed: at most " +
                      size_text(kMaxConfigBytes));
  std::istringstream in(text);
  YAML::Parser parser(in);
  BoundsCheck events(origin);
  try {
    if (!parser.HandleNextDocument(events) || !parser.HandleNextDocument(events)) return;
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's own guard, should its count of levels reach its limit before ours does.
    throw ConfigError(mark_place(origin, e.mark) + ": maps and lists nested more than " +
                      std::to_string(kMaxConfigDepth) + " levels deep; allowed: at most " +
                      std::to_string(kMaxConfigDepth) + " levels");
  }
  if (events.document_starts.size() < 2) return;
  const YAML::Mark& second = events.document_starts[1];
  const bool comma = second.pos >= 0 && static_cast<size_t>(second.pos) < text.size() && text[second.pos] == ',';
  if (comma)
    throw ConfigError(mark_place(origin, second) +
                      ": invalid YAML: ',' outside any [...] or {...} (quote the value if the comma belongs to it)");
  throw ConfigError(mark_place(origin, second) + ": a second YAML document ('---'); a config file holds exactly one");
}

}  // namespace ganglion::config_detail
