// The MPI calls the strategies and the aggregators make, each one checked
// (MPI_CHECK) and counted (count_payload: the bytes of the buffers named in
// the call, this rank).
// Counts are in elements of the named type; `tiles` are Comm::vote.tile elements.
#pragma once

#include <cstddef>
#include <cstdint>

#include "comm/strategy.h"

namespace bitvote {

// MPI counts are int; a larger count is a fatal error naming `what`.
int mpi_count(size_t n, const char* what);

// sum = the sum over ranks of x. x, sum: [n] floats.
void allreduce_sum_floats(Comm* c, const float* x, float* sum, size_t n);
// The same, non-blocking (MPI_Iallreduce): sum is filled once *request completes.
void iallreduce_sum_floats(Comm* c, const float* x, float* sum, size_t n, MPI_Request* request);
// x = max over ranks, in place. x: [n].
void allreduce_max_u64(Comm* c, uint64_t* x, size_t n);
void allreduce_max_floats(Comm* c, float* x, size_t n);
// counters = vote sum over ranks, in place. counters: [tiles] tiles.
void allreduce_vote_tiles(Comm* c, uint64_t* counters, size_t tiles);
// own = vote sum over ranks of chunk `rank` of every rank's counters.
// counters: [P][tiles] tiles, own: [tiles] tiles.
void reduce_scatter_vote_tiles(Comm* c, const uint64_t* counters, uint64_t* own, size_t tiles);
// all = every rank's `mine`, in rank order. mine: [n] words, all: [P][n] words.
void allgather_words(Comm* c, const uint64_t* mine, uint64_t* all, size_t n);
// all = every rank's `mine`, in rank order. mine: [n] bytes, all: [P][n] bytes.
void allgather_bytes(Comm* c, const uint8_t* mine, uint8_t* all, size_t n);
// all = every rank's `mine`, in rank order. mine: [n] floats, all: [P][n] floats.
void allgather_floats(Comm* c, const float* mine, float* all, size_t n);
// Block r of `send` goes to rank r; block r of `recv` comes from rank r. [P][n] words each.
void alltoall_words(Comm* c, const uint64_t* send, uint64_t* recv, size_t n);
// Root's `all` = every rank's `mine`, in rank order. mine: [n] words, all: [P][n] (root only).
void gather_words(Comm* c, const uint64_t* mine, uint64_t* all, size_t n, int root);
// x = root's x. x: [n] words.
void bcast_words(Comm* c, uint64_t* x, size_t n, int root);
// all = every rank's `mine` concatenated in rank order; sizes: [P] bytes per rank.
void allgatherv_bytes(Comm* c, const uint8_t* mine, size_t n, uint8_t* all, const uint64_t* sizes);

}  // namespace bitvote
