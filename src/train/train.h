// The distributed trainer (DESIGN.md 2): every rank runs the same loop on its
// shard; see train_loop in train.cpp.
#pragma once

#include "train/train_config.h"

namespace bitvote {

// After MPI_Init; calls MPI_Finalize. Returns the exit code: 0, 1 for a bad
// dataset or run directory, 2 for a configuration the data or model refuses.
int train_run(const TrainConfig& cfg);

}  // namespace bitvote
