// Deterministic random numbers for parameters and test data: every value is a pure
// function of (seed, stream, index), so every rank draws bit-identical values whatever
// its thread count or the order of filling.
#pragma once

#include <cstdint>
#include <span>

namespace bitvote {

// Uniform in [-1, 1), a multiple of 2^-23 (exact in float).
float uniform_at(uint64_t seed, uint64_t stream, uint64_t index);

// out[i] = bound * uniform_at(seed, stream, i).
void uniform_fill(std::span<float> out, float bound, uint64_t seed, uint64_t stream);

}  // namespace bitvote
