// Distributed evaluation: each rank scores its part of the test set (data_open
// with test_whole = false), the counts are summed over ranks.
#pragma once

#include <cstdint>

#include "comm/mpi_check.h"
#include "data/data.h"
#include "model/net.h"

namespace bitvote {

struct EvalResult {
    double accuracy = 0;  // fraction of test samples classified right, all ranks
    double loss = 0;      // mean softmax cross-entropy, all ranks
    int64_t samples = 0;  // test samples over all ranks
};

// Collective over comm: net_forward in batches of at most 256, then one allreduce.
EvalResult evaluate_test(Net* net, const Shard& test, const DataInfo& info, MPI_Comm comm);

}  // namespace bitvote
