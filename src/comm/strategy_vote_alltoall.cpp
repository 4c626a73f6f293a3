// vote-alltoall: MPI_Alltoall of 1-bit chunks (2 bits for ternary), each rank
// counts its chunk over the rows it received (the voters' rows: an
// abstainer's are dropped), MPI_Allgather the decisions (1 bit, or 2 where a
// tie can decide 0: ternary, or signs from an even number of voters).
#include "comm/collectives.h"
#include "comm/dense_vote.h"
#include "comm/strategies.h"

namespace bitvote {

void exchange_vote_alltoall(Comm* c, const Message& msg, Update* out) {
    VoteGrid g = vote_grid(msg.kind, msg.d, size_t(c->size), message_voters(msg, c->size));
    size_t n = g.chunk_bitmap_words(), decided_n = g.chunk_decided_words();
    ExchangeBuffers& b = c->buffers;
    std::span<uint64_t> bits = resize_words(&b.mine, g.bitmap_words());  // [P][planes][chunk_words]
    pack_vote_bits(msg, g, bits);
    std::span<uint64_t> rows = resize_words(&b.received, g.bitmap_words());  // every rank's bits of my chunk
    std::span<uint64_t> decided = resize_words(&b.decided, decided_n);
    std::span<uint64_t> all = resize_words(&b.gathered, g.decided_words());
    alltoall_words(c, bits.data(), rows.data(), n);
    decide_rows(rows, g, voter_rows(rows, n, msg, c->size), &b.counters, decided);
    allgather_words(c, decided.data(), all.data(), decided_n);
    unpack_decided(all, g, out);
}

// Pairwise alltoall of the vote bitmaps then ring allgather of the decision
// bitmaps, each (P - 1) / P of them.
double model_bytes_vote_alltoall(MessageKind kind, size_t d, int P, size_t) {
    return double(P - 1) / P * double(vote_planes(kind) + decision_planes(kind, P)) * double(d) / 8;
}

}  // namespace bitvote
