// The server's loop. Transport: the server keeps one MPI_Irecv posted per
// worker and takes whichever update completes first (MPI_Waitany: the
// workers never wait for each other); answers go out with MPI_Isend, so a
// worker slow to receive never stalls the others (README, Asynchronous
// training). Each worker has at most one update in flight (it waits for its
// answer), so no worker can starve another.
#include "train/async_server.h"

#include <chrono>

#include "comm/mpi_check.h"
#include "compress/model_difference.h"
#include "train/async_records.h"
#include "train/weights_checksum.h"

namespace bitvote {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

struct Server {
    AsyncRun* r = nullptr;
    std::vector<std::vector<float>> copies;      // [P][d] dgs: each worker's model as last answered ([0] unused)
    std::vector<int64_t> answered;               // [P] the version each worker's model was current at
    std::vector<std::vector<uint8_t>> in, out;   // [P] each worker's update and answer buffers
    std::vector<MPI_Request> receives;           // [P - 1] worker k's update: receives[k - 1]
    std::vector<MPI_Request> answers;            // [P] answers in flight
    SparseUpdate update, difference;             // dgs: the update received, the answer
    std::vector<float> dense, scratch;           // asgd: the update [d]; dgs: w - copy [d]
    int64_t version = 0;                         // updates applied (lock step: rounds)
    double eval_seconds = 0;
    Clock::time_point start;
    ServerResult result;
};

void receive_post(Server* s, int worker) {
    MPI_CHECK(MPI_Irecv(s->in[size_t(worker)].data(), int(s->in[size_t(worker)].size()), MPI_BYTE, worker,
                        tag_update, s->r->comm.comm, &s->receives[size_t(worker) - 1]));
}

// Decodes worker's update of `bytes` and applies it: w -= u. Fills the
// record's worker, staleness, loss and up_bytes.
void update_apply(Server* s, int worker, size_t bytes, UpdateRecord* rec) {
    AsyncRun* r = s->r;
    std::span<float> w = net_weights(r->net);
    std::span<const uint8_t> in = std::span(s->in[size_t(worker)]).first(bytes);
    const std::string why = r->format.sparse ? async_decode_sparse(r->format, in, &s->update, &rec->loss)
                                             : async_decode_dense(r->format, in, s->dense, &rec->loss);
    if (!why.empty()) fatal("the update of worker %d: %s", worker, why.c_str());
    if (r->format.sparse) sparse_add(w, s->update, -1);
    else for (size_t i = 0; i < w.size(); ++i) w[i] -= s->dense[i];
    rec->worker = worker;
    rec->staleness = s->version - s->answered[size_t(worker)];
    rec->up_bytes = bytes;
    s->result.staleness.push_back(rec->staleness);
    ++s->result.updates_by[size_t(worker)];
    s->result.samples += rank_batch(r->cfg, worker);
    s->result.up_bytes += double(bytes);
}

// Answers worker with the per-layer top-K of (w - its copy) (dgs) or the
// model (asgd), tag_answer or tag_stop; returns the bytes sent.
size_t answer_send(Server* s, int worker, int tag) {
    AsyncRun* r = s->r;
    std::vector<uint8_t>* out = &s->out[size_t(worker)];
    MPI_CHECK(MPI_Wait(&s->answers[size_t(worker)], MPI_STATUS_IGNORE));  // its previous answer: out is free
    size_t bytes = 0;
    if (r->format.sparse) {
        model_difference_send(net_segments(r->net), r->cfg.method.density, net_weights(r->net),
                              s->copies[size_t(worker)], &s->scratch, &s->difference);
        bytes = async_encode_sparse(r->format, s->difference, 0, out);
    } else {
        bytes = async_encode_dense(r->format, net_weights(r->net), 0, out);
    }
    MPI_CHECK(MPI_Isend(out->data(), int(bytes), MPI_BYTE, worker, tag, r->comm.comm, &s->answers[size_t(worker)]));
    s->answered[size_t(worker)] = s->version;
    return bytes;
}

void update_record(Server* s, const UpdateRecord& rec) {
    s->result.down_bytes += double(rec.down_bytes);
    s->result.busy_seconds += rec.seconds;
    run_files_append(&s->r->files, record_update(rec));
}

// Scores the server's model on the test set: at every eval_every versions and
// at the end (last); prints the progress line and writes the eval record.
void evaluate_if_due(Server* s, bool last) {
    AsyncRun* r = s->r;
    if (!last && s->version % r->facts.eval_every != 0) return;
    const auto start = Clock::now();
    s->result.eval = evaluate_test(&r->net, r->data.test, r->data.info, MPI_COMM_SELF);
    const double seconds = last ? s->result.train_seconds : seconds_since(s->start) - s->eval_seconds;
    const double per_s = seconds > 0 ? double(s->result.samples) / seconds : 0;
    const double up = s->result.staleness.empty() ? 0 : s->result.up_bytes / double(s->result.staleness.size());
    print_progress(s->version, r->facts, s->result.eval, per_s, up);
    run_files_append(&r->files, record_eval(s->version, double(s->version) / double(r->facts.steps_per_epoch),
                                            s->result.eval, per_s, up));
    s->eval_seconds += seconds_since(start);
}

// The asynchronous loop: updates in arrival order, each answered at once;
// after the last one, every other worker's next update is answered by a stop.
void serve_async(Server* s) {
    AsyncRun* r = s->r;
    const int workers = workers_of(*r);
    for (int k = 1; k <= workers; ++k) receive_post(s, k);
    while (true) {
        int index = 0;
        MPI_Status status;
        MPI_CHECK(MPI_Waitany(workers, s->receives.data(), &index, &status));
        const auto start = Clock::now();
        const int worker = index + 1;
        int bytes = 0;
        MPI_CHECK(MPI_Get_count(&status, MPI_BYTE, &bytes));
        UpdateRecord rec;
        update_apply(s, worker, size_t(bytes), &rec);
        rec.step = ++s->version;
        const bool last = s->version == r->facts.steps;
        rec.down_bytes = answer_send(s, worker, last ? tag_stop : tag_answer);
        if (!last) receive_post(s, worker);
        rec.seconds = seconds_since(start);
        update_record(s, rec);
        if (last) break;
        evaluate_if_due(s, false);
    }
    for (int left = workers - 1; left > 0; --left) {  // their next update is not applied
        int index = 0;
        MPI_CHECK(MPI_Waitany(workers, s->receives.data(), &index, MPI_STATUS_IGNORE));
        answer_send(s, index + 1, tag_stop);
    }
}

// Lock step (dgs without --async): each round takes every worker's update
// in rank order, applies them, then answers every worker; one version per round.
void serve_lock_step(Server* s) {
    AsyncRun* r = s->r;
    const int workers = workers_of(*r);
    std::vector<UpdateRecord> round(size_t(workers) + 1);
    while (s->version < r->facts.steps) {
        for (int k = 1; k <= workers; ++k) {
            MPI_Status status;
            MPI_CHECK(MPI_Recv(s->in[size_t(k)].data(), int(s->in[size_t(k)].size()), MPI_BYTE, k, tag_update,
                               r->comm.comm, &status));
            const auto start = Clock::now();
            int bytes = 0;
            MPI_CHECK(MPI_Get_count(&status, MPI_BYTE, &bytes));
            update_apply(s, k, size_t(bytes), &round[size_t(k)]);
            round[size_t(k)].seconds = seconds_since(start);
        }
        ++s->version;
        const int tag = s->version == r->facts.steps ? tag_stop : tag_answer;
        for (int k = 1; k <= workers; ++k) {
            const auto start = Clock::now();
            round[size_t(k)].step = s->version;
            round[size_t(k)].down_bytes = answer_send(s, k, tag);
            round[size_t(k)].seconds += seconds_since(start);
            update_record(s, round[size_t(k)]);
        }
        if (tag == tag_answer) evaluate_if_due(s, false);
    }
}

// After the stops: every worker's checksum against the server's copy of its
// model (asgd: the server's model); the largest distance to the server's model.
void workers_check(Server* s) {
    AsyncRun* r = s->r;
    std::span<const float> w = net_weights(r->net);
    for (int k = 1; k <= workers_of(*r); ++k) {
        uint64_t theirs = 0;
        MPI_CHECK(MPI_Recv(&theirs, 1, MPI_UINT64_T, k, tag_check, r->comm.comm, MPI_STATUS_IGNORE));
        std::span<const float> copy = r->format.sparse ? std::span<const float>(s->copies[size_t(k)]) : w;
        if (theirs != weights_checksum(copy))
            fatal("worker %d's model differs from the server's copy of it (checksum %s, want %s)", k,
                  checksum_hex(theirs).c_str(), checksum_hex(weights_checksum(copy)).c_str());
        s->result.downward_error = std::max(s->result.downward_error, max_abs_difference(copy, w));
    }
}

}  // namespace

ServerResult server_run(AsyncRun* r) {
    const size_t P = size_t(r->comm.size), d = net_param_count(r->net);
    Server s;
    s.r = r;
    if (r->format.sparse) {  // every worker starts from the same initial weights
        s.copies.assign(P, std::vector<float>(net_weights(r->net).begin(), net_weights(r->net).end()));
        s.copies[0].clear();
    }
    s.answered.assign(P, 0);
    s.in.assign(P, std::vector<uint8_t>(async_message_bound(r->format)));
    s.out.resize(P);
    s.receives.assign(P - 1, MPI_REQUEST_NULL);
    s.answers.assign(P, MPI_REQUEST_NULL);
    if (!r->format.sparse) s.dense.resize(d);
    s.result.updates_by.assign(P, 0);
    s.start = Clock::now();
    if (r->lock_step) serve_lock_step(&s);
    else serve_async(&s);
    MPI_CHECK(MPI_Waitall(int(P), s.answers.data(), MPI_STATUSES_IGNORE));
    s.result.train_seconds = seconds_since(s.start) - s.eval_seconds;
    workers_check(&s);
    evaluate_if_due(&s, true);
    return s.result;
}

}  // namespace bitvote
