// --overlap-progress test: MPI_Iallreduce per bucket, MPI_Test between
// backward layers (see exchange_requests.h).
#include "comm/exchange_requests.h"

#include <deque>

#include "comm/collectives.h"

namespace bitvote {

struct ExchangeRequests {
    Comm comm;  // a dup of the parent's; payload also counts in the parent's
    struct Pending {
        MPI_Request request = MPI_REQUEST_NULL;
        Update* out = nullptr;
        std::vector<float> dense;  // a scaled_sign or sparse_fp32 message as [d] floats
    };
    std::deque<Pending> pending;  // posted this step (a deque: `dense` never moves)
};

ExchangeRequests* exchange_requests_open(Comm* parent) {
    auto* x = new ExchangeRequests;
    x->comm = comm_open(parent->comm);
    x->comm.counts_into = parent;
    return x;
}

void exchange_requests_post(ExchangeRequests* x, const Message& msg, Update* out) {
    if (!(strategy_fp32_baseline().accepts & kind_bit(msg.kind)))
        fatal("--overlap-progress test: %s messages have no non-blocking exchange",
              std::string(message_kind_name(msg.kind)).c_str());
    ExchangeRequests::Pending& p = x->pending.emplace_back();
    p.out = out;
    update_reset(out, MessageKind::fp32, msg.d);
    const float* send = msg.values.data();
    if (msg.kind != MessageKind::fp32) {
        p.dense.resize(msg.d);
        message_densify(msg, p.dense);
        send = p.dense.data();
    }
    iallreduce_sum_floats(&x->comm, send, out->values.data(), msg.d, &p.request);
}

void exchange_requests_progress(ExchangeRequests* x) {
    for (ExchangeRequests::Pending& p : x->pending) {
        if (p.request == MPI_REQUEST_NULL) continue;
        int done = 0;
        MPI_CHECK(MPI_Test(&p.request, &done, MPI_STATUS_IGNORE));
    }
}

void exchange_requests_wait(ExchangeRequests* x) {
    for (ExchangeRequests::Pending& p : x->pending) {
        MPI_CHECK(MPI_Wait(&p.request, MPI_STATUS_IGNORE));
        for (float& v : p.out->values) v /= float(x->comm.size);
    }
    x->pending.clear();
}

void exchange_requests_close(ExchangeRequests* x) {
    exchange_requests_wait(x);
    comm_close(&x->comm);
    delete x;
}

}  // namespace bitvote
