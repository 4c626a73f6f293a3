// The aggregators behind --aggregate: vote (the strategy as it is), weighted
// (SignSGD-FV) and median (medianSGD). weighted and median gather every
// rank's message and decide locally in rank order, so every rank computes the
// same update bit for bit.
#include <algorithm>
#include <bit>
#include <cmath>

#include "comm/collectives.h"
#include "comm/mpi_check.h"
#include "comm/strategies.h"
#include "compress/method.h"
#include "kernels.h"

namespace bitvote {

namespace {

// decided_i = sign(sum_r w_r (+1 if bit else -1)), a zero sum -> +1; then the
// agreement counts. all: [P][words].
void aggregate_weighted(Comm* c, AggregateState* st, const Message& msg, Update* out) {
    if (msg.kind != MessageKind::sign) fatal_collective("--aggregate weighted needs sign messages");
    const size_t P = size_t(c->size), d = msg.d, words = bitmap_words(d);
    st->all_bits.resize(P * words);
    allgather_words(c, msg.bits.data(), st->all_bits.data(), words);
    std::vector<double> weight(P);
    for (size_t r = 0; r < P; ++r) weight[r] = aggregate_weight(*st, int(r));

    update_reset(out, MessageKind::sign, d);
    for (size_t i = 0; i < d; ++i) {
        double sum = 0;
        for (size_t r = 0; r < P; ++r)
            sum += (st->all_bits[r * words + i / 64] >> (i % 64)) & 1 ? weight[r] : -weight[r];
        out->bits[i / 64] |= uint64_t(sum >= 0) << (i % 64);
    }
    for (size_t r = 0; r < P; ++r) {
        uint64_t agreed = 0;
        for (size_t j = 0; j < words; ++j) {
            uint64_t same = ~(st->all_bits[r * words + j] ^ out->bits[j]);
            if (j + 1 == words && d % 64) same &= (uint64_t{1} << (d % 64)) - 1;
            agreed += uint64_t(std::popcount(same));
        }
        st->agreed[r] += agreed;
        st->cast[r] += d;
    }
}

// out_i = median over ranks of values_i (even P: mean of the two middle values).
void aggregate_median(Comm* c, AggregateState* st, const Message& msg, Update* out) {
    if (msg.kind != MessageKind::fp32) fatal_collective("--aggregate median needs fp32 messages");
    const size_t P = size_t(c->size), d = msg.d;
    st->all_values.resize(P * d);
    int count = mpi_count(d, "median allgather");
    MPI_CHECK(MPI_Allgather(msg.values.data(), count, MPI_FLOAT, st->all_values.data(), count, MPI_FLOAT, c->comm));
    count_payload(c, d * 4, P * d * 4);

    update_reset(out, MessageKind::fp32, d);
    std::vector<float> column(P);
    for (size_t i = 0; i < d; ++i) {
        for (size_t r = 0; r < P; ++r) column[r] = st->all_values[r * d + i];
        auto mid = column.begin() + P / 2;
        std::nth_element(column.begin(), mid, column.end());
        float upper = *mid;
        out->values[i] = P % 2 ? upper : (*std::max_element(column.begin(), mid) + upper) / 2;
    }
}

}  // namespace

AggregateState aggregate_make(AggregateKind k, int P) {
    AggregateState st;
    st.kind = k;
    st.agreed.assign(size_t(P), 0);
    st.cast.assign(size_t(P), 0);
    return st;
}

double aggregate_weight(const AggregateState& st, int r) {
    if (st.rounds < weighted_warmup_rounds || st.cast[size_t(r)] == 0) return 1.0;
    double q = double(st.agreed[size_t(r)]) / double(st.cast[size_t(r)]);
    return std::clamp(std::log(q / (1 - q)), -10.0, 10.0);
}

void aggregate(Comm* c, AggregateState* st, const Strategy& s, const Message& msg, Update* out) {
    switch (st->kind) {
        case AggregateKind::vote: exchange(c, s, msg, out); break;
        case AggregateKind::weighted: aggregate_weighted(c, st, msg, out); break;
        case AggregateKind::median: aggregate_median(c, st, msg, out); break;
    }
    ++st->rounds;
}

}  // namespace bitvote
