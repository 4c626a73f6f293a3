// The worker's step (DESIGN.md 3, DGS):
//   g on its batch; u = m u + lr (g + wd w)        SAMomentum (asgd: m = 0)
//   send the per-layer top-K of u, u[sent] = 0,    dgs (asgd: send u whole)
//     u[unsent] /= m
//   wait for the answer: w += the sparse model     dgs (asgd: w = the server's model)
//     difference
// The worker never applies its own update: it reaches w through the answer.
#include "train/async_worker.h"

#include <chrono>
#include <thread>

#include "comm/mpi_check.h"
#include "comm/wire_bytes.h"
#include "compress/method.h"
#include "compress/samomentum.h"
#include "train/weights_checksum.h"

namespace bitvote {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct Worker {
    std::vector<float> u;             // [d] SAMomentum buffer (asgd: this step's lr (g + wd w))
    SparseUpdate sent, answer;        // dgs: this step's message, the server's difference
    std::vector<uint8_t> out, in;     // encoded messages
    WorkerReport report;
};

// The step's message into w->out; returns its bytes.
size_t step_encode(AsyncRun* r, Worker* w, int64_t step, float loss) {
    std::span<const float> grad = net_grads(r->net);
    if (std::string why = gradient_check(grad, step); !why.empty()) fatal("%s", why.c_str());
    samomentum_accumulate(w->u, grad, net_weights(r->net), r->lr, r->momentum, r->weight_decay);
    if (!r->format.sparse) return async_encode_dense(r->format, w->u, loss, &w->out);
    samomentum_send(net_segments(r->net), r->cfg.method.density, r->momentum, w->u, &w->sent);
    return async_encode_sparse(r->format, w->sent, loss, &w->out);
}

// Sends the update, waits for the answer and applies it; true on the stop.
bool exchange(AsyncRun* r, Worker* w, size_t bytes) {
    MPI_CHECK(MPI_Send(w->out.data(), int(bytes), MPI_BYTE, 0, tag_update, r->comm.comm));
    MPI_Status status;
    MPI_CHECK(MPI_Recv(w->in.data(), int(w->in.size()), MPI_BYTE, 0, MPI_ANY_TAG, r->comm.comm, &status));
    int got = 0;
    MPI_CHECK(MPI_Get_count(&status, MPI_BYTE, &got));
    float unused = 0;
    std::span<const uint8_t> in = std::span(w->in).first(size_t(got));
    const std::string why = r->format.sparse ? async_decode_sparse(r->format, in, &w->answer, &unused)
                                             : async_decode_dense(r->format, in, net_weights(r->net), &unused);
    if (!why.empty()) fatal("the server's answer to rank %d: %s", r->comm.rank, why.c_str());
    if (r->format.sparse) sparse_add(net_weights(r->net), w->answer, 1);
    ++w->report.updates_sent;
    return status.MPI_TAG == tag_stop;
}

}  // namespace

WorkerReport worker_run(AsyncRun* r) {
    Worker w;
    w.u.assign(net_param_count(r->net), 0.0f);
    w.in.resize(async_message_bound(r->format));
    const bool slow = r->cfg.slow_rank.rank == r->comm.rank;
    const WireSnapshot wire_start = r->wire_on ? wire_snapshot() : WireSnapshot{};
    for (int64_t step = 0;; ++step) {
        const auto start = Clock::now();
        batch_next(&r->loader, &r->batch);
        const float loss = net_forward_backward(&r->net, r->batch.images.data(), r->batch.labels.data(), r->batch.n);
        if (slow) std::this_thread::sleep_for(std::chrono::milliseconds(r->cfg.slow_rank.ms));
        const size_t bytes = step_encode(r, &w, step, loss);
        const auto sent = Clock::now();
        w.report.compute_seconds += std::chrono::duration<double>(sent - start).count();
        const bool stop = exchange(r, &w, bytes);
        w.report.wait_seconds += seconds_since(sent);
        if (stop) break;
    }
    const uint64_t checksum = weights_checksum(net_weights(r->net));
    MPI_CHECK(MPI_Send(&checksum, 1, MPI_UINT64_T, 0, tag_check, r->comm.comm));
    if (r->wire_on) {
        const WireBytes used = wire_delta(wire_start, wire_snapshot());
        w.report.wire_sent = double(used.sent);
        w.report.wire_recv = double(used.recv);
    }
    return w.report;
}

}  // namespace bitvote
