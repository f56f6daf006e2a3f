#include "core/network/decoder.hpp"

#include <string>

#include "core/error.hpp"
#include "core/parallel.hpp"

namespace ganglion {

void Decoder::decode_range(const std::vector<Genome>& genomes, const NetworkRange& range, PopulationLayout& out) {
  if (range.whole(genomes.size())) return decode(genomes, out);
  if (!range.fits(genomes.size()))
    throw Error("decoder '" + name() + "': " + range.describe() + " reach outside a population of " +
                std::to_string(genomes.size()));
  std::vector<Genome> part;
  part.reserve(range.count);
  for (uint32_t n = 0; n < range.count; ++n) part.push_back(genomes[size_t(range.index(n))]);
  decode(part, out);
}

void DirectDecoder::decode(const std::vector<Genome>& genomes, PopulationLayout& out) {
  compile_population(genomes, options_, out, pool_, &networks_);
}

void DirectDecoder::decode_range(const std::vector<Genome>& genomes, const NetworkRange& range,
                                 PopulationLayout& out) {
  compile_population_range(genomes, range, options_, out, pool_, &networks_);
}

}  // namespace ganglion
