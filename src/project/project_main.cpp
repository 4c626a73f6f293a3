// bitvote project: the alpha-beta model of every strategy, fitted to sweep
// rows (and run files) measured here, projected to 16..4096 ranks at a given
// link speed; each measured point is printed beside the model's prediction.
// Calls nothing of MPI: runs without mpirun, like `bitvote info`.
#include "project/project_main.h"

#include <algorithm>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "project/calibrate.h"
#include "project/project_report.h"
#include "project/projection.h"

namespace bitvote {
namespace {

int exit_error(const std::string& error) {
    std::fprintf(stderr, "bitvote project: %s\n", error.c_str());
    return 2;
}

bool read_sweeps(const ProjectArgs& args, std::vector<SweepPoint>* points, int* skipped, std::string* error) {
    for (size_t i = 0; i < args.sweep_paths.size(); ++i) {
        const size_t before = points->size();
        if (!sweep_points_read(args.sweep_paths[i], args.use_min_time, points, skipped, error)) return false;
        for (size_t k = before; k < points->size(); ++k) (*points)[k].rate_bytes_per_s = args.sweep_rates[i];
    }
    if (!args.sweep_paths.empty() && points->empty())
        return (*error = "no usable rows in the --sweep files (" + std::to_string(*skipped) +
                         " skipped: auto or one rank; sweep at 2 or more ranks)"), false;
    return true;
}

bool read_runs(std::span<const std::string> run_paths, std::vector<RunProfile>* runs, std::string* error) {
    std::vector<std::string> paths;
    if (!run_files_find(run_paths, &paths, error)) return false;
    for (const std::string& path : paths)
        if (!run_profile_read(path, &runs->emplace_back(), error)) return false;
    return true;
}

// The link of the projection. Rates unknown: the global fit, alpha and beta
// replaced by the flags where given (beta = 1 / --bandwidth). Fitted at known
// rates: each strategy's fit at --bandwidth (else the fastest swept rate),
// alpha replaced by --latency where given.
LinkModel resolve_link(const ProjectArgs& args, const FittedModel& m, std::string* source) {
    const bool rated = m.global.rated;
    double rate = args.bandwidth_bytes_per_s;
    if (rate == 0)
        for (double r : args.sweep_rates) rate = std::max(rate, r);
    auto at_rate = [&](const Fit& f) {
        AlphaBeta ab = rated ? fit_at_rate(f, rate) : f.ab;
        if (!rated && args.bandwidth_bytes_per_s > 0) ab.beta_s_per_byte = 1 / args.bandwidth_bytes_per_s;
        if (args.latency_s >= 0) ab.alpha_s = args.latency_s;
        return ab;
    };
    LinkModel link{at_rate(m.global)};
    if (rated)
        for (const Fit& f : m.per_strategy) link.per_strategy.emplace_back(f.label, at_rate(f));
    *source = args.latency_s >= 0 ? "alpha from --latency" : rated ? "alpha fitted per strategy" : "alpha fitted";
    char text[160];
    if (rated)
        std::snprintf(text, sizeof text, ", beta = link_factor / rate + beta of each strategy's fit at %.6g Mbit/s%s",
                      8e-6 * rate, args.bandwidth_bytes_per_s > 0 ? " (--bandwidth)" : " (the fastest swept rate)");
    else
        std::snprintf(text, sizeof text, "%s", args.bandwidth_bytes_per_s > 0 ? ", beta from --bandwidth" : ", beta fitted");
    *source += text;
    return link;
}

// The run that stands for its (method, params, overlap): the most ranks,
// then TCP (bytes on a real wire); the others are validated only.
std::vector<const RunProfile*> runs_per_method(const std::vector<RunProfile>& runs) {
    auto rank_of = [](const RunProfile* r) { return std::pair(r->ranks, r->transport == "tcp"); };
    std::vector<const RunProfile*> out;
    for (const RunProfile& r : runs) {
        auto same = std::find_if(out.begin(), out.end(), [&](const RunProfile* o) {
            return o->method == r.method && o->params == r.params && o->overlap == r.overlap;
        });
        if (same == out.end()) out.push_back(&r);
        else if (rank_of(&r) > rank_of(*same)) *same = &r;
    }
    return out;
}

// The fp32 allreduce run (sgd) with these params and overlap and the most
// ranks, or nullptr.
const RunProfile* fp32_run_for(std::span<const RunProfile> runs, uint64_t params, bool overlap) {
    const RunProfile* best = nullptr;
    for (const RunProfile& r : runs)
        if (r.kind == MessageKind::fp32 && r.strategy == strategy_fp32_baseline().name && r.params == params &&
            r.overlap == overlap && (!best || r.ranks > best->ranks))
            best = &r;
    return best;
}

// What hides behind backward for `run` (an --overlap run): the fit of the
// --overlap-from run of its method and params (most ranks), else its own.
OverlapFit overlap_fit_for(const RunProfile& run, std::span<const RunProfile> calibration) {
    const RunProfile* best = nullptr;
    for (const RunProfile& c : calibration)
        if (c.overlap && c.method == run.method && c.params == run.params && (!best || c.ranks > best->ranks))
            best = &c;
    return run.overlap ? overlap_fit_from_run(best ? *best : run) : OverlapFit{};
}

// The overlapped fp32 baseline's fit for params: from --overlap-from, else --runs.
OverlapFit fp32_overlap_fit(std::span<const RunProfile> runs, std::span<const RunProfile> calibration,
                            uint64_t params) {
    const RunProfile* r = fp32_run_for(calibration, params, true);
    if (!r) r = fp32_run_for(runs, params, true);
    return r ? overlap_fit_from_run(*r) : OverlapFit{};
}

}  // namespace

int project_main(const ProjectArgs& args) {
    std::string error;
    std::vector<SweepPoint> points;
    std::vector<RunProfile> runs, calibration;
    int skipped = 0;
    if (!read_sweeps(args, &points, &skipped, &error) || !read_runs(args.run_paths, &runs, &error) ||
        !read_runs(args.overlap_paths, &calibration, &error))
        return exit_error(error);
    for (const RunProfile& c : calibration)
        if (!c.overlap) return exit_error("--overlap-from: " + c.path + " is not an --overlap run");

    FittedModel model{fit_per_strategy(points), fit_alpha_beta(points, "global")};
    std::string source, best_label;
    const LinkModel link = resolve_link(args, model, &source);
    const double best_ratio = best_baseline_ratio(points, &best_label);

    std::vector<ProjectCase> cases;
    if (!points.empty()) cases.push_back(project_case_from_sweep(points, args.d));
    for (const RunProfile* r : runs_per_method(runs)) {
        const RunBaselines baselines{fp32_run_for(runs, r->params, false),
                                     fp32_overlap_fit(runs, calibration, r->params)};
        cases.push_back(project_case_from_run(*r, overlap_fit_for(*r, calibration), baselines, args.batch,
                                              args.density));
    }
    std::vector<ProjectionRow> rows;
    for (const ProjectCase& c : cases) {
        std::vector<ProjectionRow> more = project_case(c, args.ranks, link, best_ratio);
        rows.insert(rows.end(), more.begin(), more.end());
    }
    if (!args.json_path.empty() && !projection_json_write(args.json_path, rows, &error)) return exit_error(error);

    std::printf("# bitvote project: %zu sweep row(s) from %zu file(s), %zu run file(s)\n", points.size(),
                args.sweep_paths.size(), runs.size());
    if (!points.empty()) {
        report_fits(model, skipped, args.use_min_time);
        report_sweep_checks(points, model);
    }
    if (!runs.empty()) {
        std::vector<OverlapFit> fits;
        for (const RunProfile& r : runs) fits.push_back(overlap_fit_for(r, calibration));
        report_run_checks(runs, fits, points.empty() ? nullptr : &model, link, args.density);
    }
    report_link(link, source, best_label, best_ratio);
    report_projection(rows);
    report_crossovers(rows);
    return 0;
}

}  // namespace bitvote
