// The timed vote op (see vote_op_timer.h).
#include "sweep/vote_op_timer.h"

#include <cstdint>
#include <span>

#include "comm/mpi_check.h"
#include "kernels.h"

namespace bitvote {
namespace {

double seconds_in_vote_add = 0;  // this rank; MPI calls user functions from the calling thread

// As comm/vote_op.cpp's user function (w from the datatype: w planes x 8 words
// x 8 bytes per tile), with the vote_add call timed.
void timed_vote_add_fn(void* in, void* inout, int* len, MPI_Datatype* type) {
    int tile_bytes = 0;
    MPI_CHECK(MPI_Type_size(*type, &tile_bytes));
    const unsigned w = unsigned(tile_bytes / 64);
    const size_t words = size_t(*len) * w * 8;
    const double t0 = MPI_Wtime();
    vote_add(std::span<const uint64_t>(static_cast<const uint64_t*>(in), words),
             std::span<uint64_t>(static_cast<uint64_t*>(inout), words), w);
    seconds_in_vote_add += MPI_Wtime() - t0;
}

}  // namespace

VoteOpTimer vote_op_timer_start(Comm* c) {
    VoteOpTimer t;
    t.original = c->vote.op;
    MPI_CHECK(MPI_Op_create(timed_vote_add_fn, /*commute=*/1, &t.timed));
    c->vote.op = t.timed;
    return t;
}

void vote_op_timer_stop(Comm* c, VoteOpTimer* t) {
    c->vote.op = t->original;
    MPI_CHECK(MPI_Op_free(&t->timed));
}

double vote_op_timer_seconds() { return seconds_in_vote_add; }

}  // namespace bitvote
