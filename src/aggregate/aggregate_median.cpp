// median (medianSGD): every rank's fp32 vector to every rank (MPI_Allgather),
// then each rank takes each coordinate's median over the ranks that vote
// (abstainers left out; an even count: the mean of the two middle values), so
// all hold the same bits.
#include <algorithm>

#include "aggregate/aggregators.h"
#include "comm/collectives.h"

namespace bitvote {

void exchange_median(AggregateState* a, int, const Message& msg, Update*) {
    a->all_values.resize(size_t(a->comm->size) * msg.d);
    allgather_floats(a->comm, msg.values.data(), a->all_values.data(), msg.d);
}

void median_of_rows(std::span<const float> rows, size_t n, size_t d, Update* out) {
    update_reset(out, MessageKind::fp32, d);
    std::vector<float> column(n);
    for (size_t i = 0; i < d; ++i) {
        for (size_t r = 0; r < n; ++r) column[r] = rows[r * d + i];
        auto mid = column.begin() + ptrdiff_t(n / 2);
        std::nth_element(column.begin(), mid, column.end());
        float upper = *mid;
        out->values[i] = n % 2 ? upper : (*std::max_element(column.begin(), mid) + upper) / 2;
    }
}

// all_values: [P][d]; the abstainers' rows are dropped first (the voters'
// rows moved to the front, in rank order).
void combine_median(AggregateState* a, int, const Message& msg, Update* out) {
    const size_t d = msg.d;
    size_t voters = 0;
    for (size_t r = 0; r < size_t(a->comm->size); ++r) {
        if (rank_abstains(msg, r)) continue;
        if (voters != r)
            std::copy_n(a->all_values.begin() + ptrdiff_t(r * d), d, a->all_values.begin() + ptrdiff_t(voters * d));
        ++voters;
    }
    median_of_rows(a->all_values, voters, d, out);
}

}  // namespace bitvote
