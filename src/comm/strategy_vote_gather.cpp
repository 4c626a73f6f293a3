// vote-gather: the signSGD paper's parameter server. MPI_Gather every rank's
// bitmaps to rank 0, rank 0 votes (the voters' rows), MPI_Bcast the decision
// (1 bitmap, or 2 where a tie can decide 0: ternary, or signs from an even
// number of voters).
#include <cmath>

#include "comm/collectives.h"
#include "comm/dense_vote.h"
#include "comm/strategies.h"

namespace bitvote {

void exchange_vote_gather(Comm* c, const Message& msg, Update* out) {
    constexpr int root = 0;
    VoteGrid g = vote_grid(msg.kind, msg.d, 1, message_voters(msg, c->size));
    size_t n = g.chunk_bitmap_words();
    ExchangeBuffers& b = c->buffers;
    std::span<uint64_t> bits = resize_words(&b.mine, n);  // [planes][words]
    pack_vote_bits(msg, g, bits);
    std::span<uint64_t> rows = resize_words(&b.received, c->rank == root ? size_t(c->size) * n : 0);
    std::span<uint64_t> decided = resize_words(&b.decided, g.chunk_decided_words());
    gather_words(c, bits.data(), rows.data(), n, root);
    if (c->rank == root) decide_rows(rows, g, voter_rows(rows, n, msg, c->size), &b.counters, decided);
    bcast_words(c, decided.data(), decided.size(), root);
    unpack_decided(decided, g, out);
}

// The root, the busiest rank: receives P - 1 vote bitmaps, then sends
// ceil(log2 P) copies of the decision in a binomial broadcast.
double model_bytes_vote_gather(MessageKind kind, size_t d, int P, size_t) {
    return (double(P - 1) * double(vote_planes(kind)) +
            std::ceil(std::log2(double(P))) * double(decision_planes(kind, P))) * double(d) / 8;
}

}  // namespace bitvote
