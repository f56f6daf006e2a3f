// The CUDA evaluator: the public call (Evaluator::activate) behind which dispatch.cpp picks a
// strategy and the kernels of kernels.cuh run. The layout goes up in one copy from a pinned
// staging buffer; device buffers are kept across load() calls and grow only when needed.
#include "gpu/cuda_evaluator.hpp"

#include <cuda_runtime.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <sstream>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "gpu/cuda_check.hpp"
#include "gpu/device_memory.hpp"
#include "gpu/dispatch.hpp"
#include "gpu/kernel_launch.cuh"
#include "gpu/kernels.cuh"
#include "gpu/shared_layout.hpp"

namespace ganglion {

int cuda_device_count() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the error: no driver or no device means "none"
    return 0;
  }
  return count;
}

void* cuda_malloc(size_t bytes, int device) {
  GANGLION_CUDA_CHECK(cudaSetDevice(device));
  void* p = nullptr;
  const cudaError_t e = cudaMalloc(&p, std::max<size_t>(bytes, 1));
  if (e != cudaSuccess) {
    cudaGetLastError();
    throw Error("CUDA device " + std::to_string(device) + ": cannot allocate " + std::to_string(bytes) +
                " bytes: " + cudaGetErrorString(e));
  }
  return p;
}

void cuda_free(void* p) noexcept {
  if (p) cudaFree(p);
}

void cuda_copy_to_host(void* host, const void* device_memory, size_t bytes) {
  GANGLION_CUDA_CHECK(cudaMemcpy(host, device_memory, bytes, cudaMemcpyDeviceToHost));
}

CudaDeviceFacts cuda_device_facts(int device) {
  cudaDeviceProp p{};
  GANGLION_CUDA_CHECK(cudaGetDeviceProperties(&p, device));
  CudaDeviceFacts f;
  f.name = p.name;
  f.multiprocessors = p.multiProcessorCount;
  f.global_memory = p.totalGlobalMem;
  f.l2_bytes = size_t(p.l2CacheSize);
  f.shared_per_block = p.sharedMemPerBlockOptin;
  int mem_khz = 0;
  GANGLION_CUDA_CHECK(cudaDeviceGetAttribute(&mem_khz, cudaDevAttrMemoryClockRate, device));
  f.memory_bandwidth = 2.0 * double(mem_khz) * 1e3 * double(p.memoryBusWidth) / 8.0;
  return f;
}

std::string cuda_describe_device() {
  const int count = cuda_device_count();
  if (count == 0) return "no CUDA device found (no driver, or no device visible)";
  const CudaDeviceFacts f = cuda_device_facts(0);
  std::ostringstream s;
  s << f.name << ", " << (f.global_memory >> 20) << " MiB, " << f.multiprocessors << " SMs, "
    << f.memory_bandwidth / 1e9 << " GB/s peak memory bandwidth" << (count > 1 ? " (device 0 of " : "")
    << (count > 1 ? std::to_string(count) + ")" : "");
  return s.str();
}

namespace {

// Reads n 16-byte words; the store never happens (the words are equal, so their xor is 0) but the
// compiler cannot know, so every load stays.
__global__ void read_through_kernel(const uint4* p, size_t n, unsigned* sink) {
  unsigned acc = 0;
  for (size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x) {
    const uint4 v = p[i];
    acc |= v.x ^ v.y ^ v.z ^ v.w;
  }
  if (acc) *sink = acc;
}

__global__ void empty_kernel() {}

}  // namespace

double cuda_empty_launch_ms(int device, int repeats) {
  GANGLION_CUDA_CHECK(cudaSetDevice(device));
  CudaStream stream;
  CudaEvent start, stop;
  std::vector<double> ms;
  for (int r = 0; r < std::max(repeats, 1) + 1; ++r) {  // the first is a warm-up
    GANGLION_CUDA_CHECK(cudaEventRecord(start.get(), stream.get()));
    empty_kernel<<<1, 32, 0, stream.get()>>>();
    GANGLION_CUDA_CHECK_LAUNCH("empty_kernel");
    GANGLION_CUDA_CHECK(cudaEventRecord(stop.get(), stream.get()));
    GANGLION_CUDA_CHECK(cudaStreamSynchronize(stream.get()));
    float t = 0;
    GANGLION_CUDA_CHECK(cudaEventElapsedTime(&t, start.get(), stop.get()));
    if (r) ms.push_back(t);
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

void cuda_flush_l2(int device) {
  // Twice the L2 of reads from a buffer written once: what the kernel timed next reads comes from
  // DRAM, and the lines it evicts are clean. (Writing the buffer at every flush left L2 full of
  // dirty lines, and the timed kernel paid for writing them back: up to 11 us at 100,000 small
  // networks on an H100, docs/benchmarks.md.)
  static DeviceBuffer<unsigned char> scratch;
  const CudaDeviceFacts f = cuda_device_facts(device);
  const size_t bytes = std::max<size_t>(2 * f.l2_bytes, 1 << 20) / 16 * 16;
  if (scratch.capacity() < bytes) {
    scratch.reserve(bytes);
    GANGLION_CUDA_CHECK(cudaMemset(scratch.get(), 0x5a, scratch.capacity()));
  }
  read_through_kernel<<<unsigned(4 * std::max(f.multiprocessors, 1)), 256>>>(
      reinterpret_cast<const uint4*>(scratch.get()), bytes / 16, reinterpret_cast<unsigned*>(scratch.get()));
  GANGLION_CUDA_CHECK_LAUNCH("read_through_kernel");
  GANGLION_CUDA_CHECK(cudaDeviceSynchronize());
}

namespace {

constexpr size_t kAlign = 256;

size_t align_up(size_t x) { return (x + kAlign - 1) / kAlign * kAlign; }

// Places host arrays one after another (each 256-byte aligned) in the staging buffer and records
// where each will be on the device.
class LayoutPacker {
 public:
  template <typename T>
  void add(const std::vector<T>& v, const T** device_ptr) {
    items_.push_back({v.data(), v.size() * sizeof(T), offset_, reinterpret_cast<const void**>(device_ptr)});
    offset_ = align_up(offset_ + v.size() * sizeof(T));
  }
  size_t bytes() const { return offset_; }
  // One thread copies a small layout; a large one (a population of 100,000 networks and up, tens
  // to hundreds of MB) is cut into pieces that several threads copy, since one core's memcpy into
  // pinned memory is the slowest part of an upload.
  void copy_to(unsigned char* staging) const {
    constexpr size_t kPiece = size_t(4) << 20;
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const unsigned workers = offset_ < 4 * kPiece ? 1u : std::min(8u, cores);
    if (workers == 1) {
      for (const auto& it : items_)
        if (it.bytes) std::memcpy(staging + it.offset, it.host, it.bytes);
      return;
    }
    struct Piece {
      const void* from;
      size_t bytes, to;
    };
    std::vector<Piece> pieces;
    for (const auto& it : items_)
      for (size_t at = 0; at < it.bytes; at += kPiece)
        pieces.push_back(
            {static_cast<const unsigned char*>(it.host) + at, std::min(kPiece, it.bytes - at), it.offset + at});
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i; (i = next.fetch_add(1)) < pieces.size();)
        std::memcpy(staging + pieces[i].to, pieces[i].from, pieces[i].bytes);
    };
    std::vector<std::thread> threads;
    for (unsigned t = 1; t < workers; ++t) threads.emplace_back(work);
    work();
    for (auto& t : threads) t.join();
  }
  void point_into(const unsigned char* device) const {
    for (const auto& it : items_) *it.device_ptr = it.bytes ? device + it.offset : nullptr;
  }

 private:
  struct Item {
    const void* host;
    size_t bytes;
    size_t offset;
    const void** device_ptr;
  };
  std::vector<Item> items_;
  size_t offset_ = 0;
};

// Bytes of network n's packed record (network_blob_bytes, gpu/dispatch.hpp).
size_t blob_bytes_of(const PopulationLayout& L, uint32_t n) {
  return network_blob_bytes(L.node_offset[n + 1] - L.node_offset[n], L.edge_offset[n + 1] - L.edge_offset[n],
                            L.level_offset[n + 1] - L.level_offset[n], L.num_outputs);
}

class CudaEvaluatorImpl final : public CudaEvaluator {
 public:
  explicit CudaEvaluatorImpl(const CudaConfig& config)
      : requested_(parse_kernel_strategy(config.kernel)), device_(config.device),
        launch_(config.exact ? KernelLaunch<false>::table() : fast_kernel_launchers()) {
    const int count = cuda_device_count();
    if (count == 0) throw Error("cuda: " + cuda_describe_device());
    if (device_ < 0 || device_ >= count)
      throw Error("cuda.device: " + std::to_string(device_) + " is not a device; valid: 0.." +
                  std::to_string(count - 1));
    GANGLION_CUDA_CHECK(cudaSetDevice(device_));
    cudaDeviceProp prop{};
    GANGLION_CUDA_CHECK(cudaGetDeviceProperties(&prop, device_));
    limits_.shared_per_block = prop.sharedMemPerBlockOptin;
    limits_.shared_per_sm = prop.sharedMemPerMultiprocessor;
    limits_.threads_per_sm = uint32_t(prop.maxThreadsPerMultiProcessor);
    limits_.blocks_per_sm = uint32_t(prop.maxBlocksPerMultiProcessor);
    limits_.multiprocessors = prop.multiProcessorCount;
    stream_ = std::make_unique<CudaStream>();
    start_ = std::make_unique<CudaEvent>();
    stop_ = std::make_unique<CudaEvent>();
    launch_.allow_shared(limits_.shared_per_block);
  }

  std::string name() const override { return "cuda"; }

  void load(const PopulationLayout& layout) override {
    layout_ = &layout;
    shape_ = PopulationShape{};
    shape_.networks = layout.num_networks;
    shape_.total_nodes = layout.total_nodes();
    shape_.recurrent = layout.total_rec_edges() > 0;
    shape_.num_outputs = layout.num_outputs;
    for (uint32_t n = 0; n < layout.num_networks; ++n) {
      shape_.max_nodes = std::max(shape_.max_nodes, layout.node_offset[n + 1] - layout.node_offset[n]);
      shape_.max_edges = std::max(shape_.max_edges, layout.edge_offset[n + 1] - layout.edge_offset[n]);
      shape_.max_levels = std::max(shape_.max_levels, layout.level_offset[n + 1] - layout.level_offset[n] - 1);
      shape_.max_blob_bytes = std::max(shape_.max_blob_bytes, blob_bytes_of(layout, n));
    }
    blob_ready_ = false;
    if (requested_ == KernelStrategy::Level) build_level_items(layout);
    if (requested_ == KernelStrategy::Paper) build_paper_items(layout);

    kernels::DeviceLayout& d = device_layout_;
    d = kernels::DeviceLayout{};
    d.num_networks = layout.num_networks;
    d.num_inputs = layout.num_inputs;
    d.num_outputs = layout.num_outputs;
    LayoutPacker packer;
#define GANGLION_UPLOAD_Device(name) packer.add(layout.name, &d.name);
#define GANGLION_UPLOAD_HostOnly(name)
#define GANGLION_UPLOAD(name, type, extent, where) GANGLION_UPLOAD_##where(name)
    GANGLION_LAYOUT_FIELDS(GANGLION_UPLOAD)
#undef GANGLION_UPLOAD
#undef GANGLION_UPLOAD_HostOnly
#undef GANGLION_UPLOAD_Device
    packer.add(level_items_, &d.level_items);
    const size_t bytes = std::max<size_t>(packer.bytes(), 1);
    // The previous load's copy may still read the staging buffer.
    GANGLION_CUDA_CHECK(cudaStreamSynchronize(stream_->get()));
    // A quarter more than asked when the buffers must grow, so that a population whose networks
    // grow generation after generation does not pin and allocate anew every generation.
    if (bytes > staging_.capacity()) staging_.reserve(bytes + bytes / 4);
    if (bytes > layout_buffer_.capacity()) layout_buffer_.reserve(bytes + bytes / 4);
    packer.copy_to(staging_.get());
    GANGLION_CUDA_CHECK(
        cudaMemcpyAsync(layout_buffer_.get(), staging_.get(), bytes, cudaMemcpyHostToDevice, stream_->get()));
    packer.point_into(layout_buffer_.get());
    reset_state();
  }

  void activate(const float* inputs, size_t rows, InputMode mode, float* outputs) override {
    run(inputs, rows, mode, outputs, false);
  }

  int device() const override { return device_; }
  void* stream() const override { return stream_->get(); }
  void activate_device(const float* inputs, size_t rows, InputMode mode, float* outputs) override {
    check_device_pointer(inputs, "inputs");
    check_device_pointer(outputs, "outputs");
    run(inputs, rows, mode, outputs, true);
  }

 private:
  // Device memory of this evaluator's device (plain or managed), or an Error naming `what`.
  void check_device_pointer(const void* p, const char* what) const {
    cudaPointerAttributes a{};
    GANGLION_CUDA_CHECK(cudaPointerGetAttributes(&a, p));
    const bool on_device = a.type == cudaMemoryTypeDevice || a.type == cudaMemoryTypeManaged;
    if (!on_device || a.device != device_)
      throw Error(std::string("CUDA evaluator: activate_device: ") + what + " are not in the memory of CUDA device " +
                  std::to_string(device_) +
                  (on_device ? " (they are on device " + std::to_string(a.device) + ")" : " (they are host memory)"));
  }

  // activate() and activate_device(): `on_device` says where inputs and outputs are.
  void run(const float* inputs, size_t rows, InputMode mode, float* outputs, bool on_device) {
    if (!layout_) throw Error("CUDA evaluator: activate() called before load()");
    const PopulationLayout& L = *layout_;
    if (rows == 0 || L.num_networks == 0) return;
    if (rows > 0x7fffffffu) throw Error("CUDA evaluator: too many rows (" + std::to_string(rows) + ")");
    cudaStream_t stream = stream_->get();
    plan_ = plan_launch(requested_, shape_, rows, limits_, tuning_);

    kernels::ActivateArgs args;
    args.L = device_layout_;
    args.rows = uint32_t(rows);
    args.per_network = mode == InputMode::PerNetwork;
    const size_t in_count = (args.per_network ? size_t(L.num_networks) * rows : rows) * L.num_inputs;
    const size_t out_count = size_t(L.num_networks) * rows * L.num_outputs;
    if (on_device) {
      args.inputs = inputs;
      args.outputs = outputs;
    } else {
      if (in_count) {
        inputs_.reserve(in_count);
        GANGLION_CUDA_CHECK(cudaMemcpyAsync(inputs_.get(), inputs, in_count * sizeof(float), cudaMemcpyHostToDevice,
                                            stream));
      }
      args.inputs = inputs_.get();
      outputs_.reserve(std::max<size_t>(out_count, 1));
      args.outputs = outputs_.get();
    }

    const size_t value_count = size_t(shape_.total_nodes) * rows;
    const bool global_values = plan_.strategy == KernelStrategy::Level || plan_.strategy == KernelStrategy::Global ||
                               plan_.strategy == KernelStrategy::Paper;
    if (shape_.recurrent) {
      if (state_rows_ != rows) {
        for (auto& s : state_) s.reserve(std::max<size_t>(value_count, 1));
        GANGLION_CUDA_CHECK(cudaMemsetAsync(state_[current_].get(), 0, value_count * sizeof(float), stream));
        state_rows_ = rows;
      }
      args.state_prev = state_[current_].get();
      // This step's values are the next step's state: the global strategies keep them there.
      if (global_values)
        args.values = state_[1 - current_].get();
      else
        args.state_next = state_[1 - current_].get();
    } else if (global_values) {
      values_.reserve(std::max<size_t>(value_count, 1));
      args.values = values_.get();
    }

    if (plan_.strategy == KernelStrategy::Subwarp && plan_.staged) {
      if (!blob_ready_) pack_networks(stream);
      args.blob = blob_.get();
      args.blob_offset = blob_offset_.get();
    }

    GANGLION_CUDA_CHECK(cudaEventRecord(start_->get(), stream));
    if (plan_.strategy == KernelStrategy::Level)
      launch_level(args, stream);
    else if (plan_.strategy == KernelStrategy::Paper)
      launch_paper(args, stream);
    else
      launch_groups(args, rows, stream);
    GANGLION_CUDA_CHECK(cudaEventRecord(stop_->get(), stream));
    if (out_count && !on_device)
      GANGLION_CUDA_CHECK(cudaMemcpyAsync(outputs, outputs_.get(), out_count * sizeof(float), cudaMemcpyDeviceToHost,
                                          stream));
    GANGLION_CUDA_CHECK(cudaStreamSynchronize(stream));
    float ms = 0;
    GANGLION_CUDA_CHECK(cudaEventElapsedTime(&ms, start_->get(), stop_->get()));
    last_ms_ = ms;
    if (shape_.recurrent) current_ = 1 - current_;
  }

 public:
  void reset_state() override { state_rows_ = 0; }
  void set_tuning(const PlanTuning& tuning) override { tuning_ = tuning; }

  CudaDeviceView device_view() const override {
    CudaDeviceView v;
    v.host_layout = layout_;
    v.layout = &device_layout_;
    v.stream = stream_->get();
    v.shared_per_block = limits_.shared_per_block;
    v.multiprocessors = limits_.multiprocessors;
    return v;
  }
  void* device_scratch(size_t bytes) override {
    scratch_.reserve(std::max<size_t>(bytes, 1));
    return scratch_.get();
  }
  void set_last_kernel_ms(double ms) override { last_ms_ = ms; }

  std::string last_plan() const override {
    std::ostringstream s;
    s << kernel_strategy_name(plan_.strategy) << " (group " << plan_.group << " x " << plan_.groups_per_block
      << ", row tile " << plan_.row_tile << (plan_.thread_per_row ? ", thread per row" : "")
      << (plan_.staged ? ", staged" : "") << (&launch_ == &fast_kernel_launchers() ? ", fast" : "") << ", "
      << plan_.shared_bytes << " B shared; " << plan_.why << ")";
    return s.str();
  }
  double last_kernel_ms() const override { return last_ms_; }
  size_t device_bytes() const override {
    return layout_buffer_.bytes() + inputs_.bytes() + outputs_.bytes() + values_.bytes() + state_[0].bytes() +
           state_[1].bytes() + scratch_.bytes() + blob_offset_.bytes() + blob_.bytes();
  }

 private:
  // Level strategy: every node of every network as (global node, network), grouped by level.
  void build_level_items(const PopulationLayout& L) {
    std::vector<uint32_t> count(size_t(shape_.max_levels) + 1, 0);
    for (uint32_t n = 0; n < L.num_networks; ++n) {
      const uint32_t lo = L.level_offset[n], levels = L.level_offset[n + 1] - lo - 1;
      for (uint32_t k = 0; k < levels; ++k) count[k] += L.level_start[lo + k + 1] - L.level_start[lo + k];
    }
    level_begin_.assign(count.size() + 1, 0);
    for (size_t k = 0; k < count.size(); ++k) level_begin_[k + 1] = level_begin_[k] + count[k];
    level_items_.resize(level_begin_.back());
    std::vector<uint32_t> cursor(level_begin_.begin(), level_begin_.end() - 1);
    for (uint32_t n = 0; n < L.num_networks; ++n) {
      const uint32_t lo = L.level_offset[n], levels = L.level_offset[n + 1] - lo - 1, g = L.node_offset[n];
      for (uint32_t k = 0; k < levels; ++k)
        for (uint32_t j = L.level_start[lo + k]; j < L.level_start[lo + k + 1]; ++j)
          level_items_[cursor[k]++] = uint2{g + j, n};
    }
  }

  // Paper strategy: the same (global node, network) items, ordered by network and then level;
  // paper_runs_ holds (first item, count) of each (network, level), in launch order.
  void build_paper_items(const PopulationLayout& L) {
    level_items_.clear();
    paper_runs_.clear();
    for (uint32_t n = 0; n < L.num_networks; ++n) {
      const uint32_t lo = L.level_offset[n], levels = L.level_offset[n + 1] - lo - 1, g = L.node_offset[n];
      for (uint32_t k = 0; k < levels; ++k) {
        const uint32_t b = L.level_start[lo + k], e = L.level_start[lo + k + 1];
        if (e == b) continue;
        paper_runs_.push_back({uint32_t(level_items_.size()), e - b});
        for (uint32_t j = b; j < e; ++j) level_items_.push_back(uint2{g + j, n});
      }
    }
  }

  // The paper's scheme as published ("GPU Acceleration of Sparse Neural Networks" activates one
  // network): for each network in turn, one launch per dependency level, a thread per (node, row).
  // Kept as the baseline `ganglion bench activate` compares with; the launches dominate.
  void launch_paper(kernels::ActivateArgs& args, cudaStream_t stream) {
    const uint32_t threads = 256;
    for (const auto& run : paper_runs_) {
      const size_t work = size_t(run.second) * args.rows;
      launch_.level(args, run.first, run.second, unsigned((work + threads - 1) / threads), threads, stream);
    }
    gather_outputs(args, stream);
  }

  void gather_outputs(kernels::ActivateArgs& args, cudaStream_t stream) {
    const uint32_t threads = 256;
    const size_t max_blocks = size_t(limits_.multiprocessors) * 32;
    const size_t work = size_t(args.L.num_networks) * args.rows * args.L.num_outputs;
    if (work) {
      const unsigned blocks = unsigned(std::min((work + threads - 1) / threads, max_blocks));
      kernels::gather_outputs_kernel<<<blocks, threads, 0, stream>>>(args);
      GANGLION_CUDA_CHECK_LAUNCH("gather_outputs_kernel");
    }
  }

  void launch_level(kernels::ActivateArgs& args, cudaStream_t stream) {
    const uint32_t threads = 256;
    const size_t max_blocks = size_t(limits_.multiprocessors) * 32;
    for (size_t k = 0; k + 1 < level_begin_.size(); ++k) {
      const uint32_t count = level_begin_[k + 1] - level_begin_[k];
      if (count == 0) continue;
      const size_t work = size_t(count) * args.rows;
      const unsigned blocks = unsigned(std::min((work + threads - 1) / threads, max_blocks));
      launch_.level(args, level_begin_[k], count, blocks, threads, stream);
    }
    gather_outputs(args, stream);
  }

  // The staged subwarp kernel's packed records (kernels::PackedNetwork), written on the device
  // from the uploaded layout once per load(): offsets on the host (16-byte units), one kernel.
  void pack_networks(cudaStream_t stream) {
    const PopulationLayout& L = *layout_;
    blob_offset_host_.assign(size_t(L.num_networks) + 1, 0);
    uint64_t total = 0;
    for (uint32_t n = 0; n < L.num_networks; ++n) {
      blob_offset_host_[n] = uint32_t(total);
      total += blob_bytes_of(L, n) / 16;
      if (total > 0xffffffffull) throw Error("CUDA evaluator: population too large for packed records (over 64 GiB)");
    }
    blob_offset_host_[L.num_networks] = uint32_t(total);
    blob_offset_.reserve(blob_offset_host_.size());
    blob_.reserve(std::max<uint64_t>(total, 1));
    GANGLION_CUDA_CHECK(cudaMemcpyAsync(blob_offset_.get(), blob_offset_host_.data(),
                                        blob_offset_host_.size() * sizeof(uint32_t), cudaMemcpyHostToDevice, stream));
    const uint64_t threads = uint64_t(L.num_networks) * 32;
    kernels::pack_networks_kernel<<<unsigned((threads + 255) / 256), 256, 0, stream>>>(device_layout_, blob_offset_.get(),
                                                                                      blob_.get());
    GANGLION_CUDA_CHECK_LAUNCH("pack_networks_kernel");
    blob_ready_ = true;
  }

  void launch_groups(const kernels::ActivateArgs& args, size_t rows, cudaStream_t stream) {
    kernels::GroupShape s;
    s.group = plan_.group;
    s.row_tile = plan_.row_tile;
    s.row_tiles = uint32_t((rows + plan_.row_tile - 1) / plan_.row_tile);
    s.units = uint64_t(shape_.networks) * s.row_tiles;
    s.max_nodes = shape_.max_nodes;
    s.max_edges = shape_.max_edges;
    s.max_levels = shape_.max_levels;
    const uint32_t per_block = plan_.groups_per_block;
    s.unit_bytes = uint32_t(per_block ? plan_.shared_bytes / per_block : 0);
    const size_t smem = plan_.shared_bytes;
    const bool tpr = plan_.thread_per_row;
    if (plan_.staged) s.blob_at = uint32_t(shared_layout::subwarp_staged_record_at(shape_.max_nodes, plan_.row_tile));
    switch (plan_.strategy) {
      case KernelStrategy::Subwarp:
        launch_.subwarp(plan_.staged, args, s, per_block, smem, stream);
        break;
      case KernelStrategy::Block:
        launch_.group(true, tpr, false, args, s, 1, smem, stream);
        break;
      case KernelStrategy::Warp:
        launch_.group(true, tpr, true, args, s, per_block, smem, stream);
        break;
      case KernelStrategy::Global:
      default:
        launch_.group(false, tpr, false, args, s, 1, 0, stream);
        break;
    }
  }

  KernelStrategy requested_;
  int device_;
  const KernelLaunchers& launch_;  // cuda.exact's kernels
  DeviceLimits limits_;
  std::unique_ptr<CudaStream> stream_;
  std::unique_ptr<CudaEvent> start_, stop_;
  const PopulationLayout* layout_ = nullptr;
  PopulationShape shape_;
  LaunchPlan plan_;
  PlanTuning tuning_;
  double last_ms_ = 0;

  std::vector<uint2> level_items_;
  std::vector<uint32_t> level_begin_;
  std::vector<std::pair<uint32_t, uint32_t>> paper_runs_;

  PinnedBuffer<unsigned char> staging_;
  DeviceBuffer<unsigned char> layout_buffer_;
  kernels::DeviceLayout device_layout_;
  DeviceBuffer<float> inputs_, outputs_, values_;
  DeviceBuffer<float> state_[2];
  DeviceBuffer<unsigned char> scratch_;  // fused runners' (device_scratch)
  std::vector<uint32_t> blob_offset_host_;
  DeviceBuffer<uint32_t> blob_offset_;
  DeviceBuffer<uint4> blob_;
  bool blob_ready_ = false;
  int current_ = 0;
  size_t state_rows_ = 0;
};

}  // namespace

std::unique_ptr<CudaEvaluator> make_cuda_evaluator(const CudaConfig& config) {
  return std::make_unique<CudaEvaluatorImpl>(config);
}

}  // namespace ganglion
