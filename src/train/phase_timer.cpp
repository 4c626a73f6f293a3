#include "train/phase_timer.h"

namespace bitvote {
namespace {

// Ends the current phase (after a barrier when timing is strict).
void close_phase(PhaseTimer* t) {
    if (t->current < 0) return;
    if (t->barrier_comm != MPI_COMM_NULL) MPI_CHECK(MPI_Barrier(t->barrier_comm));
    const auto now = std::chrono::steady_clock::now();
    const double s = std::chrono::duration<double>(now - t->mark).count();
    t->seconds[size_t(t->current)] += s;
    t->total += s;
    t->mark = now;
}

}  // namespace

void timer_start(PhaseTimer* t) {
    t->seconds.fill(0);
    t->total = 0;
    t->current = -1;
    t->mark = std::chrono::steady_clock::now();
}

void timer_phase(PhaseTimer* t, Phase next) {
    close_phase(t);
    t->current = int(next);
}

void timer_stop(PhaseTimer* t) {
    close_phase(t);
    t->current = -1;
}

}  // namespace bitvote
