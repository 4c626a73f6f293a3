// Calibration of the alpha-beta model from measurements: sweep rows give the
// network (alpha, beta per strategy and globally), train run files give the
// time a step spends outside the exchange.
//
//   std::vector<SweepPoint> points;  int skipped = 0;
//   sweep_points_read("sweep.jsonl", false, &points, &skipped, &error);
//   for (SweepPoint& p : points) p.rate_bytes_per_s = 12.5e6;  // measured on a 100 Mbit/s link (optional)
//   Fit global = fit_alpha_beta(points, "global");
//   std::vector<Fit> fits = fit_per_strategy(points);
//   AlphaBeta at_1g = fit_at_rate(global, 125e6);     // the fit on a 1 Gbit/s link
//   RunProfile run;  run_profile_read("runs/s3gd/summary.json", &run, &error);
#pragma once

#include <array>
#include <span>
#include <string>
#include <vector>

#include "base/phase.h"
#include "comm/strategy.h"

namespace bitvote {

// One measured exchange from a sweep file with the model's terms for it.
struct SweepPoint {
    std::string label;                  // the row's strategy: a table name or "allreduce:<algorithm>"
    const Strategy* strategy = nullptr;  // table row of the label's name before ':'
    MessageKind kind = MessageKind::sign;
    int ranks = 2;
    uint64_t d = 0;                      // coordinates
    double time_s = 0;                   // measured per exchange (time_us_avg, or _min)
    double rounds = 0;                   // model_rounds(ranks)
    double bytes = 0;                    // model_bytes(kind, d, ranks, encoded_bytes), per rank
    double encoded_bytes = 0;            // sparse lists: one rank's list, model_bytes / (P - 1); else 0
    double rate_bytes_per_s = 0;         // the link's rate per direction it was measured on; 0 = unknown
};

// Appends the rows of one sweep JSON-lines file. Rows of `auto` (no model of
// its own) and of one rank (nothing exchanged) are counted in *skipped.
// False with *error (file, line, what) on an unreadable file or a malformed row.
bool sweep_points_read(const std::string& path, bool use_min_time, std::vector<SweepPoint>* out, int* skipped,
                       std::string* error);

// The model's time for a point (s).
double point_model_seconds(const SweepPoint& p, AlphaBeta ab);

// The fitted cost of one exchange:
//   time = alpha * rounds + (link_factor / rate + beta) * bytes
// Fitted on rows of known link rates (every rate_bytes_per_s > 0), all three
// terms: link_factor is how many times the model's bytes cross the link at its
// rate (1: a rank's sends and receives overlap on a full-duplex link; about 2
// for OpenMPI's TCP on the emulated cluster, which does not overlap them), and
// beta the per-byte time that does not speed up with the link (copies,
// packing, counting, the emulated bridge); rows of one rate cannot tell the
// two apart, so there beta = 0. Without rates link_factor = 0 and beta is the
// plain alpha-beta model's, this network's whole per-byte time.
struct Fit {
    std::string label;       // strategy label, or "global"
    AlphaBeta ab;            // alpha, and beta: per byte, whatever the link rate
    double link_factor = 0;  // link seconds per byte x rate; 0 = not fitted (rates unknown)
    bool rated = false;      // fitted on rows of known link rates
    int points = 0;
    double rms_rel_error = 0;  // sqrt(mean(((model - measured) / measured)^2))
    double max_rel_error = 0;  // max |model - measured| / measured
};

// Least squares of time_s = alpha * rounds + beta * bytes (+ link_factor *
// bytes / rate when every point has a rate) on relative residuals (each row
// weighs the same whatever its size), every term >= 0. Exact on rows generated
// by the model. No points: zeros.
Fit fit_alpha_beta(std::span<const SweepPoint> points, const std::string& label);
// The fit's time for a point, at the point's own rate (s).
double fit_point_seconds(const Fit& f, const SweepPoint& p);
// The fit on a link of `rate` bytes/s per direction: {alpha, link_factor / rate + beta}.
AlphaBeta fit_at_rate(const Fit& f, double rate_bytes_per_s);
// One fit per label, in order of first appearance.
std::vector<Fit> fit_per_strategy(std::span<const SweepPoint> points);
const Fit* fit_find(std::span<const Fit> fits, const std::string& label);  // nullptr if absent

// The fastest forced allreduce algorithm ("allreduce:<name>", sweep
// --best-baseline) over the default allreduce, at the largest (ranks, d)
// where both were measured; 0 when no such pair.
double best_baseline_ratio(std::span<const SweepPoint> points, std::string* best_label);

// One train run (DESIGN.md 10, summary.json).
struct RunProfile {
    std::string path;
    std::string method;      // e.g. "s3gd"
    std::string strategy;    // the strategy used (auto resolved)
    std::string transport;   // "tcp", "shm", ...
    MessageKind kind = MessageKind::fp32;  // what the method sends
    int ranks = 1;
    uint64_t params = 0;     // d
    int batch = 0;           // per rank
    double density = 0;
    double step_s = 0;       // step_ms_median
    std::array<double, phase_count> phase_s{};  // time_share x step_s, per step
    double payload_sent = 0;  // bytes per step per rank
    bool overlap = false;     // --overlap: comm (phase_s) is the exposed part of the exchanges
    double comm_busy_s = 0;   // per step, the exchanges' own time, hidden or not (comm_busy_share x step_s)
};

// path: a summary.json file. False with *error on a missing or malformed one.
bool run_profile_read(const std::string& path, RunProfile* out, std::string* error);
// Every summary.json at or under each path (a file or a directory), sorted.
bool run_files_find(std::span<const std::string> paths, std::vector<std::string>* out, std::string* error);
// Per-step time outside the exchange (s): every phase but comm.
double run_local_seconds(const RunProfile& r);

// What --overlap hid in a measured run, to carry to other links and rank
// counts. From the run's busy (C) and exposed (E) comm per step: the window
// W = C - E behind backward that its exchanges used, and the exposed share
// tau = E / C. An exchange of c seconds then leaves
//   exposed(c) = max(tau * c, c - W)
// exact at the run's own c = C; conservative elsewhere: never more hidden
// than the run hid (the window), nor a larger share (the last buckets, which
// backward completes at its end, cannot hide). W scales with compute (batch).
struct OverlapFit {
    bool fitted = false;       // false: no overlap, exposed(c) = c
    double window_s = 0;       // W, per step at the run's batch
    double exposed_share = 1;  // tau
    std::string from;          // the run's path
};
OverlapFit overlap_fit_from_run(const RunProfile& r);  // fitted only for an --overlap run with busy comm
// Exposed seconds of an exchange of comm_s; compute_scale rescales the window.
double overlap_exposed_seconds(const OverlapFit& f, double comm_s, double compute_scale = 1);

}  // namespace bitvote
