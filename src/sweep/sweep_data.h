// Verifiable sweep data: rank r's coordinate i is a pure function of (seed, r, i),
// so rank 0 can regenerate every rank's input and recompute the expected result
// with a naive loop — no kernels, no strategies, no MPI.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "comm/strategy.h"

namespace bitvote {

// Rank r's gradient value at i: an integer in -8..7, so fp32 sums over ranks
// are exact in any order. Its dense sign is +1 unless it is negative (0 -> +1).
float sweep_value(uint64_t seed, int rank, uint64_t i);
// Rank r's sparse vote at i: +1 or -1 with probability `density`, else 0.
int sweep_vote(uint64_t seed, int rank, uint64_t i, double density);

// One rank's input for every message kind the sweep uses; spans of the
// Message built from it point into these vectors.
struct SweepInput {
    std::vector<float> values;     // fp32: [d]
    std::vector<uint64_t> bits;    // sign: [bitmap_words(d)]
    std::vector<uint32_t> indices; // sparse: [K] ascending
    std::vector<uint64_t> signs;   // sparse: [bitmap_words(K)]
};
// Fills the parts of `kinds` (kind_bit mask) for this rank and size d.
SweepInput sweep_input_make(uint64_t seed, int rank, size_t d, double density, unsigned kinds);
Message sweep_message(const SweepInput& in, MessageKind kind, size_t d);

// The expected result over all P ranks, recomputed naively (rank 0 only).
struct SweepExpected {
    std::vector<int32_t> sums;       // fp32: [d] exact sum of the P values
    std::vector<uint64_t> majority;  // sign: [bitmap_words(d)], 2 * count(+1) >= P
    std::vector<uint64_t> voted;     // sparse: [bitmap_words(d)], plus != minus
    std::vector<uint64_t> positive;  // sparse: [bitmap_words(d)], plus > minus
};
SweepExpected sweep_expected_make(uint64_t seed, int P, size_t d, double density, unsigned kinds);

// Coordinates of `got` (an update for a message of kind `sent`) that differ
// from the expected result. fp32: the mean must round back to the exact sum.
uint64_t sweep_count_wrong(const Update& got, MessageKind sent, const SweepExpected& expected, int P, size_t d);

}  // namespace bitvote
