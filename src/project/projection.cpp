// Projected step times and crossovers (see projection.h).
#include "project/projection.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace bitvote {
namespace {

// Per-step time outside the exchange at a per-rank batch: data and compute
// scale with the batch, the other phases (per coordinate) do not.
double local_seconds_at_batch(const RunProfile& run, int batch) {
    const double scale = double(batch) / run.batch;
    return run_local_seconds(run) +
           (scale - 1) * (run.phase_s[size_t(Phase::data)] + run.phase_s[size_t(Phase::compute)]);
}

double candidate_seconds(const Candidate& c, uint64_t d, int P, const LinkModel& link) {
    return model_seconds(*c.strategy, c.kind, d, P, size_t(c.encoded_bytes), link_for(link, c.strategy->name));
}

// The candidate of `strategy` and `kind`, or nullptr.
const Candidate* candidate_of(const ProjectCase& c, const Strategy& strategy, MessageKind kind) {
    for (const Candidate& k : c.candidates)
        if (k.strategy == &strategy && k.kind == kind) return &k;
    return nullptr;
}

// What a picker (auto) would run at P: strategy_pick among the case's
// candidates of its kind, each on its own link.
const Candidate* picked_candidate(const ProjectCase& c, const Candidate& picker, int P, const LinkModel& link) {
    const Strategy* s = strategy_pick(picker.kind, [&](const Strategy& row) {
        const Candidate* k = candidate_of(c, row, picker.kind);
        return k ? candidate_seconds(*k, c.d, P, link) : std::numeric_limits<double>::infinity();
    });
    return s ? candidate_of(c, *s, picker.kind) : nullptr;
}

}  // namespace

AlphaBeta link_for(const LinkModel& link, std::string_view strategy) {
    for (const auto& [name, ab] : link.per_strategy)
        if (name == strategy) return ab;
    return link.global;
}

double run_encoded_bytes(const RunProfile& run, double density) {
    const Strategy* used = strategy_find(run.strategy);
    if (run.ranks > 1 && used && used->sends_list) return run.payload_sent;  // measured
    const size_t k = size_t(std::llround((run.density > 0 ? run.density : density) * double(run.params)));
    return double(encoded_bytes_estimate(run.kind, run.params, k));
}

ProjectCase project_case_from_run(const RunProfile& run, const OverlapFit& overlap, const RunBaselines& baselines,
                                  int batch, double density) {
    ProjectCase c;
    c.method = run.method + (overlap.fitted ? "+overlap" : "");
    c.d = run.params;
    c.batch = batch > 0 ? batch : run.batch;
    c.local_s = local_seconds_at_batch(run, c.batch);
    c.baseline_local_s = baselines.fp32 ? local_seconds_at_batch(*baselines.fp32, c.batch)
                                        : c.local_s - run.phase_s[size_t(Phase::compress)];
    const double compute_scale = double(c.batch) / run.batch;  // the window is backward's time
    c.overlap = overlap;
    c.overlap.window_s *= compute_scale;
    c.baseline_overlap = baselines.fp32_overlap;
    c.baseline_overlap.window_s *= compute_scale;
    const double encoded = run_encoded_bytes(run, density);
    for (const Strategy& s : strategy_table())
        if (s.accepts & kind_bit(run.kind)) c.candidates.push_back({&s, run.kind, encoded});
    return c;
}

ProjectCase project_case_from_sweep(std::span<const SweepPoint> points, uint64_t d) {
    ProjectCase c;
    for (const SweepPoint& p : points) c.d = std::max(c.d, p.d);
    if (d > 0) c.d = d;
    for (const SweepPoint& p : points) {
        if (p.label.find(':') != std::string::npos) continue;  // a forced allreduce algorithm: the best baseline
        auto same = [&](const Candidate& k) { return k.strategy == p.strategy; };
        auto it = std::find_if(c.candidates.begin(), c.candidates.end(), same);
        if (it == c.candidates.end()) it = c.candidates.insert(c.candidates.end(), {p.strategy, p.kind, 0});
        if (p.encoded_bytes > 0) it->encoded_bytes = std::max(it->encoded_bytes, p.encoded_bytes * double(c.d) / double(p.d));
    }
    // Pickers' rows are skipped when read (no model of their own): project
    // each as its pick among the swept candidates of the kind the sweep sends it.
    for (const Strategy& s : strategy_table()) {
        const MessageKind kind = s.sweep.kind;
        auto of_kind = [kind](const Candidate& k) { return k.kind == kind; };
        if (s.picks && std::any_of(c.candidates.begin(), c.candidates.end(), of_kind))
            c.candidates.push_back({&s, kind, 0});
    }
    return c;
}

std::vector<ProjectionRow> project_case(const ProjectCase& c, std::span<const int> ranks, const LinkModel& link,
                                        double best_ratio) {
    const Strategy& allreduce = strategy_fp32_baseline();
    std::vector<ProjectionRow> rows;
    for (const Candidate& cand : c.candidates) {
        for (int P : ranks) {
            const Candidate* used = cand.strategy->picks ? picked_candidate(c, cand, P, link) : &cand;
            if (!used) continue;
            ProjectionRow r;
            r.method = c.method;
            r.strategy = std::string(cand.strategy->name);
            r.picked = used == &cand ? "" : std::string(used->strategy->name);
            r.kind = cand.kind;
            r.ranks = P;
            r.d = c.d;
            r.batch = c.batch;
            r.rounds = used->strategy->model_rounds(P);
            r.bytes_per_rank = used->strategy->model_bytes(used->kind, c.d, P, size_t(used->encoded_bytes));
            r.link = link_for(link, used->strategy->name);
            r.comm_s = candidate_seconds(*used, c.d, P, link);
            r.exposed_s = overlap_exposed_seconds(c.overlap, r.comm_s);
            r.step_s = c.local_s + r.exposed_s;
            r.samples_per_s = c.batch > 0 ? P * double(c.batch) / r.step_s : 0;
            const double baseline_comm_s =
                model_seconds(allreduce, MessageKind::fp32, c.d, P, 0, link_for(link, allreduce.name));
            r.baseline_step_s = c.baseline_local_s + baseline_comm_s;
            r.best_baseline_step_s = best_ratio > 0 ? c.baseline_local_s + best_ratio * baseline_comm_s : 0;
            if (c.baseline_overlap.fitted)
                r.overlap_baseline_step_s =
                    c.baseline_local_s + overlap_exposed_seconds(c.baseline_overlap, baseline_comm_s);
            rows.push_back(r);
        }
    }
    return rows;
}

std::string crossover_text(std::span<const ProjectionRow> rows, const ProjectionRow& group, bool best) {
    std::vector<int> ranks;
    std::vector<bool> wins;
    for (const ProjectionRow& r : rows) {
        if (r.method != group.method || r.strategy != group.strategy || r.d != group.d) continue;
        const double against = best ? r.best_baseline_step_s : r.baseline_step_s;
        if (r.kind == MessageKind::fp32 || against <= 0) return "-";
        ranks.push_back(r.ranks);
        wins.push_back(r.step_s < against);
    }
    if (wins.empty()) return "-";
    const auto first_win = std::find(wins.begin(), wins.end(), true);
    const auto first_loss = std::find(wins.begin(), wins.end(), false);
    if (first_loss == wins.end()) return "always";
    if (first_win == wins.end()) return "never";
    if (std::find(first_win, wins.end(), false) == wins.end())
        return "from " + std::to_string(ranks[size_t(first_win - wins.begin())]);
    if (std::find(first_loss, wins.end(), true) == wins.end())
        return "up to " + std::to_string(ranks[size_t(first_loss - wins.begin()) - 1]);
    return "mixed";
}

}  // namespace bitvote
