// --overlap (DDP-style buckets): the gradient is cut into buckets of whole
// layers, last layers first (train/buckets.h); each bucket has its own part of
// the method (compress/method.h, method_make_part) and its own update. As soon
// as backward has completed a bucket's layers, the trainer compresses it and
// posts its exchange to the exchange thread (comm/exchange_thread.h); after
// backward it waits for the exchanges (the exposed communication) and applies
// every bucket's update. Per-layer methods give the bits of the whole-vector
// step; a method that reads the whole gradient (method_per_layer false) gets
// one bucket, which waits for the whole backward. magsparse's ranks agree on
// each bucket's layer scales as it is compressed, on this thread and the run's
// Comm (train/compress_phases.h): a bucket's scales are its layers', so the
// bits are the whole-vector step's. A non-finite gradient is fatal here (a
// rank cannot abstain: DESIGN.md 9): the message names the rank, step, bucket
// and coordinate.
//
//   Overlap ov = overlap_open(mc, net_segments(net), bucket_kb, &comm, *strategy);  // collective
//   float loss = net_forward_loss(&net, ...);
//   size_t ready;
//   while (net_backward_layer(&net, &ready)) {
//       overlap_progress(&ov);
//       while (overlap_bucket_ready(ov, ready)) overlap_post_next(&ov, &timer, net_grads(net), step);
//   }
//   overlap_wait(&ov);
//   overlap_apply(&ov, net_weights(net), step);
//   overlap_close(&ov);                                 // collective, before comm_close
#pragma once

#include <chrono>
#include <span>
#include <vector>

#include "comm/exchange_requests.h"
#include "comm/exchange_thread.h"
#include "compress/method.h"
#include "train/buckets.h"
#include "train/phase_timer.h"

namespace bitvote {

// How the posted exchanges progress while backward runs (--overlap-progress):
// `thread` runs the strategy's blocking exchange on a thread of its own (any
// strategy); `test` posts MPI_Iallreduce and calls MPI_Test between backward
// layers (the fp32 allreduce only); `pick` (the flag's default) is test where
// the exchange is the fp32 allreduce, thread elsewhere (train_config.h).
enum class OverlapProgress { pick, thread, test };

struct Overlap {
    std::vector<Bucket> buckets;  // reverse arena order: the order backward completes them
    std::vector<Method> methods;  // [buckets] the method's state for each bucket's floats
    std::vector<Update> updates;  // [buckets]
    Comm* comm = nullptr;         // the run's: magsparse's scale agreement (the thread has its own)
    OverlapProgress progress = OverlapProgress::thread;
    ExchangeThread* thread = nullptr;      // progress thread
    ExchangeRequests* requests = nullptr;  // progress test
    std::chrono::steady_clock::time_point first_post;  // this step's (progress test)
    size_t next = 0;              // the next bucket to post this step
};

// Collective on *comm (duplicates it for the thread). The bucket plan: buckets
// of bucket_kb KiB (the first first_bytes), or one bucket for a method that is
// not method_per_layer.
Overlap overlap_open(const MethodConfig& mc, std::span<const Segment> segments, size_t bucket_bytes,
                     size_t first_bytes, Comm* comm, const Strategy& strategy, OverlapProgress progress);
// Between backward layers: lets MPI move the posted exchanges (MPI_Test;
// nothing with the thread, which progresses on its own).
void overlap_progress(Overlap* ov);
// True if the next bucket's layers are complete: backward has written every
// gradient from arena offset ready_from on.
bool overlap_bucket_ready(const Overlap& ov, size_t ready_from);
// Compresses the next bucket of grad [d] (in the compress phase; collective
// for magsparse: compress_phases) and posts its exchange.
void overlap_post_next(Overlap* ov, PhaseTimer* timer, std::span<const float> grad, int64_t step);
// Waits for every posted exchange; returns the exchanges' seconds (hidden or
// not): on the thread, the time it spent in them; with MPI_Test, the time from
// the first post to the end of the wait (completion is only seen there, so
// this is an upper bound).
double overlap_wait(Overlap* ov);
// Every bucket's update, on its floats of weights [d]; the next step starts
// with the first bucket.
void overlap_apply(Overlap* ov, std::span<float> weights, int64_t step);
// Every bucket's method state, as "bucket/<i>/method/<name>".
void overlap_states(Overlap* ov, StateList* out);
// What `auto` picked for the last bucket (nullptr for other strategies; the
// allreduce with progress test).
const Strategy* overlap_auto_choice(const Overlap& ov);
void overlap_close(Overlap* ov);

}  // namespace bitvote
