// The aggregators (--aggregate weighted | median) against naive references
// each rank computes from regenerated data, identical on every rank; their
// exchanges count their bytes in the run's Comm, sub-communicators included.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "aggregate/aggregator.h"
#include "comm/collectives.h"
#include "comm/strategy.h"
#include "kernels.h"
#include "mpi_test.h"

namespace bitvote::test {
namespace {

const size_t lengths[] = {0, 1, 63, 65, 1000};

using WeightedAggregate = MpiTest;
using MedianAggregate = MpiTest;
using AggregatePayload = MpiTest;
using CommSplit = MpiTest;

// A sign update as the ternary update it equals (every coordinate voted).
Update as_ternary(const Update& u, size_t d) {
    if (u.kind != MessageKind::sign) return u;
    Update t;
    t.kind = MessageKind::ternary;
    t.positive = u.bits;
    t.voted.assign(bitmap_words(d), ~uint64_t{0});
    if (d % 64) t.voted.back() = (uint64_t{1} << (d % 64)) - 1;
    return t;
}

// During the first weighted_warmup_rounds every weight is 1: a plain
// majority, a tie (the split pattern at even P ties everywhere) decides 0.
// The weighted vote gives a ternary update at every P.
TEST_F(WeightedAggregate, IsTheMajorityDuringWarmup) {
    Comm& c = world();
    for (VotePattern p : {VotePattern::random, VotePattern::split})
        for (size_t d : lengths) {
            AggregateState st = aggregate_open(&c, AggregateKind::weighted, *strategy_find("auto"));
            VoteMessage mine = vote_data_message(p, MessageKind::sign, 11 + d, c.rank, c.size, d);
            Update got;
            aggregate(&st, mine.msg, &got);
            const Update want = as_ternary(vote_data_expected(p, MessageKind::sign, 11 + d, c.size, d), d);
            std::string diff = update_difference(got, want);
            EXPECT_TRUE(on_every_rank(diff.empty(), std::string(vote_pattern_name(p)) + " d=" + std::to_string(d) +
                                                        ": " + diff));
            EXPECT_TRUE(same_on_every_rank(hash_update(got)));
        }
}

// Rank r's sign on coordinate i in round t; at P >= 4 the last rank votes
// against the majority of the others.
bool fv_bit(int r, int P, int64_t t, size_t i) {
    if (P >= 4 && r == P - 1) {
        int plus = 0;
        for (int h = 0; h < P - 1; ++h) plus += fv_bit(h, P, t, i);
        return 2 * plus < P - 1;
    }
    return vote_data_vote(VotePattern::random, MessageKind::sign, 100 + uint64_t(t), r, P, i) > 0;
}

// Past the warmup the vote weighs rank r by clip(log(q_r / (1 - q_r)), +-10),
// q_r = the fraction of its past votes that agreed with the decision, counted
// where the decision was not 0; a weighted sum of exactly 0 decides 0.
TEST_F(WeightedAggregate, MatchesNaiveSignSgdFvAcrossRounds) {
    Comm& c = world();
    const int P = c.size;
    const size_t d = 300;
    const int64_t rounds = weighted_warmup_rounds + 20;
    AggregateState st = aggregate_open(&c, AggregateKind::weighted, *strategy_find("auto"));
    std::vector<double> agreed(size_t(P), 0), cast(size_t(P), 0);
    size_t wrong = 0, ties = 0;
    for (int64_t t = 0; t < rounds; ++t) {
        std::vector<uint64_t> bits(bitmap_words(d), 0);
        for (size_t i = 0; i < d; ++i) bits[i / 64] |= uint64_t(fv_bit(c.rank, P, t, i)) << (i % 64);
        Update got;
        aggregate(&st, message_sign(bits, d), &got);

        std::vector<double> w(size_t(P), 1.0);
        if (t >= weighted_warmup_rounds)
            for (int r = 0; r < P; ++r) {
                double q = agreed[size_t(r)] / cast[size_t(r)];
                w[size_t(r)] = std::clamp(std::log(q / (1 - q)), -10.0, 10.0);
            }
        const bool ternary = got.kind == MessageKind::ternary && got.voted.size() == bitmap_words(d);
        wrong += ternary ? 0 : d;
        for (size_t i = 0; ternary && i < d; ++i) {
            double sum = 0;
            for (int r = 0; r < P; ++r) sum += fv_bit(r, P, t, i) ? w[size_t(r)] : -w[size_t(r)];
            const int want = (sum > 0) - (sum < 0);
            const int have = (got.voted[i / 64] >> (i % 64)) & 1 ? ((got.positive[i / 64] >> (i % 64)) & 1 ? 1 : -1) : 0;
            wrong += want != have;
            ties += want == 0;
            if (want == 0) continue;  // a tie: nobody agreed, it counts for no one
            for (int r = 0; r < P; ++r) agreed[size_t(r)] += fv_bit(r, P, t, i) == (want > 0), cast[size_t(r)] += 1;
        }
        EXPECT_TRUE(same_on_every_rank(hash_update(got)));
    }
    EXPECT_TRUE(on_every_rank(wrong == 0, std::to_string(wrong) + " coordinates decided unlike the reference"));
    if (P % 2 == 0) {
        EXPECT_GT(ties, 0u) << "even P: the warmup's equal weights tie";
    }
    if (P >= 4) {
        EXPECT_LT(aggregate_weight(st, P - 1), 0) << "the rank that votes against the others weighs < 0";
        EXPECT_GT(aggregate_weight(st, 0), 0) << "an honest rank weighs > 0";
    }
}

// Coordinate-wise median of the ranks' fp32 values; even P: mean of the two middle ones.
TEST_F(MedianAggregate, MatchesSortedColumnsOnEveryRank) {
    Comm& c = world();
    for (size_t d : lengths) {
        AggregateState st = aggregate_open(&c, AggregateKind::median, *strategy_find("allreduce"));
        VoteMessage mine = vote_data_message(VotePattern::random, MessageKind::fp32, 21 + d, c.rank, c.size, d);
        Update got;
        aggregate(&st, mine.msg, &got);
        size_t wrong = got.kind == MessageKind::fp32 && got.values.size() == d ? 0 : d + 1;
        for (size_t i = 0; i < d && !wrong; ++i) {
            std::vector<float> column;
            for (int r = 0; r < c.size; ++r) column.push_back(vote_data_value(21 + d, r, i));
            std::sort(column.begin(), column.end());
            size_t P = column.size();
            float want = P % 2 ? column[P / 2] : (column[P / 2 - 1] + column[P / 2]) / 2;
            wrong += got.values[i] != want;
        }
        EXPECT_TRUE(on_every_rank(wrong == 0, "d=" + std::to_string(d) + ": " + std::to_string(wrong) + " wrong"));
        EXPECT_TRUE(same_on_every_rank(hash_update(got)));
    }
}

// weighted and median gather through src/comm: the bytes they hand to MPI
// count in the run's Comm, in the exchange (comm phase), none in the combine.
TEST_F(AggregatePayload, GathersCountWhereAllPayloadIs) {
    Comm& c = world();
    const size_t d = 1000, P = size_t(c.size), words = bitmap_words(d);
    for (AggregateKind k : {AggregateKind::weighted, AggregateKind::median}) {
        AggregateState st = aggregate_open(&c, k, *strategy_find("auto"));
        const MessageKind kind = k == AggregateKind::weighted ? MessageKind::sign : MessageKind::fp32;
        VoteMessage mine = vote_data_message(VotePattern::random, kind, 31, c.rank, c.size, d);
        Update got;
        const bitvote::PayloadBytes before = c.bytes();
        aggregate_exchange(&st, 0, mine.msg, &got);
        const bitvote::PayloadBytes exchanged = c.bytes() - before;
        aggregate_combine(&st, 0, mine.msg, &got);
        const bitvote::PayloadBytes combined = c.bytes() - before;
        const size_t row = kind == MessageKind::sign ? words * 8 : d * 4;
        const bool ok = exchanged.sent == row && exchanged.received == P * row && combined.sent == exchanged.sent &&
                        combined.received == exchanged.received;
        EXPECT_TRUE(on_every_rank(ok, std::string(aggregate_name(k)) + ": sent " + std::to_string(exchanged.sent) +
                                          ", received " + std::to_string(exchanged.received)));
        aggregate_close(&st);
    }
}

// A two-stage aggregator's groups (comm_split) count their bytes in the
// parent Comm as well as their own, and are ordered by key.
TEST_F(CommSplit, GroupsCountIntoTheParent) {
    Comm& c = world();
    Comm half = comm_split(&c, c.rank % 2, c.rank);
    const int want_size = (c.size + (c.rank % 2 ? 0 : 1)) / 2;
    const bitvote::PayloadBytes parent_before = c.bytes(), own_before = half.bytes();
    uint64_t mine = uint64_t(c.rank);
    std::vector<uint64_t> all(size_t(half.size));
    allgather_words(&half, &mine, all.data(), 1);
    const bitvote::PayloadBytes parent = c.bytes() - parent_before, own = half.bytes() - own_before;
    bool ok = half.size == want_size && half.rank == c.rank / 2 && own.sent == 8 &&
              own.received == 8 * uint64_t(half.size) && parent.sent == own.sent && parent.received == own.received;
    for (int r = 0; r < half.size; ++r) ok = ok && all[size_t(r)] == uint64_t(2 * r + c.rank % 2);
    EXPECT_TRUE(on_every_rank(ok, "group of " + std::to_string(half.size) + " (rank " + std::to_string(half.rank) +
                                      "): parent counted " + std::to_string(parent.sent) + " / " +
                                      std::to_string(parent.received)));
    comm_close(&half);
}

}  // namespace
}  // namespace bitvote::test
