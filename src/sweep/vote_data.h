// Vote data from (seed, rank, i): rank r's vote or value on coordinate i is a
// pure function of them, so any rank can regenerate every rank's message and
// the expected result. The one generator and naive oracle of `bitvote sweep`
// and the MPI tests (tests/mpi): the oracle is a per-coordinate loop over the
// P ranks' data, with no kernel, strategy or MPI.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "comm/strategy.h"

namespace bitvote {

// How the ranks vote: `random` (signs, or -1/0/+1 for ternary and lists),
// `split` (ranks below P/2 against the rest: ties at even P), `sparse` (each
// rank votes +1 or -1 on a fraction `density` of the coordinates; dense signs
// are +1 elsewhere), `none` (nobody votes; dense signs are all +1).
enum class VotePattern { random, split, sparse, none };
const char* vote_pattern_name(VotePattern p);
inline constexpr double default_vote_density = 0.125;  // `sparse`: 1 in 8 coordinates

// Rank r's vote on coordinate i: +1 or -1 for sign and scaled sign messages,
// -1, 0 or +1 for the others (ternary, sparse, sparse fp32: 0 = no vote).
int vote_data_vote(VotePattern p, MessageKind kind, uint64_t seed, int r, int P, size_t i,
                   double density = default_vote_density);
// Rank r's fp32 value on coordinate i: a multiple of 0.25 in [-8, 8], so sums
// over ranks are exact in any order. A scaled sign message sends
// vote * vote_data_scale(seed, r); a sparse fp32 one sends the value where
// the vote is nonzero.
float vote_data_value(uint64_t seed, int r, size_t i);
float vote_data_scale(uint64_t seed, int r);

// One rank's message of any kind, owning its buffers (msg's spans point into
// them: moved, never copied).
struct VoteMessage {
    std::vector<float> values;
    std::vector<uint64_t> bits, voted, positive, signs;
    std::vector<uint32_t> indices;
    Message msg;
    VoteMessage() = default;
    VoteMessage(VoteMessage&&) = default;
    VoteMessage& operator=(VoteMessage&&) = default;
    VoteMessage(const VoteMessage&) = delete;
    VoteMessage& operator=(const VoteMessage&) = delete;
};
VoteMessage vote_data_message(VotePattern p, MessageKind kind, uint64_t seed, int r, int P, size_t d,
                              double density = default_vote_density);

// The oracle: the update every strategy must give for these messages of all
// P ranks. Votes decide the sign of their sum, 0 on a tie: dense signs give a
// sign update at odd P (no ties) and a ternary one at even P; ternary and
// lists give ternary, 0 also where nobody voted; kinds with values: the fp32
// mean (sum in rank order, then / P).
Update vote_data_expected(VotePattern p, MessageKind kind, uint64_t seed, int P, size_t d,
                          double density = default_vote_density);

// Coordinates of d where `got` differs from `want` (bit for bit); every
// coordinate when the kinds differ or an array is short.
uint64_t update_wrong_coordinates(const Update& got, const Update& want, size_t d);

}  // namespace bitvote
