// The α-β (Hockney) model of one point-to-point message, measured at start-up:
// time(n bytes) = α + β·n. The `auto` strategy picks with it; the sweep prints it.
#pragma once

#include "comm/strategy.h"  // AlphaBeta, <mpi.h>

namespace bitvote {

// Collective on comm. Ping-pong between ranks 0 and 1 at a small and a large
// size (median of a few round trips each, one warm-up first), broadcast from
// rank 0 so every rank holds the same values. One rank: {0, 0}.
AlphaBeta alpha_beta_measure(MPI_Comm comm);

}  // namespace bitvote
