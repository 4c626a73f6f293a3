// Measured bytes on the wire: TCP_INFO over this process's sockets (see wire_bytes.h).
#include "comm/wire_bytes.h"

#include <dirent.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>

namespace bitvote {
namespace {

// TCP_INFO of fd if it is a TCP socket whose kernel fills the fields we read.
bool tcp_socket_bytes(int fd, WireBytes* out) {
    int protocol = 0;
    socklen_t len = sizeof protocol;
    if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &len) != 0 || protocol != IPPROTO_TCP) return false;
    tcp_info info{};
    len = sizeof info;
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0) return false;
    if (len < offsetof(tcp_info, tcpi_bytes_retrans) + sizeof info.tcpi_bytes_retrans) return false;  // kernel < 4.19
    out->sent = info.tcpi_bytes_sent - info.tcpi_bytes_retrans;
    out->recv = info.tcpi_bytes_received;
    out->acked = info.tcpi_bytes_acked;
    out->retrans = info.tcpi_bytes_retrans;
    return true;
}

// The TCP sockets of this process as of the last scan: fd and inode.
struct TcpSocket {
    int fd;
    uint64_t inode;
};
std::vector<TcpSocket> tcp_sockets;
bool scanned = false;

uint64_t socket_inode(int fd) {
    struct stat st {};
    return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode) ? uint64_t(st.st_ino) : 0;  // the "socket:[inode]"
}

// Counters of every listed socket; false if one is gone or is another socket now.
bool read_sockets(WireSnapshot* snap) {
    snap->clear();
    for (const TcpSocket& s : tcp_sockets) {
        SocketBytes b{s.inode, {}};
        if (socket_inode(s.fd) != s.inode || !tcp_socket_bytes(s.fd, &b.bytes)) return false;
        snap->push_back(b);
    }
    std::sort(snap->begin(), snap->end(), [](const SocketBytes& a, const SocketBytes& b) { return a.inode < b.inode; });
    return true;
}

}  // namespace

void wire_rescan() {
    tcp_sockets.clear();
    scanned = true;
    DIR* dir = opendir("/proc/self/fd");
    if (!dir) return;
    while (const dirent* e = readdir(dir)) {
        char* end = nullptr;
        const long fd = std::strtol(e->d_name, &end, 10);
        WireBytes unused;
        if (*end != '\0' || end == e->d_name || fd == dirfd(dir)) continue;
        if (const uint64_t inode = socket_inode(int(fd)); inode && tcp_socket_bytes(int(fd), &unused))
            tcp_sockets.push_back({int(fd), inode});
    }
    closedir(dir);
}

WireSnapshot wire_snapshot() {
    WireSnapshot snap;
    if (!scanned || !read_sockets(&snap)) {
        wire_rescan();
        read_sockets(&snap);
    }
    return snap;
}

WireBytes wire_bytes_add(WireBytes a, WireBytes b) {
    return {a.sent + b.sent, a.recv + b.recv, a.acked + b.acked, a.retrans + b.retrans};
}

WireBytes wire_bytes_sub(WireBytes a, WireBytes b) {
    return {a.sent - b.sent, a.recv - b.recv, a.acked - b.acked, a.retrans - b.retrans};
}

WireBytes wire_delta(const WireSnapshot& before, const WireSnapshot& after) {
    WireBytes total;
    for (const SocketBytes& s : after) {
        auto it = std::lower_bound(before.begin(), before.end(), s.inode,
                                   [](const SocketBytes& b, uint64_t inode) { return b.inode < inode; });
        const bool existed = it != before.end() && it->inode == s.inode;
        total = wire_bytes_add(total, existed ? wire_bytes_sub(s.bytes, it->bytes) : s.bytes);
    }
    return total;
}

std::string_view transport_name(Transport t) {
    switch (t) {
    case Transport::self: return "self";
    case Transport::tcp: return "tcp";
    case Transport::shm: return "shm";
    case Transport::mixed: return "mixed";
    }
    return "?";
}

Transport wire_transport(MPI_Comm comm) {
    constexpr int probe_bytes = 16 * 1024;  // per peer; far above any control traffic
    int rank = 0, P = 1;
    MPI_CHECK(MPI_Comm_rank(comm, &rank));
    MPI_CHECK(MPI_Comm_size(comm, &P));
    if (P == 1) return Transport::self;
    std::vector<char> out(probe_bytes, 1), in(probe_bytes);
    MPI_CHECK(MPI_Barrier(comm));
    const WireSnapshot before = wire_snapshot();
    MPI_CHECK(MPI_Barrier(comm));  // no probe leaves before every rank took its snapshot
    for (int step = 1; step < P; ++step)
        MPI_CHECK(MPI_Sendrecv(out.data(), probe_bytes, MPI_BYTE, (rank + step) % P, 0, in.data(), probe_bytes,
                               MPI_BYTE, (rank - step + P) % P, 0, comm, MPI_STATUS_IGNORE));
    MPI_CHECK(MPI_Barrier(comm));  // every probe received, so every probe transmitted
    wire_rescan();                 // the connections the probes opened
    const WireBytes moved = wire_delta(before, wire_snapshot());
    const uint64_t all_peers = uint64_t(P - 1) * probe_bytes;
    // [0]: ranks whose every probe went over TCP, [1]: ranks with none over TCP.
    int counts[2] = {moved.sent >= all_peers && moved.recv >= all_peers,
                     moved.sent < probe_bytes && moved.recv < probe_bytes};
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, counts, 2, MPI_INT, MPI_SUM, comm));
    if (counts[0] == P) return Transport::tcp;
    if (counts[1] == P) return Transport::shm;
    return Transport::mixed;
}

WireBytes wire_barrier_cost(MPI_Comm comm) {
    // Rounded mean over enough barriers that a message of a faster rank landing
    // before this rank's first snapshot (or one of the next call after its last)
    // does not change the result.
    constexpr uint64_t barriers = 32;
    auto per_barrier = [](uint64_t bytes) { return (bytes + barriers / 2) / barriers; };
    MPI_CHECK(MPI_Barrier(comm));
    const WireSnapshot before = wire_snapshot();
    for (uint64_t i = 0; i < barriers; ++i) MPI_CHECK(MPI_Barrier(comm));
    const WireBytes moved = wire_delta(before, wire_snapshot());
    return {per_barrier(moved.sent), per_barrier(moved.recv), per_barrier(moved.acked), per_barrier(moved.retrans)};
}

}  // namespace bitvote
