// The config of `bitvote sweep` (DESIGN.md 10) and its flags.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compress/method.h"

namespace CLI {
class App;
}  // namespace CLI

namespace bitvote {

struct SweepArgs {
    std::vector<std::string> strategies;      // strategy_table() names; empty: the default list (sweep_main.cpp)
    uint64_t d_min = 1024;                    // coordinates, first size
    uint64_t d_max = 1 << 20;                 // coordinates, last size (inclusive)
    uint64_t factor = 4;                      // size step: d *= factor
    int iters = 20;                           // timed exchanges per (strategy, size)
    int warmup = 5;                           // untimed exchanges before them
    double density = MethodConfig{}.density;  // fraction of coordinates voted (sparse strategies)
    bool density_given = false;               // --density given: the default list adds the sparse strategies
    std::string json_path;                    // --json FILE; empty = none
    uint64_t seed = 1;                        // data of rank r, coordinate i from (seed, r, i)
    bool best_baseline = false;               // also time each of OpenMPI's allreduce algorithms
};

// Declares sweep's flags on `app` (the `sweep` subcommand); parsing fills
// *args, then checks -b <= -e <= the size limit.
void sweep_flags_add(CLI::App* app, SweepArgs* args);

// The sizes to run: d_min, d_min·factor, ... while <= d_max.
std::vector<uint64_t> sweep_sizes(const SweepArgs& args);

}  // namespace bitvote
