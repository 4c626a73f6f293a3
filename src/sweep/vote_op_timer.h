// The vote op with its vote_add calls timed, so the sweep can show what share
// of an exchange the reduction itself takes. It swaps a timed twin of the op
// into Comm::vote for the whole sweep: same function, same datatype, plus two
// clock reads per call (calls reduce whole segments, so this is noise).
#pragma once

#include "comm/strategy.h"

namespace bitvote {

struct VoteOpTimer {
    MPI_Op original = MPI_OP_NULL;  // c->vote.op before start
    MPI_Op timed = MPI_OP_NULL;
};

// Needs MPI initialised; c->vote.op becomes the timed op.
VoteOpTimer vote_op_timer_start(Comm* c);
// Puts the original op back and frees the timed one.
void vote_op_timer_stop(Comm* c, VoteOpTimer* t);
// Seconds this rank spent inside vote_add in the timed op, cumulative.
double vote_op_timer_seconds();

}  // namespace bitvote
