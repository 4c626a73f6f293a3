// Stopping to be requeued (README, Checkpoints): Slurm sends SIGUSR1 some
// time before the job's limit (jobs/train.sbatch asks for it with --signal);
// the trainer finishes the step it is in, writes a checkpoint, and exits with
// requeue_exit_code, which jobs/job-common.sh turns into `scontrol requeue`.
// The handler only sets a flag; the trainer reads it at the end of each step,
// and the ranks agree (one MAX allreduce of an int) so all stop at the same
// step, whichever of them got the signal.
#pragma once

#include "comm/mpi_check.h"

namespace bitvote {

// EX_TEMPFAIL: "try again later". jobs/job-common.sh has the same number.
inline constexpr int requeue_exit_code = 75;

// Installs the SIGUSR1 handler (SA_RESTART: MPI and file calls go on).
void stop_signal_install();
// Collective on comm: true if any rank has received SIGUSR1.
bool stop_signal_agreed(MPI_Comm comm);

}  // namespace bitvote
