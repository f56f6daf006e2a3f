// The checkpoint container and the genome codec: round trips, and every kind of damaged file
// (truncated, flipped bytes, wrong magic, future version, empty, a directory) is a CheckpointError
// naming the file and the problem, never a crash or a misread.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(GANGLION_HAVE_ZSTD)
#include <zstd.h>
#endif

#include "core/io/checkpoint_io.hpp"
#include "core/memory.hpp"
#include "core/genome/genome_codec.hpp"
#include "core/rng.hpp"
#include "evolution/checkpoint.hpp"
#include "tests/cli_runner.hpp"

using namespace ganglion;
namespace fs = std::filesystem;

namespace {

uint64_t test_seed() {
  static uint64_t seed = [] {
    const char* env = std::getenv("GANGLION_TEST_SEED");
    return env ? std::strtoull(env, nullptr, 10) : (uint64_t(std::random_device{}()) << 32 | std::random_device{}());
  }();
  return seed;
}

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("ganglion-ckio-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(std::random_device{}()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

std::vector<Genome> random_genomes(Rng& rng, size_t count) {
  std::vector<Genome> out(count);
  for (size_t i = 0; i < count; ++i) {
    Genome& g = out[i];
    g.id = rng.below(4) == 0 ? rng.next() : rng.below(1000000);
    g.fitness = rng.normal(0, 100);
    g.evaluated = rng.chance(0.5);
    size_t nn = rng.below(12);
    for (size_t n = 0; n < nn; ++n) {
      NodeGene node;
      node.id = static_cast<int32_t>(rng.below(3) == 0 ? rng.next() : rng.below(200)) - 20;
      node.kind = static_cast<NodeKind>(rng.below(4));
      node.activation = static_cast<Activation>(rng.below(static_cast<uint64_t>(Activation::Count)));
      node.aggregation = static_cast<Aggregation>(rng.below(static_cast<uint64_t>(Aggregation::Count)));
      node.bias = static_cast<float>(rng.normal());
      node.response = static_cast<float>(rng.normal(1, 0.1));
      g.nodes.push_back(node);
    }
    size_t nc = rng.below(30);
    for (size_t c = 0; c < nc; ++c) {
      ConnectionGene cg;
      cg.innovation = rng.below(5) == 0 ? static_cast<int64_t>(rng.next()) : static_cast<int64_t>(rng.below(5000));
      cg.source = static_cast<int32_t>(rng.next());
      cg.target = static_cast<int32_t>(rng.below(100)) - 3;
      cg.weight = static_cast<float>(rng.normal(0, 3));
      cg.enabled = rng.chance(0.8);
      g.connections.push_back(cg);
    }
    // Unsorted genes must survive too: the codec stores what it is given.
  }
  return out;
}

void expect_same(const std::vector<Genome>& a, const std::vector<Genome>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    INFO("genome #" << i);
    CHECK(a[i] == b[i]);
    CHECK(a[i].fitness == b[i].fitness);
    CHECK(a[i].evaluated == b[i].evaluated);
  }
}

void write_bytes(const std::string& path, const Bytes& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::string read_error(const std::string& path) {
  try {
    read_container_file(path);
  } catch (const CheckpointError& e) {
    return e.what();
  }
  return "";
}

// The same checks on bytes in memory, for loops over many damaged variants (rewriting one file
// thousands of times is slow on ext4, which flushes a truncated-and-rewritten file on close).
std::string decode_error(const Bytes& bytes, const std::string& origin) {
  try {
    decode_container(bytes.data(), bytes.size(), origin);
  } catch (const CheckpointError& e) {
    return e.what();
  }
  return "";
}

void put_le(uint8_t* p, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

// Recomputes the header checksum, as a writer of the edited header would have: the file is then
// well formed up to the field the test changed.
void reseal(Bytes& file) { put_le(file.data() + 64, xxhash64(file.data(), 64), 8); }

// A container of `stored` bytes whose header claims `raw_size` bytes after decompression, with
// valid checksums.
Bytes crafted_container(uint32_t flags, uint64_t raw_size, const Bytes& stored) {
  Bytes file = encode_container(Bytes{}, ContainerOptions{1, 1, nullptr, false});
  file.resize(kCheckpointHeaderSize);
  file.insert(file.end(), stored.begin(), stored.end());
  put_le(file.data() + 32, flags, 4);
  put_le(file.data() + 40, raw_size, 8);
  put_le(file.data() + 48, stored.size(), 8);
  put_le(file.data() + 56, xxhash64(stored.data(), stored.size()), 8);
  reseal(file);
  return file;
}

// One zstd frame that expands to `zeros` zero bytes: a frame header with the content size, then
// RLE blocks of 128 KiB, 4 bytes each. 2 GiB take 64 KiB: the zip bomb of a checkpoint.
Bytes zstd_zero_frame(uint64_t zeros) {
  Bytes f = {0x28, 0xB5, 0x2F, 0xFD, 0xE0};  // magic; descriptor: single segment, 8-byte content size
  for (int i = 0; i < 8; ++i) f.push_back(static_cast<uint8_t>(zeros >> (8 * i)));
  const uint64_t block = 128 << 10;
  for (uint64_t left = zeros; left > 0;) {
    const uint64_t n = std::min(left, block);
    left -= n;
    const uint32_t h = (left == 0 ? 1u : 0u) | (1u << 1) | static_cast<uint32_t>(n << 3);  // last flag, RLE, size
    f.push_back(static_cast<uint8_t>(h));
    f.push_back(static_cast<uint8_t>(h >> 8));
    f.push_back(static_cast<uint8_t>(h >> 16));
    f.push_back(0);  // the byte repeated
  }
  return f;
}

long max_rss_kib() {
  struct rusage u;
  ::getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

Bytes sample_body(uint64_t seed) {
  Rng rng = Rng::derive(seed, Purpose::Test, 7);
  BinaryWriter w;
  size_t t = w.begin_section("GENS");
  encode_genomes(w, random_genomes(rng, 40));
  w.end_section(t);
  return w.take();
}

}  // namespace

TEST_CASE("xxhash64 matches the reference (and zstd's frame checksums)") {
  CHECK(xxhash64("", 0) == 0xEF46DB3751D8E999ull);
  CHECK(xxhash64("abc", 3) == 0x44BC2CF5AD770999ull);
  // Digests of the checksum code checkpoints were written with before libxxhash computed them:
  // lengths under and over one 32-byte round, seed 0 and others.
  uint8_t bytes[300];
  for (int i = 0; i < 300; ++i) bytes[i] = static_cast<uint8_t>(i * 131 + 7);
  CHECK(xxhash64(bytes, 300) == 0xC68E7EF39B5CA10Eull);
  CHECK(xxhash64(bytes, 300, 0x9E3779B97F4A7C15ull) == 0xF740B6BA02E2A0BDull);
  CHECK(xxhash64(bytes, 37, 1) == 0x34ABA417598832E7ull);
#if defined(GANGLION_HAVE_ZSTD)
  // A zstd frame with a checksum ends in the low 32 bits of XXH64(content, seed 0).
  MESSAGE("seed " << test_seed());
  Rng rng = Rng::derive(test_seed(), Purpose::Test, 1);
  for (size_t len : {1, 3, 4, 7, 8, 15, 31, 32, 33, 63, 64, 100, 1000, 4099}) {
    Bytes data(len);
    for (auto& b : data) b = static_cast<uint8_t>(rng.next());
    ZSTD_CCtx* c = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
    Bytes out(ZSTD_compressBound(len));
    size_t n = ZSTD_compress2(c, out.data(), out.size(), data.data(), len);
    ZSTD_freeCCtx(c);
    REQUIRE(!ZSTD_isError(n));
    uint32_t tail = out[n - 4] | out[n - 3] << 8 | out[n - 2] << 16 | uint32_t(out[n - 1]) << 24;
    INFO("length " << len);
    CHECK(tail == static_cast<uint32_t>(xxhash64(data.data(), len)));
  }
#endif
}

TEST_CASE("checkpoints written by earlier builds still verify and load") {
  // The fuzz seed corpus holds real checkpoint files written before the checksum moved to
  // libxxhash; their header checksums are the ones stored in the files.
  const fs::path dir = fs::path(testing::source_dir()) / "fuzz/corpus/checkpoint";
  struct Known {
    const char* file;
    uint64_t body_checksum;
    bool zstd;
  };
  for (const Known& k : {Known{"raw-container.gck", 0x50F07C9468309153ull, false},
                         Known{"zstd.gck", 0xAD2420C41FFBEE01ull, true}}) {
    INFO(k.file);
#if !defined(GANGLION_HAVE_ZSTD)
    if (k.zstd) continue;
#endif
    CheckpointHeader header;
    const Checkpoint c = load_checkpoint((dir / k.file).string(), &header);
    CHECK(header.body_checksum == k.body_checksum);
    CHECK(header.format_version == 1);
    CHECK(!c.state.genomes.empty());
  }
}

TEST_CASE("BinaryWriter and BinaryReader round-trip every value type") {
  BinaryWriter w;
  w.u8(200);
  w.u32(0xDEADBEEF);
  w.u64(0x0123456789ABCDEFull);
  w.i64(-5);
  w.f32(-1.5f);
  w.f64(3.25);
  w.boolean(true);
  for (uint64_t v : {0ull, 1ull, 127ull, 128ull, 16383ull, 16384ull, ~0ull}) w.varint(v);
  for (int64_t v : {int64_t(0), int64_t(-1), int64_t(1), INT64_MIN, INT64_MAX}) w.svarint(v);
  w.string("hello");
  size_t s = w.begin_section("TEST");
  w.u32(7);
  w.end_section(s);
  size_t b = w.begin_blob();
  for (int i = 0; i < 300; ++i) w.u8(static_cast<uint8_t>(i));
  w.end_blob(b);

  auto bytes = w.take();
  BinaryReader r(bytes.data(), bytes.size(), "mem");
  CHECK(r.u8("a") == 200);
  CHECK(r.u32("b") == 0xDEADBEEF);
  CHECK(r.u64("c") == 0x0123456789ABCDEFull);
  CHECK(r.i64("d") == -5);
  CHECK(r.f32("e") == -1.5f);
  CHECK(r.f64("f") == 3.25);
  CHECK(r.boolean("g"));
  for (uint64_t v : {0ull, 1ull, 127ull, 128ull, 16383ull, 16384ull, ~0ull}) CHECK(r.varint("v") == v);
  for (int64_t v : {int64_t(0), int64_t(-1), int64_t(1), INT64_MIN, INT64_MAX}) CHECK(r.svarint("s") == v);
  CHECK(r.string("str") == "hello");
  BinaryReader sec = r.section("TEST");
  CHECK(sec.u32("x") == 7);
  sec.expect_end("section");
  BinaryReader blob = r.blob("blob");
  CHECK(blob.remaining() == 300);
  CHECK(blob.u8("first") == 0);
  r.expect_end("all");

  // Reading past the end names what was read and where.
  BinaryReader short_reader(bytes.data(), 3, "mem.gck");
  short_reader.u8("one");
  try {
    short_reader.u32("species count");
    FAIL("no error");
  } catch (const CheckpointError& e) {
    std::string m = e.what();
    CHECK(m.find("mem.gck") != std::string::npos);
    CHECK(m.find("byte 1") != std::string::npos);
    CHECK(m.find("species count") != std::string::npos);
  }
}

TEST_CASE("genome codec round-trips random genomes") {
  MESSAGE("seed " << test_seed());
  Rng rng = Rng::derive(test_seed(), Purpose::Test, 2);
  for (size_t count : {0, 1, 2, 17, 300}) {
    auto genomes = random_genomes(rng, count);
    BinaryWriter w;
    encode_genomes(w, genomes);
    auto bytes = w.take();
    BinaryReader r(bytes.data(), bytes.size(), "mem");
    auto back = decode_genomes(r, "population");
    r.expect_end("population");
    expect_same(genomes, back);
  }
}

TEST_CASE("genome codec: every truncation of the body is a clean error") {
  MESSAGE("seed " << test_seed());
  Rng rng = Rng::derive(test_seed(), Purpose::Test, 3);
  auto genomes = random_genomes(rng, 5);
  BinaryWriter w;
  encode_genomes(w, genomes);
  auto bytes = w.take();
  for (size_t n = 0; n < bytes.size(); ++n) {
    BinaryReader r(bytes.data(), n, "cut.gck");
    CHECK_THROWS_AS(decode_genomes(r, "population"), CheckpointError);
  }
  // Random corruption of the raw body either decodes to something or fails cleanly.
  for (int t = 0; t < 2000; ++t) {
    auto copy = bytes;
    copy[rng.below(copy.size())] ^= static_cast<uint8_t>(1 + rng.below(255));
    BinaryReader r(copy.data(), copy.size(), "flip.gck");
    try {
      decode_genomes(r, "population");
    } catch (const CheckpointError&) {
    }
  }
}

TEST_CASE("container round trip, compressed and raw") {
  TempDir dir;
  auto body = sample_body(test_seed());
  for (bool compress : {true, false}) {
    ContainerOptions o;
    o.compress = compress;
    std::string path = dir.file(compress ? "c.gck" : "r.gck");
    write_container_file(path, body, o);
    CheckpointHeader h;
    auto back = read_container_file(path, &h);
    CHECK(back == body);
    CHECK(h.format_version == kCheckpointFormatVersion);
    CHECK(h.ganglion_version == GANGLION_VERSION);
    CHECK(h.raw_size == body.size());
#if defined(GANGLION_HAVE_ZSTD)
    CHECK(((h.flags & kCheckpointFlagZstd) != 0) == compress);
#endif
  }
  // A large body takes the multithreaded path.
  Bytes big(9 << 20);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>((i * 2654435761u) >> 13);
  write_container_file(dir.file("big.gck"), big);
  CHECK(read_container_file(dir.file("big.gck")) == big);
}

TEST_CASE("damaged files are clear errors naming the file and the problem") {
  TempDir dir;
  auto body = sample_body(test_seed() + 1);
  auto good = encode_container(body);
  auto contains = [](const std::string& m, const std::string& s) { return m.find(s) != std::string::npos; };

  SUBCASE("empty file") {
    std::string p = dir.file("empty.gck");
    write_bytes(p, {});
    std::string m = read_error(p);
    CHECK(contains(m, p));
    CHECK(contains(m, "empty"));
  }
  SUBCASE("directory in place of a file") {
    std::string p = dir.file("ckpt-3.gck");
    fs::create_directories(p);
    std::string m = read_error(p);
    CHECK(contains(m, p));
    CHECK(contains(m, "directory"));
  }
  SUBCASE("missing file") {
    std::string p = dir.file("nope.gck");
    std::string m = read_error(p);
    CHECK(contains(m, p));
    CHECK(contains(m, "no such file"));
  }
  SUBCASE("wrong magic") {
    std::string p = dir.file("magic.gck");
    auto bad = good;
    bad[1] = 'X';
    write_bytes(p, bad);
    std::string m = read_error(p);
    CHECK(contains(m, p));
    CHECK(contains(m, "not a Ganglion checkpoint"));
    write_bytes(p, Bytes{'{', '"', 'a', '"', ':', '1', '}', '\n', '\n'});
    CHECK(contains(read_error(p), "not a Ganglion checkpoint"));
  }
  SUBCASE("future version") {
    std::string p = dir.file("future.gck");
    auto bad = good;
    bad[8] = static_cast<uint8_t>(kCheckpointFormatVersion + 1);
    reseal(bad);  // as a newer Ganglion writes it
    write_bytes(p, bad);
    std::string m = read_error(p);
    CHECK(contains(m, p));
    CHECK(contains(m, "written by a newer Ganglion"));
  }
  SUBCASE("a flipped bit in the version is corruption, not a newer version") {
    // The header checksum is checked before any field it covers, the version included.
    for (int bit = 0; bit < 32; ++bit) {
      auto bad = good;
      bad[8 + bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      const std::string m = decode_error(bad, "flip.gck");
      INFO("bit " << bit << ": " << m);
      CHECK(m == "flip.gck: header checksum mismatch: the header (bytes 0-71) is corrupted");
    }
  }
  SUBCASE("reserved header bytes must be zero") {
    auto bad = good;
    bad[37] = 1;
    reseal(bad);
    CHECK(decode_error(bad, "r.gck") == "r.gck: reserved header field (bytes 36-39) is 0x100, must be 0 (corrupt header)");
    // The version text is NUL-padded: bytes after its end must be NUL.
    bad = good;
    bad[31] = 'x';
    reseal(bad);
    CHECK(contains(decode_error(bad, "v.gck"), "v.gck: the Ganglion version field (bytes 16-31) is not printable "
                                               "ASCII padded with NUL bytes: byte 31 is 0x78 (corrupt header)"));
    bad = good;
    bad[16] = 0x07;
    reseal(bad);
    CHECK(contains(decode_error(bad, "v.gck"), "byte 16 is 0x07"));
  }
  SUBCASE("sizes in the header are checked before anything is allocated") {
    std::string m;
#if defined(GANGLION_HAVE_ZSTD)
    // A real 2 GiB zstd frame of zeros in 64 KiB, with valid checksums: refused from the header.
    const Bytes bomb = zstd_zero_frame(uint64_t(2) << 30);
    CHECK(bomb.size() < 70000);
    REQUIRE(ZSTD_getFrameContentSize(bomb.data(), bomb.size()) == (uint64_t(2) << 30));
    REQUIRE(ZSTD_findFrameCompressedSize(bomb.data(), bomb.size()) == bomb.size());
    const long rss_before = max_rss_kib();
    m = decode_error(crafted_container(kCheckpointFlagZstd, uint64_t(2) << 30, bomb), "bomb.gck");
    CHECK(m == "bomb.gck: header claims a body of 2147483648 bytes (2.0 GiB) stored in " + std::to_string(bomb.size()) +
                   " bytes, more than 4096 times smaller; Ganglion's checkpoints compress far less (corrupt or "
                   "crafted header)");
    CHECK(max_rss_kib() - rss_before < 256 * 1024);
    // The same frame under a header that claims a small body: the frame's own content size is
    // checked against the header's before the body is allocated.
    m = decode_error(crafted_container(kCheckpointFlagZstd, 1 << 20, bomb), "bomb.gck");
    CHECK(contains(m, "bomb.gck: zstd frame at body byte 0 does not give a content size that fits the header's raw "
                      "size 1048576"));
    // A small bomb within the bounds decompresses as it should.
    const Bytes small = zstd_zero_frame(3 << 20);
    Bytes raw = decode_container(crafted_container(kCheckpointFlagZstd, 3 << 20, small).data(),
                                 crafted_container(kCheckpointFlagZstd, 3 << 20, small).size(), "small.gck");
    CHECK(raw.size() == (3u << 20));
    CHECK(std::all_of(raw.begin(), raw.end(), [](uint8_t b) { return b == 0; }));
#endif
    // raw_size 64 GiB (the largest the header may claim) is named; above it is refused as such.
    m = decode_error(crafted_container(kCheckpointFlagZstd, uint64_t(64) << 30, Bytes(100, 0)), "huge.gck");
    CHECK(contains(m, "huge.gck: header claims a body of 68719476736 bytes (64 GiB) stored in 100 bytes"));
    m = decode_error(crafted_container(kCheckpointFlagZstd, (uint64_t(64) << 30) + 1, Bytes(100, 0)), "huge.gck");
    CHECK(m == "huge.gck: header claims a body of 68719476737 bytes, more than the 64 GiB limit (corrupt header)");
    // A body larger than this machine's memory is refused before it is allocated.
    const uint64_t memory = physical_memory_bytes();
    if (memory > 0 && memory < (uint64_t(64) << 30)) {
      m = decode_error(crafted_container(kCheckpointFlagZstd, memory + 1, Bytes((memory + 1) / 4096 + 1, 0)), "big.gck");
      CHECK(contains(m, "big.gck: the body is " + std::to_string(memory + 1) +
                            " bytes (" + memory_text(memory + 1) + ") once decompressed, more than this machine's memory"));
    }
    // An uncompressed body must be as large as the header says, and the file as large as both.
    m = decode_error(crafted_container(0, uint64_t(1) << 20, Bytes(100, 0)), "raw.gck");
    CHECK(contains(m, "raw.gck: uncompressed body but raw size 1048576 differs from stored size 100"));
    Bytes cut = crafted_container(0, 100, Bytes(100, 0));
    put_le(cut.data() + 40, uint64_t(2) << 30, 8);
    put_le(cut.data() + 48, uint64_t(2) << 30, 8);
    reseal(cut);
    m = decode_error(cut, "cut.gck");
    CHECK(contains(m, "cut.gck: truncated: the body should be 2147483648 bytes but only 100 are there"));
  }
  SUBCASE("too old a version") {
    std::string p = dir.file("old.gck");
    auto bad = good;
    bad[8] = 0;
    reseal(bad);
    write_bytes(p, bad);
    std::string m = read_error(p);
    CHECK(contains(m, p));
    CHECK(contains(m, "too old"));
  }
  SUBCASE("truncated at every length") {
    std::string p = dir.file("cut.gck");
    write_bytes(p, Bytes(good.begin(), good.end() - 1));
    CHECK(contains(read_error(p), "truncated"));
    for (size_t n = 1; n < good.size(); n += (n < 100 ? 1 : 7)) {
      std::string m = decode_error(Bytes(good.begin(), good.begin() + static_cast<long>(n)), p);
      INFO("length " << n << ": " << m);
      CHECK(contains(m, p));
      CHECK(contains(m, "truncated"));
    }
  }
  SUBCASE("trailing bytes") {
    std::string p = dir.file("long.gck");
    auto bad = good;
    bad.push_back(0);
    write_bytes(p, bad);
    CHECK(contains(read_error(p), "unexpected bytes after the body"));
  }
  SUBCASE("a flipped byte anywhere") {
    MESSAGE("seed " << test_seed());
    Rng rng = Rng::derive(test_seed(), Purpose::Test, 4);
    std::string p = dir.file("flip.gck");
    auto bad = good;
    bad[good.size() / 2] ^= 0x10;
    write_bytes(p, bad);
    CHECK(contains(read_error(p), "checksum mismatch"));
    for (size_t pos = 0; pos < good.size(); pos += 1 + (pos < 80 ? 0 : rng.below(5))) {
      bad = good;
      bad[pos] ^= static_cast<uint8_t>(1u << rng.below(8));
      std::string m = decode_error(bad, p);
      INFO("byte " << pos << ": " << m);
      REQUIRE(!m.empty());
      CHECK(contains(m, p));
    }
  }
}

TEST_CASE("atomic writes leave no temp files; listing and rotation ignore them") {
  TempDir dir;
  std::string a = dir.file("ckpt-5.gck");
  write_file_atomic(a, "one", 3);
  write_file_atomic(a, "second", 6);
  CHECK(read_file_bytes(a).size() == 6);
  size_t entries = 0;
  for (auto& e : fs::directory_iterator(dir.path)) (void)e, ++entries;
  CHECK(entries == 1);

  for (int g : {1, 2, 10, 7}) write_file_atomic(dir.file(checkpoint_file_name(g)), "x", 1);
  // A killed writer's temp file, and names that only look like checkpoints.
  write_bytes(dir.file(".ckpt-11.gck.tmp-999999-0"), {1, 2});
  write_bytes(dir.file("ckpt-12.gck.tmp"), {1});
  write_bytes(dir.file("ckpt-x.gck"), {1});
  write_bytes(dir.file("ckpt-.gck"), {1});
  auto list = list_checkpoints(dir.path.string());
  REQUIRE(list.size() == 5);
  CHECK(list.front().generation == 1);
  CHECK(list.back().generation == 10);

  rotate_checkpoints(dir.path.string(), 2);
  list = list_checkpoints(dir.path.string());
  REQUIRE(list.size() == 2);
  CHECK(list[0].generation == 7);
  CHECK(list[1].generation == 10);
  CHECK_FALSE(fs::exists(dir.file(".ckpt-11.gck.tmp-999999-0")));
  CHECK(fs::exists(dir.file("ckpt-12.gck.tmp")));  // not ours to delete

  // Writing into a missing folder is a clear error too.
  CHECK_THROWS_AS(write_file_atomic(dir.file("missing/ckpt-1.gck"), "x", 1), CheckpointError);
}

TEST_CASE("the command line exits non-zero on damaged checkpoints, naming the file and the problem") {
  if (ganglion::testing::ganglion_binary().empty()) {
    MESSAGE("GANGLION_BINARY not set: run through ctest");
    return;
  }
  using ganglion::testing::run_ganglion;
  TempDir dir;
  auto good = encode_container(sample_body(test_seed() + 2));
  struct Case {
    std::string name;
    Bytes bytes;
    std::string problem;
  };
  Bytes flipped = good;
  flipped[good.size() - 3] ^= 0x40;
  Bytes future = good;
  future[8] = 99;
  reseal(future);
  std::vector<Case> cases = {
      {"empty.gck", {}, "empty"},
      {"cut.gck", Bytes(good.begin(), good.begin() + static_cast<long>(good.size() / 2)), "truncated"},
      {"flip.gck", flipped, "checksum mismatch"},
      {"magic.gck", Bytes{'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'}, "not a Ganglion checkpoint"},
      {"future.gck", future, "written by a newer Ganglion"},
  };
  for (const auto& c : cases) {
    const std::string path = dir.file(c.name);
    write_bytes(path, c.bytes);
    for (const char* cmd : {"inspect", "resume"}) {
      auto r = run_ganglion(std::string(cmd) + " '" + path + "'");
      INFO(cmd << " " << c.name << ": " << r.output);
      CHECK(r.exit_code == 1);
      CHECK(r.output.find(path) != std::string::npos);
      CHECK(r.output.find(c.problem) != std::string::npos);
    }
  }
  const std::string d = dir.file("ckpt-4.gck");
  fs::create_directories(d);
  auto r = run_ganglion("inspect '" + d + "/'");  // a directory named like a checkpoint, with nothing in it
  CHECK(r.exit_code == 1);
  r = run_ganglion("inspect '" + dir.file("missing.gck") + "'");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("no such file") != std::string::npos);
}
