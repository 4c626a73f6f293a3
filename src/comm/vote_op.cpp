// The vote MPI_Op: vote_add on tiles of bit-sliced counters, w from the datatype.
#include "comm/vote_op.h"

#include <cstdint>
#include <span>

#include "comm/mpi_check.h"
#include "kernels.h"

namespace bitvote {

namespace {

double seconds_in_vote_add = 0;  // this rank; MPI calls user functions from the calling thread

// MPI_User_function: inout[i] += in[i] for *len tiles of the datatype *type.
// Timed: calls reduce whole segments, so two clock reads per call are noise.
void vote_add_fn(void* in, void* inout, int* len, MPI_Datatype* type) {
    int tile_bytes = 0;
    MPI_CHECK(MPI_Type_size(*type, &tile_bytes));
    unsigned w = unsigned(tile_bytes / 64);  // w planes x 8 words x 8 bytes
    size_t words = size_t(*len) * w * 8;
    double t0 = MPI_Wtime();
    vote_add(std::span<const uint64_t>(static_cast<const uint64_t*>(in), words),
             std::span<uint64_t>(static_cast<uint64_t*>(inout), words), w);
    seconds_in_vote_add += MPI_Wtime() - t0;
}

}  // namespace

double vote_op_seconds() { return seconds_in_vote_add; }

VoteOp vote_op_create(unsigned w) {
    if (w < 1 || w > 63) fatal("vote_op_create: counter width %u out of 1..63", w);
    VoteOp v;
    v.w = w;
    MPI_CHECK(MPI_Type_contiguous(int(w * 8), MPI_UINT64_T, &v.tile));
    MPI_CHECK(MPI_Type_commit(&v.tile));
    MPI_CHECK(MPI_Op_create(vote_add_fn, /*commute=*/1, &v.op));
    return v;
}

void vote_op_free(VoteOp* v) {
    if (v->op != MPI_OP_NULL) MPI_CHECK(MPI_Op_free(&v->op));
    if (v->tile != MPI_DATATYPE_NULL) MPI_CHECK(MPI_Type_free(&v->tile));
    v->w = 0;
}

}  // namespace bitvote
