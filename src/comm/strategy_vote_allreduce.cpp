// vote-allreduce: MPI_Allreduce of bit-sliced w-bit counters with the vote op,
// then every rank decides the whole vector (an abstainer adds 0; the sign
// threshold is half the voters).
#include "comm/collectives.h"
#include "comm/dense_vote.h"
#include "comm/strategies.h"

namespace bitvote {

void exchange_vote_allreduce(Comm* c, const Message& msg, Update* out) {
    VoteGrid g = vote_grid(msg.kind, msg.d, 1, message_voters(msg, c->size));
    ExchangeBuffers& b = c->buffers;
    std::span<uint64_t> counters = resize_words(&b.mine, g.counter_words(c->vote.w));  // [tiles][planes] tiles
    pack_vote_counters(msg, g, c->vote.w, counters);
    allreduce_vote_tiles(c, counters.data(), g.chunk_tiles * g.planes);
    std::span<uint64_t> decided = resize_words(&b.decided, g.chunk_decided_words());
    decide_counters(counters, g, c->vote.w, message_voters(msg, c->size), decided);
    unpack_decided(decided, g, out);
}

double model_bytes_vote_allreduce(MessageKind kind, size_t d, int P, size_t) {
    return 2.0 * (P - 1) / P * double(vote_planes(kind)) * vote_width(uint64_t(P)) * double(d) / 8;
}

}  // namespace bitvote
