// The config of `bitvote project`, its flags and the link-speed units they take.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compress/method.h"

namespace CLI {
class App;
}  // namespace CLI

namespace bitvote {

// The default projection ranks: 16, 32, ..., 4096.
std::vector<int> default_project_ranks();

struct ProjectArgs {
    std::vector<std::string> sweep_paths;     // --sweep FILE[@RATE]...: `bitvote sweep --json` lines
    std::vector<double> sweep_rates;          // each file's link rate per direction (bytes/s), or all 0: unknown
    std::vector<std::string> run_paths;       // --runs DIR...: summary.json files found under them
    std::vector<std::string> overlap_paths;   // --overlap-from DIR...: --overlap runs that fit the overlap only
    double bandwidth_bytes_per_s = 0;         // --bandwidth; 0 = the fitted global beta (rated: the fastest swept rate)
    double latency_s = -1;                    // --latency; < 0 = the fitted global alpha
    std::vector<int> ranks = default_project_ranks();  // --ranks LIST
    uint64_t d = 0;                           // --d: coordinates of the sweep-only projection; 0 = largest swept
    int batch = 0;                            // --batch: per-rank batch of the projection; 0 = each run's own
    double density = MethodConfig{}.density;  // --density: K = density * d where a sparse list size is unknown
    bool use_min_time = false;                // --time min: fit time_us_min instead of time_us_avg
    std::string json_path;                    // --json FILE: the projection rows
};

// Declares project's flags on `app` (the `project` subcommand); parsing fills
// *args, then checks that there is something to fit or project: --sweep
// and/or --runs, a rate for every --sweep file or none, --bandwidth and
// --latency without --sweep.
void project_flags_add(CLI::App* app, ProjectArgs* args);

// "10Gbit", "25Gbit/s", "1.25GB/s", "800MB/s", "1GiB/s" -> bytes per second.
// Bit units: bit Kbit Mbit Gbit Tbit; byte units: B KB MB GB TB KiB MiB GiB TiB
// (decimal K/M/G/T = 1e3.., binary Ki.. = 1024..), "/s" optional. No unit or
// an unknown one, zero, negative or non-finite: false.
bool bandwidth_parse(const std::string& text, double* bytes_per_s);
// "2us", "1.5ms", "800ns", "0.000002s" -> seconds; 0 allowed, a unit required.
bool latency_parse(const std::string& text, double* seconds);

}  // namespace bitvote
