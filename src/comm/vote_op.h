// The majority vote as a custom MPI reduction (DESIGN.md section 4).
//
// The op adds bit-sliced vote counters (kernels' vote_add). Its datatype is one
// tile: 512 counters of w bits = w planes x 8 words = 64 * w bytes
// (MPI_Type_contiguous(w * 8, MPI_UINT64_T)). The user function reads w back
// from the datatype's size, so ONE op serves every w; each Comm builds the
// tile type for its own w = vote_width(P).
//
// Ternary votes reduce two counters per coordinate with the same op: the
// buffer interleaves tiles, plus counters of tile t at element 2t and minus
// counters of tile t at element 2t + 1, so a reduction of 2 * tiles elements
// adds both and a chunk of whole tile pairs keeps them together.
#pragma once

#include "comm/mpi_check.h"

namespace bitvote {

struct VoteOp {
    MPI_Op op = MPI_OP_NULL;             // commutative vote_add on tile elements
    MPI_Datatype tile = MPI_DATATYPE_NULL; // one tile of w-bit counters, 64 * w bytes
    unsigned w = 0;                      // counter width in bits
};

// Collective-free; needs MPI initialised. w in 1..63.
VoteOp vote_op_create(unsigned w);
void vote_op_free(VoteOp* v);
// Seconds this rank has spent inside vote_add in the op, cumulative: what
// share of an exchange the reduction itself takes.
double vote_op_seconds();

}  // namespace bitvote
