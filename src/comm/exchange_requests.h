// The other progress engine of --overlap (--overlap-progress test): no
// thread; each bucket's fp32 allreduce is an MPI_Iallreduce on a duplicate of
// the run's communicator, and the caller drives MPI's progress with MPI_Test
// between backward layers. Only the fp32 allreduce strategy (the DDP/Horovod
// baseline: sgd, and efsign/topk over `allreduce`) has a non-blocking form here.
//
//   ExchangeRequests* x = exchange_requests_open(&comm);  // collective on comm
//   exchange_requests_post(x, msg, &update);   // msg's buffers stay untouched until the wait
//   exchange_requests_progress(x);             // MPI_Test on what is pending
//   exchange_requests_wait(x);                 // MPI_Wait on the rest; every update = sum / P
//   exchange_requests_close(x);                // collective, before comm_close(&comm)
#pragma once

#include "comm/strategy.h"

namespace bitvote {

struct ExchangeRequests;

ExchangeRequests* exchange_requests_open(Comm* parent);
void exchange_requests_post(ExchangeRequests* x, const Message& msg, Update* out);
void exchange_requests_progress(ExchangeRequests* x);
void exchange_requests_wait(ExchangeRequests* x);
void exchange_requests_close(ExchangeRequests* x);

}  // namespace bitvote
