// OpenMP threads per rank: OMP_NUM_THREADS when set, else
// max(1, cores of the node / ranks on the node), so P ranks on one node do
// not each start one thread per core.
#pragma once

#include "comm/mpi_check.h"

namespace bitvote {

// Collective over comm (counts the ranks sharing this node); sets and returns
// the thread count of this rank.
int threads_per_rank_set(MPI_Comm comm);

}  // namespace bitvote
