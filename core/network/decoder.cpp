#include "core/network/decoder.hpp"

#include "core/parallel.hpp"

namespace ganglion {

void DirectDecoder::decode(const std::vector<Genome>& genomes, PopulationLayout& out) {
  compile_population(genomes, options_, out, pool_, &networks_);
}

}  // namespace ganglion
