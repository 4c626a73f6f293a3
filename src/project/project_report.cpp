// The text tables and JSON lines of `bitvote project` (see project_report.h).
#include "project/project_report.h"

#include <cmath>
#include <cstdio>

#include "base/json_line.h"

namespace bitvote {
namespace {

// "+12.3%": predicted over measured, less one.
std::string error_cell(double predicted_s, double measured_s) {
    char text[32];
    std::snprintf(text, sizeof text, "%+.1f%%", 100 * (predicted_s / measured_s - 1));
    return text;
}

std::string strategy_cell(const ProjectionRow& r) { return r.picked.empty() ? r.strategy : r.strategy + ">" + r.picked; }

std::string method_cell(const std::string& method) { return method.empty() ? "(sweep)" : method; }

// GB/s of a beta (s/byte); inf for 0.
double gigabytes_per_s(AlphaBeta ab) { return ab.beta_s_per_byte > 0 ? 1e-9 / ab.beta_s_per_byte : INFINITY; }

void print_fit(const Fit& f) {
    char factor[32] = "-";
    if (f.rated) std::snprintf(factor, sizeof factor, "%.3f", f.link_factor);
    std::printf("#   %-30s %6d %11.3f %11.4f %10.3f %8.1f%% %8.1f%% %11s\n", f.label.c_str(), f.points,
                1e6 * f.ab.alpha_s, 1e9 * f.ab.beta_s_per_byte, gigabytes_per_s(f.ab), 100 * f.rms_rel_error,
                100 * f.max_rel_error, factor);
}

void print_link(const std::string& label, AlphaBeta ab) {
    std::printf("#   %-30s alpha %10.3f us, beta %10.4f ns/B (%.4f GB/s)\n", label.c_str(), 1e6 * ab.alpha_s,
                1e9 * ab.beta_s_per_byte, gigabytes_per_s(ab));
}

}  // namespace

const Fit& fitted_for(const FittedModel& m, const std::string& label) {
    const Fit* f = fit_find(m.per_strategy, label);
    return f ? *f : m.global;
}

void report_fits(const FittedModel& m, int skipped_rows, bool use_min_time) {
    std::printf("# fit: time_us_%s = alpha * model_rounds(P) + %s * model_bytes(kind, d, P), least squares of the "
                "relative residuals, every term >= 0 (%d sweep rows used, %d skipped: auto or one rank)\n",
                use_min_time ? "min" : "avg", m.global.rated ? "(link_factor / rate + beta)" : "beta",
                m.global.points, skipped_rows);
    std::printf("#   %-30s %6s %11s %11s %10s %9s %9s %11s\n", "strategy", "points", "alpha_us", "beta_ns/B", "GB/s",
                "rms_err", "max_err", "link_factor");
    for (const Fit& f : m.per_strategy) print_fit(f);
    print_fit(m.global);
}

void report_sweep_checks(std::span<const SweepPoint> points, const FittedModel& m) {
    std::printf("# validation, sweep: measured exchange time beside the fitted model's (own strategy's fit; global fit)\n");
    std::printf("#   %-30s %5s %10s %12s %12s %12s %8s %12s %8s\n", "strategy", "ranks", "d", "model_B", "measured_us",
                "fit_us", "err", "global_us", "err");
    for (const SweepPoint& p : points) {
        const double own_s = fit_point_seconds(fitted_for(m, p.label), p);
        const double global_s = fit_point_seconds(m.global, p);
        std::printf("    %-30s %5d %10llu %12.0f %12.1f %12.1f %8s %12.1f %8s\n", p.label.c_str(), p.ranks,
                    (unsigned long long)p.d, p.bytes, 1e6 * p.time_s, 1e6 * own_s, error_cell(own_s, p.time_s).c_str(),
                    1e6 * global_s, error_cell(global_s, p.time_s).c_str());
    }
}

void report_run_checks(std::span<const RunProfile> runs, std::span<const OverlapFit> overlap, const FittedModel* m,
                       const LinkModel& link, double density) {
    if (m && m->global.rated) m = nullptr;  // runs carry no link rate: the projection's link
    std::printf("# validation, runs: measured step and comm (step_ms_median x time_share) beside the prediction: "
                "measured non-comm phases + model comm (%s); --overlap runs: comm is the exposed part, "
                "max(tau * busy, busy - window) of the model's busy comm, window and tau fitted from the run named "
                "in overlap_fit\n",
                m ? "its strategy's fit, else the global fit" : "the projection's link");
    std::printf("#   %-20s %-22s %5s %10s %9s %10s %10s %8s %10s %10s %8s %10s %10s %8s %7s %7s  %s  %s\n", "method",
                "strategy", "ranks", "params", "transport", "step_ms", "pred_ms", "err", "comm_ms", "pred_ms", "err",
                "busy_ms", "pred_ms", "err", "hidden", "pred", "run", "overlap_fit");
    for (size_t i = 0; i < runs.size(); ++i) {
        const RunProfile& r = runs[i];
        const OverlapFit& fit = overlap[i];
        const double comm_s = r.phase_s[size_t(Phase::comm)];
        const Strategy& s = *strategy_find(r.strategy);
        const AlphaBeta ab = m ? fitted_for(*m, r.strategy).ab : link_for(link, r.strategy);
        const double pred_busy_s = model_seconds(s, r.kind, r.params, r.ranks, size_t(run_encoded_bytes(r, density)), ab);
        const double pred_comm_s = overlap_exposed_seconds(fit, pred_busy_s);
        const double pred_step_s = run_local_seconds(r) + pred_comm_s;
        const bool exchanged = r.ranks > 1 && comm_s > 0;
        const std::string method = r.method + (r.overlap ? "+overlap" : "");
        auto hidden = [](double exposed, double busy) {
            char text[16];
            std::snprintf(text, sizeof text, "%.1f%%", busy > 0 ? 100 * (1 - exposed / busy) : 0.0);
            return std::string(text);
        };
        const std::string from = !fit.fitted ? "-" : fit.from == r.path ? "self" : fit.from;
        std::printf("    %-20s %-22s %5d %10llu %9s %10.3f %10.3f %8s %10.3f %10.3f %8s %10.3f %10.3f %8s %7s %7s  %s  %s\n",
                    method.c_str(), r.strategy.c_str(), r.ranks, (unsigned long long)r.params,
                    r.transport.empty() ? "?" : r.transport.c_str(), 1e3 * r.step_s, 1e3 * pred_step_s,
                    exchanged ? error_cell(pred_step_s, r.step_s).c_str() : "-", 1e3 * comm_s, 1e3 * pred_comm_s,
                    exchanged ? error_cell(pred_comm_s, comm_s).c_str() : "-", 1e3 * r.comm_busy_s,
                    1e3 * pred_busy_s, exchanged ? error_cell(pred_busy_s, r.comm_busy_s).c_str() : "-",
                    hidden(comm_s, r.comm_busy_s).c_str(), hidden(pred_comm_s, pred_busy_s).c_str(), r.path.c_str(),
                    from.c_str());
    }
}

void report_link(const LinkModel& link, const std::string& source, const std::string& best_label, double best_ratio) {
    std::printf("# projection: link alpha %.3f us, beta %.4f ns/B (%.3f GB/s) [%s]\n", 1e6 * link.global.alpha_s,
                1e9 * link.global.beta_s_per_byte, gigabytes_per_s(link.global), source.c_str());
    for (const auto& [label, ab] : link.per_strategy) print_link(label, ab);
    std::printf("# step = data + compute + compress + aggregate + update (measured per step; data and compute scale "
                "with the per-rank batch) + comm(P) of the model; baseline: fp32 allreduce, same model\n");
    std::printf("# +overlap: step = the same + exposed(comm(P)) = max(tau * comm, comm - window), tau and window "
                "fitted from the method's --overlap run; vs_fp32_ov: against sgd --overlap's run, the same way\n");
    if (best_ratio > 0)
        std::printf("# best measured baseline: %s took %.3fx the default allreduce's time at the largest point "
                    "measured both ways; its comm is scaled so\n",
                    best_label.c_str(), best_ratio);
}

void report_projection(std::span<const ProjectionRow> rows) {
    std::printf("#%-15s %-34s %6s %11s %13s %11s %11s %11s %13s %9s %9s %10s\n", "method", "strategy", "ranks", "d",
                "bytes/rank", "comm_ms", "exposed_ms", "step_ms", "samples/s", "vs_fp32", "vs_best", "vs_fp32_ov");
    for (const ProjectionRow& r : rows) {
        char samples[32] = "-", best[32] = "-", overlapped[32] = "-";
        if (r.samples_per_s > 0) std::snprintf(samples, sizeof samples, "%.0f", r.samples_per_s);
        if (r.best_baseline_step_s > 0) std::snprintf(best, sizeof best, "%.2fx", r.best_baseline_step_s / r.step_s);
        if (r.overlap_baseline_step_s > 0)
            std::snprintf(overlapped, sizeof overlapped, "%.2fx", r.overlap_baseline_step_s / r.step_s);
        std::printf(" %-15s %-34s %6d %11llu %13.0f %11.4f %11.4f %11.4f %13s %8.2fx %9s %10s\n",
                    method_cell(r.method).c_str(), strategy_cell(r).c_str(), r.ranks, (unsigned long long)r.d,
                    r.bytes_per_rank, 1e3 * r.comm_s, 1e3 * r.exposed_s, 1e3 * r.step_s, samples,
                    r.baseline_step_s / r.step_s, best, overlapped);
    }
}

void report_crossovers(std::span<const ProjectionRow> rows) {
    std::printf("# where compression pays: the rank counts at which each strategy's step beats the fp32 allreduce "
                "baseline's (model), and the best measured allreduce's\n");
    std::printf("#%-13s %-22s %11s %-16s %-16s\n", "method", "strategy", "d", "vs_fp32", "vs_best");
    for (size_t i = 0; i < rows.size(); ++i) {
        const ProjectionRow& r = rows[i];
        const bool same_group = i > 0 && rows[i - 1].method == r.method && rows[i - 1].strategy == r.strategy &&
                                rows[i - 1].d == r.d;
        if (same_group) continue;
        std::printf(" %-13s %-22s %11llu %-16s %-16s\n", method_cell(r.method).c_str(), r.strategy.c_str(),
                    (unsigned long long)r.d, crossover_text(rows, r, false).c_str(),
                    crossover_text(rows, r, true).c_str());
    }
}

bool projection_json_write(const std::string& path, std::span<const ProjectionRow> rows, std::string* error) {
    FILE* f = std::fopen(path.c_str(), "w");
    if (!f) return (*error = "cannot write --json file '" + path + "'"), false;
    auto null_unless_positive = [](double v) { return v > 0 ? JsonRecord(v) : JsonRecord(); };
    for (const ProjectionRow& r : rows) {
        JsonRecord j;
        j["method"] = r.method.empty() ? JsonRecord() : JsonRecord(r.method);
        j["strategy"] = r.strategy;
        if (!r.picked.empty()) j["picked"] = r.picked;
        j["kind"] = std::string(message_kind_name(r.kind));
        j["ranks"] = r.ranks;
        j["d"] = int64_t(r.d);
        j["batch"] = r.batch > 0 ? JsonRecord(r.batch) : JsonRecord();
        j["rounds"] = r.rounds;
        j["bytes_per_rank"] = r.bytes_per_rank;
        j["comm_s"] = r.comm_s;
        j["exposed_comm_s"] = r.exposed_s;
        j["step_s"] = r.step_s;
        j["samples_per_s"] = null_unless_positive(r.samples_per_s);
        j["baseline_step_s"] = r.baseline_step_s;
        j["speedup_vs_fp32_allreduce"] = r.baseline_step_s / r.step_s;
        j["best_baseline_step_s"] = null_unless_positive(r.best_baseline_step_s);
        j["speedup_vs_best_allreduce"] =
            r.best_baseline_step_s > 0 ? JsonRecord(r.best_baseline_step_s / r.step_s) : JsonRecord();
        j["overlap_baseline_step_s"] = null_unless_positive(r.overlap_baseline_step_s);
        j["speedup_vs_overlapped_fp32_allreduce"] =
            r.overlap_baseline_step_s > 0 ? JsonRecord(r.overlap_baseline_step_s / r.step_s) : JsonRecord();
        j["crossover_vs_fp32_allreduce"] = crossover_text(rows, r, false);
        j["alpha_s"] = r.link.alpha_s;
        j["beta_s_per_byte"] = r.link.beta_s_per_byte;
        std::fprintf(f, "%s\n", json_line(j).c_str());
    }
    const bool ok = std::fclose(f) == 0;
    if (!ok) *error = "cannot write --json file '" + path + "'";
    return ok;
}

}  // namespace bitvote
