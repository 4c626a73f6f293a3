#include "train/staleness.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace bitvote {
namespace {

// The nearest-rank percentile q (0 < q <= 1) of sorted values: the
// ceil(q n)-th smallest.
int64_t nearest_rank(const std::vector<int64_t>& sorted, double q) {
    const size_t rank = size_t(std::ceil(q * double(sorted.size())));
    return sorted[std::max<size_t>(rank, 1) - 1];
}

}  // namespace

StalenessSummary staleness_summarize(std::span<const int64_t> staleness) {
    StalenessSummary s;
    if (staleness.empty()) return s;
    std::vector<int64_t> sorted(staleness.begin(), staleness.end());
    std::ranges::sort(sorted);
    double sum = 0;
    for (int64_t v : sorted) sum += double(v);
    s.mean = sum / double(sorted.size());
    s.p50 = nearest_rank(sorted, 0.5);
    s.p99 = nearest_rank(sorted, 0.99);
    s.max = sorted.back();
    return s;
}

}  // namespace bitvote
