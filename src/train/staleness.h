// Staleness of asynchronous updates (--method dgs / asgd): for each update the
// server applies, how many server versions (updates applied) passed since the
// worker's model was current, i.e. since the server last answered it.
#pragma once

#include <cstdint>
#include <span>

namespace bitvote {

struct StalenessSummary {
    double mean = 0;
    int64_t p50 = 0, p99 = 0, max = 0;  // nearest-rank percentiles
};

// Over every applied update (all zero for none).
StalenessSummary staleness_summarize(std::span<const int64_t> staleness);

}  // namespace bitvote
