// What `bitvote sweep` prints (rank 0): a header, one table row per
// (size, strategy), and optionally one JSON object per row (DESIGN.md 10).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "comm/strategy.h"
#include "comm/wire_bytes.h"
#include "sweep/sweep_run.h"

namespace bitvote {

struct SweepHeader {
    int ranks = 1;
    int nodes = 1;
    Transport transport = Transport::self;
    std::string isa;         // kernel tier in use
    AlphaBeta alpha_beta;    // measured at start-up
    WireBytes barrier_cost;  // rank 0's bytes per barrier (tcp only)
    int iters = 1, warmup = 0;
};

void sweep_print_header(const SweepHeader& h);
// Rows of one size, in strategy order.
void sweep_print_rows(const std::vector<SweepRow>& rows);
// One JSON object on one line.
void sweep_write_json(FILE* f, const SweepRow& row, Transport transport);

}  // namespace bitvote
