// Checked, counted MPI collectives for the strategies and the aggregators.
#include "comm/collectives.h"

#include <climits>
#include <vector>

#include "comm/mpi_check.h"

namespace bitvote {

namespace {

size_t tile_bytes(const Comm* c) { return size_t(c->vote.w) * 64; }

}  // namespace

int mpi_count(size_t n, const char* what) {
    if (n > size_t(INT_MAX)) fatal("%s: %zu elements exceed an MPI count (at most %d)", what, n, INT_MAX);
    return int(n);
}

void allreduce_sum_floats(Comm* c, const float* x, float* sum, size_t n) {
    MPI_CHECK(MPI_Allreduce(x, sum, mpi_count(n, "allreduce"), MPI_FLOAT, MPI_SUM, c->comm));
    count_payload(c, n * sizeof(float), n * sizeof(float));
}

void iallreduce_sum_floats(Comm* c, const float* x, float* sum, size_t n, MPI_Request* request) {
    MPI_CHECK(MPI_Iallreduce(x, sum, mpi_count(n, "iallreduce"), MPI_FLOAT, MPI_SUM, c->comm, request));
    count_payload(c, n * sizeof(float), n * sizeof(float));
}

void allreduce_max_u64(Comm* c, uint64_t* x, size_t n) {
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, x, mpi_count(n, "allreduce"), MPI_UINT64_T, MPI_MAX, c->comm));
    count_payload(c, n * 8, n * 8);
}

void allreduce_max_floats(Comm* c, float* x, size_t n) {
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, x, mpi_count(n, "allreduce"), MPI_FLOAT, MPI_MAX, c->comm));
    count_payload(c, n * sizeof(float), n * sizeof(float));
}

void allreduce_vote_tiles(Comm* c, uint64_t* counters, size_t tiles) {
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, counters, mpi_count(tiles, "vote allreduce"), c->vote.tile, c->vote.op,
                            c->comm));
    count_payload(c, tiles * tile_bytes(c), tiles * tile_bytes(c));
}

void reduce_scatter_vote_tiles(Comm* c, const uint64_t* counters, uint64_t* own, size_t tiles) {
    MPI_CHECK(MPI_Reduce_scatter_block(counters, own, mpi_count(tiles, "vote reduce-scatter"), c->vote.tile,
                                       c->vote.op, c->comm));
    count_payload(c, size_t(c->size) * tiles * tile_bytes(c), tiles * tile_bytes(c));
}

void allgather_words(Comm* c, const uint64_t* mine, uint64_t* all, size_t n) {
    int count = mpi_count(n, "allgather");
    MPI_CHECK(MPI_Allgather(mine, count, MPI_UINT64_T, all, count, MPI_UINT64_T, c->comm));
    count_payload(c, n * 8, size_t(c->size) * n * 8);
}

void allgather_bytes(Comm* c, const uint8_t* mine, uint8_t* all, size_t n) {
    int count = mpi_count(n, "allgather");
    MPI_CHECK(MPI_Allgather(mine, count, MPI_BYTE, all, count, MPI_BYTE, c->comm));
    count_payload(c, n, size_t(c->size) * n);
}

void allgather_floats(Comm* c, const float* mine, float* all, size_t n) {
    int count = mpi_count(n, "allgather");
    MPI_CHECK(MPI_Allgather(mine, count, MPI_FLOAT, all, count, MPI_FLOAT, c->comm));
    count_payload(c, n * sizeof(float), size_t(c->size) * n * sizeof(float));
}

void alltoall_words(Comm* c, const uint64_t* send, uint64_t* recv, size_t n) {
    int count = mpi_count(n, "alltoall");
    MPI_CHECK(MPI_Alltoall(send, count, MPI_UINT64_T, recv, count, MPI_UINT64_T, c->comm));
    count_payload(c, size_t(c->size) * n * 8, size_t(c->size) * n * 8);
}

void gather_words(Comm* c, const uint64_t* mine, uint64_t* all, size_t n, int root) {
    int count = mpi_count(n, "gather");
    MPI_CHECK(MPI_Gather(mine, count, MPI_UINT64_T, all, count, MPI_UINT64_T, root, c->comm));
    count_payload(c, n * 8, c->rank == root ? size_t(c->size) * n * 8 : 0);
}

void bcast_words(Comm* c, uint64_t* x, size_t n, int root) {
    MPI_CHECK(MPI_Bcast(x, mpi_count(n, "bcast"), MPI_UINT64_T, root, c->comm));
    count_payload(c, c->rank == root ? n * 8 : 0, c->rank == root ? 0 : n * 8);
}

void allgatherv_bytes(Comm* c, const uint8_t* mine, size_t n, uint8_t* all, const uint64_t* sizes) {
    std::vector<int> counts(size_t(c->size)), displs(size_t(c->size));
    size_t total = 0;
    for (int r = 0; r < c->size; ++r) {
        counts[size_t(r)] = mpi_count(sizes[r], "allgatherv");
        displs[size_t(r)] = mpi_count(total, "allgatherv displacement");
        total += sizes[r];
    }
    MPI_CHECK(MPI_Allgatherv(mine, mpi_count(n, "allgatherv"), MPI_BYTE, all, counts.data(), displs.data(),
                             MPI_BYTE, c->comm));
    count_payload(c, n, total);
}

}  // namespace bitvote
