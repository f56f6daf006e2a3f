// Activation and aggregation functions, defined once for host and device. Where a name exists in
// neat-python, the function is neat-python's (same scaling and clamping), so configs and exported
// networks mean the same thing in both tools. Added names: neat_sigmoid (the NEAT paper's
// steepened 1/(1+e^{-4.9x})), plain_sigmoid (1/(1+e^{-x})) and step.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/hostdevice.hpp"

namespace ganglion {

enum class Activation : uint8_t {
  Sigmoid = 0,   // neat-python: 1/(1+exp(-5x)), argument clamped to [-60, 60]
  NeatSigmoid,   // NEAT paper: 1/(1+exp(-4.9x))
  PlainSigmoid,  // 1/(1+exp(-x))
  Tanh,          // neat-python: tanh(2.5x)
  Relu,
  Identity,
  Gauss,         // neat-python: exp(-5x^2), x clamped to [-3.4, 3.4]
  Sin,           // neat-python: sin(5x)
  Abs,
  Step,          // 1 if x > 0 else 0
  Clamped,       // clamp to [-1, 1]
  Softplus,      // neat-python: 0.2*log(1+exp(5x))
  Elu,
  Lelu,          // leaky relu, slope 0.005
  Selu,
  Inv,           // 1/x, 0 at x = 0
  Log,           // log(max(x, 1e-7))
  Exp,           // exp(x), x clamped to [-60, 60]
  Hat,           // max(0, 1-|x|)
  Square,
  Cube,
  Count
};

enum class Aggregation : uint8_t { Sum = 0, Product, Max, Min, MaxAbs, Mean, Count };

template <typename T>
GANGLION_HD GANGLION_INLINE T clamp_value(T x, T lo, T hi) {
  return x < lo ? lo : (x > hi ? hi : x);
}

// f(x) for one activation. Templated so the CPU reference can run in double.
template <typename T>
GANGLION_HD GANGLION_INLINE T activate(Activation a, T x) {
  switch (a) {
    case Activation::Sigmoid: {
      T z = clamp_value<T>(T(5) * x, T(-60), T(60));
      return T(1) / (T(1) + exp(-z));
    }
    case Activation::NeatSigmoid: {
      T z = clamp_value<T>(T(4.9) * x, T(-60), T(60));
      return T(1) / (T(1) + exp(-z));
    }
    case Activation::PlainSigmoid: {
      T z = clamp_value<T>(x, T(-60), T(60));
      return T(1) / (T(1) + exp(-z));
    }
    case Activation::Tanh: return tanh(clamp_value<T>(T(2.5) * x, T(-60), T(60)));
    case Activation::Relu: return x > T(0) ? x : T(0);
    case Activation::Identity: return x;
    case Activation::Gauss: {
      T z = clamp_value<T>(x, T(-3.4), T(3.4));
      return exp(T(-5) * z * z);
    }
    case Activation::Sin: return sin(clamp_value<T>(T(5) * x, T(-60), T(60)));
    case Activation::Abs: return x < T(0) ? -x : x;
    case Activation::Step: return x > T(0) ? T(1) : T(0);
    case Activation::Clamped: return clamp_value<T>(x, T(-1), T(1));
    case Activation::Softplus: return T(0.2) * log(T(1) + exp(clamp_value<T>(T(5) * x, T(-60), T(60))));
    case Activation::Elu: return x > T(0) ? x : exp(x) - T(1);
    case Activation::Lelu: return x > T(0) ? x : T(0.005) * x;
    case Activation::Selu: {
      const T lam = T(1.0507009873554804934193349852946);
      const T alpha = T(1.6732632423543772848170429916717);
      return x > T(0) ? lam * x : lam * alpha * (exp(x) - T(1));
    }
    case Activation::Inv: return x == T(0) ? T(0) : T(1) / x;
    case Activation::Log: return log(x > T(1e-7) ? x : T(1e-7));
    case Activation::Exp: return exp(clamp_value<T>(x, T(-60), T(60)));
    case Activation::Hat: {
      T ax = x < T(0) ? -x : x;
      return ax < T(1) ? T(1) - ax : T(0);
    }
    case Activation::Square: return x * x;
    case Activation::Cube: return x * x * x;
    default: return x;
  }
}

// Streaming aggregation: init, add one weighted input at a time, finish with the input count.
// Empty inputs give 0 for every aggregation except product (1), as neat-python's reductions do
// where they are defined.
template <typename T>
GANGLION_HD GANGLION_INLINE T aggregation_init(Aggregation g) {
  switch (g) {
    case Aggregation::Product: return T(1);
    case Aggregation::Max: return T(-INFINITY);
    case Aggregation::Min: return T(INFINITY);
    default: return T(0);
  }
}

template <typename T>
GANGLION_HD GANGLION_INLINE T aggregation_add(Aggregation g, T acc, T v) {
  switch (g) {
    case Aggregation::Product: return acc * v;
    case Aggregation::Max: return v > acc ? v : acc;
    case Aggregation::Min: return v < acc ? v : acc;
    case Aggregation::MaxAbs: return (v < T(0) ? -v : v) > (acc < T(0) ? -acc : acc) ? v : acc;
    default: return acc + v;  // Sum, Mean
  }
}

template <typename T>
GANGLION_HD GANGLION_INLINE T aggregation_finish(Aggregation g, T acc, uint32_t count) {
  if (count == 0) return g == Aggregation::Product ? T(1) : T(0);
  if (g == Aggregation::Mean) return acc / T(count);
  return acc;
}

// The value of a node: activation(bias + response * aggregate(inputs)), as in neat-python.
template <typename T>
GANGLION_HD GANGLION_INLINE T node_output(Activation a, T bias, T response, T aggregated) {
  return activate<T>(a, bias + response * aggregated);
}

// exp(x) for float without a libm call, bit-identical on the host and on a device compiled with
// --fmad=false (Cephes' expf: range reduction by ln 2, a degree-6 polynomial, 2^n through the
// exponent bits; about 1 ulp on [-87, 88]; callers clamp). The node update (core/network/node_update.hpp)
// uses it for the logistic family, so that the CPU evaluator's loops over rows vectorise (the host
// libm path of activate<float> goes through double exp, one call per value) and every GPU path
// computes the CPU's bits.
GANGLION_HD GANGLION_INLINE float fast_expf(float x) {
  const float t = x * 1.44269504088896341f;
  const float fn = (t + 12582912.0f) - 12582912.0f;  // round to nearest (1.5 * 2^23 trick)
  const int32_t n = int32_t(fn);
  float g = x - fn * 0.693359375f;
  g = g + fn * 2.12194440e-4f;
  float y = 1.9875691500e-4f;
  y = y * g + 1.3981999507e-3f;
  y = y * g + 8.3334519073e-3f;
  y = y * g + 4.1665795894e-2f;
  y = y * g + 1.6666665459e-1f;
  y = y * g + 5.0000001201e-1f;
  y = y * g * g + g + 1.0f;
  const int32_t bits = (n + 127) << 23;
#if defined(__CUDA_ARCH__)
  const float scale = __int_as_float(bits);
#else
  float scale;
  std::memcpy(&scale, &bits, sizeof(scale));
#endif
  return y * scale;
}

// The logistic family in float through fast_expf, with activate<float>'s clamping; NaN in, NaN out
// (never converted to an integer). k is the steepness: 5 (sigmoid), 4.9 (neat_sigmoid), 1 (plain).
GANGLION_HD GANGLION_INLINE float fast_logistic(float k, float x) {
  const float raw = k * x;
  const bool nan = raw != raw;
  float z = nan ? 0.0f : raw;
  z = z < -60.0f ? -60.0f : (z > 60.0f ? 60.0f : z);
  const float y = 1.0f / (1.0f + fast_expf(-z));
  return nan ? raw : y;
}

// Names as written in configs and genome files.
std::string_view activation_name(Activation a);
std::string_view aggregation_name(Aggregation g);
std::optional<Activation> parse_activation(std::string_view name);
std::optional<Aggregation> parse_aggregation(std::string_view name);
const std::vector<std::string>& activation_names();
const std::vector<std::string>& aggregation_names();

}  // namespace ganglion
