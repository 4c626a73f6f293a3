// Bytes on the wire of each step's comm phase, measured from TCP counters
// (src/comm/wire_bytes.h) when every peer is reached over TCP; otherwise off.
// A measured phase is fenced: barrier, snapshot, barrier, phase, barrier,
// snapshot; the two barriers inside the fence are subtracted from the bytes,
// (the first phase may open connections, e.g. one per interface for large
// messages: the socket list is read again at its end, new sockets count from zero),
// and the fence's time (its barriers and snapshots: measurement overhead, a
// few barrier latencies per step) from the step's comm time (metrics.cpp).
#pragma once

#include <chrono>

#include "comm/wire_bytes.h"

namespace bitvote {

struct WireMeter {
    bool on = false;       // transport is tcp
    MPI_Comm comm = MPI_COMM_NULL;
    WireBytes barrier_cost;  // one barrier, this rank
    WireSnapshot before;
    double sent = 0;       // last fenced phase, bytes this rank (first transmissions)
    double recv = 0;       // last fenced phase, bytes this rank received
    double fence_seconds = 0;  // last fenced phase: time spent in the fence itself
    bool rescanned = false;    // the socket list was read again after the first phase
};

// Collective: measures one barrier's bytes when transport is tcp.
WireMeter wire_meter_make(MPI_Comm comm, Transport transport);
void wire_fence_begin(WireMeter* m);  // no-op when off
void wire_fence_end(WireMeter* m);    // no-op when off; sets sent, recv, fence_seconds

}  // namespace bitvote
