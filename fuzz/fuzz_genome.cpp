// libFuzzer target for the genome JSON loader: genome_from_json on arbitrary text must never
// crash; a GenomeError naming the origin is a clean rejection. When the text loads, the genome
// written back out (genome_to_json) must load again and be equal: what the loader accepts is
// exactly what the writer may write.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/error.hpp"
#include "core/genome/genome.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ganglion;
  const std::string text(reinterpret_cast<const char*>(data), size);
  Genome genome;
  try {
    genome = genome_from_json(text, "fuzz.json");
  } catch (const GenomeError&) {
    return 0;
  }
  try {
    const Genome back = genome_from_json(genome_to_json(genome), "fuzz.json (written back)");
    if (!(back == genome)) {
      fprintf(stderr, "genome_to_json output loads as another genome\n");
      std::abort();
    }
  } catch (const std::exception& e) {
    fprintf(stderr, "genome_to_json output does not load again: %s\n", e.what());
    std::abort();
  }
  return 0;
}
