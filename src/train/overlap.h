// --overlap (DDP-style buckets): the gradient is cut into buckets of whole
// layers, last layers first (train/buckets.h); each bucket has its own part of
// the method (compress/method.h, method_make_part) and its own update. As soon
// as backward has completed a bucket's layers, the trainer compresses it and
// posts its exchange to the exchange thread (comm/exchange_thread.h); after
// backward it waits for the exchanges (the exposed communication) and applies
// every bucket's update. Per-layer methods give the bits of the whole-vector
// step; a method that reads the whole gradient (method_per_layer false) gets
// one bucket, which waits for the whole backward.
//
//   Overlap ov = overlap_open(mc, net_segments(net), bucket_kb, &comm, *strategy);  // collective
//   float loss = net_forward_loss(&net, ...);
//   size_t ready;
//   while (net_backward_layer(&net, &ready))
//       while (overlap_bucket_ready(ov, ready)) overlap_post_next(&ov, net_grads(net), step);
//   overlap_wait(&ov);
//   overlap_apply(&ov, net_weights(net), step);
//   overlap_close(&ov);                                 // collective, before comm_close
#pragma once

#include <span>
#include <vector>

#include "comm/exchange_thread.h"
#include "compress/method.h"
#include "train/buckets.h"

namespace bitvote {

struct Overlap {
    std::vector<Bucket> buckets;  // reverse arena order: the order backward completes them
    std::vector<Method> methods;  // [buckets] the method's state for each bucket's floats
    std::vector<Update> updates;  // [buckets]
    ExchangeThread* thread = nullptr;
    size_t next = 0;              // the next bucket to post this step
};

// Collective on *comm (duplicates it for the thread). The bucket plan: buckets
// of bucket_kb KiB (the first first_bytes), or one bucket for a method that is
// not method_per_layer.
Overlap overlap_open(const MethodConfig& mc, std::span<const Segment> segments, size_t bucket_bytes,
                     size_t first_bytes, Comm* comm, const Strategy& strategy);
// True if the next bucket's layers are complete: backward has written every
// gradient from arena offset ready_from on.
bool overlap_bucket_ready(const Overlap& ov, size_t ready_from);
// Compresses the next bucket of grad [d] and posts its exchange.
void overlap_post_next(Overlap* ov, std::span<const float> grad, int64_t step);
// Waits for every posted exchange; returns the seconds the exchanges took on
// the thread (hidden or not) since the last wait.
double overlap_wait(Overlap* ov);
// Every bucket's update, on its floats of weights [d]; the next step starts
// with the first bucket.
void overlap_apply(Overlap* ov, std::span<float> weights, int64_t step);
// What `auto` picked for the last bucket (nullptr for other strategies).
const Strategy* overlap_auto_choice(const Overlap& ov);
void overlap_close(Overlap* ov);

}  // namespace bitvote
