// --method dgs and asgd (DESIGN.md 3, DGS): rank 0 is a parameter server that
// does not train, ranks 1..P-1 are workers. With --async (dgs, asgd) the
// workers never wait for each other; dgs without it runs in lock step.
#pragma once

#include "train/train_config.h"

namespace bitvote {

// After MPI_Init; calls MPI_Finalize. Returns the exit code as train_run does.
int async_train_run(const TrainConfig& cfg);

}  // namespace bitvote
