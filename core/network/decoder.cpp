#include "core/network/decoder.hpp"

#include <string>

#include "core/error.hpp"
#include "core/parallel.hpp"

namespace ganglion {

void Decoder::decode_range(const std::vector<Genome>& genomes, size_t first, size_t count, PopulationLayout& out) {
  if (first == 0 && count == genomes.size()) return decode(genomes, out);
  if (first > genomes.size() || count > genomes.size() - first)
    throw Error("decoder '" + name() + "': genomes [" + std::to_string(first) + ", " + std::to_string(first + count) +
                ") of a population of " + std::to_string(genomes.size()));
  const std::vector<Genome> part(genomes.begin() + long(first), genomes.begin() + long(first + count));
  decode(part, out);
}

void DirectDecoder::decode(const std::vector<Genome>& genomes, PopulationLayout& out) {
  compile_population(genomes, options_, out, pool_, &networks_);
}

void DirectDecoder::decode_range(const std::vector<Genome>& genomes, size_t first, size_t count,
                                 PopulationLayout& out) {
  compile_population_range(genomes, first, count, options_, out, pool_, &networks_);
}

}  // namespace ganglion
