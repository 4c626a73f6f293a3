// The strategies behind the table in strategy.cpp: one file each
// (strategy_<name>.cpp) with its exchange and its byte model. Private to
// src/comm: everything else reads the table (strategy.h).
#pragma once

#include "comm/strategy.h"
#include "kernels.h"

namespace bitvote {

void exchange_allreduce(Comm* c, const Message& msg, Update* out);
void exchange_vote_allreduce(Comm* c, const Message& msg, Update* out);
void exchange_vote_rsag(Comm* c, const Message& msg, Update* out);
void exchange_vote_alltoall(Comm* c, const Message& msg, Update* out);
void exchange_vote_gather(Comm* c, const Message& msg, Update* out);
void exchange_sparse_allgather(Comm* c, const Message& msg, Update* out);
void exchange_sign_allgather(Comm* c, const Message& msg, Update* out);
void exchange_sparse_allgather_fp32(Comm* c, const Message& msg, Update* out);
void exchange_auto(Comm* c, const Message& msg, Update* out);

double model_bytes_allreduce(MessageKind kind, size_t d, int P, size_t encoded);
double model_bytes_vote_allreduce(MessageKind kind, size_t d, int P, size_t encoded);
double model_bytes_vote_rsag(MessageKind kind, size_t d, int P, size_t encoded);
double model_bytes_vote_alltoall(MessageKind kind, size_t d, int P, size_t encoded);
double model_bytes_vote_gather(MessageKind kind, size_t d, int P, size_t encoded);
double model_bytes_sparse_allgather(MessageKind kind, size_t d, int P, size_t encoded);
double model_bytes_sign_allgather(MessageKind kind, size_t d, int P, size_t encoded);
double model_bytes_sparse_allgather_fp32(MessageKind kind, size_t d, int P, size_t encoded);
double model_bytes_auto(MessageKind kind, size_t d, int P, size_t encoded);

// Rounds: a ring reduce-scatter + allgather (or two ring passes): 2 (P - 1).
double model_rounds_ring(int P);
// P - 1 messages into the root, then a binomial broadcast.
double model_rounds_gather(int P);
double model_rounds_auto(int P);

}  // namespace bitvote
