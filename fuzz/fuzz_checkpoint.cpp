// libFuzzer target for the checkpoint reader. Every input is tried three ways: as a whole file
// (container: header, checksums, decompression, then the body), as a raw body (the section
// decoders, which a real file only reaches past the checksum) and as a bare genome block. Any
// outcome but a clean CheckpointError (or success) is a bug: a crash, a sanitizer report, an
// allocation beyond libFuzzer's limit, or another exception escaping.
#include <cstddef>
#include <cstdint>

#include "core/io/checkpoint_io.hpp"
#include "core/genome/genome_codec.hpp"
#include "evolution/checkpoint.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ganglion;
  try {
    Bytes body = decode_container(data, size, "fuzz.gck");
    decode_checkpoint(body, "fuzz.gck");
  } catch (const CheckpointError&) {
  }
  try {
    decode_checkpoint(Bytes(data, data + size), "fuzz-body");
  } catch (const CheckpointError&) {
  }
  try {
    BinaryReader r(data, size, "fuzz-genomes");
    decode_genomes(r, "genomes");
  } catch (const CheckpointError&) {
  }
  return 0;
}
