// allreduce: the fp32 baseline. MPI_Allreduce SUM, then / P on every rank.
// scaled_sign and sparse_fp32 messages go as their dense fp32 vector (the
// uncompressed fallback of efsign and topk).
#include "comm/collectives.h"
#include "comm/strategies.h"
#include "kernels.h"

namespace bitvote {

void exchange_allreduce(Comm* c, const Message& msg, Update* out) {
    update_reset(out, MessageKind::fp32, msg.d);
    const float* send = msg.values.data();
    if (msg.kind != MessageKind::fp32) {
        c->buffers.dense.resize(msg.d);
        message_densify(msg, c->buffers.dense);
        send = c->buffers.dense.data();
    }
    allreduce_sum_floats(c, send, out->values.data(), msg.d);
    for (float& v : out->values) v /= float(c->size);
}

// Ring allreduce: reduce-scatter then allgather, (P - 1) / P of 4d bytes each.
double model_bytes_allreduce(MessageKind, size_t d, int P, size_t) { return 2.0 * (P - 1) / P * 4.0 * double(d); }

void update_reset(Update* out, MessageKind kind, size_t d) {
    out->kind = kind;
    out->values.assign(kind == MessageKind::fp32 ? d : 0, 0.0f);
    out->bits.assign(kind == MessageKind::sign ? bitmap_words(d) : 0, 0);
    out->voted.assign(kind == MessageKind::ternary ? bitmap_words(d) : 0, 0);
    out->positive.assign(kind == MessageKind::ternary ? bitmap_words(d) : 0, 0);
}

}  // namespace bitvote
