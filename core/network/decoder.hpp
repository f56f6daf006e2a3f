// Decoder: genome -> network, for a whole population at once. The engine turns each generation's
// genomes into the PopulationLayout its evaluation reads through this one call and nothing else,
// so an indirect encoding (HyperNEAT: a genome is a CPPN that paints the weights of a fixed
// substrate) is another Decoder, not a change to the engine.
#pragma once

#include <string>
#include <vector>

#include "core/genome/genome.hpp"
#include "core/network/compiler.hpp"
#include "core/network/layout.hpp"

namespace ganglion {

class ThreadPool;

class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual std::string name() const = 0;
  // Network i of `out` is decoded from genomes[i]; out's buffers may be reused (the engine keeps
  // one layout across generations). The result must not depend on the thread count. Errors name
  // the genome (GenomeError).
  virtual void decode(const std::vector<Genome>& genomes, PopulationLayout& out) = 0;
  // The networks of `range` only (network n of `out` is genome range.index(n)): the share one rank
  // of a distributed run evaluates, or one genome. The default copies those genomes and decodes them.
  virtual void decode_range(const std::vector<Genome>& genomes, const NetworkRange& range, PopulationLayout& out);
};

// Direct NEAT decoding: each genome is its network, compiled into dependency groups
// (compile_population) on the run's pool. The compiled networks are kept between generations and
// compiled into again, so a generation allocates nothing once sizes settle.
class DirectDecoder final : public Decoder {
 public:
  DirectDecoder(CompileOptions options, ThreadPool& pool) : options_(options), pool_(pool) {}
  std::string name() const override { return "direct"; }
  void decode(const std::vector<Genome>& genomes, PopulationLayout& out) override;
  void decode_range(const std::vector<Genome>& genomes, const NetworkRange& range, PopulationLayout& out) override;

 private:
  CompileOptions options_;
  ThreadPool& pool_;
  std::vector<CompiledNetwork> networks_;
};

}  // namespace ganglion
