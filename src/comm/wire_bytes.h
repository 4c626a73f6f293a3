// Bytes on the wire, MEASURED from the kernel's TCP counters (DESIGN.md 7).
//
// When MPI runs over TCP (`--mca btl tcp,self`), every byte a rank sends to a
// peer goes through one of this process's TCP sockets. A snapshot reads
// getsockopt(TCP_INFO) of each of those sockets; the difference of two
// snapshots is the traffic of what ran in between. The sockets are found in
// /proc/self/fd lazily: OpenMPI opens a connection on first use, so the list
// is read again after the warm-up exchange (wire_transport), and whenever a
// listed socket has gone (~300 us per scan on a loaded 2-core machine, against
// ~10 us for a snapshot of the cached list). Counters on this kind
// of machine: tcpi_bytes_acked lags on small transfers (delayed ACKs),
// tcpi_bytes_sent counts retransmissions (loopback does retransmit),
// tcpi_bytes_received is exact. So `sent` below is bytes_sent minus
// bytes_retrans (each byte counted once, what the peers receive), and callers
// cross-check it against the sum of `recv` over ranks.
//
// Under shared memory (vader) the TCP counters do not move: wire_transport()
// says so and callers report wire bytes as unavailable, never a model value.
#pragma once

#include "comm/mpi_check.h"  // <mpi.h>, C bindings only

#include <cstdint>
#include <string_view>
#include <vector>

namespace bitvote {

// TCP payload bytes of this process (headers of TCP/IP not included; OpenMPI's
// own fragment headers are, as they are data to TCP).
struct WireBytes {
    uint64_t sent = 0;     // first transmissions: tcpi_bytes_sent - tcpi_bytes_retrans
    uint64_t recv = 0;     // tcpi_bytes_received (exact)
    uint64_t acked = 0;    // tcpi_bytes_acked (lags on small transfers; for cross-checks)
    uint64_t retrans = 0;  // tcpi_bytes_retrans
};

// Counters of one TCP socket, identified by its inode (an fd number may be reused).
struct SocketBytes {
    uint64_t inode = 0;
    WireBytes bytes;
};

// All TCP sockets of this process, sorted by inode.
using WireSnapshot = std::vector<SocketBytes>;

WireSnapshot wire_snapshot();
// Reads the list of TCP sockets again (after something that may open connections).
void wire_rescan();
// Traffic between two snapshots. A socket opened in between counts from zero;
// one closed in between is lost (OpenMPI keeps its connections until finalize).
WireBytes wire_delta(const WireSnapshot& before, const WireSnapshot& after);
WireBytes wire_bytes_add(WireBytes a, WireBytes b);
WireBytes wire_bytes_sub(WireBytes a, WireBytes b);

// How the ranks of a communicator reach each other, as measured (see below).
enum class Transport {
    self,   // one rank: nothing to measure
    tcp,    // every peer over TCP: wire bytes are measured
    shm,    // no peer over TCP (vader, or another BTL): wire bytes unavailable
    mixed,  // some peers over TCP, some not (e.g. vader within a node): unavailable
};
std::string_view transport_name(Transport t);

// Collective. Exchanges a probe with every peer (MPI_Sendrecv, pairwise), which
// also opens OpenMPI's lazy TCP connections (the warm-up; the socket list is
// rescanned after it), and checks on every rank that its TCP counters moved by
// at least what it sent.
Transport wire_transport(MPI_Comm comm);

// Collective. This rank's bytes per MPI_Barrier on comm, measured over 32
// barriers (deterministic for a given P and algorithm): what a phase fenced by
// barriers subtracts. About zero unless the transport is tcp.
//
// Fencing: a message sent right after a barrier can reach a slower rank before
// that rank's snapshot (the kernel counts bytes on arrival, not when MPI reads
// them). So a measured phase is: barrier, snapshot, barrier, phase, barrier,
// snapshot — and the second and third barriers' bytes are subtracted.
WireBytes wire_barrier_cost(MPI_Comm comm);

}  // namespace bitvote
