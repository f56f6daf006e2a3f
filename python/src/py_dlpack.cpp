#include "python/src/py_dlpack.hpp"

#include <cstring>

#include "core/error.hpp"

#if GANGLION_HAVE_CUDA
#include "gpu/cuda_evaluator.hpp"
#endif

namespace ganglion::python {

namespace {

constexpr const char* kCapsule = "dltensor";
constexpr const char* kUsedCapsule = "used_dltensor";

std::string dtype_text(const dlpack::DataType& t) {
  const char* kind = t.code == dlpack::kFloat    ? "float"
                     : t.code == dlpack::kInt    ? "int"
                     : t.code == dlpack::kUInt   ? "uint"
                     : t.code == dlpack::kBfloat ? "bfloat"
                                                 : nullptr;
  std::string s = kind ? kind + std::to_string(t.bits) : "DLPack type code " + std::to_string(t.code) + " of " +
                                                              std::to_string(t.bits) + " bits";
  if (t.lanes != 1) s += " x " + std::to_string(t.lanes) + " lanes";
  return s;
}

#if !GANGLION_HAVE_CUDA
[[noreturn]] void no_cuda() {
  throw py::value_error("this build of ganglion has no CUDA evaluator, so it cannot work on CUDA arrays");
}
#endif

}  // namespace

int cuda_device_of(const py::object& obj) {
  if (!py::hasattr(obj, "__dlpack_device__") || !py::hasattr(obj, "__dlpack__")) return -1;
  const py::tuple d = obj.attr("__dlpack_device__")();
  if (d.size() != 2) return -1;
  const int type = d[0].cast<int>();
  if (type != dlpack::kCUDA && type != dlpack::kCUDAManaged) return -1;
  return d[1].cast<int>();
}

DeviceInput::DeviceInput(const py::object& obj, void* stream, const std::string& what) {
  // The stream argument: the producer makes its pending writes visible to this stream (an integer
  // cudaStream_t; DLPack reserves 0, 1 and 2 for the default streams).
  py::object capsule = obj.attr("__dlpack__")(py::arg("stream") = py::int_(reinterpret_cast<intptr_t>(stream)));
  if (!PyCapsule_IsValid(capsule.ptr(), kCapsule))
    throw py::type_error(what + ": __dlpack__() did not return a DLPack capsule (\"dltensor\")");
  tensor_ = static_cast<dlpack::ManagedTensor*>(PyCapsule_GetPointer(capsule.ptr(), kCapsule));
  // The capsule is ours now: renaming it tells its destructor not to free the tensor.
  PyCapsule_SetName(capsule.ptr(), kUsedCapsule);
  const dlpack::Tensor& t = tensor_->dl_tensor;
  shape_.assign(t.shape, t.shape + t.ndim);
  if (t.dtype.code != dlpack::kFloat || t.dtype.bits != 32 || t.dtype.lanes != 1)
    throw py::type_error(what + ": a CUDA array of " + dtype_text(t.dtype) + "; it must be float32 (convert it first, "
                         "e.g. x.astype(cupy.float32) or x.float())");
  if (t.strides) {
    int64_t expected = 1;
    for (int32_t i = t.ndim - 1; i >= 0; --i) {
      if (t.shape[i] != 1 && t.strides[i] != expected)
        throw py::value_error(what + ": a CUDA array of shape " + shape_text(shape_) +
                              " that is not C-contiguous; pass a contiguous copy (e.g. cupy.ascontiguousarray(x) or "
                              "x.contiguous())");
      expected *= t.shape[i];
    }
  }
}

DeviceInput::~DeviceInput() {
  if (tensor_ && tensor_->deleter) tensor_->deleter(tensor_);
}

float* DeviceInput::data() const {
  const dlpack::Tensor& t = tensor_->dl_tensor;
  return reinterpret_cast<float*>(static_cast<char*>(t.data) + t.byte_offset);
}

struct DeviceArray::Storage {
  float* data = nullptr;
  int device = 0;
  explicit Storage(size_t count, int dev) : device(dev) {
#if GANGLION_HAVE_CUDA
    data = static_cast<float*>(cuda_malloc(count * sizeof(float), dev));
#else
    (void)count;
    no_cuda();
#endif
  }
  ~Storage() {
#if GANGLION_HAVE_CUDA
    cuda_free(data);
#endif
  }
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
};

DeviceArray::DeviceArray(std::vector<py::ssize_t> shape, int device) : shape_(std::move(shape)) {
  storage_ = std::make_shared<Storage>(size(), device);
}

float* DeviceArray::data() const { return storage_->data; }
int DeviceArray::device() const { return storage_->device; }

size_t DeviceArray::size() const {
  size_t n = 1;
  for (py::ssize_t d : shape_) n *= size_t(d);
  return n;
}

namespace {

// What an exported capsule's tensor keeps alive: the memory and the shape it points at.
struct Exported {
  std::shared_ptr<void> keep;
  std::vector<int64_t> shape;
  dlpack::ManagedTensor tensor{};
};

void delete_exported(dlpack::ManagedTensor* t) { delete static_cast<Exported*>(t->manager_ctx); }

// A capsule nobody consumed still owns its tensor.
void capsule_destructor(PyObject* capsule) {
  if (!PyCapsule_IsValid(capsule, kCapsule)) return;
  auto* t = static_cast<dlpack::ManagedTensor*>(PyCapsule_GetPointer(capsule, kCapsule));
  if (t && t->deleter) t->deleter(t);
}

}  // namespace

py::object DeviceArray::dlpack(const py::object& stream) const {
  // activate() has finished writing before it returned the array, so no stream needs to wait.
  (void)stream;
  auto* e = new Exported;
  e->keep = storage_;
  e->shape.assign(shape_.begin(), shape_.end());
  dlpack::Tensor& t = e->tensor.dl_tensor;
  t.data = storage_->data;
  t.device = {dlpack::kCUDA, storage_->device};
  t.ndim = int32_t(e->shape.size());
  t.dtype = {dlpack::kFloat, 32, 1};
  t.shape = e->shape.data();
  t.strides = nullptr;
  t.byte_offset = 0;
  e->tensor.manager_ctx = e;
  e->tensor.deleter = delete_exported;
  PyObject* capsule = PyCapsule_New(&e->tensor, kCapsule, capsule_destructor);
  if (!capsule) {
    delete e;
    throw py::error_already_set();
  }
  return py::reinterpret_steal<py::object>(capsule);
}

py::tuple DeviceArray::shape_tuple() const {
  py::tuple t(shape_.size());
  for (size_t i = 0; i < shape_.size(); ++i) t[i] = py::int_(shape_[i]);
  return t;
}

py::dict DeviceArray::cuda_array_interface() const {
  py::dict d;
  d["shape"] = shape_tuple();
  d["typestr"] = "<f4";
  d["data"] = py::make_tuple(py::int_(reinterpret_cast<uintptr_t>(storage_->data)), false);
  d["strides"] = py::none();
  d["version"] = 3;
  return d;
}

py::array DeviceArray::to_numpy() const {
  py::array_t<float> host(shape_);
#if GANGLION_HAVE_CUDA
  cuda_copy_to_host(host.mutable_data(), storage_->data, size() * sizeof(float));
#else
  no_cuda();
#endif
  return host;
}

void bind_dlpack(py::module_& m) {
  py::class_<DeviceArray, std::shared_ptr<DeviceArray>>(
      m, "DeviceArray",
      "float32 memory on a CUDA device, as Population.activate returns it for inputs on the device. Hand it to any "
      "DLPack consumer without a copy (cupy.from_dlpack(a), torch.from_dlpack(a)) or through "
      "__cuda_array_interface__; numpy.asarray(a) copies it to the host.")
      .def_property_readonly("shape", &DeviceArray::shape_tuple)
      .def_property_readonly("dtype", [](const DeviceArray&) { return py::dtype::of<float>(); })
      .def_property_readonly("device", &DeviceArray::device, "The CUDA device ordinal.")
      .def("__len__", [](const DeviceArray& a) { return a.shape().empty() ? 0 : a.shape()[0]; })
      .def(
          "__dlpack__",
          [](const DeviceArray& a, const py::object& stream, const py::object&, const py::object&, const py::object&) {
            return a.dlpack(stream);
          },
          py::kw_only(), py::arg("stream") = py::none(),
           py::arg("max_version") = py::none(), py::arg("dl_device") = py::none(), py::arg("copy") = py::none())
      .def("__dlpack_device__", [](const DeviceArray& a) { return py::make_tuple(int(dlpack::kCUDA), a.device()); })
      .def_property_readonly("__cuda_array_interface__", &DeviceArray::cuda_array_interface)
      .def("numpy", &DeviceArray::to_numpy, "A copy in host memory.")
      .def(
          "__array__",
          [](const DeviceArray& a, const py::object& dtype, const py::object& copy) {
            (void)copy;
            py::array host = a.to_numpy();
            return dtype.is_none() ? host : py::array(host.attr("astype")(dtype));
          },
          py::arg("dtype") = py::none(), py::arg("copy") = py::none())
      .def("__repr__", [](const DeviceArray& a) {
        return "ganglion.DeviceArray(shape=" + shape_text(a.shape()) + ", dtype=float32, device=cuda:" +
               std::to_string(a.device()) + ")";
      });
}

}  // namespace ganglion::python
