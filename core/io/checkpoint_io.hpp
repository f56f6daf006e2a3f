// The checkpoint container: a fixed 72-byte header (magic, format version, Ganglion version,
// flags, body sizes, XXH64 checksums) followed by the body, zstd-compressed where libzstd was
// found. docs/checkpoint-format.md describes it byte by byte.
//
// Also here: the bounds-checked BinaryWriter/BinaryReader the body is written with (every failed
// read is a CheckpointError naming the file, the byte offset and what was being read), atomic
// file replacement (temp file, fsync, rename, fsync of the folder) and checkpoint rotation.
#pragma once

#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace ganglion {
class ThreadPool;
}

namespace ganglion {

// Format version written by this build, and the oldest one it still reads.
constexpr uint32_t kCheckpointFormatVersion = 1;
constexpr uint32_t kCheckpointOldestReadableVersion = 1;
constexpr uint32_t kCheckpointHeaderSize = 72;
// Header flags.
constexpr uint32_t kCheckpointFlagZstd = 1u << 0;

// Large byte buffers (checkpoint bodies run to hundreds of MB): resize() leaves new bytes
// uninitialised instead of zero-filling them, and buffers of 4 MiB and more are mapped with
// transparent huge pages, so filling them costs a few hundred page faults instead of 60,000.
void* allocate_big_buffer(size_t bytes);
void free_big_buffer(void* p, size_t bytes);
template <typename T>
struct BigBufferAllocator {
  using value_type = T;
  BigBufferAllocator() = default;
  template <typename U>
  BigBufferAllocator(const BigBufferAllocator<U>&) {}
  T* allocate(size_t n) { return static_cast<T*>(allocate_big_buffer(n * sizeof(T))); }
  void deallocate(T* p, size_t n) { free_big_buffer(p, n * sizeof(T)); }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) { ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...); }
  template <typename U>
  void construct(U* p) { ::new (static_cast<void*>(p)) U; }  // default-init: no zero fill
  template <typename U>
  bool operator==(const BigBufferAllocator<U>&) const { return true; }
  template <typename U>
  bool operator!=(const BigBufferAllocator<U>&) const { return false; }
};
using Bytes = std::vector<uint8_t, BigBufferAllocator<uint8_t>>;

// XXH64 (seed 0 unless given), computed by libxxhash: equal to `xxhsum -H1` of the same bytes, so
// a file can be checked without Ganglion.
uint64_t xxhash64(const void* data, size_t size, uint64_t seed = 0);

// ---------------------------------------------------------------------------------------------
// Writing the body: little-endian fixed-width values, LEB128 varints (zigzag for signed values),
// length-prefixed strings and blobs, and tagged sections.
class BinaryWriter {
 public:
  BinaryWriter() = default;

  void u8(uint8_t v) { put(&v, 1); }
  void u32(uint32_t v) { put_le(v); }
  void u64(uint64_t v) { put_le(v); }
  void i64(int64_t v) { put_le(static_cast<uint64_t>(v)); }
  void f32(float v) { uint32_t b; std::memcpy(&b, &v, 4); put_le(b); }
  void f64(double v) { uint64_t b; std::memcpy(&b, &v, 8); put_le(b); }
  void boolean(bool v) { u8(v ? 1 : 0); }
  void varint(uint64_t v);
  void svarint(int64_t v) { varint(zigzag(v)); }
  void bytes(const void* data, size_t n) { put(data, n); }
  void string(std::string_view s) { varint(s.size()); put(s.data(), s.size()); }

  // A section: 4-character tag, u64 payload length (patched in end_section()), payload.
  size_t begin_section(const char tag[4]);
  void end_section(size_t token);
  // A blob: varint length, then the bytes written between begin_blob() and end_blob(). The
  // length is written after the payload is known, by moving the payload (cheap: one memmove).
  size_t begin_blob() { return buf_.size(); }
  void end_blob(size_t start);

  // Bulk writing: a pointer to `max` writable bytes at the end; commit(used) keeps `used` of them.
  uint8_t* reserve_tail(size_t max) { size_t old = buf_.size(); buf_.resize(old + max); tail_ = old; return buf_.data() + old; }
  void commit(size_t used) { buf_.resize(tail_ + used); }

  size_t size() const { return buf_.size(); }
  const Bytes& data() const { return buf_; }
  Bytes& data() { return buf_; }
  Bytes take() { return std::move(buf_); }

  static uint64_t zigzag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
  // Writes v as LEB128 at p (at most 10 bytes), returns the byte after it.
  static uint8_t* put_varint(uint8_t* p, uint64_t v) {
    while (v >= 0x80) { *p++ = static_cast<uint8_t>(v) | 0x80; v >>= 7; }
    *p++ = static_cast<uint8_t>(v);
    return p;
  }

 private:
  template <typename T>
  void put_le(T v) {
    uint8_t b[sizeof(T)];
    for (size_t i = 0; i < sizeof(T); ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
    put(b, sizeof(T));
  }
  void put(const void* data, size_t n) {
    size_t old = buf_.size();
    buf_.resize(old + n);
    if (n) std::memcpy(buf_.data() + old, data, n);
  }
  Bytes buf_;
  size_t tail_ = 0;
};

// Reading the body. A reader sees a window [begin, end) of a buffer it does not own; offsets in
// messages are counted from the start of the body (or file) the window was cut from. Every read
// names what it reads, so a failure says e.g. "checkpoints/ckpt-10.gck: body byte 1234: data ends
// while reading species count (need 4 bytes, 2 left)".
class BinaryReader {
 public:
  BinaryReader(const uint8_t* data, size_t size, std::string origin, std::string region = "body",
               size_t base_offset = 0);

  uint8_t u8(const char* what) { need(1, what); return p_[pos_++]; }
  uint32_t u32(const char* what) { return static_cast<uint32_t>(get_le(4, what)); }
  uint64_t u64(const char* what) { return get_le(8, what); }
  int64_t i64(const char* what) { return static_cast<int64_t>(get_le(8, what)); }
  float f32(const char* what) { uint32_t b = u32(what); float v; std::memcpy(&v, &b, 4); return v; }
  double f64(const char* what) { uint64_t b = u64(what); double v; std::memcpy(&v, &b, 8); return v; }
  bool boolean(const char* what);
  uint64_t varint(const char* what);
  int64_t svarint(const char* what) { return unzigzag(varint(what)); }
  // A varint that must fit in [0, max]; a count of items that each take at least `min_item_bytes`
  // is also checked against the bytes left (so a corrupt count cannot make us allocate wildly).
  uint64_t varint_max(const char* what, uint64_t max);
  size_t count(const char* what, size_t min_item_bytes = 1);
  std::string string(const char* what, size_t max_len = size_t(1) << 30);
  void bytes(void* out, size_t n, const char* what) { need(n, what); std::memcpy(out, p_ + pos_, n); pos_ += n; }
  // A length-prefixed blob as a sub-reader (its offsets continue this reader's).
  BinaryReader blob(const char* what);
  // The next section; its tag must be `tag`.
  BinaryReader section(const char tag[4]);
  // Whether the next section's tag is `tag` (optional sections: the reader then takes it).
  bool next_section_is(const char tag[4]) const { return remaining() >= 4 && std::memcmp(p_ + pos_, tag, 4) == 0; }
  // Throws unless every byte was consumed (trailing garbage is corruption too).
  void expect_end(const char* what) const;

  // Fast path for bulk decoders: try_varint() returns false instead of throwing; the caller then
  // calls fail() with a precise description.
  bool try_varint(uint64_t& v) {
    if (end_ - pos_ >= 10) {
      const uint8_t* p = p_ + pos_;
      uint64_t r = 0;
      for (int shift = 0; shift < 70; shift += 7) {
        uint8_t b = *p++;
        r |= static_cast<uint64_t>(b & 0x7f) << shift;
        if (!(b & 0x80)) { pos_ = static_cast<size_t>(p - p_); v = r; return shift < 63 || b <= 1; }
      }
      return false;
    }
    return slow_varint(v);
  }
  const uint8_t* raw(size_t n, const char* what) { need(n, what); const uint8_t* r = p_ + pos_; pos_ += n; return r; }

  [[noreturn]] void fail(const std::string& what) const;
  [[noreturn]] void fail_at(size_t pos, const std::string& problem) const;
  size_t position() const { return pos_; }
  size_t remaining() const { return end_ - pos_; }
  size_t offset() const { return base_ + pos_; }
  const std::string& origin() const { return origin_; }

  static int64_t unzigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

 private:
  void need(size_t n, const char* what) {
    if (end_ - pos_ < n) fail_short(n, what);
  }
  [[noreturn]] void fail_short(size_t n, const char* what) const;
  uint64_t get_le(size_t n, const char* what) {
    need(n, what);
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p_[pos_ + i]) << (8 * i);
    pos_ += n;
    return v;
  }
  bool slow_varint(uint64_t& v);

  const uint8_t* p_;
  size_t pos_ = 0;
  size_t end_;
  std::string origin_;
  std::string region_;
  size_t base_;
};

// ---------------------------------------------------------------------------------------------
// The header as read from a file.
struct CheckpointHeader {
  uint32_t format_version = 0;
  std::string ganglion_version;
  uint32_t flags = 0;
  uint64_t raw_size = 0;
  uint64_t stored_size = 0;
  uint64_t body_checksum = 0;
};

struct ContainerOptions {
  int zstd_level = 1;        // low level: checkpoints must be quick to write
  unsigned zstd_workers = 0; // 0 = `pool` compresses 8 MiB frames in parallel; 1 = serially
  ThreadPool* pool = nullptr; // the caller's threads (a run's ExecutionContext); none: serially
  bool compress = true;      // false stores the body raw even where zstd is available
};

// Header + (compressed) body as file bytes.
Bytes encode_container(const Bytes& body, const ContainerOptions& options = {});
// Checks and unpacks file bytes; `origin` (the path) names the file in every message.
// Frames are decompressed in parallel on `pool` when one is given, else serially.
Bytes decode_container(const uint8_t* data, size_t size, const std::string& origin,
                       CheckpointHeader* header = nullptr, ThreadPool* pool = nullptr);
// Only the header (for `inspect` of a damaged file, and cheap version checks).
CheckpointHeader decode_header(const uint8_t* data, size_t size, const std::string& origin);

// Writes body into `path` atomically (see write_file_atomic).
void write_container_file(const std::string& path, const Bytes& body,
                          const ContainerOptions& options = {});
// Reads and checks a container file, returning the raw body. A missing file, a directory, an
// empty or truncated file, a bad checksum, a wrong magic or an unknown version each throw a
// CheckpointError naming the path and the problem.
Bytes read_container_file(const std::string& path, CheckpointHeader* header = nullptr, ThreadPool* pool = nullptr);

// Replaces `path` with `bytes` so that a crash at any moment leaves either the old or the new file:
// write to a temp file in the same folder (".<name>.tmp-<pid>-<n>"), fsync it, rename it over
// `path`, fsync the folder. The temp file never matches a checkpoint name.
void write_file_atomic(const std::string& path, const void* bytes, size_t size);
Bytes read_file_bytes(const std::string& path, const char* what = "checkpoint");
// Writes all `size` bytes to `fd` (a regular file takes them in one write(2) unless the disk is
// full); throws Error naming `path` on failure.
void write_all(int fd, const void* bytes, size_t size, const std::string& path);
// Appends `text` to `path` (created when missing) in one write, so that a kill leaves whole lines;
// `sync`: fsync before returning.
void append_to_file(const std::string& path, const std::string& text, bool sync);

// ---------------------------------------------------------------------------------------------
// Checkpoint files in a run folder: RUN_DIR/checkpoints/ckpt-<generation>.gck.
struct CheckpointFile {
  uint64_t generation = 0;
  std::string path;
};
std::string checkpoint_file_name(uint64_t generation);  // "ckpt-<generation>.gck"
// Files of exactly that form, oldest first (temp files and anything else are ignored).
std::vector<CheckpointFile> list_checkpoints(const std::string& dir);
// Deletes all but the newest `keep` (keep 0 keeps all) and any stale temp files left by a kill.
void rotate_checkpoints(const std::string& dir, uint32_t keep);

}  // namespace ganglion
