// The CPU evaluator. For each network (one thread per network, networks spread over the pool):
//  1. values[node][row] is a thread-local buffer, node-major so that the innermost loop runs over
//     the batch's rows and vectorises;
//  2. input nodes take the rows' inputs, bias nodes 1;
//  3. nodes are computed in local order, which is level order: for each node, every incoming
//     feed-forward edge adds w * values[src][*] (this step's values) and every recurrent edge
//     w * state[src][*] (the previous step's values), then value = activate(bias + response * agg):
//     the node update of core/network/node_update.hpp, which the CUDA kernels share, so both
//     backends compute the same bits; one row goes node by node through node_update itself;
//  4. recurrent networks copy their values into their state slice; outputs are gathered.
// Every network's arithmetic is fixed by the layout, so results never depend on the thread count.
//
// Floating-point exceptions are never inspected here; without this GCC refuses to if-convert the
// clamps in the row loops (a compare "may trap") and leaves them unvectorised. Results unchanged.
// It comes before every include so that all inline functions share the setting and still inline.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math")
#endif
#include "core/network/cpu_evaluator.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "core/error.hpp"
#include "core/network/node_update.hpp"

namespace ganglion {

namespace {

// acc[r] = agg(acc[r], w * x[src][r]) over the edges [b, e) (node_update.hpp, steps 2 and 3, with
// the rows innermost); the aggregation is a template parameter so that the common sum becomes a
// plain vectorised multiply-add.
template <Aggregation G, typename T>
void gather(T* __restrict acc, const uint32_t* src, const float* weight, uint32_t b, uint32_t e,
            const T* __restrict values, size_t rows) {
  for (uint32_t i = b; i < e; ++i) {
    const T w = T(weight[i]);
    const T* __restrict x = values + size_t(src[i]) * rows;
    for (size_t r = 0; r < rows; ++r) acc[r] = aggregation_add<T>(G, acc[r], w * x[r]);
  }
}

template <typename T>
void gather_any(Aggregation g, T* acc, const uint32_t* src, const float* weight, uint32_t b, uint32_t e,
                const T* values, size_t rows) {
  switch (g) {
    case Aggregation::Sum:
    case Aggregation::Mean: gather<Aggregation::Sum>(acc, src, weight, b, e, values, rows); break;
    case Aggregation::Product: gather<Aggregation::Product>(acc, src, weight, b, e, values, rows); break;
    case Aggregation::Max: gather<Aggregation::Max>(acc, src, weight, b, e, values, rows); break;
    case Aggregation::Min: gather<Aggregation::Min>(acc, src, weight, b, e, values, rows); break;
    case Aggregation::MaxAbs: gather<Aggregation::MaxAbs>(acc, src, weight, b, e, values, rows); break;
    default: gather<Aggregation::Sum>(acc, src, weight, b, e, values, rows); break;
  }
}

// out[r] = node_value(finish(acc[r])) (core/network/node_update.hpp, step 4); the activation is a
// template parameter so each case is its own tight loop, and aggregation_finish, the identity
// unless the aggregation is a mean or there are no inputs, is left out of the common loop.
template <Activation A, typename T>
void finish_rows(T* __restrict out, const T* __restrict acc, Aggregation g, uint32_t count, T bias, T response,
                 size_t rows) {
  if (g == Aggregation::Mean || count == 0) {
    for (size_t r = 0; r < rows; ++r) out[r] = node_value<A, T>(aggregation_finish<T>(g, acc[r], count), bias, response);
  } else {
    for (size_t r = 0; r < rows; ++r) out[r] = node_value<A, T>(acc[r], bias, response);
  }
}

template <typename T>
void finish_any(Activation a, T* out, const T* acc, Aggregation g, uint32_t count, T bias, T response, size_t rows) {
  switch (a) {
#define GANGLION_CASE(name) \
  case Activation::name: finish_rows<Activation::name>(out, acc, g, count, bias, response, rows); break;
    GANGLION_CASE(Sigmoid)
    GANGLION_CASE(NeatSigmoid)
    GANGLION_CASE(PlainSigmoid)
    GANGLION_CASE(Tanh)
    GANGLION_CASE(Relu)
    GANGLION_CASE(Identity)
    GANGLION_CASE(Gauss)
    GANGLION_CASE(Sin)
    GANGLION_CASE(Abs)
    GANGLION_CASE(Step)
    GANGLION_CASE(Clamped)
    GANGLION_CASE(Softplus)
    GANGLION_CASE(Elu)
    GANGLION_CASE(Lelu)
    GANGLION_CASE(Selu)
    GANGLION_CASE(Inv)
    GANGLION_CASE(Log)
    GANGLION_CASE(Exp)
    GANGLION_CASE(Hat)
    GANGLION_CASE(Square)
    GANGLION_CASE(Cube)
#undef GANGLION_CASE
    default: finish_rows<Activation::Identity>(out, acc, g, count, bias, response, rows); break;
  }
}

}  // namespace

CpuEvaluator::CpuEvaluator(ThreadPool& pool) : pool_(&pool) {}

CpuEvaluator::CpuEvaluator(unsigned threads) : own_pool_(std::make_unique<ThreadPool>(threads)), pool_(own_pool_.get()) {}

CpuEvaluator::~CpuEvaluator() = default;

void CpuEvaluator::load(const PopulationLayout& layout) {
  layout_ = &layout;
  state_offset_.assign(layout.num_networks, 0);
  size_t total = 0;
  for (uint32_t n = 0; n < layout.num_networks; ++n) {
    state_offset_[n] = total;
    if (layout.rec_edge_offset[n + 1] > layout.rec_edge_offset[n]) total += layout.nodes_of(n);
  }
  state_nodes_ = total;
  reset_state();
}

void CpuEvaluator::reset_state() {
  state_rows_ = 0;
  state_rows_d_ = 0;
  state_f_.clear();
  state_d_.clear();
}

void CpuEvaluator::activate(const float* inputs, size_t rows, InputMode mode, float* outputs) {
  run<float>(inputs, rows, mode, outputs, state_f_);
}

void CpuEvaluator::activate_double(const double* inputs, size_t rows, InputMode mode, double* outputs) {
  run<double>(inputs, rows, mode, outputs, state_d_);
}

template <typename T>
void CpuEvaluator::run(const T* inputs, size_t rows, InputMode mode, T* outputs, std::vector<T>& state) {
  if (!layout_) throw Error("CpuEvaluator: activate() called before load() (load a PopulationLayout first)");
  const PopulationLayout& L = *layout_;
  if (rows == 0 || L.num_networks == 0) return;

  size_t& state_rows = std::is_same<T, double>::value ? state_rows_d_ : state_rows_;
  if (state_rows != rows || state.size() != state_nodes_ * rows) {
    state.assign(state_nodes_ * rows, T(0));
    state_rows = rows;
  }

  const uint32_t ni = L.num_inputs, no = L.num_outputs;
  ThreadPool& pool = *pool_;
  pool.for_ranges(L.num_networks, [&](size_t begin, size_t end) {
    thread_local std::vector<T> values_buf, acc_buf;
    if (values_buf.size() < size_t(L.max_nodes) * rows) values_buf.resize(size_t(L.max_nodes) * rows);
    if (acc_buf.size() < rows) acc_buf.resize(rows);
    T* values = values_buf.data();
    T* acc = acc_buf.data();
    for (size_t n = begin; n < end; ++n) {
      const uint32_t n0 = L.node_offset[n];
      const uint32_t nodes = L.node_offset[n + 1] - n0;
      const uint32_t nb = L.num_bias[n];
      const T* in = inputs + (mode == InputMode::PerNetwork ? n * rows * ni : 0);
      for (uint32_t i = 0; i < ni; ++i) {
        T* v = values + size_t(i) * rows;
        for (size_t r = 0; r < rows; ++r) v[r] = in[r * ni + i];
      }
      std::fill(values + size_t(ni) * rows, values + size_t(ni + nb) * rows, T(1));

      const bool recurrent = L.rec_edge_offset[n + 1] > L.rec_edge_offset[n];
      T* prev = recurrent ? state.data() + state_offset_[n] * rows : nullptr;
      const uint32_t* row_off = L.row_offset.data() + n0;
      const uint32_t* rec_off = L.rec_row_offset.data() + n0;
      if (rows == 1) {  // control tasks: one row per network, node by node through node_update
        const uint32_t* src = L.src.data();
        const float* weight = L.weight.data();
        const uint32_t* rec_src = L.rec_src.data();
        const float* rec_weight = L.rec_weight.data();
        for (uint32_t j = ni + nb; j < nodes; ++j) {
          const NodeParams<T> p{static_cast<Activation>(L.activation[n0 + j]),
                                static_cast<Aggregation>(L.aggregation[n0 + j]), T(L.bias[n0 + j]),
                                T(L.response[n0 + j])};
          values[j] = node_update<T>(
              p, row_off[j], row_off[j + 1],
              [&](uint32_t e, T& w, T& x) {
                w = T(weight[e]);
                x = values[src[e]];
              },
              recurrent ? rec_off[j] : 0u, recurrent ? rec_off[j + 1] : 0u,
              [&](uint32_t e, T& w, T& x) {
                w = T(rec_weight[e]);
                x = prev[rec_src[e]];
              });
        }
      } else {
        for (uint32_t j = ni + nb; j < nodes; ++j) {
          const Aggregation g = static_cast<Aggregation>(L.aggregation[n0 + j]);
          const T init = aggregation_init<T>(g);
          std::fill(acc, acc + rows, init);
          const uint32_t eb = row_off[j], ee = row_off[j + 1];
          gather_any<T>(g, acc, L.src.data(), L.weight.data(), eb, ee, values, rows);
          uint32_t count = ee - eb;
          if (recurrent) {
            const uint32_t rb = rec_off[j], re = rec_off[j + 1];
            gather_any<T>(g, acc, L.rec_src.data(), L.rec_weight.data(), rb, re, prev, rows);
            count += re - rb;
          }
          finish_any<T>(static_cast<Activation>(L.activation[n0 + j]), values + size_t(j) * rows, acc, g, count,
                        T(L.bias[n0 + j]), T(L.response[n0 + j]), rows);
        }
      }
      if (recurrent) std::copy(values, values + size_t(nodes) * rows, prev);

      const uint32_t* outs = L.output_node.data() + n * no;
      T* out = outputs + n * rows * no;
      for (uint32_t k = 0; k < no; ++k) {
        const T* v = values + size_t(outs[k]) * rows;
        for (size_t r = 0; r < rows; ++r) out[r * no + k] = v[r];
      }
    }
  });
}

}  // namespace ganglion
