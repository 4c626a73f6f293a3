#include "train/async_records.h"

#include <cmath>
#include <cstdio>

#include "base/run_schema.h"
#include "train/staleness.h"

namespace bitvote {
namespace {

// The numbers both the summary and the table show.
struct AsyncFigures {
    double applied = 0;                       // updates applied
    double up = 0, down = 0;                  // payload bytes per update and per answer
    double wire_up = NAN, wire_down = NAN;    // TCP bytes per update message / answer (tcp only)
    double samples_per_s = 0;                 // the workers' total
    double busy_share = 0;                    // the server's
    double wait_share = 0;                    // the workers' time sending and waiting / their whole time
    StalenessSummary staleness;
};

AsyncFigures figures_of(const AsyncRun& r, const AsyncOutcome& out) {
    const ServerResult& s = out.server;
    AsyncFigures f;
    f.applied = double(s.staleness.size());
    if (f.applied > 0) f.up = s.up_bytes / f.applied, f.down = s.down_bytes / f.applied;
    double messages = 0, wire_sent = 0, wire_recv = 0, compute = 0, wait = 0;
    for (const WorkerReport& w : out.workers) {
        messages += w.updates_sent;
        wire_sent += w.wire_sent, wire_recv += w.wire_recv;
        compute += w.compute_seconds, wait += w.wait_seconds;
    }
    if (r.wire_on && messages > 0) f.wire_up = wire_sent / messages, f.wire_down = wire_recv / messages;
    if (s.train_seconds > 0) {
        f.samples_per_s = double(s.samples) / s.train_seconds;
        f.busy_share = s.busy_seconds / s.train_seconds;
    }
    if (compute + wait > 0) f.wait_share = wait / (compute + wait);
    f.staleness = staleness_summarize(s.staleness);
    return f;
}

std::string mode_text(const AsyncRun& r) { return r.lock_step ? "lock step" : "async"; }

// The weights check in words (the bit-identical check of the lock-step
// trainer does not hold here: workers hold sparse views of the model).
std::string check_text(const AsyncRun& r, const AsyncOutcome& out) {
    char text[320];
    std::snprintf(text, sizeof text,
                  "every worker's model is bit-identical to the server's copy of it (checksums), so it is within "
                  "the downward sparsification error of the server's model: max |w_worker - w_server| = %.3g%s",
                  out.server.downward_error,
                  r.format.sparse ? "" : " (asgd answers with the whole model)");
    return text;
}

}  // namespace

JsonRecord record_update(const UpdateRecord& u) {
    JsonRecord r;
    r[schema::event] = schema::events::update;
    r[schema::step] = u.step;
    r[schema::worker] = u.worker;
    r[schema::staleness] = u.staleness;
    r[schema::loss] = double(u.loss);
    r[schema::payload_up] = int64_t(u.up_bytes);
    r[schema::payload_down] = int64_t(u.down_bytes);
    r[schema::ms] = 1e3 * u.seconds;
    return r;
}

JsonRecord record_async_summary(const AsyncRun& r, const AsyncOutcome& out) {
    const AsyncFigures f = figures_of(r, out);
    JsonRecord j;
    j[schema::event] = schema::events::summary;
    j[schema::strategy] = "parameter-server-" + std::string(r.lock_step ? "lock-step" : "async");
    j[schema::strategy_flag] = r.cfg.strategy;
    write_run(&j, r.cfg, r.facts);
    j[schema::test_accuracy] = out.server.eval.accuracy;
    j[schema::test_loss] = out.server.eval.loss;
    j[schema::samples_per_s] = f.samples_per_s;
    j[schema::train_seconds] = out.server.train_seconds;
    j[schema::bytes_per_update] = {{schema::payload_up, f.up},
                                   {schema::payload_down, f.down},
                                   {schema::wire_up, f.wire_up},
                                   {schema::wire_down, f.wire_down}};
    j[schema::fp32_bytes_per_iter] = fp32_payload_bytes(r.facts.params);
    j[schema::compression_ratio] = f.up > 0 ? fp32_payload_bytes(r.facts.params) / f.up : NAN;
    j[schema::staleness] = {{schema::staleness_mean, f.staleness.mean},
                            {schema::staleness_p50, f.staleness.p50},
                            {schema::staleness_p99, f.staleness.p99},
                            {schema::staleness_max, f.staleness.max}};
    j[schema::updates_per_worker] = out.server.updates_by;
    j[schema::server_busy_share] = f.busy_share;
    j[schema::worker_wait_share] = f.wait_share;
    j[schema::downward_error] = out.server.downward_error;
    j[schema::weights_check] = check_text(r, out);
    j[schema::weights_checksum] = out.checksum;
    write_env(&j, r.env);
    return j;
}

void print_async_table(const AsyncRun& r, const AsyncOutcome& out) {
    const AsyncFigures f = figures_of(r, out);
    const double fp32 = fp32_payload_bytes(r.facts.params);
    std::printf("\n%s (%s) via a parameter server (rank 0), %s with %zu params, %d worker(s), %lld server "
                "versions of %lld updates (%.2f epochs)\n",
                std::string(method_name(r.cfg.method.kind)).c_str(), mode_text(r).c_str(),
                model_kind_name(r.cfg.model), r.facts.params, workers_of(r), static_cast<long long>(r.facts.steps),
                static_cast<long long>(f.applied), double(r.facts.steps) / double(r.facts.steps_per_epoch));
    std::printf("  test accuracy      %.2f %%   (loss %.4f, %lld samples, the server's model)\n",
                100 * out.server.eval.accuracy, out.server.eval.loss,
                static_cast<long long>(out.server.eval.samples));
    std::printf("  samples/s          %.0f   (workers' total, %.1f s)\n", f.samples_per_s, out.server.train_seconds);
    std::printf("  bytes/update       payload up %s, down %s; wire up %s, down %s\n", bytes_text(f.up).c_str(),
                bytes_text(f.down).c_str(), r.wire_on ? bytes_text(f.wire_up).c_str() : "-",
                r.wire_on ? bytes_text(f.wire_down).c_str() : "-");
    std::printf("  fp32 dense         %s   compression up %.1fx, down %.1fx\n", bytes_text(fp32).c_str(),
                f.up > 0 ? fp32 / f.up : 0, f.down > 0 ? fp32 / f.down : 0);
    std::printf("  staleness          mean %.2f, p50 %lld, p99 %lld, max %lld (server versions)\n", f.staleness.mean,
                static_cast<long long>(f.staleness.p50), static_cast<long long>(f.staleness.p99),
                static_cast<long long>(f.staleness.max));
    std::printf("  server busy        %.1f %%   workers waiting %.1f %%\n", 100 * f.busy_share, 100 * f.wait_share);
    std::printf("  updates/worker    ");
    for (int k = 1; k <= workers_of(r); ++k)
        std::printf(" %lld", static_cast<long long>(out.server.updates_by[size_t(k)]));
    std::printf("\n  weights check      %s\n", check_text(r, out).c_str());
    std::printf("  weights checksum   %s (the server's model)\n", out.checksum.c_str());
    std::printf("  run                %d node(s), %d thread(s)/rank, isa %s, transport %s\n", r.env.nodes,
                r.env.threads_per_rank, r.env.isa.c_str(), r.env.transport.c_str());
    std::fflush(stdout);
}

}  // namespace bitvote
