// Arrays in GPU memory, through DLPack, the exchange protocol of CuPy, PyTorch, JAX and numpy:
// the C structs of its ABI (the unversioned DLManagedTensor that every producer offers when asked
// without max_version), taking a float32 CUDA array from any object with __dlpack__ (DeviceInput),
// and DeviceArray, the module's own device memory for outputs, which any consumer takes with
// from_dlpack (or through __cuda_array_interface__). Population.activate (py_task.cpp) uses them
// when the run's evaluator computes on a device (Evaluator::device()).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "python/src/bindings.hpp"

namespace ganglion::python {

namespace dlpack {
// The ABI of dlpack.h (v0.8), as its specification lays it out.
enum DeviceType : int32_t { kCPU = 1, kCUDA = 2, kCUDAHost = 3, kCUDAManaged = 13 };
enum TypeCode : uint8_t { kInt = 0, kUInt = 1, kFloat = 2, kBfloat = 4 };
struct Device {
  int32_t device_type;
  int32_t device_id;
};
struct DataType {
  uint8_t code;
  uint8_t bits;
  uint16_t lanes;
};
struct Tensor {
  void* data;
  Device device;
  int32_t ndim;
  DataType dtype;
  int64_t* shape;
  int64_t* strides;  // in elements; null for a C-contiguous array
  uint64_t byte_offset;
};
struct ManagedTensor {
  Tensor dl_tensor;
  void* manager_ctx;
  void (*deleter)(ManagedTensor* self);
};
}  // namespace dlpack

// The CUDA device an object's __dlpack_device__ names, or -1 when it has none or names host memory
// (numpy arrays, lists).
int cuda_device_of(const py::object& obj);

// A float32 C-contiguous CUDA array borrowed from its producer for one call: __dlpack__(stream)
// makes the producer order its pending writes before `stream` (the evaluator's); the producer's
// deleter runs when this goes away. Errors name `what` and say what would be valid.
class DeviceInput {
 public:
  DeviceInput(const py::object& obj, void* stream, const std::string& what);
  ~DeviceInput();
  DeviceInput(const DeviceInput&) = delete;
  DeviceInput& operator=(const DeviceInput&) = delete;

  float* data() const;
  int device() const { return tensor_->dl_tensor.device.device_id; }
  const std::vector<py::ssize_t>& shape() const { return shape_; }

 private:
  dlpack::ManagedTensor* tensor_ = nullptr;
  std::vector<py::ssize_t> shape_;
};

// float32 device memory of a given shape, owned by the module (freed when the last Python
// reference and the last exported DLPack capsule are gone).
class DeviceArray {
 public:
  DeviceArray(std::vector<py::ssize_t> shape, int device);
  float* data() const;
  int device() const;
  const std::vector<py::ssize_t>& shape() const { return shape_; }
  py::tuple shape_tuple() const;  // as Python sees it
  size_t size() const;
  py::object dlpack(const py::object& stream) const;   // a "dltensor" capsule
  py::dict cuda_array_interface() const;                // version 3
  py::array to_numpy() const;                           // a host copy

 private:
  struct Storage;
  std::shared_ptr<Storage> storage_;
  std::vector<py::ssize_t> shape_;
};

}  // namespace ganglion::python
