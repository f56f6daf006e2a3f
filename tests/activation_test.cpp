#include <doctest/doctest.h>

#include <cmath>

#include "core/network/activation.hpp"

using namespace ganglion;

TEST_CASE("activation names round-trip") {
  for (size_t i = 0; i < static_cast<size_t>(Activation::Count); ++i) {
    auto a = static_cast<Activation>(i);
    auto parsed = parse_activation(activation_name(a));
    REQUIRE(parsed.has_value());
    CHECK(*parsed == a);
  }
  CHECK_FALSE(parse_activation("sigmoidd").has_value());
  for (size_t i = 0; i < static_cast<size_t>(Aggregation::Count); ++i) {
    auto g = static_cast<Aggregation>(i);
    CHECK(*parse_aggregation(aggregation_name(g)) == g);
  }
}

TEST_CASE("activation values match their definitions") {
  CHECK(activate<double>(Activation::NeatSigmoid, 0.0) == doctest::Approx(0.5));
  CHECK(activate<double>(Activation::NeatSigmoid, 1.0) == doctest::Approx(1.0 / (1.0 + std::exp(-4.9))));
  CHECK(activate<double>(Activation::PlainSigmoid, 1.0) == doctest::Approx(1.0 / (1.0 + std::exp(-1.0))));
  CHECK(activate<double>(Activation::Sigmoid, 0.3) == doctest::Approx(1.0 / (1.0 + std::exp(-1.5))));
  CHECK(activate<double>(Activation::Tanh, 0.2) == doctest::Approx(std::tanh(0.5)));
  CHECK(activate<double>(Activation::Relu, -2.0) == 0.0);
  CHECK(activate<double>(Activation::Gauss, 10.0) == doctest::Approx(std::exp(-5.0 * 3.4 * 3.4)));
  CHECK(activate<double>(Activation::Step, 0.0) == 0.0);
  CHECK(activate<double>(Activation::Step, 1e-9) == 1.0);
  CHECK(activate<double>(Activation::Clamped, 3.0) == 1.0);
  CHECK(activate<double>(Activation::Softplus, 0.0) == doctest::Approx(0.2 * std::log(2.0)));
  CHECK(activate<double>(Activation::Inv, 0.0) == 0.0);
  CHECK(activate<double>(Activation::Hat, 0.25) == doctest::Approx(0.75));
  CHECK(std::isfinite(activate<double>(Activation::Exp, 1e6)));
  CHECK(std::isfinite(activate<float>(Activation::Sigmoid, -1e30f)));
}

TEST_CASE("aggregations stream correctly, empty inputs are defined") {
  const double xs[] = {2.0, -3.0, 0.5};
  auto reduce = [&](Aggregation g) {
    double acc = aggregation_init<double>(g);
    for (double x : xs) acc = aggregation_add(g, acc, x);
    return aggregation_finish(g, acc, 3);
  };
  CHECK(reduce(Aggregation::Sum) == doctest::Approx(-0.5));
  CHECK(reduce(Aggregation::Product) == doctest::Approx(-3.0));
  CHECK(reduce(Aggregation::Max) == 2.0);
  CHECK(reduce(Aggregation::Min) == -3.0);
  CHECK(reduce(Aggregation::MaxAbs) == -3.0);
  CHECK(reduce(Aggregation::Mean) == doctest::Approx(-0.5 / 3));
  for (size_t i = 0; i < static_cast<size_t>(Aggregation::Count); ++i) {
    auto g = static_cast<Aggregation>(i);
    double empty = aggregation_finish(g, aggregation_init<double>(g), 0);
    CHECK(empty == (g == Aggregation::Product ? 1.0 : 0.0));
  }
}
