// The projection: each strategy's step time at more ranks from the alpha-beta
// model, and where a compressed exchange beats the fp32 allreduce baseline.
//
//   ProjectCase c = project_case_from_run(run, overlap_fit_from_run(run), {fp32_run, {}}, batch, density);
//                                                                         // or project_case_from_sweep(points, d)
//   LinkModel link{AlphaBeta{2e-6, 0.8e-9}};               // every strategy; or per strategy: link.per_strategy
//   std::vector<ProjectionRow> rows = project_case(c, ranks, link, best_ratio);
//   std::string when = crossover_text(rows, rows[0], false);  // "always", "from 256", ... for rows[0]'s strategy
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "comm/strategy.h"
#include "project/calibrate.h"

namespace bitvote {

// The link of a projection: one alpha-beta for every strategy, or (sweeps
// fitted at known link rates) each swept strategy's own fit at the
// projection's rate, and `global` for the strategies without one.
struct LinkModel {
    AlphaBeta global;
    std::vector<std::pair<std::string, AlphaBeta>> per_strategy;  // (strategy name, its alpha-beta)
    LinkModel(AlphaBeta ab = {}) : global(ab) {}
};
// The alpha-beta of a strategy: its own, else the global one.
AlphaBeta link_for(const LinkModel& link, std::string_view strategy);

// One way to exchange a case's message.
struct Candidate {
    const Strategy* strategy = nullptr;  // a picker (auto): strategy_pick among the case's candidates of its kind
    MessageKind kind = MessageKind::sign;
    double encoded_bytes = 0;            // sparse lists: one rank's list (bytes); else 0
};

// What a projected step does: the exchange, and (from a run) the rest.
struct ProjectCase {
    std::string method;             // "" for the sweep's exchanges alone; "sgd+overlap" for an --overlap run
    uint64_t d = 0;                 // coordinates
    int batch = 0;                  // per rank; 0 = no samples/s (sweep)
    double local_s = 0;             // per step outside the exchange: data, compute, compress, aggregate, update
    double baseline_local_s = 0;    // the same for the fp32 allreduce baseline (sgd)
    OverlapFit overlap;             // --overlap runs: what hides behind backward (window at this batch)
    OverlapFit baseline_overlap;    // the overlapped fp32 baseline's (sgd --overlap); not fitted = none
    std::vector<Candidate> candidates;
};

struct ProjectionRow {
    std::string method;             // "" for the sweep's exchanges alone
    std::string strategy;           // table name
    std::string picked;             // auto's pick, else ""
    MessageKind kind = MessageKind::sign;
    int ranks = 0;
    uint64_t d = 0;
    int batch = 0;
    double rounds = 0;              // model_rounds(P)
    double bytes_per_rank = 0;      // model_bytes, per exchange = per step
    AlphaBeta link;                 // the alpha-beta of the comm (of the picked strategy for auto)
    double comm_s = 0;              // alpha * rounds + beta * bytes
    double exposed_s = 0;           // the part of comm_s not hidden behind backward (= comm_s without overlap)
    double step_s = 0;              // local + exposed
    double samples_per_s = 0;       // P * batch / step_s; 0 without a batch
    double baseline_step_s = 0;     // fp32 allreduce (model) with the baseline's local time
    double best_baseline_step_s = 0;  // the same with the fastest measured allreduce algorithm; 0 = not measured
    double overlap_baseline_step_s = 0;  // the fp32 allreduce with --overlap (model); 0 = no overlapped sgd run
};

// One rank's sparse list in a run: measured (payload) where the run's strategy
// sends lists, else encoded_bytes_estimate of K = density * d (the run's
// density, or `density`); 0 for dense kinds.
double run_encoded_bytes(const RunProfile& run, double density);

// The fp32 baselines of a run's projection: `fp32` (sgd over allreduce, same
// params) sets the baseline's local time, else it is the run's own less
// compress; `fp32_overlap` (fitted from an sgd --overlap run) adds the
// overlapped baseline.
struct RunBaselines {
    const RunProfile* fp32 = nullptr;
    OverlapFit fp32_overlap;
};

// From a run: its method's kind and every strategy that takes it (auto last).
// `overlap` (fitted for an --overlap run of this method) hides part of each
// projected exchange. batch > 0 rescales data and compute (per sample) and the
// overlap windows with them; compress, aggregate and update stay (per coordinate).
ProjectCase project_case_from_run(const RunProfile& run, const OverlapFit& overlap, const RunBaselines& baselines,
                                  int batch, double density);
// From sweep points: each swept strategy with the kind it was swept with;
// sparse lists scale with d from the largest swept one.
ProjectCase project_case_from_sweep(std::span<const SweepPoint> points, uint64_t d);

// One row per (candidate, P), in candidate order. best_ratio (0 = none):
// the fastest measured allreduce algorithm's time over the default's.
std::vector<ProjectionRow> project_case(const ProjectCase& c, std::span<const int> ranks, const LinkModel& link,
                                        double best_ratio);

// Where the rows of `group`'s (method, strategy, d) beat their baseline
// (best: the measured best one) as P grows: "always", "never", "from P",
// "up to P", "mixed", or "-" (fp32 messages: the baseline itself; or no best
// baseline measured).
std::string crossover_text(std::span<const ProjectionRow> rows, const ProjectionRow& group, bool best);

}  // namespace bitvote
