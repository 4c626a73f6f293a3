// Every strategy x every message kind it takes agrees exactly with a naive
// vote (or mean) that each rank computes from regenerated data, and every rank
// holds the same update.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include "comm/strategy.h"
#include "kernels.h"
#include "mpi_test.h"

namespace bitvote::test {

namespace {

const size_t lengths[] = {0, 1, 63, 64, 65, 1000, 100003};

struct Case {
    std::string strategy;
    MessageKind kind;
    VotePattern pattern;
    size_t d;
};

std::vector<VotePattern> patterns_of(MessageKind kind) {
    switch (kind) {
        case MessageKind::fp32: return {VotePattern::random};
        case MessageKind::scaled_sign: return {VotePattern::random, VotePattern::split};
        case MessageKind::sign: return {VotePattern::random, VotePattern::split};
        default: return {VotePattern::random, VotePattern::split, VotePattern::sparse, VotePattern::none};
    }
}

std::vector<Case> every_case() {
    std::vector<Case> cases;
    for (const Strategy& s : strategy_table())
        for (int k = 0; k < message_kind_count; ++k)
            if (s.accepts & kind_bit(MessageKind(k)))
                for (VotePattern p : patterns_of(MessageKind(k)))
                    for (size_t d : lengths) cases.push_back({std::string(s.name), MessageKind(k), p, d});
    return cases;
}

void PrintTo(const Case& tc, std::ostream* os) {
    *os << tc.strategy << " " << message_kind_name(tc.kind) << " " << vote_pattern_name(tc.pattern) << " d=" << tc.d;
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
    std::string name = info.param.strategy + "_" + std::string(message_kind_name(info.param.kind)) + "_" +
                       vote_pattern_name(info.param.pattern) + "_d" + std::to_string(info.param.d);
    for (char& ch : name)
        if (ch == '-') ch = '_';
    return name;
}

// Bandwidth-bound costs, so `auto` has a model to pick from.
constexpr AlphaBeta test_alpha_beta{1e-6, 1e-9};

class StrategyVote : public MpiTestWithParam<Case> {};

TEST_P(StrategyVote, MatchesNaiveVoteOnEveryRank) {
    const Case& tc = GetParam();
    Comm& c = world();
    c.alpha_beta = test_alpha_beta;
    const uint64_t seed = 42 + tc.d;
    VoteMessage mine = vote_data_message(tc.pattern, tc.kind, seed, c.rank, c.size, tc.d);
    Update got;
    exchange(&c, *strategy_find(tc.strategy), mine.msg, &got);
    std::string diff = update_difference(got, vote_data_expected(tc.pattern, tc.kind, seed, c.size, tc.d));
    EXPECT_TRUE(on_every_rank(diff.empty(), tc.strategy + ": " + diff));
    EXPECT_TRUE(same_on_every_rank(hash_update(got)));
}

INSTANTIATE_TEST_SUITE_P(AllPairs, StrategyVote, ::testing::ValuesIn(every_case()), case_name);

using StrategyInput = MpiTest;
using StrategyOutput = MpiTest;
using VoteTies = MpiTest;
using StrategyCheck = MpiTest;
using PayloadBytes = MpiTest;  // the suite; the struct is bitvote::PayloadBytes
using ModelBytes = MpiTest;
using AutoStrategy = MpiTest;

// Bits past d in the last word of a bitmap are not votes: set them all and
// the update must not change.
TEST_F(StrategyInput, BitsPastDAreIgnored) {
    Comm& c = world();
    c.alpha_beta = test_alpha_beta;
    for (size_t d : {65, 1000}) {
        uint64_t tail = ~uint64_t{0} << (d % 64);
        for (const Strategy& s : strategy_table())
            for (MessageKind kind : {MessageKind::sign, MessageKind::ternary}) {
                if (!(s.accepts & kind_bit(kind))) continue;
                VoteMessage mine = vote_data_message(VotePattern::random, kind, 5, c.rank, c.size, d);
                for (std::vector<uint64_t>* bits : {&mine.bits, &mine.voted, &mine.positive})
                    if (!bits->empty()) bits->back() |= tail;
                Update got;
                exchange(&c, s, mine.msg, &got);
                std::string diff = update_difference(got, vote_data_expected(VotePattern::random, kind, 5, c.size, d));
                EXPECT_TRUE(on_every_rank(diff.empty(), std::string(s.name) + " d=" + std::to_string(d) + ": " + diff));
            }
    }
}

// The fp32 mean of values whose sums round: whatever order MPI adds in, every
// rank must hold the same bits (the trainer's weights stay identical).
TEST_F(StrategyOutput, Fp32MeanIsBitIdenticalOnEveryRank) {
    Comm& c = world();
    const size_t d = 1 << 20;  // large enough for OpenMPI's segmented/ring algorithms
    std::vector<float> g(d);
    for (size_t i = 0; i < d; ++i) g[i] = std::sin(float(i) * 0.37f + float(c.rank)) / float(c.rank + 3);
    Update got;
    exchange(&c, *strategy_find("allreduce"), message_fp32(g), &got);
    EXPECT_TRUE(same_on_every_rank(hash_update(got)));
}

// The tie rule, stated without the reference: at even P the split pattern
// ties on every coordinate (half the ranks against the other half), and every
// vote, dense sign and ternary alike, decides 0 there (DESIGN.md 3).
TEST_F(VoteTies, EveryTieDecidesZero) {
    Comm& c = world();
    c.alpha_beta = test_alpha_beta;
    if (c.size % 2) GTEST_SKIP() << "no dense ties at odd P";
    const size_t d = 1000;
    for (const Strategy& s : strategy_table())
        for (MessageKind kind : {MessageKind::sign, MessageKind::ternary, MessageKind::sparse}) {
            if (!(s.accepts & kind_bit(kind))) continue;
            VoteMessage mine = vote_data_message(VotePattern::split, kind, 7, c.rank, c.size, d);
            Update got;
            exchange(&c, s, mine.msg, &got);
            size_t moved = got.kind == MessageKind::ternary ? update_nonzeros(got, d) : d;
            EXPECT_TRUE(on_every_rank(moved == 0, std::string(s.name) + " " + std::string(message_kind_name(kind)) +
                                                      ": " + std::to_string(moved) + " of " + std::to_string(d) +
                                                      " ties moved (" +
                                                      std::string(message_kind_name(got.kind)) + " update)"));
        }
}

// A sign vote needs the second bitmap only where it can tie: at odd P the
// update is a plain sign bitmap, at even P a ternary one; the tied
// coordinates of the random pattern (about half at P = 2) decide 0 and the
// others their majority.
TEST_F(VoteTies, SignUpdatesAreTernaryExactlyAtEvenP) {
    Comm& c = world();
    c.alpha_beta = test_alpha_beta;
    const size_t d = 1000;
    const MessageKind want = c.size % 2 ? MessageKind::sign : MessageKind::ternary;
    for (const Strategy& s : strategy_table()) {
        if (!(s.accepts & kind_bit(MessageKind::sign))) continue;
        VoteMessage mine = vote_data_message(VotePattern::random, MessageKind::sign, 8, c.rank, c.size, d);
        Update got;
        exchange(&c, s, mine.msg, &got);
        size_t ties = 0;
        for (size_t i = 0; i < d; ++i) {
            int sum = 0;
            for (int r = 0; r < c.size; ++r) sum += vote_data_vote(VotePattern::random, MessageKind::sign, 8, r, c.size, i);
            ties += sum == 0;
        }
        const size_t moved = update_nonzeros(got, d);
        EXPECT_TRUE(on_every_rank(got.kind == want && moved == d - ties,
                                  std::string(s.name) + ": a " + std::string(message_kind_name(got.kind)) +
                                      " update moving " + std::to_string(moved) + " of " + std::to_string(d) +
                                      " coordinates, " + std::to_string(ties) + " tied"));
        if (c.size == 2) {
            EXPECT_GT(ties, d / 4) << "P = 2: the ranks disagree on about half the coordinates";
        }
    }
}

TEST_F(StrategyCheck, RejectsExactlyTheImpossiblePairs) {
    const unsigned votes = kind_bit(MessageKind::sign) | kind_bit(MessageKind::ternary) | kind_bit(MessageKind::sparse);
    const std::pair<const char*, unsigned> expected[] = {
        {"allreduce", kind_bit(MessageKind::fp32) | kind_bit(MessageKind::scaled_sign) |
                          kind_bit(MessageKind::sparse_fp32)},
        {"vote-allreduce", votes},
        {"vote-rsag", votes},
        {"vote-alltoall", votes},
        {"vote-gather", votes},
        {"sparse-allgather", kind_bit(MessageKind::ternary) | kind_bit(MessageKind::sparse)},
        {"sign-allgather", kind_bit(MessageKind::scaled_sign)},
        {"sparse-allgather-fp32", kind_bit(MessageKind::sparse_fp32)},
        {"auto", votes | kind_bit(MessageKind::fp32) | kind_bit(MessageKind::scaled_sign) |
                     kind_bit(MessageKind::sparse_fp32)},
    };
    ASSERT_EQ(strategy_table().size(), std::size(expected));
    for (auto [name, accepts] : expected) {
        const Strategy* s = strategy_find(name);
        ASSERT_NE(s, nullptr) << name;
        for (int k = 0; k < message_kind_count; ++k) {
            std::string why = strategy_check(*s, MessageKind(k));
            std::string kind(message_kind_name(MessageKind(k)));
            if (accepts & kind_bit(MessageKind(k))) {
                EXPECT_EQ(why, "") << name << " " << kind;
            } else {
                EXPECT_NE(why.find(name), std::string::npos) << why;
                EXPECT_NE(why.find(kind), std::string::npos) << why;
            }
        }
    }
    EXPECT_EQ(strategy_find("ring"), nullptr);
}

// The rows are consistent: the sweep sends each a kind it takes, one row is
// the fp32 baseline, pickers have no model of their own, and the others one
// that is finite and positive at P = 4.
TEST_F(StrategyCheck, RowsAreConsistent) {
    int baselines = 0;
    for (const Strategy& s : strategy_table()) {
        const std::string name(s.name);
        EXPECT_TRUE(s.accepts & kind_bit(s.sweep.kind)) << name << " is swept with a kind it does not take";
        ASSERT_TRUE(s.exchange && s.model_bytes && s.model_rounds) << name;
        baselines += s.fp32_baseline;
        const double bytes = s.model_bytes(s.sweep.kind, 1 << 20, 4, 5000), rounds = s.model_rounds(4);
        if (s.picks) {
            EXPECT_TRUE(std::isnan(bytes) && std::isnan(rounds)) << name;
        } else {
            EXPECT_TRUE(bytes > 0 && std::isfinite(bytes) && rounds > 0 && std::isfinite(rounds)) << name;
        }
    }
    EXPECT_EQ(baselines, 1);
    EXPECT_TRUE(strategy_fp32_baseline().fp32_baseline);
    EXPECT_TRUE(strategy_fp32_baseline().accepts & kind_bit(MessageKind::fp32));
}

// strategy_pick: the least seconds among the rows that take the kind, never
// a picker, ties to the earlier row, +inf never; the one-link form is
// model_seconds.
TEST_F(StrategyCheck, PickTakesTheCheapestRowOfTheKind) {
    auto only = [](const char* name) {
        return [name](const Strategy& s) { return s.name == name ? 1.0 : std::numeric_limits<double>::infinity(); };
    };
    EXPECT_EQ(strategy_pick(MessageKind::sign, only("vote-rsag")), strategy_find("vote-rsag"));
    EXPECT_EQ(strategy_pick(MessageKind::sign, only("allreduce")), nullptr);  // does not take signs
    EXPECT_EQ(strategy_pick(MessageKind::sign, only("auto")), nullptr);       // a picker
    EXPECT_EQ(strategy_pick(MessageKind::sign, [](const Strategy&) { return 1.0; }), strategy_find("vote-allreduce"));
    const size_t d = 1 << 20, k = d / 100;
    const size_t encoded = encoded_bytes_estimate(MessageKind::sparse, d, k);
    EXPECT_EQ(encoded, indices_encode_bound(d, k));
    EXPECT_EQ(encoded_bytes_estimate(MessageKind::sparse_fp32, d, k), 8 * k);
    EXPECT_EQ(encoded_bytes_estimate(MessageKind::sign, d, k), 0u);
    const AlphaBeta ab{1e-6, 1e-9};
    const Strategy* picked = strategy_pick(MessageKind::sparse, d, 16, encoded, ab);
    ASSERT_NE(picked, nullptr);
    for (const Strategy& s : strategy_table()) {
        if (s.picks || !(s.accepts & kind_bit(MessageKind::sparse))) continue;
        EXPECT_LE(model_seconds(*picked, MessageKind::sparse, d, 16, encoded, ab),
                  model_seconds(s, MessageKind::sparse, d, 16, encoded, ab))
            << s.name;
    }
}

TEST_F(PayloadBytes, CountTheBuffersHandedToMpi) {
    Comm& c = world();
    const size_t d = 1000;  // 2 tiles: 16 words per bitmap
    const size_t P = size_t(c.size);
    VoteMessage fp32 = vote_data_message(VotePattern::random, MessageKind::fp32, 1, c.rank, c.size, d);
    VoteMessage sign = vote_data_message(VotePattern::random, MessageKind::sign, 1, c.rank, c.size, d);
    Update u;

    bitvote::PayloadBytes before = c.bytes();
    exchange(&c, *strategy_find("allreduce"), fp32.msg, &u);
    bitvote::PayloadBytes used = c.bytes() - before;
    bool ok = used.sent == 4 * d && used.received == 4 * d;

    before = c.bytes();
    exchange(&c, *strategy_find("vote-gather"), sign.msg, &u);
    used = c.bytes() - before;
    const uint64_t bitmap = 16 * 8;                           // bytes of one padded bitmap
    const uint64_t decision = (P % 2 ? 1 : 2) * bitmap;        // even P: positive and nonzero
    if (c.rank == 0) ok = ok && used.sent == bitmap + decision && used.received == P * bitmap;
    else ok = ok && used.sent == bitmap && used.received == decision;
    EXPECT_TRUE(on_every_rank(ok, "payload sent " + std::to_string(used.sent) + ", received " +
                                      std::to_string(used.received)));
}

// The decision of a sign vote moves a second bitmap (nonzero) at even P only.
TEST_F(ModelBytes, FollowTheDesignTable) {
    const double d = 1 << 20;
    auto model = [&](const char* name, MessageKind kind, double P, size_t encoded = 0) {
        return strategy_find(name)->model_bytes(kind, size_t(d), int(P), encoded);
    };
    for (double P : {4.0, 5.0}) {
        const double w = 3;                    // vote_width(4) = vote_width(5) = 3
        const double decided = P == 4 ? 2 : 1;  // decision bitmaps of a sign vote
        EXPECT_DOUBLE_EQ(model("allreduce", MessageKind::fp32, P), 2 * (P - 1) / P * 4 * d);
        EXPECT_DOUBLE_EQ(model("vote-allreduce", MessageKind::sign, P), 2 * (P - 1) / P * w * d / 8);
        EXPECT_DOUBLE_EQ(model("vote-allreduce", MessageKind::ternary, P), 2 * (P - 1) / P * 2 * w * d / 8);
        EXPECT_DOUBLE_EQ(model("vote-rsag", MessageKind::sign, P), (P - 1) / P * (w + decided) * d / 8);
        EXPECT_DOUBLE_EQ(model("vote-rsag", MessageKind::ternary, P), (P - 1) / P * 2 * (w + 1) * d / 8);
        EXPECT_DOUBLE_EQ(model("vote-alltoall", MessageKind::sign, P), (P - 1) / P * (1 + decided) * d / 8);
        EXPECT_DOUBLE_EQ(model("vote-alltoall", MessageKind::ternary, P), 2 * (P - 1) / P * 2 * d / 8);
        // + ceil(log2 P) broadcast sends of the decision
        EXPECT_DOUBLE_EQ(model("vote-gather", MessageKind::sign, P), (P - 1 + std::ceil(std::log2(P)) * decided) * d / 8);
        EXPECT_DOUBLE_EQ(model("vote-gather", MessageKind::ternary, P), 2 * (P - 1 + std::ceil(std::log2(P))) * d / 8);
        EXPECT_DOUBLE_EQ(model("sparse-allgather", MessageKind::sparse, P, 5000), (P - 1) * 5000);
        EXPECT_DOUBLE_EQ(model("sign-allgather", MessageKind::scaled_sign, P), (P - 1) * (d / 8 + 8));
        EXPECT_DOUBLE_EQ(model("sparse-allgather-fp32", MessageKind::sparse_fp32, P, 8000), (P - 1) * 8000);
        EXPECT_TRUE(std::isnan(model("auto", MessageKind::sign, P)));
    }
}

// With bandwidth the only cost, auto takes the fewest bytes: the 1-bit
// alltoall for dense signs (P > 1), and it records its pick.
TEST_F(AutoStrategy, PicksTheCheapestModelAndSaysWhich) {
    Comm& c = world();
    c.alpha_beta = {0, 1e-9};
    auto picked = [&](const VoteMessage& m) {
        Update u;
        c.auto_choice = nullptr;
        exchange(&c, *strategy_find("auto"), m.msg, &u);
        return c.auto_choice ? std::string(c.auto_choice->name) : std::string("nothing");
    };
    std::string want = c.size > 1 ? "vote-alltoall" : "vote-allreduce";  // P = 1: every model is 0, first row wins
    std::string sign = picked(vote_data_message(VotePattern::random, MessageKind::sign, 3, c.rank, c.size, 100003));
    std::string fp32 = picked(vote_data_message(VotePattern::random, MessageKind::fp32, 3, c.rank, c.size, 1000));
    c.alpha_beta = test_alpha_beta;
    EXPECT_TRUE(on_every_rank(sign == want, "auto picked " + sign + " for signs, want " + want));
    EXPECT_TRUE(on_every_rank(fp32 == "allreduce", "auto picked " + fp32 + " for fp32"));
}

}  // namespace

}  // namespace bitvote::test
