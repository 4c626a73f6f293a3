// A run's checkpoints (DESIGN.md 9): OUT/checkpoints/step-NNNNNNNN.h5, the
// layout of train/checkpoint_file.h. Saving is collective: every rank sends
// its states (base/named_state.h) to rank 0, one rank at a time, and rank 0
// writes them with the weights into step-N.h5.tmp, renames it to step-N.h5
// and removes all but the newest `keep` (and any stale .tmp). Rank 0 alone
// writes: the file is small next to a step's work (README, Checkpoints), a
// single writer needs no parallel file system, and the rename makes the file
// appear whole or not at all.
//
//   CheckpointHeader h{steps_done, config_line, log_bytes};
//   CheckpointSaved s = checkpoint_save(out, keep, h, weights, states, comm);
//
// Resuming is collective too: each rank reads the weights and its own states
// straight from the newest file. A file that fails to read on any rank (HDF5
// error, a Fletcher-32 mismatch, a missing state, a step that is not its
// name's) is renamed to <name>.corrupt with a warning, and the one before is
// tried. A config that differs (config_difference) is an error, not a
// fallback: the older files were made by the same run (train/config_difference.h).
//
//   CheckpointResumed r = checkpoint_resume(out, config_line, weights, states, comm);
//   if (!r.error.empty()) ...;  // the same on every rank
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/named_state.h"
#include "comm/mpi_check.h"
#include "train/checkpoint_file.h"

namespace bitvote {

std::string checkpoint_dir(const std::string& out);                  // OUT/checkpoints
std::string checkpoint_path(const std::string& out, int64_t step);  // OUT/checkpoints/step-%08lld.h5
// The steps of the step-N.h5 files in OUT/checkpoints, ascending (other
// names are not checkpoints; no directory: none). Local.
std::vector<int64_t> checkpoint_steps(const std::string& out);

struct CheckpointSaved {
    std::string path;
    uint64_t bytes = 0;    // the file's size
    double seconds = 0;    // rank 0's wall time: first send to the rename and pruning
};

// Collective on comm; a write error ends the run (fatal, naming the file).
CheckpointSaved checkpoint_save(const std::string& out, int keep, const CheckpointHeader& header,
                                std::span<const float> weights, const StateList& states, MPI_Comm comm);

struct CheckpointResumed {
    std::string error;        // "" or why there is nothing to resume from (same on every rank)
    std::string path;         // the file resumed from
    CheckpointHeader header;
};

// Collective on comm: fills weights [d] and every state from the newest
// readable checkpoint whose config matches config_line. Rank 0 prints a
// warning per file it skips.
CheckpointResumed checkpoint_resume(const std::string& out, const std::string& config_line,
                                    std::span<float> weights, const StateList& states, MPI_Comm comm);

}  // namespace bitvote
