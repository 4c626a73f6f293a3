// α and β from a ping-pong between ranks 0 and 1 (see alpha_beta.h).
#include "comm/alpha_beta.h"

#include <algorithm>
#include <vector>

namespace bitvote {
namespace {

constexpr int small_bytes = 8;
constexpr int large_bytes = 1 << 20;

// Median one-way time (s) of `reps` round trips of `bytes` between ranks 0 and 1,
// after one warm-up round trip. Ranks other than 0 and 1 return 0 at once.
double ping_pong_seconds(MPI_Comm comm, int rank, int bytes, int reps) {
    if (rank > 1) return 0;
    const int peer = 1 - rank;
    std::vector<char> buf(size_t(bytes), 0);
    std::vector<double> one_way;
    for (int rep = 0; rep <= reps; ++rep) {
        const double t0 = MPI_Wtime();
        if (rank == 0) {
            MPI_CHECK(MPI_Send(buf.data(), bytes, MPI_BYTE, peer, 0, comm));
            MPI_CHECK(MPI_Recv(buf.data(), bytes, MPI_BYTE, peer, 0, comm, MPI_STATUS_IGNORE));
        } else {
            MPI_CHECK(MPI_Recv(buf.data(), bytes, MPI_BYTE, peer, 0, comm, MPI_STATUS_IGNORE));
            MPI_CHECK(MPI_Send(buf.data(), bytes, MPI_BYTE, peer, 0, comm));
        }
        if (rep > 0) one_way.push_back((MPI_Wtime() - t0) / 2);
    }
    std::nth_element(one_way.begin(), one_way.begin() + reps / 2, one_way.end());
    return one_way[size_t(reps / 2)];
}

}  // namespace

AlphaBeta alpha_beta_measure(MPI_Comm comm) {
    int rank = 0, P = 1;
    MPI_CHECK(MPI_Comm_rank(comm, &rank));
    MPI_CHECK(MPI_Comm_size(comm, &P));
    if (P == 1) return {};
    const double t_small = ping_pong_seconds(comm, rank, small_bytes, 21);
    const double t_large = ping_pong_seconds(comm, rank, large_bytes, 7);
    double ab[2] = {t_small, std::max(0.0, t_large - t_small) / (large_bytes - small_bytes)};
    MPI_CHECK(MPI_Bcast(ab, 2, MPI_DOUBLE, 0, comm));
    return {.alpha_s = ab[0], .beta_s_per_byte = ab[1]};
}

}  // namespace bitvote
