// The progress engine of --overlap: a thread that runs the strategy's
// blocking exchange() on its own duplicate of the run's communicator, one
// posted message after another, while the caller's thread goes on (backward).
// Needs MPI_THREAD_MULTIPLE (the caller checks what MPI_Init_thread gave).
//
//   ExchangeThread* x = exchange_thread_open(&comm, *strategy);  // collective on comm
//   exchange_thread_post(x, msg, &update);   // msg's buffers stay untouched until the wait
//   ...                                      // posts in the same order on every rank
//   exchange_thread_wait(x);                 // every posted exchange done; *update filled
//   exchange_thread_close(x);                // collective, before comm_close(&comm)
// Payload bytes count in the parent Comm too (Comm::counts_into), read them
// after a wait.
#pragma once

#include "comm/strategy.h"

namespace bitvote {

struct ExchangeThread;

ExchangeThread* exchange_thread_open(Comm* parent, const Strategy& strategy);
void exchange_thread_post(ExchangeThread* x, const Message& msg, Update* out);
void exchange_thread_wait(ExchangeThread* x);
// Seconds the thread spent in exchanges since the last call (the exchanges'
// own time, hidden or not); call after a wait.
double exchange_thread_take_busy_seconds(ExchangeThread* x);
// What `auto` ran in the thread's last exchange (nullptr for other strategies).
const Strategy* exchange_thread_auto_choice(const ExchangeThread* x);
void exchange_thread_close(ExchangeThread* x);

}  // namespace bitvote
