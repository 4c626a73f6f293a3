#include "train/metrics.h"

#include <algorithm>

namespace bitvote {

void metrics_record_step(Metrics* m, int64_t step, float loss, const PhaseTimer& timer, PayloadBytes payload,
                         std::span<const Comm> stages, const WireMeter& wire, double update_density,
                         double comm_busy) {
    const PayloadBytes used = payload - m->payload_last;
    m->payload_last = payload;
    StepRecord r;
    m->stage_last.resize(stages.size());  // 0 before the first step: the stages' counts start with the run
    for (size_t s = 0; s < stages.size(); ++s) {
        r.stage_sent.push_back(stages[s].bytes().sent - m->stage_last[s]);
        m->stage_last[s] = stages[s].bytes().sent;
    }
    r.step = step;
    r.loss = loss;
    r.seconds = timer.total - (wire.on ? wire.fence_seconds : 0);  // the fence is measurement overhead
    r.phase = timer.seconds;
    r.phase[size_t(Phase::comm)] -= wire.on ? wire.fence_seconds : 0;
    r.payload_sent = used.sent;
    r.payload_received = used.received;
    r.wire_sent = wire.on ? wire.sent : 0;
    r.wire_recv = wire.on ? wire.recv : 0;
    r.comm_exposed = r.phase[size_t(Phase::comm)];
    r.comm_busy = comm_busy < 0 ? r.comm_exposed : comm_busy;
    r.update_density = update_density;
    m->steps.push_back(r);
}

std::span<const StepRecord> measured_steps(const Metrics& m) {
    std::span<const StepRecord> all(m.steps);
    return all.size() > 1 ? all.subspan(1) : all;
}

MetricsSummary metrics_summarize(const Metrics& m, int64_t step_samples, MPI_Comm comm) {
    int P = 1;
    MPI_CHECK(MPI_Comm_size(comm, &P));
    const std::span<const StepRecord> steps = measured_steps(m);
    const size_t n = steps.size();
    std::vector<double> slowest(n);  // per step, the slowest rank's seconds
    for (size_t i = 0; i < n; ++i) slowest[i] = steps[i].seconds;
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, slowest.data(), int(n), MPI_DOUBLE, MPI_MAX, comm));

    // sums over this rank's steps: phases, step seconds, payload sent/received, wire sent/recv
    enum { step_s = phase_count, sent, received, wsent, wrecv, exposed, busy, fields };
    double sums[fields] = {};
    for (const StepRecord& r : steps) {
        for (int p = 0; p < phase_count; ++p) sums[p] += r.phase[size_t(p)];
        sums[step_s] += r.seconds;
        sums[sent] += double(r.payload_sent);
        sums[received] += double(r.payload_received);
        sums[wsent] += r.wire_sent;
        sums[wrecv] += r.wire_recv;
        sums[exposed] += r.comm_exposed;
        sums[busy] += r.comm_busy;
    }
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, sums, fields, MPI_DOUBLE, MPI_SUM, comm));
    std::vector<double> stage_sums(steps.empty() ? 0 : steps[0].stage_sent.size(), 0.0);  // the same on every rank
    for (const StepRecord& r : steps)
        for (size_t s = 0; s < stage_sums.size(); ++s) stage_sums[s] += double(r.stage_sent[s]);
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, stage_sums.data(), int(stage_sums.size()), MPI_DOUBLE, MPI_SUM, comm));

    MetricsSummary s;
    for (const StepRecord& r : m.steps) s.update_density += r.update_density / double(m.steps.size());
    for (double t : slowest) s.train_seconds += t;
    if (n == 0) return s;
    s.samples_per_s = s.train_seconds > 0 ? double(step_samples) * double(n) / s.train_seconds : 0;
    std::vector<double> sorted = slowest;
    std::nth_element(sorted.begin(), sorted.begin() + long(n / 2), sorted.end());
    s.step_ms_median = 1e3 * sorted[n / 2];
    for (int p = 0; p < phase_count; ++p) s.time_share[size_t(p)] = sums[step_s] > 0 ? sums[p] / sums[step_s] : 0;
    const double rank_steps = double(P) * double(n);
    s.payload_sent = sums[sent] / rank_steps;
    s.payload_received = sums[received] / rank_steps;
    for (double sent_by_stage : stage_sums) s.stage_payload_sent.push_back(sent_by_stage / rank_steps);
    s.wire_sent = sums[wsent] / rank_steps;
    s.wire_recv = sums[wrecv] / rank_steps;
    s.comm_hidden = sums[busy] > 0 ? std::max(0.0, 1 - sums[exposed] / sums[busy]) : 0;
    s.comm_busy_share = sums[step_s] > 0 ? sums[busy] / sums[step_s] : 0;
    return s;
}

}  // namespace bitvote

namespace bitvote {

MetricsProgress metrics_progress(const Metrics& m, int64_t step_samples) {
    MetricsProgress p;
    const std::span<const StepRecord> steps = measured_steps(m);
    double seconds = 0, sent = 0;
    for (const StepRecord& r : steps) seconds += r.seconds, sent += double(r.payload_sent);
    if (steps.empty()) return p;
    p.samples_per_s = seconds > 0 ? double(step_samples) * double(steps.size()) / seconds : 0;
    p.payload_sent = sent / double(steps.size());
    return p;
}

}  // namespace bitvote
