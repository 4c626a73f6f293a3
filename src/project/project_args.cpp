// `bitvote project` flags (see project_args.h).
#include "project/project_args.h"

#include <algorithm>
#include <cstdlib>

#include "base/flag_values.h"

namespace bitvote {
namespace {

struct Unit {
    const char* name;
    double scale;  // to the base unit (bytes per second, seconds)
};

const Unit bandwidth_units[] = {
    {"bit", 1.0 / 8}, {"Kbit", 1e3 / 8}, {"Mbit", 1e6 / 8}, {"Gbit", 1e9 / 8}, {"Tbit", 1e12 / 8},
    {"B", 1},         {"KB", 1e3},       {"MB", 1e6},       {"GB", 1e9},       {"TB", 1e12},
    {"KiB", 1024.0},  {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {"TiB", 1099511627776.0},
};
const Unit latency_units[] = {{"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3}, {"s", 1}};

// A number then one unit of `units` (with `per_second`, "/s" may follow).
template <size_t N>
bool quantity_parse(const std::string& text, const Unit (&units)[N], bool per_second, double* out) {
    const char* s = text.c_str();
    char* end = nullptr;
    const double v = std::strtod(s, &end);
    if (end == s || *s == ' ') return false;
    std::string unit(end);
    if (per_second && unit.size() > 2 && unit.compare(unit.size() - 2, 2, "/s") == 0) unit.resize(unit.size() - 2);
    for (const Unit& u : units)
        if (unit == u.name) return (*out = v * u.scale), true;
    return false;
}

// Comma-separated rank counts, each in [2, 1 << 24], ascending.
bool ranks_parse(const std::string& text, std::vector<int>* out) {
    size_t start = 0;
    while (start <= text.size()) {
        const size_t comma = std::min(text.find(',', start), text.size());
        int64_t P = 0;
        if (!int_parse(text.substr(start, comma - start), 2, 1 << 24, &P)) return false;
        if (!out->empty() && P <= out->back()) return false;
        out->push_back(int(P));
        start = comma + 1;
    }
    return !out->empty();
}

// "sweep.jsonl@100Mbit" -> path and rate; no '@' after the last '/': rate 0.
bool sweep_path_parse(const std::string& text, std::string* path, double* rate) {
    const size_t at = text.rfind('@');
    *path = text, *rate = 0;
    if (at == std::string::npos || text.find('/', at) != std::string::npos) return true;
    *path = text.substr(0, at);
    return !path->empty() && bandwidth_parse(text.substr(at + 1), rate);
}

// "" or what is missing for a fit and a projection.
std::string inputs_error(const ProjectArgs& a) {
    const auto rated = std::count_if(a.sweep_rates.begin(), a.sweep_rates.end(), [](double r) { return r > 0; });
    if (rated > 0 && size_t(rated) < a.sweep_rates.size())
        return "--sweep: give every file its link rate (FILE@RATE) or none";
    if (a.sweep_paths.empty() && a.run_paths.empty()) return "give --sweep FILE... and/or --runs DIR...";
    if (!a.overlap_paths.empty() && a.run_paths.empty()) return "--overlap-from fits runs given with --runs: give --runs";
    if (a.sweep_paths.empty() && (a.bandwidth_bytes_per_s == 0 || a.latency_s < 0))
        return "without --sweep there is nothing to fit: give --bandwidth and --latency";
    return "";
}

}  // namespace

bool bandwidth_parse(const std::string& text, double* bytes_per_s) {
    double v = 0;
    if (!quantity_parse(text, bandwidth_units, true, &v) || !(v > 0) || v > 1e18) return false;
    *bytes_per_s = v;
    return true;
}

bool latency_parse(const std::string& text, double* seconds) {
    double v = 0;
    if (!quantity_parse(text, latency_units, false, &v) || !(v >= 0) || v > 10) return false;
    *seconds = v;
    return true;
}

std::vector<int> default_project_ranks() {
    std::vector<int> out;
    for (int P = 16; P <= 4096; P *= 2) out.push_back(P);
    return out;
}

void project_flags_add(CLI::App* app, ProjectArgs* a) {
    flag_values(
        app, "--sweep FILE[@RATE]...",
        [a](const std::string& text) {
            std::string& path = a->sweep_paths.emplace_back();
            double& rate = a->sweep_rates.emplace_back();
            return sweep_path_parse(text, &path, &rate) ? "" : "FILE or FILE@RATE, RATE like 100Mbit, 1Gbit";
        },
        "`bitvote sweep --json` lines (several sizes, rank counts): fit alpha, beta per strategy and\n"
        "globally; each measured row is printed with the prediction and its error. FILE@RATE (every\n"
        "file or none): rows measured on links of RATE per direction (e.g. sweep4.jsonl@100Mbit); the\n"
        "fit then becomes time = alpha * rounds + (link_factor / rate + beta) * bytes, per strategy, so\n"
        "what does not scale with the link (half duplex, CPU per byte) carries over to --bandwidth");
    flag_values(
        app, "--runs DIR...",
        [a](const std::string& text) {
            a->run_paths.push_back(text);
            return "";
        },
        "`bitvote train --out` run files (summary.json, searched recursively): per-step\n"
        "data/compute/compress/aggregate/update time (time_share x step_ms_median), which stays with\n"
        "the per-rank batch as P grows; comm is replaced by the model. An --overlap run projects\n"
        "its method with overlap (METHOD+overlap) and fits what hides, unless --overlap-from has\n"
        "one for its method; an sgd --overlap run adds the overlapped fp32 baseline (vs_fp32_ov)");
    flag_values(
        app, "--overlap-from DIR...",
        [a](const std::string& text) {
            a->overlap_paths.push_back(text);
            return "";
        },
        "`bitvote train --overlap` run files that only fit what hides behind backward (window,\n"
        "exposed share) per method, e.g. measured on another link: the --runs of that method are\n"
        "then checked against a fit they took no part in");
    flag(app, "--bandwidth RATE", &a->bandwidth_bytes_per_s,
         Parsed<double>{bandwidth_parse, "a positive rate with a unit: 10Gbit, 25Gbit/s, 1.25GB/s, 800MB/s, 1GiB/s"},
         "link of the projection, per direction. Without FILE@RATE beta = 1 / RATE; with it each\n"
         "strategy's link_factor / RATE + beta",
         "the fitted beta; with FILE@RATE the fastest swept rate");
    flag(app, "--latency TIME", &a->latency_s,
         Parsed<double>{latency_parse, "a time with a unit: 800ns, 2us, 0.5ms, 0.001s"}, "per message round",
         "the fitted alpha");
    flag(app, "--ranks LIST", &a->ranks,
         Parsed<std::vector<int>>{ranks_parse, "ascending rank counts >= 2, e.g. 16,64,256"}, "rank counts to project",
         "16,32,...,4096");
    flag(app, "--d N", &a->d, in_range(1, int64_t(1) << 40), "coordinates for the sweep-only projection",
         "the largest swept d");
    flag(app, "--batch N", &a->batch, in_range(1, 1 << 24),
         "per-rank batch of the projection: scales a run's per-step non-comm time", "each run's own");
    flag(app, "--density D", &a->density, fraction(), "K = D * d where a sparse list's size is not measured");
    flag(app, "--time", &a->use_min_time, Choices<bool>{{{"avg", false}, {"min", true}}}, "which sweep time to fit");
    flag(app, "--json FILE", &a->json_path, "one JSON object per projected (method, strategy, ranks)");
    flags_check(app, [a] { return inputs_error(*a); });
}

}  // namespace bitvote
