// Compact binary encoding of many genomes, column by column (all innovation numbers together, all
// weights together, ...), in independent chunks of kGenomeChunk genomes, for checkpoints. Small integers are delta + zigzag varints, floats are
// raw IEEE bits and flags are bit-packed: about 7-9 bytes per connection before compression.
// The layout is given byte by byte in docs/checkpoint-format.md ("Genome block").
#pragma once

#include <vector>

#include "core/io/checkpoint_io.hpp"
#include "core/genome/genome.hpp"

namespace ganglion {

// Genomes per chunk. Chunks are encoded and decoded independently (in parallel on the caller's
// pool, when it gives one); the chunk size is fixed so the bytes written never depend on the thread count.
constexpr size_t kGenomeChunk = 2048;

// Chunks are encoded (and decoded) in parallel on `pool` when one is given, else serially; the
// bytes never depend on it.
void encode_genomes(BinaryWriter& w, const std::vector<Genome>& genomes, ThreadPool* pool = nullptr);
// Reads what encode_genomes() wrote. Values are range-checked (node kinds, activation and
// aggregation enums, 32-bit ids) so that a damaged body is an error naming genome and byte, never
// a misread genome. `what` names the block in messages ("population", "best genome").
std::vector<Genome> decode_genomes(BinaryReader& r, const char* what = "genomes", ThreadPool* pool = nullptr);

}  // namespace ganglion
