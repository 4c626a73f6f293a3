// `bitvote sweep` (DESIGN.md 10): every strategy's exchange over a range of
// sizes, timed, with payload and wire bytes and a check of every result.
#pragma once

#include "sweep/sweep_args.h"

namespace bitvote {

// Before MPI_Init (--best-baseline sets MCA variables first); calls MPI_Init
// and MPI_Finalize. Returns the exit code: 0, 1 if any result is wrong, 2 if
// the --json file cannot be written.
int sweep_main(const SweepArgs& args);

}  // namespace bitvote
