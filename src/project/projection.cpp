// Projected step times and crossovers (see projection.h).
#include "project/projection.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels.h"

namespace bitvote {
namespace {

bool is_auto(const Strategy& s) { return s.name == "auto"; }

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

// What `auto` would run: the cheapest other candidate of its kind at P.
const Candidate* auto_pick(const ProjectCase& c, const Candidate& auto_candidate, int P, const LinkModel& link) {
    const Candidate* best = nullptr;
    double best_s = std::numeric_limits<double>::infinity();
    for (const Candidate& other : c.candidates) {
        if (is_auto(*other.strategy) || other.kind != auto_candidate.kind) continue;
        const double t = candidate_seconds(other, c.d, P, link);
        if (t < best_s) best = &other, best_s = t;
    }
    return best;
}

}  // namespace

AlphaBeta link_for(const LinkModel& link, std::string_view strategy) {
    for (const auto& [name, ab] : link.per_strategy)
        if (name == strategy) return ab;
    return link.global;
}

double encoded_bytes_estimate(MessageKind kind, uint64_t d, double density) {
    const size_t k = size_t(std::llround(density * double(d)));
    if (kind == MessageKind::sparse || kind == MessageKind::ternary) return double(indices_encode_bound(d, k));
    if (kind == MessageKind::sparse_fp32) return 8.0 * double(k);  // (uint32 index, fp32 value) pairs
    return 0;
}

double run_encoded_bytes(const RunProfile& run, double density) {
    const bool list_measured =
        run.ranks > 1 && (run.strategy == "sparse-allgather" || run.strategy == "sparse-allgather-fp32");
    if (list_measured) return run.payload_sent;
    return encoded_bytes_estimate(run.kind, run.params, run.density > 0 ? run.density : density);
}

ProjectCase project_case_from_run(const RunProfile& run, const RunProfile* fp32_run, int batch, double density) {
    ProjectCase c;
    c.method = run.method;
    c.d = run.params;
    c.batch = batch > 0 ? batch : run.batch;
    c.local_s = local_seconds_at_batch(run, c.batch);
    c.baseline_local_s = fp32_run ? local_seconds_at_batch(*fp32_run, c.batch)
                                  : c.local_s - run.phase_s[size_t(Phase::compress)];
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
    // auto rows are skipped when read (no model of their own): project it as the cheapest dense sign exchange.
    const Strategy* automatic = strategy_find("auto");
    if (std::any_of(c.candidates.begin(), c.candidates.end(), [](const Candidate& k) { return k.kind == MessageKind::sign; }))
        c.candidates.push_back({automatic, MessageKind::sign, 0});
    return c;
}

std::vector<ProjectionRow> project_case(const ProjectCase& c, std::span<const int> ranks, const LinkModel& link,
                                        double best_ratio) {
    const Strategy& allreduce = *strategy_find("allreduce");
    std::vector<ProjectionRow> rows;
    for (const Candidate& cand : c.candidates) {
        for (int P : ranks) {
            const Candidate* used = is_auto(*cand.strategy) ? auto_pick(c, cand, P, link) : &cand;
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
            r.step_s = c.local_s + r.comm_s;
            r.samples_per_s = c.batch > 0 ? P * double(c.batch) / r.step_s : 0;
            const double baseline_comm_s =
                model_seconds(allreduce, MessageKind::fp32, c.d, P, 0, link_for(link, allreduce.name));
            r.baseline_step_s = c.baseline_local_s + baseline_comm_s;
            r.best_baseline_step_s = best_ratio > 0 ? c.baseline_local_s + best_ratio * baseline_comm_s : 0;
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
