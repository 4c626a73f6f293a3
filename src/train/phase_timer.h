// Time per phase of one training step (steady clock). With --timing strict a
// barrier ends each phase, so one rank's wait shows up in the phase that
// caused it rather than in the next collective.
//
//   timer_start(&t);
//   timer_phase(&t, Phase::data);  batch_next(...);
//   timer_phase(&t, Phase::compute); ...
//   timer_stop(&t);                // t.seconds[p], t.total: this step
#pragma once

#include <array>
#include <chrono>

#include "base/phase.h"
#include "comm/mpi_check.h"

namespace bitvote {

struct PhaseTimer {
    MPI_Comm barrier_comm = MPI_COMM_NULL;  // strict timing: barrier on it between phases; else NULL
    std::chrono::steady_clock::time_point mark;
    int current = -1;                         // phase being timed; -1: none
    std::array<double, phase_count> seconds{};  // this step, per phase
    double total = 0;                         // this step
};

void timer_start(PhaseTimer* t);
void timer_phase(PhaseTimer* t, Phase next);  // ends the current phase, starts `next`
void timer_stop(PhaseTimer* t);

}  // namespace bitvote
