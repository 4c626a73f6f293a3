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

// all_values: [P][d].
void combine_median(AggregateState* a, int, const Message& msg, Update* out) {
    const size_t d = msg.d;
    std::vector<size_t> voters;  // ranks, ascending
    for (size_t r = 0; r < size_t(a->comm->size); ++r)
        if (!rank_abstains(msg, r)) voters.push_back(r);
    const size_t P = voters.size();
    update_reset(out, MessageKind::fp32, d);
    std::vector<float> column(P);
    for (size_t i = 0; i < d; ++i) {
        for (size_t v = 0; v < P; ++v) column[v] = a->all_values[voters[v] * d + i];
        auto mid = column.begin() + ptrdiff_t(P / 2);
        std::nth_element(column.begin(), mid, column.end());
        float upper = *mid;
        out->values[i] = P % 2 ? upper : (*std::max_element(column.begin(), mid) + upper) / 2;
    }
}

}  // namespace bitvote
