// vote-rsag: MPI_Reduce_scatter_block of the counters with the vote op (rank r
// gets the sums of chunk r), each rank decides its chunk to 1 bit (2 where a
// tie can decide 0: ternary votes, or signs from an even number of voters),
// MPI_Allgather the decided chunks. An abstainer adds 0; the sign threshold
// is half the voters.
#include "comm/collectives.h"
#include "comm/dense_vote.h"
#include "comm/strategies.h"

namespace bitvote {

void exchange_vote_rsag(Comm* c, const Message& msg, Update* out) {
    VoteGrid g = vote_grid(msg.kind, msg.d, size_t(c->size), message_voters(msg, c->size));
    ExchangeBuffers& b = c->buffers;
    std::span<uint64_t> counters = resize_words(&b.mine, g.counter_words(c->vote.w));  // [P][chunk_tiles][planes]
    pack_vote_counters(msg, g, c->vote.w, counters);
    size_t own_tiles = g.chunk_tiles * g.planes;
    std::span<uint64_t> own = resize_words(&b.received, own_tiles * c->vote.w * 8);  // my chunk, summed
    reduce_scatter_vote_tiles(c, counters.data(), own.data(), own_tiles);
    std::span<uint64_t> decided = resize_words(&b.decided, g.chunk_decided_words());
    std::span<uint64_t> all = resize_words(&b.gathered, g.decided_words());
    decide_counters(own, g, c->vote.w, message_voters(msg, c->size), decided);
    allgather_words(c, decided.data(), all.data(), decided.size());
    unpack_decided(all, g, out);
}

// Ring reduce-scatter of w-bit counters, ring allgather of the decisions
// (1 bit, or 2 where ties decide 0).
double model_bytes_vote_rsag(MessageKind kind, size_t d, int P, size_t) {
    return double(P - 1) / P *
           double(vote_planes(kind) * vote_width(uint64_t(P)) + decision_planes(kind, P)) * double(d) / 8;
}

}  // namespace bitvote
