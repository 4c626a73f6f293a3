#include "train/stop_signal.h"

#include <csignal>

namespace bitvote {
namespace {

volatile std::sig_atomic_t stop_requested = 0;

void on_stop_signal(int) { stop_requested = 1; }

}  // namespace

void stop_signal_install() {
    struct sigaction action = {};
    action.sa_handler = on_stop_signal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGUSR1, &action, nullptr) != 0) fatal("sigaction(SIGUSR1) failed");
}

bool stop_signal_agreed(MPI_Comm comm) {
    int any = stop_requested;
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &any, 1, MPI_INT, MPI_MAX, comm));
    return any != 0;
}

}  // namespace bitvote
