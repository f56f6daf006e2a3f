// The node update: how one node of a compiled network gets its value, written once for the CPU
// evaluator, every CUDA kernel strategy and the fused episode runners, so that they compute the
// same bits. For node j (core/network/network.hpp):
//  1. acc = aggregation_init(agg);
//  2. every feed-forward edge e in CSR order: acc = aggregation_add(agg, acc, weight[e] * value[src[e]])
//     (this step's values);
//  3. every recurrent edge the same, reading the previous step's values;
//  4. value = activation(bias + response * aggregation_finish(agg, acc, count)), count = number of
//     edges of both kinds; in float the logistic family goes through fast_logistic
//     (core/network/activation.hpp: a libm-free exp, bit-identical on host and device).
// Every step is one rounding in this order: host code is compiled with -ffp-contract=off and device
// code with --fmad=false, so a multiply-add is rounded twice on both. The CPU evaluator's batched
// path runs steps 1-3 with the rows as its inner loop (so that it vectorises) through the same
// aggregation_add, and step 4 through node_value below; paths that compute one row at a time call
// node_update.
//
// node_update<T, true> is the fast variant of the CUDA kernels (cuda.exact: false): the sum's and
// step 4's multiply-adds fused (fma: one rounding) and the activation through activate<T> (the
// device's libm exp), as the kernels computed before the node update was shared. Its outputs are
// within a few ulp of the exact ones, not bit-identical to the CPU's; nothing on the host uses it.
#pragma once

#include <math.h>  // fma, fmaf: explicit fused multiply-adds on the host and (as builtins) on the device

#include <cstdint>
#include <type_traits>

#include "core/hostdevice.hpp"
#include "core/network/activation.hpp"

namespace ganglion {

// The steepness k of a logistic activation 1/(1+exp(-k x)), 0 for every other activation.
GANGLION_HD constexpr float logistic_steepness(Activation a) {
  return a == Activation::Sigmoid ? 5.0f
         : a == Activation::NeatSigmoid ? 4.9f
         : a == Activation::PlainSigmoid ? 1.0f
                                         : 0.0f;
}

// activate<T>(A, x) for an activation known at compile time (the CPU evaluator's row loops), with
// the logistic family in float through fast_logistic.
template <Activation A, typename T>
GANGLION_HD GANGLION_INLINE T node_activation(T x) {
  if constexpr (std::is_same<T, float>::value && logistic_steepness(A) != 0.0f) {
    return fast_logistic(logistic_steepness(A), x);
  } else {
    return activate<T>(A, x);
  }
}

// The same for an activation read at run time; node_activation<T>(a, x) == node_activation<A, T>(x).
template <typename T>
GANGLION_HD GANGLION_INLINE T node_activation(Activation a, T x) {
  if constexpr (std::is_same<T, float>::value) {
    switch (a) {
      case Activation::Sigmoid: return fast_logistic(logistic_steepness(Activation::Sigmoid), x);
      case Activation::NeatSigmoid: return fast_logistic(logistic_steepness(Activation::NeatSigmoid), x);
      case Activation::PlainSigmoid: return fast_logistic(logistic_steepness(Activation::PlainSigmoid), x);
      default: return activate<float>(a, x);
    }
  } else {
    return activate<T>(a, x);
  }
}

// Step 4 from the finished aggregate (aggregation_finish's result).
template <Activation A, typename T>
GANGLION_HD GANGLION_INLINE T node_value(T aggregate, T bias, T response) {
  return node_activation<A, T>(bias + response * aggregate);
}

template <typename T>
GANGLION_HD GANGLION_INLINE T node_value(Activation a, T aggregate, T bias, T response) {
  return node_activation<T>(a, bias + response * aggregate);
}

// What a node needs besides its edges' values.
template <typename T>
struct NodeParams {
  Activation activation;
  Aggregation aggregation;
  T bias, response;
};

// a * b + c with one rounding (an explicit fma: --fmad=false does not split it).
template <typename T>
GANGLION_HD GANGLION_INLINE T fused_multiply_add(T a, T b, T c) {
  if constexpr (std::is_same<T, float>::value) {
    return fmaf(a, b, c);
  } else {
    return fma(a, b, c);
  }
}

// Steps 1-4 for one row. Edges [eb, ee) are feed-forward, [rb, re) recurrent (an empty range for
// networks without recurrence); ff(e, w, x) and rec(e, w, x) set edge e's weight and its source's
// value (this step's and the previous step's). Sum and mean, nearly every node, skip the
// aggregation switch in their loop.
#if defined(__CUDACC__)
#pragma nv_exec_check_disable
#endif
template <typename T, bool kFast = false, class FeedForward, class Recurrent>
GANGLION_HD GANGLION_INLINE T node_update(const NodeParams<T>& p, uint32_t eb, uint32_t ee, FeedForward ff,
                                          uint32_t rb, uint32_t re, Recurrent rec) {
  const Aggregation g = p.aggregation;
  T acc = aggregation_init<T>(g);
  if (g == Aggregation::Sum || g == Aggregation::Mean) {
#if defined(__CUDA_ARCH__)
#pragma unroll 4
#endif
    for (uint32_t e = eb; e < ee; ++e) {
      T w, x;
      ff(e, w, x);
      if constexpr (kFast) {
        acc = fused_multiply_add(w, x, acc);
      } else {
        acc = acc + w * x;
      }
    }
  } else {
    for (uint32_t e = eb; e < ee; ++e) {
      T w, x;
      ff(e, w, x);
      acc = aggregation_add<T>(g, acc, w * x);
    }
  }
  for (uint32_t e = rb; e < re; ++e) {
    T w, x;
    rec(e, w, x);
    acc = aggregation_add<T>(g, acc, w * x);
  }
  const T aggregate = aggregation_finish<T>(g, acc, (ee - eb) + (re - rb));
  if constexpr (kFast) {
    return activate<T>(p.activation, fused_multiply_add(p.response, aggregate, p.bias));
  } else {
    return node_value<T>(p.activation, aggregate, p.bias, p.response);
  }
}

}  // namespace ganglion
