// weighted (SignSGD-FV): every rank's sign bitmap to every rank
// (MPI_Allgather), then each rank decides every coordinate in rank order,
// decided_i = sign(sum_r w_r (+1 if bit else -1)) with sign(0) = 0 (a zero
// sum, a tie, moves nothing: a ternary update), and counts how often each
// rank agreed with the decision where it was not 0 (its next weights). An
// abstaining rank has no say that round and its record stays as it was.
#include <bit>

#include "aggregate/aggregators.h"
#include "comm/collectives.h"
#include "kernels.h"

namespace bitvote {

void open_weighted(AggregateState* a) {
    a->agreed.assign(size_t(a->comm->size), 0);
    a->cast.assign(size_t(a->comm->size), 0);
}

void exchange_weighted(AggregateState* a, int, const Message& msg, Update*) {
    const size_t words = bitmap_words(msg.d);
    a->all_bits.resize(size_t(a->comm->size) * words);
    allgather_words(a->comm, msg.bits.data(), a->all_bits.data(), words);
}

// all_bits: [P][words].
void combine_weighted(AggregateState* a, int, const Message& msg, Update* out) {
    const size_t P = size_t(a->comm->size), d = msg.d, words = bitmap_words(d);
    std::vector<double> weight(P);
    for (size_t r = 0; r < P; ++r) weight[r] = rank_abstains(msg, r) ? 0.0 : aggregate_weight(*a, int(r));

    update_reset(out, MessageKind::ternary, d);
    for (size_t i = 0; i < d; ++i) {
        double sum = 0;
        for (size_t r = 0; r < P; ++r)
            sum += (a->all_bits[r * words + i / 64] >> (i % 64)) & 1 ? weight[r] : -weight[r];
        out->voted[i / 64] |= uint64_t(sum != 0) << (i % 64);
        out->positive[i / 64] |= uint64_t(sum > 0) << (i % 64);
    }
    const uint64_t decided = update_nonzeros(*out, d);
    for (size_t r = 0; r < P; ++r) {
        if (rank_abstains(msg, r)) continue;
        uint64_t agreed = 0;
        for (size_t j = 0; j < words; ++j)
            agreed += uint64_t(std::popcount(out->voted[j] & ~(a->all_bits[r * words + j] ^ out->positive[j])));
        a->agreed[r] += agreed;
        a->cast[r] += decided;
    }
    ++a->rounds;
}

}  // namespace bitvote
