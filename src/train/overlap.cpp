// --overlap: buckets, their methods and updates, posted to the exchange thread
// (see overlap.h).
#include "train/overlap.h"

#include "comm/mpi_check.h"
#include "train/compress_phases.h"

namespace bitvote {

Overlap overlap_open(const MethodConfig& mc, std::span<const Segment> segments, size_t bucket_bytes,
                     size_t first_bytes, Comm* comm, const Strategy& strategy, OverlapProgress progress) {
    Overlap ov;
    const std::vector<LayerSpan> layers = layer_spans(segments);
    ov.buckets = method_per_layer(mc.kind) ? bucket_plan(layers, bucket_bytes, first_bytes) : bucket_whole(layers);
    for (const Bucket& b : ov.buckets)
        ov.methods.push_back(method_make_part(mc, segments.subspan(b.first_segment, b.segments), b.offset, b.count));
    ov.updates.resize(ov.buckets.size());
    ov.comm = comm;
    ov.progress = progress;
    if (progress == OverlapProgress::test) ov.requests = exchange_requests_open(comm);
    else ov.thread = exchange_thread_open(comm, strategy);
    return ov;
}

void overlap_progress(Overlap* ov) {
    if (ov->requests) exchange_requests_progress(ov->requests);
}

bool overlap_bucket_ready(const Overlap& ov, size_t ready_from) {
    return ov.next < ov.buckets.size() && ov.buckets[ov.next].offset >= ready_from;
}

void overlap_post_next(Overlap* ov, PhaseTimer* timer, std::span<const float> grad, int64_t step) {
    const size_t i = ov->next++;
    const Bucket& b = ov->buckets[i];
    const std::span<const float> part = grad.subspan(b.offset, b.count);
    const Message msg = compress_phases(timer, ov->comm, &ov->methods[i], part, step);
    if (msg.abstains)  // the census would cost a round per bucket, before any bucket could go
        fatal("%s in bucket %zu: --overlap cannot leave a rank out of a step (only the whole-vector step takes "
              "the abstain census); run without --overlap to let this rank abstain",
              gradient_check(part, step).c_str(), i);
    if (ov->thread) {
        exchange_thread_post(ov->thread, msg, &ov->updates[i]);
        return;
    }
    if (i == 0) ov->first_post = std::chrono::steady_clock::now();
    exchange_requests_post(ov->requests, msg, &ov->updates[i]);
}

double overlap_wait(Overlap* ov) {
    if (ov->thread) {
        exchange_thread_wait(ov->thread);
        return exchange_thread_take_busy_seconds(ov->thread);
    }
    exchange_requests_wait(ov->requests);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - ov->first_post).count();
}

void overlap_apply(Overlap* ov, std::span<float> weights, int64_t step) {
    for (size_t i = 0; i < ov->buckets.size(); ++i) {
        const Bucket& b = ov->buckets[i];
        method_apply(&ov->methods[i], ov->updates[i], weights.subspan(b.offset, b.count), step);
    }
    ov->next = 0;
}

void overlap_states(Overlap* ov, StateList* out) {
    for (size_t i = 0; i < ov->methods.size(); ++i)
        method_states(&ov->methods[i], "bucket/" + std::to_string(i) + "/method/", out);
}

const Strategy* overlap_auto_choice(const Overlap& ov) {
    return ov.thread ? exchange_thread_auto_choice(ov.thread) : &strategy_fp32_baseline();
}

void overlap_close(Overlap* ov) {
    if (ov->thread) exchange_thread_close(ov->thread);
    if (ov->requests) exchange_requests_close(ov->requests);
    ov->thread = nullptr;
    ov->requests = nullptr;
}

}  // namespace bitvote
