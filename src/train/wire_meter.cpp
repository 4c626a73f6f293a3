#include "train/wire_meter.h"

namespace bitvote {

WireMeter wire_meter_make(MPI_Comm comm, Transport transport) {
    WireMeter m;
    m.on = transport == Transport::tcp;
    m.comm = comm;
    if (m.on) m.barrier_cost = wire_barrier_cost(comm);
    return m;
}

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

void wire_fence_begin(WireMeter* m) {
    if (!m->on) return;
    const auto start = std::chrono::steady_clock::now();
    MPI_CHECK(MPI_Barrier(m->comm));
    m->before = wire_snapshot();
    MPI_CHECK(MPI_Barrier(m->comm));
    m->fence_seconds = seconds_since(start);
}

void wire_fence_end(WireMeter* m) {
    if (!m->on) return;
    const auto start = std::chrono::steady_clock::now();
    MPI_CHECK(MPI_Barrier(m->comm));
    if (!m->rescanned) wire_rescan();  // steps repeat the same messages: after the first, every connection is open
    m->rescanned = true;
    const WireBytes phase = wire_delta(m->before, wire_snapshot());
    m->fence_seconds += seconds_since(start);
    m->sent = double(phase.sent) - 2.0 * double(m->barrier_cost.sent);
    m->recv = double(phase.recv) - 2.0 * double(m->barrier_cost.recv);
}

}  // namespace bitvote
