// bitvote project: the alpha-beta fit, the projection, the crossover, the
// link-speed units (src/project/) and the run files it reads, as the trainer
// writes them (base/run_schema.h) — one process, nothing exchanged.
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "base/json_line.h"
#include "base/run_schema.h"
#include "project/calibrate.h"
#include "project/project_args.h"
#include "project/projection.h"
#include "train/run_records.h"

namespace bitvote {
namespace {

constexpr AlphaBeta ten_gbit_2us{2e-6, 1 / 1.25e9};

// A scratch directory, removed at the end of the test.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        char name[] = "/tmp/bitvote_project_XXXXXX";
        path = mkdtemp(name);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    std::string write(const std::string& name, const std::string& text) const {
        std::filesystem::create_directories((path / name).parent_path());
        std::ofstream(path / name) << text;
        return (path / name).string();
    }
};

// A sweep JSON line whose time is the model's own for (strategy, kind, d, P).
std::string sweep_line(const std::string& strategy, MessageKind kind, uint64_t d, int P, AlphaBeta ab,
                       double encoded = 0) {
    const Strategy& s = *strategy_find(strategy);
    const double bytes = s.model_bytes(kind, d, P, size_t(encoded));
    const double t_us = 1e6 * model_seconds(s, kind, d, P, size_t(encoded), ab);
    char line[512];
    std::snprintf(line, sizeof line,
                  "{\"strategy\":\"%s\",\"ranks\":%d,\"d\":%llu,\"time_us_avg\":%.17g,\"time_us_min\":%.17g,"
                  "\"time_us_max\":%.17g,\"payload_sent\":1,\"wire_sent\":null,\"wire_recv\":null,"
                  "\"model_bytes\":%.17g,\"wrong\":0,\"kind\":\"%s\",\"transport\":\"tcp\"}\n",
                  strategy.c_str(), P, (unsigned long long)d, t_us, t_us, t_us, bytes,
                  std::string(message_kind_name(kind)).c_str());
    return line;
}

// Rows of every dense strategy at P = 2..8 and d = 64K..4M, from the model.
std::string model_sweep(AlphaBeta ab) {
    std::string text;
    for (int P : {2, 3, 4, 8})
        for (uint64_t d : {65536ull, 1048576ull, 4194304ull}) {
            text += sweep_line("allreduce", MessageKind::fp32, d, P, ab);
            for (const char* s : {"vote-allreduce", "vote-rsag", "vote-alltoall", "vote-gather"})
                text += sweep_line(s, MessageKind::sign, d, P, ab);
            text += sweep_line("sparse-allgather", MessageKind::sparse, d, P, ab, 0.002 * double(d));
        }
    return text;
}

TEST(ProjectFit, RecoversAlphaBetaExactlyFromModelRows) {
    TempDir dir;
    const AlphaBeta truth{7.5e-6, 1 / 2.2e9};
    std::string text = model_sweep(truth);
    text += "{\"strategy\":\"auto\",\"ranks\":4,\"d\":65536,\"time_us_avg\":5,\"time_us_min\":5,\"model_bytes\":null,"
            "\"kind\":\"sign\",\"picked\":\"vote-alltoall\"}\n";
    text += sweep_line("allreduce", MessageKind::fp32, 65536, 1, {1e-6, 1e-9});  // one rank: nothing exchanged
    const std::string path = dir.write("sweep.jsonl", text);
    std::vector<SweepPoint> points;
    int skipped = 0;
    std::string error;
    ASSERT_TRUE(sweep_points_read(path, false, &points, &skipped, &error)) << error;
    EXPECT_EQ(skipped, 2);  // auto and the one-rank row
    ASSERT_EQ(points.size(), 4u * 3u * 6u);
    const Fit global = fit_alpha_beta(points, "global");
    EXPECT_NEAR(global.ab.alpha_s / truth.alpha_s, 1, 1e-9);
    EXPECT_NEAR(global.ab.beta_s_per_byte / truth.beta_s_per_byte, 1, 1e-9);
    EXPECT_LT(global.max_rel_error, 1e-9);
    const std::vector<Fit> fits = fit_per_strategy(points);
    ASSERT_EQ(fits.size(), 6u);
    for (const Fit& f : fits) {
        EXPECT_EQ(f.points, 12) << f.label;
        EXPECT_NEAR(f.ab.alpha_s / truth.alpha_s, 1, 1e-9) << f.label;
        EXPECT_NEAR(f.ab.beta_s_per_byte / truth.beta_s_per_byte, 1, 1e-9) << f.label;
    }
}

TEST(ProjectFit, NeverNegative) {
    // Times that fall with the number of rounds: the free fit's alpha would be < 0.
    std::vector<SweepPoint> points(3);
    const double rounds[] = {2, 6, 14}, bytes[] = {1e6, 1e6, 1e6}, time_s[] = {1e-3, 0.9e-3, 0.8e-3};
    for (size_t i = 0; i < 3; ++i) points[i].rounds = rounds[i], points[i].bytes = bytes[i], points[i].time_s = time_s[i];
    const Fit f = fit_alpha_beta(points, "x");
    EXPECT_EQ(f.ab.alpha_s, 0);
    EXPECT_GT(f.ab.beta_s_per_byte, 0);
    EXPECT_GT(f.rms_rel_error, 0);
}

// Sweep rows of `model_sweep` on links of two rates: the time of each is the
// fit's own at its rate. The fit must recover alpha, beta and link_factor.
TEST(ProjectFit, RecoversTheRatedModelFromTwoRates) {
    TempDir dir;
    Fit truth;
    truth.ab = {300e-6, 1.5e-9}, truth.link_factor = 2, truth.rated = true;
    std::vector<SweepPoint> points;
    int skipped = 0;
    std::string error;
    for (double rate : {12.5e6, 125e6}) {  // 100 Mbit/s, 1 Gbit/s
        const std::string path = dir.write("sweep" + std::to_string(int(rate)) + ".jsonl",
                                           model_sweep(fit_at_rate(truth, rate)));
        const size_t before = points.size();
        ASSERT_TRUE(sweep_points_read(path, false, &points, &skipped, &error)) << error;
        for (size_t i = before; i < points.size(); ++i) points[i].rate_bytes_per_s = rate;
    }
    for (const Fit& f : fit_per_strategy(points)) {
        EXPECT_TRUE(f.rated) << f.label;
        EXPECT_NEAR(f.ab.alpha_s / truth.ab.alpha_s, 1, 1e-6) << f.label;
        EXPECT_NEAR(f.ab.beta_s_per_byte / truth.ab.beta_s_per_byte, 1, 1e-6) << f.label;
        EXPECT_NEAR(f.link_factor, 2, 1e-6) << f.label;
        EXPECT_LT(f.max_rel_error, 1e-6) << f.label;
    }
    const Fit global = fit_alpha_beta(points, "global");
    // At 300 Mbit/s (37.5 MB/s): beta = 2 / 37.5e6 + 1.5e-9 s per byte; the same for a point there.
    const AlphaBeta at = fit_at_rate(global, 37.5e6);
    EXPECT_NEAR(at.alpha_s, 300e-6, 1e-12);
    EXPECT_NEAR(at.beta_s_per_byte, 2 / 37.5e6 + 1.5e-9, 1e-15);
    SweepPoint p = points[0];
    p.rate_bytes_per_s = 37.5e6;
    EXPECT_NEAR(fit_point_seconds(global, p), point_model_seconds(p, at), 1e-15);

    // One rate only: link and per-byte time cannot be told apart; all of it goes to the link.
    const std::vector<SweepPoint> slow(points.begin(), points.begin() + long(points.size() / 2));
    const Fit one = fit_alpha_beta(slow, "one rate");
    EXPECT_TRUE(one.rated);
    EXPECT_EQ(one.ab.beta_s_per_byte, 0);
    EXPECT_NEAR(fit_at_rate(one, 12.5e6).beta_s_per_byte / fit_at_rate(truth, 12.5e6).beta_s_per_byte, 1, 1e-6);

    // Rates unknown (one point without): the plain alpha-beta fit, no link term.
    points[0].rate_bytes_per_s = 0;
    const Fit plain = fit_alpha_beta(points, "plain");
    EXPECT_FALSE(plain.rated);
    EXPECT_EQ(plain.link_factor, 0);
}

TEST(ProjectFit, RatedTermsNeverNegative) {
    // A link that costs nothing per byte beyond its rate (beta = 0): no term goes below zero.
    TempDir dir;
    Fit truth;
    truth.ab = {50e-6, 0}, truth.link_factor = 1, truth.rated = true;
    std::vector<SweepPoint> points;
    int skipped = 0;
    std::string error;
    for (double rate : {12.5e6, 125e6}) {
        const std::string path = dir.write("s" + std::to_string(int(rate)), model_sweep(fit_at_rate(truth, rate)));
        const size_t before = points.size();
        ASSERT_TRUE(sweep_points_read(path, false, &points, &skipped, &error)) << error;
        for (size_t i = before; i < points.size(); ++i) points[i].rate_bytes_per_s = rate;
    }
    const Fit f = fit_alpha_beta(points, "global");
    EXPECT_GE(f.ab.beta_s_per_byte, 0);
    EXPECT_NEAR(f.ab.beta_s_per_byte, 0, 1e-15);
    EXPECT_NEAR(f.link_factor, 1, 1e-6);
    EXPECT_NEAR(f.ab.alpha_s / 50e-6, 1, 1e-6);
}

TEST(ProjectFit, BestBaselineIsTheFastestForcedAllreduceAtTheLargestPoint) {
    std::vector<SweepPoint> points;
    auto add = [&](const char* label, int P, uint64_t d, double t) {
        SweepPoint p;
        p.label = label, p.ranks = P, p.d = d, p.time_s = t;
        points.push_back(p);
    };
    add("allreduce", 4, 1 << 20, 10), add("allreduce:ring", 4, 1 << 20, 7), add("allreduce:linear", 4, 1 << 20, 12);
    add("allreduce", 2, 1 << 22, 10), add("allreduce:ring", 2, 1 << 22, 5);  // smaller P: not the largest point
    std::string label;
    EXPECT_DOUBLE_EQ(best_baseline_ratio(points, &label), 0.7);
    EXPECT_EQ(label, "allreduce:ring");
    points.resize(0);
    EXPECT_EQ(best_baseline_ratio(points, &label), 0);
}

TEST(ProjectProjection, SweepCaseByHand) {
    // d = 1M at P = 16 over 10 Gbit/s, 2 us:
    //   allreduce:     30 rounds, 2 * 15/16 * 4e6 B = 7.5e6 B  -> 60 us + 6000 us = 6060 us
    //   vote-alltoall: 30 rounds, 15/16 * (1 + 2) * 1e6/8 = 351562.5 B (even P: the decision is
    //                  two bitmaps, nonzero and positive) -> 60 us + 281.25 us = 341.25 us
    std::vector<SweepPoint> points(2);
    points[0].label = "allreduce", points[0].strategy = strategy_find("allreduce"), points[0].kind = MessageKind::fp32;
    points[1].label = "vote-alltoall", points[1].strategy = strategy_find("vote-alltoall");
    for (SweepPoint& p : points) p.d = 4096, p.ranks = 2;
    const ProjectCase c = project_case_from_sweep(points, 1000000);
    ASSERT_EQ(c.candidates.size(), 3u);  // + auto over the sign candidates
    const int ranks[] = {16};
    const std::vector<ProjectionRow> rows = project_case(c, ranks, ten_gbit_2us, 0.5);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_NEAR(rows[0].comm_s, 6060e-6, 1e-12);
    EXPECT_NEAR(rows[0].bytes_per_rank, 7.5e6, 1e-6);
    EXPECT_NEAR(rows[1].comm_s, 341.25e-6, 1e-12);
    EXPECT_NEAR(rows[1].bytes_per_rank, 351562.5, 1e-6);
    EXPECT_NEAR(rows[1].baseline_step_s, 6060e-6, 1e-12);
    EXPECT_NEAR(rows[1].best_baseline_step_s, 3030e-6, 1e-12);
    EXPECT_EQ(rows[1].samples_per_s, 0);  // no batch: the exchange alone
    EXPECT_EQ(rows[2].strategy, "auto");
    EXPECT_EQ(rows[2].picked, "vote-alltoall");
    EXPECT_DOUBLE_EQ(rows[2].comm_s, rows[1].comm_s);
}

TEST(ProjectProjection, EachStrategyOnItsOwnLink) {
    // allreduce on its own fit (twice the per-byte time), vote-alltoall on the global link; d = 1M, P = 16.
    std::vector<SweepPoint> points(2);
    points[0].label = "allreduce", points[0].strategy = strategy_find("allreduce"), points[0].kind = MessageKind::fp32;
    points[1].label = "vote-alltoall", points[1].strategy = strategy_find("vote-alltoall");
    for (SweepPoint& p : points) p.d = 4096, p.ranks = 2;
    LinkModel link{ten_gbit_2us};
    link.per_strategy.emplace_back("allreduce", AlphaBeta{2e-6, 2 / 1.25e9});
    const int ranks[] = {16};
    const std::vector<ProjectionRow> rows = project_case(project_case_from_sweep(points, 1000000), ranks, link, 0);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_NEAR(rows[0].comm_s, 60e-6 + 12000e-6, 1e-12);
    EXPECT_DOUBLE_EQ(rows[0].link.beta_s_per_byte, 2 / 1.25e9);
    EXPECT_NEAR(rows[1].comm_s, 341.25e-6, 1e-12);
    EXPECT_DOUBLE_EQ(rows[1].link.beta_s_per_byte, 1 / 1.25e9);
    EXPECT_NEAR(rows[1].baseline_step_s, 12060e-6, 1e-12);  // the baseline on allreduce's own link
    EXPECT_EQ(rows[2].picked, "vote-alltoall");
    EXPECT_DOUBLE_EQ(rows[2].comm_s, rows[1].comm_s);
}

TEST(ProjectProjection, RunCaseByHand) {
    TempDir dir;
    // signsgd, 4 ranks x batch 32, d = 1M; step 2 ms: data 0.1, compute 1.0, compress 0.2, comm 0.5, update 0.2 ms.
    dir.write("run/summary.json",
              "{\"event\":\"summary\",\"strategy\":\"vote-alltoall\",\"method\":\"signsgd\",\"params\":1000000,"
              "\"batch\":32,\"density\":0.01,\"ranks\":4,\"step_ms_median\":2,\"hosts\":[\"a\",\"b\"],"
              "\"time_share\":{\"data\":0.05,\"compute\":0.5,\"compress\":0.1,\"comm\":0.25,\"aggregate\":0,"
              "\"update\":0.1},\"bytes_per_iter\":{\"payload_sent\":250000,\"wire_sent\":null,\"wire_recv\":null},"
              "\"transport\":\"tcp\"}\n");
    std::vector<std::string> files;
    std::string error;
    const std::string where[] = {dir.path.string()};
    ASSERT_TRUE(run_files_find(where, &files, &error)) << error;
    ASSERT_EQ(files.size(), 1u);
    RunProfile run;
    ASSERT_TRUE(run_profile_read(files[0], &run, &error)) << error;
    EXPECT_EQ(run.kind, MessageKind::sign);
    EXPECT_NEAR(run_local_seconds(run), 1.5e-3, 1e-15);

    const int ranks[] = {16};
    const ProjectCase own = project_case_from_run(run, overlap_fit_from_run(run), {}, 0, 0.01);
    std::vector<ProjectionRow> rows = project_case(own, ranks, ten_gbit_2us, 0);
    auto alltoall = std::find_if(rows.begin(), rows.end(), [](const ProjectionRow& r) { return r.strategy == "vote-alltoall"; });
    ASSERT_NE(alltoall, rows.end());
    EXPECT_NEAR(alltoall->step_s, 1.5e-3 + 341.25e-6, 1e-12);
    EXPECT_NEAR(alltoall->samples_per_s, 16 * 32 / (1.5e-3 + 341.25e-6), 1e-6);
    EXPECT_NEAR(alltoall->baseline_step_s, 1.3e-3 + 6060e-6, 1e-12);  // fp32: no compress

    // Batch 64: data and compute double (+1.1 ms), compress and update stay.
    const ProjectCase doubled = project_case_from_run(run, overlap_fit_from_run(run), {}, 64, 0.01);
    EXPECT_NEAR(doubled.local_s, 2.6e-3, 1e-15);
    EXPECT_NEAR(doubled.baseline_local_s, 2.4e-3, 1e-15);
    EXPECT_FALSE(own.overlap.fitted);  // no --overlap: every exchange is exposed
    EXPECT_DOUBLE_EQ(run.comm_busy_s, run.phase_s[size_t(Phase::comm)]);  // no comm_busy_share: the comm phase
    EXPECT_DOUBLE_EQ(alltoall->exposed_s, alltoall->comm_s);
    EXPECT_EQ(alltoall->overlap_baseline_step_s, 0);
}

TEST(ProjectProjection, OverlapRunCaseByHand) {
    TempDir dir;
    // sgd --overlap, 4 ranks x batch 32, d = 1M; step 10 ms: compute 6, exposed comm 2 (of 6 ms busy), update 2 ms.
    dir.write("run/summary.json",
              "{\"event\":\"summary\",\"strategy\":\"allreduce\",\"method\":\"sgd\",\"params\":1000000,"
              "\"batch\":32,\"density\":0.01,\"ranks\":4,\"step_ms_median\":10,\"overlap\":true,"
              "\"comm_busy_share\":0.6,\"time_share\":{\"data\":0,\"compute\":0.6,\"compress\":0,\"comm\":0.2,"
              "\"aggregate\":0,\"update\":0.2},\"bytes_per_iter\":{\"payload_sent\":4000000},\"transport\":\"tcp\"}\n");
    RunProfile run;
    std::string error;
    ASSERT_TRUE(run_profile_read((dir.path / "run/summary.json").string(), &run, &error)) << error;
    EXPECT_TRUE(run.overlap);
    EXPECT_NEAR(run.comm_busy_s, 6e-3, 1e-15);
    const OverlapFit fit = overlap_fit_from_run(run);
    ASSERT_TRUE(fit.fitted);
    EXPECT_NEAR(fit.window_s, 4e-3, 1e-15);      // busy - exposed
    EXPECT_NEAR(fit.exposed_share, 1.0 / 3, 1e-15);
    EXPECT_NEAR(overlap_exposed_seconds(fit, 6e-3), 2e-3, 1e-15);   // exact at the run's own busy comm
    EXPECT_NEAR(overlap_exposed_seconds(fit, 3e-3), 1e-3, 1e-15);   // less comm: the share stays exposed
    EXPECT_NEAR(overlap_exposed_seconds(fit, 12e-3), 8e-3, 1e-15);  // more comm: only the window hides
    EXPECT_NEAR(overlap_exposed_seconds(fit, 12e-3, 2), 4e-3, 1e-15);  // twice the backward: twice the window
    EXPECT_DOUBLE_EQ(overlap_exposed_seconds(OverlapFit{}, 12e-3), 12e-3);

    // The overlapped method's case and the overlapped baseline (the same run standing for both).
    const int ranks[] = {16};
    const ProjectCase c = project_case_from_run(run, fit, {nullptr, fit}, 0, 0.01);
    EXPECT_EQ(c.method, "sgd+overlap");
    EXPECT_NEAR(c.local_s, 8e-3, 1e-15);
    const std::vector<ProjectionRow> rows = project_case(c, ranks, ten_gbit_2us, 0);
    auto allreduce = std::find_if(rows.begin(), rows.end(), [](const ProjectionRow& r) { return r.strategy == "allreduce"; });
    ASSERT_NE(allreduce, rows.end());
    const double comm = allreduce->comm_s, exposed = std::max(comm / 3, comm - 4e-3);
    EXPECT_NEAR(allreduce->exposed_s, exposed, 1e-15);
    EXPECT_NEAR(allreduce->step_s, 8e-3 + exposed, 1e-15);
    EXPECT_NEAR(allreduce->baseline_step_s, 8e-3 + comm, 1e-15);
    EXPECT_NEAR(allreduce->overlap_baseline_step_s, allreduce->step_s, 1e-15);  // sgd+overlap is that baseline

    // Batch 64: compute doubles, and so does the window.
    const ProjectCase big = project_case_from_run(run, fit, {}, 64, 0.01);
    EXPECT_NEAR(big.overlap.window_s, 8e-3, 1e-15);
    EXPECT_FALSE(big.baseline_overlap.fitted);
}

ProjectionRow row_at(int P, double step_s, double baseline_s) {
    ProjectionRow r;
    r.method = "m", r.strategy = "vote-rsag", r.ranks = P, r.step_s = step_s, r.baseline_step_s = baseline_s;
    return r;
}

std::string crossover_of(const std::vector<bool>& wins) {
    std::vector<ProjectionRow> rows;
    int P = 16;
    for (bool w : wins) rows.push_back(row_at(P, w ? 1 : 3, 2)), P *= 2;
    return crossover_text(rows, rows[0], false);
}

TEST(ProjectCrossover, NamesWhereTheStrategyWins) {
    EXPECT_EQ(crossover_of({true, true, true}), "always");
    EXPECT_EQ(crossover_of({false, false, false}), "never");
    EXPECT_EQ(crossover_of({false, true, true}), "from 32");
    EXPECT_EQ(crossover_of({true, true, false}), "up to 32");
    EXPECT_EQ(crossover_of({true, false, true}), "mixed");
    std::vector<ProjectionRow> tie = {row_at(16, 2, 2)};
    EXPECT_EQ(crossover_text(tie, tie[0], false), "never");  // a tie does not pay
    EXPECT_EQ(crossover_text(tie, tie[0], true), "-");       // no best baseline measured
    std::vector<ProjectionRow> fp32 = {row_at(16, 1, 2)};  // fp32 messages: the baseline's own kind
    fp32[0].strategy = "auto", fp32[0].kind = MessageKind::fp32;
    EXPECT_EQ(crossover_text(fp32, fp32[0], false), "-");
}

TEST(ProjectCrossover, VoteGatherLosesAtScaleAtTenGbit) {
    std::vector<SweepPoint> points(2);
    points[0].strategy = strategy_find("allreduce"), points[0].kind = MessageKind::fp32, points[0].label = "allreduce";
    points[1].strategy = strategy_find("vote-gather"), points[1].label = "vote-gather";
    for (SweepPoint& p : points) p.d = 25000000;
    const std::vector<int> ranks = default_project_ranks();
    const std::vector<ProjectionRow> rows = project_case(project_case_from_sweep(points, 0), ranks, ten_gbit_2us, 0);
    // Root bytes (P - 1 + log2 P) d/8 against 8 d (P - 1)/P: the gather stops paying past P ~ 60.
    auto gather = std::find_if(rows.begin(), rows.end(), [](const ProjectionRow& r) { return r.strategy == "vote-gather"; });
    ASSERT_NE(gather, rows.end());
    EXPECT_EQ(crossover_text(rows, *gather, false), "up to 32");
}

// The parsed value, NaN where rejected.
double bandwidth_of(const char* text) {
    double v = 0;
    return bandwidth_parse(text, &v) ? v : NAN;
}
double latency_of(const char* text) {
    double v = 0;
    return latency_parse(text, &v) ? v : NAN;
}

TEST(ProjectUnits, BandwidthAndLatency) {
    EXPECT_DOUBLE_EQ(bandwidth_of("10Gbit"), 1.25e9);
    EXPECT_DOUBLE_EQ(bandwidth_of("25Gbit/s"), 3.125e9);
    EXPECT_DOUBLE_EQ(bandwidth_of("100Gbit"), 12.5e9);
    EXPECT_DOUBLE_EQ(bandwidth_of("1.25GB/s"), 1.25e9);
    EXPECT_DOUBLE_EQ(bandwidth_of("800MB/s"), 8e8);
    EXPECT_DOUBLE_EQ(bandwidth_of("1GiB/s"), 1073741824.0);
    for (const char* bad : {"10", "10gbit", "10Gb", "10 Gbit", "Gbit", "0Gbit", "-1Gbit", "10Gbit/h", "1e400GB/s", ""})
        EXPECT_TRUE(std::isnan(bandwidth_of(bad))) << bad;
    EXPECT_DOUBLE_EQ(latency_of("2us"), 2e-6);
    EXPECT_DOUBLE_EQ(latency_of("800ns"), 8e-7);
    EXPECT_DOUBLE_EQ(latency_of("0.5ms"), 5e-4);
    EXPECT_DOUBLE_EQ(latency_of("0s"), 0);
    for (const char* bad : {"2", "2 us", "2usec", "2US", "-1us", "us", "nan", "1e9s"})
        EXPECT_TRUE(std::isnan(latency_of(bad))) << bad;
}

// `bitvote project ARGS...` through project's flags; false with CLI11's message.
bool project_parse(std::vector<const char*> argv, ProjectArgs* args, std::string* error) {
    argv.insert(argv.begin(), "project");
    CLI::App app;
    project_flags_add(&app, args);
    try {
        app.parse(int(argv.size()), argv.data());
    } catch (const CLI::ParseError& e) {
        *error = e.what();
        return false;
    }
    return true;
}

TEST(ProjectArgs, BadFlagsSayWhich) {
    auto parse = [](std::vector<const char*> argv, std::string* error) {
        ProjectArgs args;
        return project_parse(argv, &args, error);
    };
    std::string error;
    EXPECT_FALSE(parse({"--sweep", "a.jsonl", "--bandwidth", "10G"}, &error));
    EXPECT_NE(error.find("--bandwidth: '10G' is not a positive rate with a unit"), std::string::npos) << error;
    EXPECT_FALSE(parse({"--sweep", "a.jsonl", "--latency", "2"}, &error));
    EXPECT_NE(error.find("--latency: '2'"), std::string::npos) << error;
    EXPECT_FALSE(parse({"--sweep", "a.jsonl", "--ranks", "64,16"}, &error));
    EXPECT_NE(error.find("--ranks: '64,16' is not ascending rank counts"), std::string::npos) << error;
    EXPECT_FALSE(parse({"--runs", "r", "--bandwidth", "10Gbit"}, &error));  // nothing fitted and no latency
    EXPECT_NE(error.find("--latency"), std::string::npos) << error;
    EXPECT_FALSE(parse({"--bandwidth", "10Gbit", "--latency", "2us"}, &error));  // no input
    EXPECT_NE(error.find("--sweep FILE... and/or --runs DIR..."), std::string::npos) << error;
    EXPECT_TRUE(parse({"--sweep", "a.jsonl", "b.jsonl", "--runs", "r", "--bandwidth", "10Gbit"}, &error)) << error;
    EXPECT_FALSE(parse({"--sweep", "a.jsonl@100Mbit", "b.jsonl"}, &error));  // a rate for every file or none
    EXPECT_NE(error.find("every file"), std::string::npos) << error;
    EXPECT_FALSE(parse({"--sweep", "a.jsonl@100Mb"}, &error));
    EXPECT_NE(error.find("--sweep: 'a.jsonl@100Mb' is not FILE or FILE@RATE"), std::string::npos) << error;
    EXPECT_FALSE(parse({"--sweep", "@1Gbit"}, &error));
    EXPECT_FALSE(parse({"--sweep", "a.jsonl", "--time", "max"}, &error));
    EXPECT_NE(error.find("--time: 'max' is not one of avg or min"), std::string::npos) << error;
    EXPECT_FALSE(parse({"--sweep"}, &error));
    EXPECT_NE(error.find("--sweep"), std::string::npos) << error;
    EXPECT_FALSE(parse({"--sweep", "a.jsonl", "--overlap-from", "r"}, &error));  // fits runs: needs --runs
    EXPECT_NE(error.find("--overlap-from fits runs given with --runs"), std::string::npos) << error;
    EXPECT_TRUE(parse({"--sweep", "a.jsonl", "--runs", "r", "--overlap-from", "o"}, &error)) << error;
}

TEST(ProjectArgs, SweepFilesWithTheirLinkRates) {
    ProjectArgs args;
    std::string error;
    ASSERT_TRUE(project_parse({"--sweep", "a.jsonl@100Mbit", "--density", "0.02", "--sweep", "x@y/b.jsonl@1Gbit"},
                              &args, &error))
        << error;
    ASSERT_EQ(args.sweep_paths.size(), 2u);  // repeated --sweep adds files
    EXPECT_EQ(args.sweep_paths[0], "a.jsonl");
    EXPECT_EQ(args.sweep_paths[1], "x@y/b.jsonl");
    EXPECT_DOUBLE_EQ(args.sweep_rates[0], 12.5e6);
    EXPECT_DOUBLE_EQ(args.sweep_rates[1], 125e6);
    EXPECT_EQ(args.density, 0.02);
    EXPECT_EQ(args.ranks, default_project_ranks());
    ProjectArgs none;  // an '@' in a directory is not a rate
    ASSERT_TRUE(project_parse({"--sweep", "x@y/a.jsonl", "--ranks", "2,8", "--time", "min"}, &none, &error)) << error;
    EXPECT_EQ(none.sweep_paths[0], "x@y/a.jsonl");
    EXPECT_EQ(none.sweep_rates[0], 0);
    EXPECT_EQ(none.ranks, (std::vector<int>{2, 8}));
    EXPECT_TRUE(none.use_min_time);
    EXPECT_EQ(none.density, MethodConfig{}.density);
}

// The summary record of a signsgd run: 4 ranks x batch 32, d = 1M, step 2 ms
// (data 0.1, compute 1.0, compress 0.2, comm 0.5, update 0.2 ms), 250 KB per step.
JsonRecord summary_record(const std::string& transport, double payload_sent) {
    TrainConfig cfg;
    cfg.method.kind = MethodKind::signsgd;
    cfg.strategy = "auto";
    cfg.batch = {32};
    cfg.method.density = 0.01;
    RunFacts facts;
    facts.params = 1000000, facts.steps = 10, facts.steps_per_epoch = 5, facts.lr = 1e-4;
    facts.batches = {32, 32, 32, 32};
    RunEnv env;
    env.ranks = 4, env.transport = transport, env.hosts = {"a"};
    RunOutcome out;
    out.strategy_used = "vote-alltoall";
    out.checksum = "0123456789abcdef";
    out.metrics.step_ms_median = 2;
    out.metrics.time_share = {0.05, 0.5, 0.1, 0.25, 0, 0.1};
    out.metrics.payload_sent = payload_sent;
    out.metrics.wire_sent = 1e6;
    return record_summary(cfg, facts, env, out);
}

TEST(RunFiles, TheSummaryTheTrainerWritesIsTheOneProjectReads) {
    TempDir dir;
    const std::string path = dir.write("run/summary.json", json_line(summary_record("shm", 250000)) + "\n");
    RunProfile run;
    std::string error;
    ASSERT_TRUE(run_profile_read(path, &run, &error)) << error;
    EXPECT_EQ(run.method, "signsgd");
    EXPECT_EQ(run.strategy, "vote-alltoall");  // the one used, not the flag
    EXPECT_EQ(run.transport, "shm");
    EXPECT_EQ(run.kind, MessageKind::sign);
    EXPECT_EQ(run.ranks, 4);
    EXPECT_EQ(run.params, 1000000u);
    EXPECT_EQ(run.batch, 32);
    EXPECT_EQ(run.density, 0.01);
    EXPECT_EQ(run.step_s, 2e-3);
    EXPECT_EQ(run.payload_sent, 250000);
    EXPECT_NEAR(run.phase_s[size_t(Phase::comm)], 0.5e-3, 1e-18);
    EXPECT_NEAR(run_local_seconds(run), 1.5e-3, 1e-15);
}

TEST(RunFiles, SummaryFieldsAsDesignSection10NamesThem) {
    const JsonRecord s = JsonRecord::parse(json_line(summary_record("shm", 0)));
    for (const char* key : {"event", "method", "strategy", "aggregate", "model", "ranks", "params", "steps", "epochs",
                            "test_accuracy", "test_loss", "samples_per_s", "step_ms_median", "time_share",
                            "bytes_per_iter", "fp32_bytes_per_iter", "compression_ratio", "weights_checksum", "isa",
                            "transport", "slurm_job_id"})
        EXPECT_TRUE(s.contains(key)) << key;
    EXPECT_EQ(s["event"], "summary");
    EXPECT_EQ(s["epochs"], 2.0);
    // time_share: one key per phase, in Phase order (bench/*.py read the phase list from it).
    std::vector<std::string> keys;
    for (const auto& [key, share] : s["time_share"].items()) keys.push_back(key);
    ASSERT_EQ(keys.size(), size_t(phase_count));
    for (int p = 0; p < phase_count; ++p) EXPECT_EQ(keys[size_t(p)], phase_name(Phase(p)));
    // Not measurable or not defined: null, never a number standing in for it.
    EXPECT_TRUE(s["bytes_per_iter"]["wire_sent"].is_null());  // not tcp
    EXPECT_TRUE(s["bytes_per_iter"]["wire_recv"].is_null());
    EXPECT_TRUE(s["compression_ratio"].is_null());            // no payload: fp32 / 0
    EXPECT_TRUE(s["slurm_job_id"].is_null());
    EXPECT_TRUE(s["attack"].is_null());
    const JsonRecord tcp = JsonRecord::parse(json_line(summary_record("tcp", 250000)));
    EXPECT_EQ(tcp["bytes_per_iter"]["wire_sent"], 1e6);
    EXPECT_EQ(tcp["compression_ratio"], 16.0);
}

TEST(RunFiles, NumbersReadBackExactly) {
    JsonRecord r;
    const double values[] = {0.1, 1e-5, 1.0 / 3, 123456.789, 5e-324, 1.7976931348623157e308};
    for (double v : values) r["x"].push_back(v);
    r["big"] = int64_t(1) << 62;
    const JsonRecord back = JsonRecord::parse(json_line(r));
    for (size_t i = 0; i < std::size(values); ++i) EXPECT_EQ(back["x"][i].get<double>(), values[i]);
    EXPECT_EQ(back["big"].get<int64_t>(), int64_t(1) << 62);
    EXPECT_EQ(json_line(JsonRecord{{"nan", NAN}, {"inf", -INFINITY}}), R"({"nan":null,"inf":null})");
    EXPECT_EQ(json_line(JsonRecord{{"host", "a\xff"}}), "{\"host\":\"a\xef\xbf\xbd\"}");  // not UTF-8: U+FFFD
}

TEST(RunFiles, BrokenOrIncompleteFilesSayWhichAndWhy) {
    TempDir dir;
    RunProfile run;
    std::string error;
    for (const char* bad : {"", "{", R"({"a":})", R"({"a":1,})", R"({"a":1} x)", R"({"a":"x)", R"({"a":1x})", "[1]"}) {
        const std::string path = dir.write("bad.json", bad);
        EXPECT_FALSE(run_profile_read(path, &run, &error)) << bad;
        EXPECT_EQ(error.rfind(path + ": ", 0), 0u) << error;
    }
    JsonRecord s = JsonRecord::parse(json_line(summary_record("shm", 250000)));
    s["time_share"].erase("comm");
    EXPECT_FALSE(run_profile_read(dir.write("nocomm.json", json_line(s)), &run, &error));
    EXPECT_NE(error.find("no time_share.comm"), std::string::npos) << error;
    s["step_ms_median"] = nullptr;
    EXPECT_FALSE(run_profile_read(dir.write("null.json", json_line(s)), &run, &error));
    EXPECT_NE(error.find("not a train summary"), std::string::npos) << error;
    JsonRecord a = JsonRecord::parse(json_line(summary_record("shm", 250000)));
    a["async"] = true;  // a parameter server's run: no collective step to project
    EXPECT_FALSE(run_profile_read(dir.write("async.json", json_line(a)), &run, &error));
    EXPECT_NE(error.find("an --async run"), std::string::npos) << error;

    std::vector<SweepPoint> points;
    int skipped = 0;
    const std::string row = sweep_line("vote-rsag", MessageKind::sign, 1024, 4, ten_gbit_2us);
    const std::string sweep = dir.write("sweep.jsonl", row + "{\"strategy\":\"vote-rsag\",\n");
    EXPECT_FALSE(sweep_points_read(sweep, false, &points, &skipped, &error));
    EXPECT_EQ(error.rfind(sweep + ":2: ", 0), 0u) << error;
}

}  // namespace
}  // namespace bitvote
