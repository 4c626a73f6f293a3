// Parsing `bitvote project`'s flags (see project_args.h).
#include "project/project_args.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cli/flags.h"

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
bool ranks_parse(const char* s, std::vector<int>* out) {
    out->clear();
    std::string text(s);
    size_t start = 0;
    while (start <= text.size()) {
        const size_t comma = std::min(text.find(',', start), text.size());
        int64_t P = 0;
        if (!flag_int(text.substr(start, comma - start).c_str(), 2, 1 << 24, &P)) return false;
        if (!out->empty() && P <= out->back()) return false;
        out->push_back(int(P));
        start = comma + 1;
    }
    return !out->empty();
}

bool is_flag(const char* s) { return s[0] == '-' && s[1] == '-'; }

// The values after a multi-value flag, up to the next --flag.
int take_paths(int argc, char** argv, int i, std::vector<std::string>* out) {
    while (i + 1 < argc && !is_flag(argv[i + 1])) out->push_back(argv[++i]);
    return i;
}

// "sweep.jsonl@100Mbit" -> path and rate; no '@' after the last '/': rate 0.
bool sweep_path_parse(const std::string& text, std::string* path, double* rate) {
    const size_t at = text.rfind('@');
    *path = text, *rate = 0;
    if (at == std::string::npos || text.find('/', at) != std::string::npos) return true;
    *path = text.substr(0, at);
    return !path->empty() && bandwidth_parse(text.substr(at + 1), rate);
}

// Every --sweep FILE@RATE split; all with a rate or none.
bool sweep_rates_parse(ProjectArgs* out, std::string* error) {
    out->sweep_rates.assign(out->sweep_paths.size(), 0);
    for (size_t i = 0; i < out->sweep_paths.size(); ++i) {
        const std::string text = out->sweep_paths[i];
        if (!sweep_path_parse(text, &out->sweep_paths[i], &out->sweep_rates[i]))
            return (*error = "--sweep '" + text + "': expected FILE or FILE@RATE, RATE like 100Mbit, 1Gbit"), false;
    }
    const auto rated = std::count_if(out->sweep_rates.begin(), out->sweep_rates.end(), [](double r) { return r > 0; });
    if (rated > 0 && size_t(rated) < out->sweep_rates.size())
        return (*error = "--sweep: give every file its link rate (FILE@RATE) or none"), false;
    return true;
}

bool bad(std::string* error, const std::string& flag, const std::string& value, const char* want) {
    *error = flag + " '" + value + "': expected " + want;
    return false;
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

bool project_args_parse(int argc, char** argv, ProjectArgs* out, std::string* error) {
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--help" || flag == "-h") {
            out->help = true;
            continue;
        }
        if (flag == "--sweep" || flag == "--runs") {
            std::vector<std::string>* paths = flag == "--sweep" ? &out->sweep_paths : &out->run_paths;
            const size_t before = paths->size();
            i = take_paths(argc, argv, i, paths);
            if (paths->size() == before) return bad(error, flag, "", "one or more paths");
            continue;
        }
        if (i + 1 >= argc) return (*error = flag + ": missing value"), false;
        const char* v = argv[++i];
        int64_t n = 0;
        if (flag == "--bandwidth") {
            if (!bandwidth_parse(v, &out->bandwidth_bytes_per_s))
                return bad(error, flag, v, "a positive rate with a unit: 10Gbit, 25Gbit/s, 1.25GB/s, 800MB/s, 1GiB/s");
        } else if (flag == "--latency") {
            if (!latency_parse(v, &out->latency_s))
                return bad(error, flag, v, "a time with a unit: 800ns, 2us, 0.5ms, 0.001s");
        } else if (flag == "--ranks") {
            if (!ranks_parse(v, &out->ranks)) return bad(error, flag, v, "ascending rank counts >= 2, e.g. 16,64,256");
        } else if (flag == "--d") {
            if (!flag_int(v, 1, int64_t(1) << 40, &n)) return bad(error, flag, v, "a coordinate count >= 1");
            out->d = uint64_t(n);
        } else if (flag == "--batch") {
            if (!flag_int(v, 1, 1 << 24, &n)) return bad(error, flag, v, "a per-rank batch >= 1");
            out->batch = int(n);
        } else if (flag == "--density") {
            if (!flag_real(v, &out->density) || !(out->density > 0) || out->density > 1)
                return bad(error, flag, v, "a fraction in (0, 1]");
        } else if (flag == "--time") {
            if (std::strcmp(v, "avg") && std::strcmp(v, "min")) return bad(error, flag, v, "avg or min");
            out->use_min_time = !std::strcmp(v, "min");
        } else if (flag == "--json") {
            out->json_path = v;
        } else {
            *error = "unknown flag '" + flag + "'";
            return false;
        }
    }
    if (out->help) return true;
    if (!sweep_rates_parse(out, error)) return false;
    if (out->sweep_paths.empty() && out->run_paths.empty()) return (*error = "give --sweep FILE... and/or --runs DIR..."), false;
    if (out->sweep_paths.empty() && (out->bandwidth_bytes_per_s == 0 || out->latency_s < 0))
        return (*error = "without --sweep there is nothing to fit: give --bandwidth and --latency"), false;
    if (out->ranks.empty()) out->ranks = default_project_ranks();
    return true;
}

void project_print_usage() {
    std::printf(
        "usage: bitvote project --sweep FILE[@RATE]... | --runs DIR...  [--bandwidth RATE] [--latency TIME]\n"
        "                       [--ranks 16,32,...] [--d N] [--batch N] [--density D] [--time avg|min]\n"
        "                       [--json FILE]\n"
        "  The alpha-beta model of each strategy, time = alpha * model_rounds(P) + beta * model_bytes(d, P)\n"
        "  (the model `auto` picks with), fitted to sweep rows and projected to more ranks. Needs no MPI launcher.\n"
        "  --sweep FILE...   `bitvote sweep --json` lines (several sizes, rank counts): fit alpha, beta per\n"
        "                    strategy and globally; each measured row is printed with the prediction and its error.\n"
        "                    FILE@RATE (every file or none): rows measured on links of RATE per direction\n"
        "                    (e.g. sweep4.jsonl@100Mbit); the fit then becomes\n"
        "                    time = alpha * rounds + (link_factor / rate + beta) * bytes, per strategy, so what\n"
        "                    does not scale with the link (half duplex, CPU per byte) carries over to --bandwidth\n"
        "  --runs DIR...     `bitvote train --out` run files (summary.json, searched recursively): per-step\n"
        "                    data/compute/compress/aggregate/update time (time_share x step_ms_median), which\n"
        "                    stays with the per-rank batch as P grows; comm is replaced by the model\n"
        "  --bandwidth RATE  link of the projection, per direction: 10Gbit, 25Gbit, 1.25GB/s, ... (default: fitted\n"
        "                    beta; with FILE@RATE the fastest swept rate). Without FILE@RATE beta = 1 / RATE;\n"
        "                    with it each strategy's link_factor / RATE + beta\n"
        "  --latency TIME    per message round: 2us, 800ns, ... (default: fitted alpha)\n"
        "  --ranks LIST      rank counts to project (default 16,32,...,4096)\n"
        "  --d N             coordinates for the sweep-only projection (default: largest swept d)\n"
        "  --batch N         per-rank batch of the projection: scales a run's per-step non-comm time (default: its own)\n"
        "  --density D       K = D * d where a sparse list's size is not measured (default 0.01)\n"
        "  --time avg|min    which sweep time to fit (default avg)\n"
        "  --json FILE       one JSON object per projected (method, strategy, ranks)\n"
        "  Exit 2 on a bad flag, a missing or unreadable file, or no usable rows.\n");
}

}  // namespace bitvote
