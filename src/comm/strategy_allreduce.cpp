// allreduce: the fp32 baseline. MPI_Allreduce SUM, then / P on every rank.
#include "comm/collectives.h"
#include "comm/strategies.h"

namespace bitvote {

void exchange_allreduce(Comm* c, const Message& msg, Update* out) {
    out->kind = MessageKind::fp32;
    out->values.resize(msg.d);
    out->bits.clear();
    out->voted.clear();
    out->positive.clear();
    allreduce_sum_floats(c, msg.values.data(), out->values.data(), msg.d);
    for (float& v : out->values) v /= float(c->size);
}

// Ring allreduce: reduce-scatter then allgather, (P - 1) / P of 4d bytes each.
double model_bytes_allreduce(MessageKind, size_t d, int P, size_t) { return 2.0 * (P - 1) / P * 4.0 * double(d); }

}  // namespace bitvote
