#include "core/network/activation.hpp"

#include <array>

namespace ganglion {
namespace {

constexpr std::array<std::string_view, static_cast<size_t>(Activation::Count)> kActivationNames = {
    "sigmoid", "neat_sigmoid", "plain_sigmoid", "tanh", "relu", "identity", "gauss",
    "sin",     "abs",          "step",          "clamped", "softplus", "elu", "lelu",
    "selu",    "inv",          "log",           "exp",  "hat",  "square",   "cube"};

constexpr std::array<std::string_view, static_cast<size_t>(Aggregation::Count)> kAggregationNames = {
    "sum", "product", "max", "min", "maxabs", "mean"};

}  // namespace

std::string_view activation_name(Activation a) {
  auto i = static_cast<size_t>(a);
  return i < kActivationNames.size() ? kActivationNames[i] : "unknown";
}

std::string_view aggregation_name(Aggregation g) {
  auto i = static_cast<size_t>(g);
  return i < kAggregationNames.size() ? kAggregationNames[i] : "unknown";
}

std::optional<Activation> parse_activation(std::string_view name) {
  for (size_t i = 0; i < kActivationNames.size(); ++i)
    if (kActivationNames[i] == name) return static_cast<Activation>(i);
  return std::nullopt;
}

std::optional<Aggregation> parse_aggregation(std::string_view name) {
  for (size_t i = 0; i < kAggregationNames.size(); ++i)
    if (kAggregationNames[i] == name) return static_cast<Aggregation>(i);
  return std::nullopt;
}

const std::vector<std::string>& activation_names() {
  static const std::vector<std::string> names(kActivationNames.begin(), kActivationNames.end());
  return names;
}

const std::vector<std::string>& aggregation_names() {
  static const std::vector<std::string> names(kAggregationNames.begin(), kAggregationNames.end());
  return names;
}

}  // namespace ganglion
