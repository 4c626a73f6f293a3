// Flags of `bitvote sweep` (DESIGN.md 10), parsed the same way on every rank.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bitvote {

struct SweepArgs {
    std::vector<std::string> strategies;  // empty: the default list (cmd_sweep.cpp)
    uint64_t d_min = 1024;                // coordinates, first size
    uint64_t d_max = 1 << 20;             // coordinates, last size (inclusive)
    uint64_t factor = 4;                  // size step: d *= factor
    int iters = 20;                       // timed exchanges per (strategy, size)
    int warmup = 5;                       // untimed exchanges before them
    double density = 0;                   // fraction of coordinates voted (sparse); 0 = not given
    std::string json_path;                // --json FILE; empty = none
    uint64_t seed = 1;                    // data of rank r, coordinate i from (seed, r, i)
    bool best_baseline = false;           // also time each of OpenMPI's allreduce algorithms
    bool help = false;
};

// Parses argv[1..argc) (argv[0] is "sweep"). Returns false with a one-line
// *error naming the flag and what is wrong with it.
bool sweep_args_parse(int argc, char** argv, SweepArgs* out, std::string* error);

// The sizes to run: d_min, d_min·factor, ... while <= d_max.
std::vector<uint64_t> sweep_sizes(const SweepArgs& args);

void sweep_print_usage();

}  // namespace bitvote
