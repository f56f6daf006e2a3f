// The checkpoint container, binary reader/writer, atomic writes and rotation (see the header and
// docs/checkpoint-format.md).
#include "core/io/checkpoint_io.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <filesystem>
#include <thread>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <xxhash.h>

#include "core/memory.hpp"
#include "core/parallel.hpp"

#if defined(GANGLION_HAVE_ZSTD)
#include <zstd.h>
#endif

#ifndef GANGLION_VERSION
#define GANGLION_VERSION "unknown"
#endif

namespace ganglion {

namespace fs = std::filesystem;

// ------------------------------------------------------------------------------ big buffers
namespace {
constexpr size_t kHugePage = size_t(2) << 20;
constexpr size_t kBigBuffer = size_t(4) << 20;
size_t mapped_size(size_t bytes) { return (bytes + kHugePage - 1) / kHugePage * kHugePage; }
}  // namespace

void* allocate_big_buffer(size_t bytes) {
  if (bytes < kBigBuffer) return ::operator new(bytes);
  const size_t len = mapped_size(bytes);
  // Over-map by one huge page and trim, so the buffer starts on a huge-page boundary.
  void* raw = ::mmap(nullptr, len + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  uintptr_t start = reinterpret_cast<uintptr_t>(raw);
  uintptr_t aligned = (start + kHugePage - 1) / kHugePage * kHugePage;
  if (aligned > start) ::munmap(raw, aligned - start);
  uintptr_t end = start + len + kHugePage;
  if (end > aligned + len) ::munmap(reinterpret_cast<void*>(aligned + len), end - (aligned + len));
#if defined(MADV_HUGEPAGE)
  ::madvise(reinterpret_cast<void*>(aligned), len, MADV_HUGEPAGE);
#endif
  return reinterpret_cast<void*>(aligned);
}

void free_big_buffer(void* p, size_t bytes) {
  if (!p) return;
  if (bytes < kBigBuffer) {
    ::operator delete(p);
    return;
  }
  ::munmap(p, mapped_size(bytes));
}

// ------------------------------------------------------------------------------------ XXH64
// libxxhash, the reference implementation: the same function as xxhsum -H1, so a file can be
// checked without Ganglion and every checkpoint written so far still verifies.
uint64_t xxhash64(const void* data, size_t size, uint64_t seed) { return XXH64(data, size, seed); }

// ------------------------------------------------------------------------------ BinaryWriter
void BinaryWriter::varint(uint64_t v) {
  uint8_t tmp[10];
  uint8_t* e = put_varint(tmp, v);
  put(tmp, static_cast<size_t>(e - tmp));
}

size_t BinaryWriter::begin_section(const char tag[4]) {
  put(tag, 4);
  size_t token = buf_.size();
  u64(0);
  return token;
}

void BinaryWriter::end_section(size_t token) {
  uint64_t len = buf_.size() - token - 8;
  for (int i = 0; i < 8; ++i) buf_[token + i] = static_cast<uint8_t>(len >> (8 * i));
}

void BinaryWriter::end_blob(size_t start) {
  size_t len = buf_.size() - start;
  uint8_t tmp[10];
  size_t n = static_cast<size_t>(put_varint(tmp, len) - tmp);
  buf_.resize(buf_.size() + n);
  std::memmove(buf_.data() + start + n, buf_.data() + start, len);
  std::memcpy(buf_.data() + start, tmp, n);
}

// ------------------------------------------------------------------------------ BinaryReader
BinaryReader::BinaryReader(const uint8_t* data, size_t size, std::string origin, std::string region,
                           size_t base_offset)
    : p_(data), end_(size), origin_(std::move(origin)), region_(std::move(region)), base_(base_offset) {}

void BinaryReader::fail_at(size_t pos, const std::string& problem) const {
  throw CheckpointError(fmt::format("{}: {} byte {}: {}", origin_, region_, base_ + pos, problem));
}

void BinaryReader::fail(const std::string& what) const {
  fail_at(pos_, fmt::format("corrupt or truncated data while reading {}", what));
}

void BinaryReader::fail_short(size_t n, const char* what) const {
  fail_at(pos_, fmt::format("data ends while reading {} (need {} bytes, {} left)", what, n, end_ - pos_));
}

bool BinaryReader::slow_varint(uint64_t& v) {
  uint64_t r = 0;
  size_t p = pos_;
  for (int shift = 0; shift < 70; shift += 7) {
    if (p >= end_) return false;
    uint8_t b = p_[p++];
    if (shift == 63 && b > 1) return false;
    r |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      pos_ = p;
      v = r;
      return true;
    }
  }
  return false;
}

uint64_t BinaryReader::varint(const char* what) {
  uint64_t v;
  if (!try_varint(v)) {
    if (pos_ >= end_) fail_short(1, what);
    fail_at(pos_, fmt::format("malformed variable-length integer while reading {}", what));
  }
  return v;
}

uint64_t BinaryReader::varint_max(const char* what, uint64_t max) {
  size_t at = pos_;
  uint64_t v = varint(what);
  if (v > max) fail_at(at, fmt::format("{} is {}, more than the largest valid value {}", what, v, max));
  return v;
}

size_t BinaryReader::count(const char* what, size_t min_item_bytes) {
  size_t at = pos_;
  uint64_t v = varint(what);
  uint64_t limit = min_item_bytes == 0 ? (uint64_t(1) << 32) : remaining() / min_item_bytes;
  if (v > limit)
    fail_at(at, fmt::format("{} is {}, but only {} bytes follow (at least {} per item)", what, v,
                            remaining(), min_item_bytes));
  return static_cast<size_t>(v);
}

bool BinaryReader::boolean(const char* what) {
  size_t at = pos_;
  uint8_t b = u8(what);
  if (b > 1) fail_at(at, fmt::format("{} is {}, expected 0 or 1", what, b));
  return b == 1;
}

std::string BinaryReader::string(const char* what, size_t max_len) {
  size_t at = pos_;
  uint64_t n = varint(what);
  if (n > max_len || n > remaining())
    fail_at(at, fmt::format("length of {} is {}, but {} bytes follow", what, n, remaining()));
  std::string s(reinterpret_cast<const char*>(p_ + pos_), static_cast<size_t>(n));
  pos_ += static_cast<size_t>(n);
  return s;
}

BinaryReader BinaryReader::blob(const char* what) {
  size_t at = pos_;
  uint64_t n = varint(what);
  if (n > remaining()) fail_at(at, fmt::format("length of {} is {}, but only {} bytes follow", what, n, remaining()));
  BinaryReader sub(p_ + pos_, static_cast<size_t>(n), origin_, region_, base_ + pos_);
  pos_ += static_cast<size_t>(n);
  return sub;
}

BinaryReader BinaryReader::section(const char tag[4]) {
  std::string want(tag, 4);
  std::string what = "section '" + want + "'";
  size_t at = pos_;
  char got[4];
  bytes(got, 4, what.c_str());
  if (std::memcmp(got, tag, 4) != 0) {
    std::string shown;
    for (char c : got) shown += (c >= 32 && c < 127) ? c : '?';
    fail_at(at, fmt::format("expected section '{}', found '{}'", want, shown));
  }
  uint64_t n = u64(what.c_str());
  if (n > remaining()) fail_at(at, fmt::format("{} claims {} bytes, but only {} follow", what, n, remaining()));
  BinaryReader sub(p_ + pos_, static_cast<size_t>(n), origin_, region_, base_ + pos_);
  pos_ += static_cast<size_t>(n);
  return sub;
}

void BinaryReader::expect_end(const char* what) const {
  if (pos_ != end_) fail_at(pos_, fmt::format("{} unexpected bytes after {}", end_ - pos_, what));
}

// ------------------------------------------------------------------------------- container
namespace {
constexpr uint8_t kMagic[8] = {0x89, 'G', 'C', 'K', '\r', '\n', 0x1A, '\n'};
constexpr size_t kVersionField = 16;
constexpr uint64_t kMaxRawSize = uint64_t(64) << 30;  // 64 GiB: anything bigger is corruption
// A compressed body may expand at most this many times (measured: 4x for a run's checkpoint, 70x
// with every weight 0), except that bodies up to kAlwaysExpandable may expand without bound. So a
// small crafted file cannot make the reader allocate gigabytes (zstd expands runs of zeros about
// 30,000 times).
constexpr uint64_t kMaxCompressionRatio = 4096;
constexpr uint64_t kAlwaysExpandable = uint64_t(64) << 20;

void put_le(uint8_t* p, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint64_t get_le(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

#if defined(GANGLION_HAVE_ZSTD)
// The body is cut into frames of kZstdFrame bytes, compressed independently on the caller's pool (ContainerOptions::pool);
// their concatenation is a valid zstd stream, and a reader can decompress the frames in parallel
// too (libzstd's own multithreading, ZSTD_c_nbWorkers, speeds up compression only).
constexpr size_t kZstdFrame = size_t(8) << 20;

Bytes zstd_compress(const Bytes& body, const ContainerOptions& o) {
  const size_t frames = std::max<size_t>(1, (body.size() + kZstdFrame - 1) / kZstdFrame);
  std::vector<Bytes> parts(frames);
  auto compress_one = [&](size_t f) {
    const size_t begin = f * kZstdFrame;
    const size_t len = std::min(kZstdFrame, body.size() - std::min(body.size(), begin));
    struct Ctx {
      ZSTD_CCtx* c = ZSTD_createCCtx();
      ~Ctx() { ZSTD_freeCCtx(c); }
    } ctx;
    if (!ctx.c) throw CheckpointError("zstd: cannot create a compression context");
    ZSTD_CCtx_setParameter(ctx.c, ZSTD_c_compressionLevel, o.zstd_level);
    ZSTD_CCtx_setParameter(ctx.c, ZSTD_c_contentSizeFlag, 1);
    Bytes& out = parts[f];
    out.resize(ZSTD_compressBound(len));
    size_t n = ZSTD_compress2(ctx.c, out.data(), out.size(), body.data() + begin, len);
    if (ZSTD_isError(n)) throw CheckpointError(fmt::format("zstd compression failed: {}", ZSTD_getErrorName(n)));
    out.resize(n);
  };
  if (frames > 1 && o.zstd_workers != 1 && o.pool) o.pool->for_each(frames, compress_one);
  else for (size_t f = 0; f < frames; ++f) compress_one(f);
  size_t total = kCheckpointHeaderSize;
  for (const auto& p : parts) total += p.size();
  Bytes out(total);
  size_t at = kCheckpointHeaderSize;
  for (auto& p : parts) {
    std::memcpy(out.data() + at, p.data(), p.size());
    at += p.size();
    p = Bytes();
  }
  return out;
}

struct ZstdFrame {
  size_t in, in_size, out, out_size;
};

std::string corrupt(const std::string& origin, const std::string& problem) {
  return fmt::format("{}: {} (corrupt file)", origin, problem);
}

// The frames of `stored` from their headers alone, before anything is allocated for their content:
// each must be well formed and give its content size, and the sizes must add up to `raw_size`.
std::vector<ZstdFrame> zstd_frames(const uint8_t* stored, size_t stored_size, uint64_t raw_size,
                                   const std::string& origin) {
  std::vector<ZstdFrame> frames;
  size_t pos = 0;
  uint64_t out = 0;
  while (pos < stored_size) {
    size_t fsz = ZSTD_findFrameCompressedSize(stored + pos, stored_size - pos);
    if (ZSTD_isError(fsz))
      throw CheckpointError(corrupt(origin, fmt::format("zstd frame at body byte {} is malformed: {}", pos,
                                                        ZSTD_getErrorName(fsz))));
    unsigned long long csz = ZSTD_getFrameContentSize(stored + pos, fsz);
    if (csz == ZSTD_CONTENTSIZE_ERROR || csz == ZSTD_CONTENTSIZE_UNKNOWN || csz > raw_size - out)
      throw CheckpointError(corrupt(origin, fmt::format("zstd frame at body byte {} does not give a content size "
                                                        "that fits the header's raw size {}", pos, raw_size)));
    frames.push_back({pos, fsz, static_cast<size_t>(out), static_cast<size_t>(csz)});
    pos += fsz;
    out += csz;
  }
  if (out != raw_size)
    throw CheckpointError(corrupt(origin, fmt::format("the zstd frames hold {} bytes, the header says {}", out, raw_size)));
  return frames;
}

// Decompresses `frames` of `stored` into `raw` (already sized to the header's raw size).
void zstd_decompress(const std::vector<ZstdFrame>& frames, const uint8_t* stored, Bytes& raw,
                     const std::string& origin, ThreadPool* pool) {
  auto one = [&](size_t i) {
    const ZstdFrame& f = frames[i];
    size_t n = ZSTD_decompress(raw.data() + f.out, f.out_size, stored + f.in, f.in_size);
    if (ZSTD_isError(n))
      throw CheckpointError(corrupt(origin, fmt::format("zstd decompression of the frame at body byte {} failed: {}",
                                                        f.in, ZSTD_getErrorName(n))));
    if (n != f.out_size)
      throw CheckpointError(corrupt(origin, fmt::format("zstd frame at body byte {} gave {} bytes instead of {}", f.in,
                                                        n, f.out_size)));
  };
  if (frames.size() > 1 && pool) pool->for_each(frames.size(), one);
  else for (size_t i = 0; i < frames.size(); ++i) one(i);
}
#endif
}  // namespace

Bytes encode_container(const Bytes& body, const ContainerOptions& options) {
  Bytes out;
  uint32_t flags = 0;
#if defined(GANGLION_HAVE_ZSTD)
  if (options.compress) {
    out = zstd_compress(body, options);
    flags |= kCheckpointFlagZstd;
  }
#else
  (void)options;
#endif
  if (!(flags & kCheckpointFlagZstd)) {
    out.resize(kCheckpointHeaderSize + body.size());
    if (!body.empty()) std::memcpy(out.data() + kCheckpointHeaderSize, body.data(), body.size());
  }
  uint8_t* h = out.data();
  std::memset(h, 0, kCheckpointHeaderSize);
  std::memcpy(h, kMagic, 8);
  put_le(h + 8, kCheckpointFormatVersion, 4);
  put_le(h + 12, kCheckpointHeaderSize, 4);
  std::string version = GANGLION_VERSION;
  std::memcpy(h + 16, version.data(), std::min(version.size(), kVersionField - 1));
  put_le(h + 32, flags, 4);
  put_le(h + 36, 0, 4);
  uint64_t stored = out.size() - kCheckpointHeaderSize;
  put_le(h + 40, body.size(), 8);
  put_le(h + 48, stored, 8);
  put_le(h + 56, xxhash64(out.data() + kCheckpointHeaderSize, stored), 8);
  put_le(h + 64, xxhash64(h, 64), 8);
  return out;
}

CheckpointHeader decode_header(const uint8_t* data, size_t size, const std::string& origin) {
  auto fail = [&](const std::string& problem) -> CheckpointError {
    return CheckpointError(fmt::format("{}: {}", origin, problem));
  };
  if (size == 0) throw fail("the file is empty (0 bytes), not a checkpoint; it was probably cut short by a crash or a full disk");
  if (size < 8 || std::memcmp(data, kMagic, std::min<size_t>(size, 8)) != 0) {
    if (size < 8 && std::memcmp(data, kMagic, size) == 0)
      throw fail(fmt::format("truncated: only {} bytes, the header needs {}", size, kCheckpointHeaderSize));
    throw fail("not a Ganglion checkpoint (wrong magic number at byte 0; expected 89 47 43 4B 0D 0A 1A 0A)");
  }
  if (size < kCheckpointHeaderSize)
    throw fail(fmt::format("truncated: only {} bytes, the header needs {}", size, kCheckpointHeaderSize));
  // The checksum first: every other field, the version included, is read only from a header
  // known to be as written (every format version keeps bytes 0-71 and this checksum).
  if (xxhash64(data, 64) != get_le(data + 64, 8))
    throw fail("header checksum mismatch: the header (bytes 0-71) is corrupted");
  CheckpointHeader h;
  h.format_version = static_cast<uint32_t>(get_le(data + 8, 4));
  const uint32_t header_size = static_cast<uint32_t>(get_le(data + 12, 4));
  const char* v = reinterpret_cast<const char*>(data + 16);
  size_t n = 0;
  while (n < kVersionField && v[n] >= 32 && v[n] < 127) ++n;
  h.ganglion_version.assign(v, n);
  if (h.format_version > kCheckpointFormatVersion)
    throw fail(fmt::format("written by a newer Ganglion ({}, checkpoint format version {}); this is Ganglion {}, "
                           "which reads format versions {} to {}: resume it with a newer Ganglion",
                           h.ganglion_version.empty() ? "version unknown" : h.ganglion_version, h.format_version,
                           GANGLION_VERSION, kCheckpointOldestReadableVersion, kCheckpointFormatVersion));
  if (h.format_version < kCheckpointOldestReadableVersion)
    throw fail(fmt::format("checkpoint format version {} (Ganglion {}) is too old; this Ganglion {} reads "
                           "format versions {} to {}: resume it with the Ganglion that wrote it",
                           h.format_version, h.ganglion_version, GANGLION_VERSION,
                           kCheckpointOldestReadableVersion, kCheckpointFormatVersion));
  if (header_size != kCheckpointHeaderSize)
    throw fail(fmt::format("header size field is {}, expected {} for format version {} (corrupt header)",
                           header_size, kCheckpointHeaderSize, h.format_version));
  // The Ganglion version: printable ASCII, then NULs to byte 31 (at least one).
  size_t pad = n;
  while (pad < kVersionField && v[pad] == '\0') ++pad;
  if (n == kVersionField || pad != kVersionField) {
    const size_t bad = n == kVersionField ? kVersionField - 1 : pad;
    throw fail(fmt::format("the Ganglion version field (bytes 16-31) is not printable ASCII padded with NUL bytes: "
                           "byte {} is 0x{:02x} (corrupt header)", 16 + bad, static_cast<uint8_t>(v[bad])));
  }
  const uint32_t reserved = static_cast<uint32_t>(get_le(data + 36, 4));
  if (reserved != 0)
    throw fail(fmt::format("reserved header field (bytes 36-39) is 0x{:x}, must be 0 (corrupt header)", reserved));
  h.flags = static_cast<uint32_t>(get_le(data + 32, 4));
  h.raw_size = get_le(data + 40, 8);
  h.stored_size = get_le(data + 48, 8);
  h.body_checksum = get_le(data + 56, 8);
  if (h.flags & ~kCheckpointFlagZstd)
    throw fail(fmt::format("unknown header flags 0x{:x} (this Ganglion knows only 0x1, zstd)", h.flags));
  if (h.raw_size > kMaxRawSize)
    throw fail(fmt::format("header claims a body of {} bytes, more than the 64 GiB limit (corrupt header)", h.raw_size));
  if (!(h.flags & kCheckpointFlagZstd) && h.raw_size != h.stored_size)
    throw fail(fmt::format("uncompressed body but raw size {} differs from stored size {} (corrupt header)",
                           h.raw_size, h.stored_size));
  if ((h.flags & kCheckpointFlagZstd) && h.raw_size > kAlwaysExpandable &&
      h.raw_size / kMaxCompressionRatio > h.stored_size)
    throw fail(fmt::format("header claims a body of {} bytes ({}) stored in {} bytes, more than {} times smaller; "
                           "Ganglion's checkpoints compress far less (corrupt or crafted header)",
                           h.raw_size, memory_text(h.raw_size), h.stored_size, kMaxCompressionRatio));
  return h;
}

Bytes decode_container(const uint8_t* data, size_t size, const std::string& origin, CheckpointHeader* header_out,
                       ThreadPool* pool) {
  CheckpointHeader h = decode_header(data, size, origin);
  auto fail = [&](const std::string& problem) -> CheckpointError {
    return CheckpointError(fmt::format("{}: {}", origin, problem));
  };
  uint64_t have = size - kCheckpointHeaderSize;
  if (have < h.stored_size)
    throw fail(fmt::format("truncated: the body should be {} bytes but only {} are there (file is {} bytes, "
                           "expected {})", h.stored_size, have, size, kCheckpointHeaderSize + h.stored_size));
  if (have > h.stored_size)
    throw fail(fmt::format("{} unexpected bytes after the body (file is {} bytes, expected {})",
                           have - h.stored_size, size, kCheckpointHeaderSize + h.stored_size));
  const uint8_t* body = data + kCheckpointHeaderSize;
  if (xxhash64(body, h.stored_size) != h.body_checksum)
    throw fail("body checksum mismatch: the file is corrupted (some bytes after the 72-byte header changed)");
  // The body's memory is checked against the machine before it is allocated, and an allocation
  // that fails all the same names the file.
  const uint64_t memory = physical_memory_bytes();
  if (memory > 0 && h.raw_size > memory)
    throw fail(fmt::format("the body is {} bytes ({}) once decompressed, more than this machine's memory ({})",
                           h.raw_size, memory_text(h.raw_size), memory_text(memory)));
  auto allocate = [&](Bytes& raw) {
    try {
      raw.resize(h.raw_size);
    } catch (const std::bad_alloc&) {
      throw fail(fmt::format("cannot allocate {} bytes ({}) for the body: out of memory", h.raw_size,
                             memory_text(h.raw_size)));
    }
  };
  Bytes raw;
  if (h.flags & kCheckpointFlagZstd) {
#if defined(GANGLION_HAVE_ZSTD)
    const auto frames = zstd_frames(body, h.stored_size, h.raw_size, origin);
    allocate(raw);
    zstd_decompress(frames, body, raw, origin, pool);
#else
    throw fail("the body is zstd-compressed but this Ganglion was built without libzstd; rebuild with "
               "libzstd-dev installed");
#endif
  } else {
    allocate(raw);
    if (h.stored_size) std::memcpy(raw.data(), body, h.stored_size);
  }
  if (header_out) *header_out = h;
  return raw;
}

// ---------------------------------------------------------------------------------- files
namespace {
std::string errno_text() { return std::strerror(errno); }

struct Fd {
  int fd = -1;
  ~Fd() { if (fd >= 0) ::close(fd); }
};
}  // namespace

Bytes read_file_bytes(const std::string& path, const char* what) {
  std::error_code ec;
  auto st = fs::status(path, ec);
  if (ec || !fs::exists(st)) throw CheckpointError(fmt::format("{}: no such file (expected a {} file)", path, what));
  if (fs::is_directory(st))
    throw CheckpointError(fmt::format("{}: is a directory, expected a {} file", path, what));
  Fd f;
  // O_NONBLOCK: a FIFO without a writer does not block the open; fstat below refuses it.
  f.fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (f.fd < 0) throw CheckpointError(fmt::format("{}: cannot open: {}", path, errno_text()));
  struct stat sb;
  if (::fstat(f.fd, &sb) != 0) throw CheckpointError(fmt::format("{}: cannot stat: {}", path, errno_text()));
  if (!S_ISREG(sb.st_mode)) throw CheckpointError(fmt::format("{}: not a regular file, expected a {} file", path, what));
  Bytes data;
  try {
    data.resize(static_cast<size_t>(sb.st_size));
  } catch (const std::bad_alloc&) {
    throw CheckpointError(fmt::format("{}: cannot allocate {} bytes ({}) to read the {} file: out of memory", path,
                                      sb.st_size, memory_text(static_cast<uint64_t>(sb.st_size)), what));
  }
  size_t got = 0;
  while (got < data.size()) {
    ssize_t n = ::read(f.fd, data.data() + got, data.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw CheckpointError(fmt::format("{}: read error at byte {}: {}", path, got, errno_text()));
    if (n == 0) break;  // shrank while reading
    got += static_cast<size_t>(n);
  }
  data.resize(got);
  return data;
}

void write_file_atomic(const std::string& path, const void* bytes, size_t size) {
  static std::atomic<uint64_t> counter{0};
  fs::path target(path);
  fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string tmp = (dir / fmt::format(".{}.tmp-{}-{}", target.filename().string(), ::getpid(), counter++)).string();
  Fd f;
  f.fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (f.fd < 0) throw CheckpointError(fmt::format("{}: cannot create temp file {}: {}", path, tmp, errno_text()));
  auto fail = [&](const std::string& step) {
    std::string msg = fmt::format("{}: {} failed: {}", path, step, errno_text());
    ::close(f.fd);
    f.fd = -1;
    ::unlink(tmp.c_str());
    throw CheckpointError(msg);
  };
  const uint8_t* p = static_cast<const uint8_t*>(bytes);
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::write(f.fd, p + done, std::min<size_t>(size - done, size_t(1) << 30));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("write of the temp file");
    done += static_cast<size_t>(n);
  }
  if (::fsync(f.fd) != 0) fail("fsync of the temp file");
  if (::close(f.fd) != 0) { f.fd = -1; ::unlink(tmp.c_str()); throw CheckpointError(fmt::format("{}: close failed: {}", path, errno_text())); }
  f.fd = -1;
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string msg = fmt::format("{}: rename from {} failed: {}", path, tmp, errno_text());
    ::unlink(tmp.c_str());
    throw CheckpointError(msg);
  }
  Fd d;
  d.fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d.fd >= 0) ::fsync(d.fd);  // makes the rename durable; failure here loses nothing already written
}

void write_all(int fd, const void* bytes, size_t size, const std::string& path) {
  const uint8_t* p = static_cast<const uint8_t*>(bytes);
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::write(fd, p + done, std::min<size_t>(size - done, size_t(1) << 30));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error(path + ": write failed: " + std::strerror(n < 0 ? errno : ENOSPC));
    done += size_t(n);
  }
}

void append_to_file(const std::string& path, const std::string& text, bool sync) {
  Fd f;
  f.fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (f.fd < 0) throw Error(path + ": cannot open for writing: " + std::strerror(errno));
  write_all(f.fd, text.data(), text.size(), path);
  if (sync && ::fsync(f.fd) != 0) throw Error(path + ": sync to disk failed: " + std::strerror(errno));
}

void write_container_file(const std::string& path, const Bytes& body, const ContainerOptions& options) {
  Bytes file = encode_container(body, options);
  write_file_atomic(path, file.data(), file.size());
}

Bytes read_container_file(const std::string& path, CheckpointHeader* header, ThreadPool* pool) {
  Bytes data = read_file_bytes(path, "checkpoint");
  return decode_container(data.data(), data.size(), path, header, pool);
}

// ------------------------------------------------------------------------------- rotation
std::string checkpoint_file_name(uint64_t generation) { return fmt::format("ckpt-{}.gck", generation); }

namespace {
bool parse_checkpoint_name(const std::string& name, uint64_t& generation) {
  const std::string prefix = "ckpt-", suffix = ".gck";
  if (name.size() <= prefix.size() + suffix.size()) return false;
  if (name.compare(0, prefix.size(), prefix) != 0) return false;
  if (name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) return false;
  std::string digits = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  if (digits.empty() || digits.size() > 19) return false;
  for (char c : digits)
    if (c < '0' || c > '9') return false;
  generation = std::stoull(digits);
  return true;
}
}  // namespace

std::vector<CheckpointFile> list_checkpoints(const std::string& dir) {
  std::vector<CheckpointFile> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    uint64_t g;
    if (e.is_regular_file(ec) && parse_checkpoint_name(e.path().filename().string(), g))
      out.push_back({g, e.path().string()});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.generation < b.generation; });
  return out;
}

void rotate_checkpoints(const std::string& dir, uint32_t keep) {
  std::error_code ec;
  // Temp files of a writer that was killed: ".ckpt-<g>.gck.tmp-<pid>-<n>" from another process.
  std::string own = fmt::format(".tmp-{}-", ::getpid());
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind(".ckpt-", 0) == 0 && name.find(".gck.tmp-") != std::string::npos &&
        name.find(own) == std::string::npos)
      fs::remove(e.path(), ec);
  }
  if (keep == 0) return;
  auto files = list_checkpoints(dir);
  if (files.size() <= keep) return;
  for (size_t i = 0; i + keep < files.size(); ++i) fs::remove(files[i].path, ec);
}

}  // namespace ganglion
