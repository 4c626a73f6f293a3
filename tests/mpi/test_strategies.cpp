// Every strategy x every message kind it takes agrees exactly with a naive
// vote (or mean) that each rank computes from regenerated data, and every rank
// holds the same update.
#include <gtest/gtest.h>

#include <cmath>
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
    Pattern pattern;
    size_t d;
};

std::vector<Pattern> patterns_of(MessageKind kind) {
    switch (kind) {
        case MessageKind::fp32: return {Pattern::random};
        case MessageKind::scaled_sign: return {Pattern::random, Pattern::split};
        case MessageKind::sign: return {Pattern::random, Pattern::split};
        default: return {Pattern::random, Pattern::split, Pattern::sparse, Pattern::none};
    }
}

std::vector<Case> every_case() {
    std::vector<Case> cases;
    for (const Strategy& s : strategy_table())
        for (int k = 0; k < message_kind_count; ++k)
            if (s.accepts & kind_bit(MessageKind(k)))
                for (Pattern p : patterns_of(MessageKind(k)))
                    for (size_t d : lengths) cases.push_back({std::string(s.name), MessageKind(k), p, d});
    return cases;
}

void PrintTo(const Case& tc, std::ostream* os) {
    *os << tc.strategy << " " << message_kind_name(tc.kind) << " " << pattern_name(tc.pattern) << " d=" << tc.d;
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
    std::string name = info.param.strategy + "_" + std::string(message_kind_name(info.param.kind)) + "_" +
                       pattern_name(info.param.pattern) + "_d" + std::to_string(info.param.d);
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
    OwnedMessage mine = make_message(tc.pattern, tc.kind, seed, c.rank, c.size, tc.d);
    Update got;
    exchange(&c, *strategy_find(tc.strategy), mine.msg, &got);
    std::string diff = update_difference(got, reference_update(tc.pattern, tc.kind, seed, c.size, tc.d));
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
                OwnedMessage mine = make_message(Pattern::random, kind, 5, c.rank, c.size, d);
                for (std::vector<uint64_t>* bits : {&mine.bits, &mine.voted, &mine.positive})
                    if (!bits->empty()) bits->back() |= tail;
                Update got;
                exchange(&c, s, mine.msg, &got);
                std::string diff = update_difference(got, reference_update(Pattern::random, kind, 5, c.size, d));
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

// The tie rules, stated without the reference: at even P the split pattern
// ties everywhere; dense sign decides +1, ternary decides 0.
TEST_F(VoteTies, SignTiesGoPlusTernaryTiesGoZero) {
    Comm& c = world();
    if (c.size % 2) GTEST_SKIP() << "no ties at odd P";
    const size_t d = 1000;
    for (const Strategy& s : strategy_table()) {
        if (s.name == "allreduce" || s.name == "auto") continue;
        for (MessageKind kind : {MessageKind::sign, MessageKind::ternary}) {
            if (!(s.accepts & kind_bit(kind))) continue;
            OwnedMessage mine = make_message(Pattern::split, kind, 7, c.rank, c.size, d);
            Update got;
            exchange(&c, s, mine.msg, &got);
            size_t wrong = 0;
            for (size_t i = 0; i < d; ++i) {
                bool bit = kind == MessageKind::sign ? (got.bits[i / 64] >> (i % 64)) & 1
                                                     : (got.voted[i / 64] >> (i % 64)) & 1;
                wrong += kind == MessageKind::sign ? !bit : bit;
            }
            EXPECT_TRUE(on_every_rank(wrong == 0, std::string(s.name) + " " +
                                                      std::string(message_kind_name(kind)) + ": " +
                                                      std::to_string(wrong) + " ties decided wrong"));
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

TEST_F(PayloadBytes, CountTheBuffersHandedToMpi) {
    Comm& c = world();
    const size_t d = 1000;  // 2 tiles: 16 words per bitmap
    const size_t P = size_t(c.size);
    OwnedMessage fp32 = make_message(Pattern::random, MessageKind::fp32, 1, c.rank, c.size, d);
    OwnedMessage sign = make_message(Pattern::random, MessageKind::sign, 1, c.rank, c.size, d);
    Update u;

    bitvote::PayloadBytes before = c.bytes();
    exchange(&c, *strategy_find("allreduce"), fp32.msg, &u);
    bitvote::PayloadBytes used = c.bytes() - before;
    bool ok = used.sent == 4 * d && used.received == 4 * d;

    before = c.bytes();
    exchange(&c, *strategy_find("vote-gather"), sign.msg, &u);
    used = c.bytes() - before;
    const uint64_t bitmap = 16 * 8;  // bytes of one padded bitmap
    if (c.rank == 0) ok = ok && used.sent == 2 * bitmap && used.received == P * bitmap;
    else ok = ok && used.sent == bitmap && used.received == bitmap;
    EXPECT_TRUE(on_every_rank(ok, "payload sent " + std::to_string(used.sent) + ", received " +
                                      std::to_string(used.received)));
}

TEST_F(ModelBytes, FollowTheDesignTable) {
    const double d = 1 << 20, P = 4, w = 3;  // vote_width(4) = 3
    auto model = [&](const char* name, MessageKind kind, size_t encoded = 0) {
        return strategy_find(name)->model_bytes(kind, size_t(d), int(P), encoded);
    };
    EXPECT_DOUBLE_EQ(model("allreduce", MessageKind::fp32), 2 * (P - 1) / P * 4 * d);
    EXPECT_DOUBLE_EQ(model("vote-allreduce", MessageKind::sign), 2 * (P - 1) / P * w * d / 8);
    EXPECT_DOUBLE_EQ(model("vote-allreduce", MessageKind::ternary), 2 * (P - 1) / P * 2 * w * d / 8);
    EXPECT_DOUBLE_EQ(model("vote-rsag", MessageKind::sign), (P - 1) / P * (w + 1) * d / 8);
    EXPECT_DOUBLE_EQ(model("vote-alltoall", MessageKind::sign), 2 * (P - 1) / P * d / 8);
    EXPECT_DOUBLE_EQ(model("vote-gather", MessageKind::sign), (P - 1 + 2) * d / 8);  // + log2(4) broadcast sends
    EXPECT_DOUBLE_EQ(model("sparse-allgather", MessageKind::sparse, 5000), (P - 1) * 5000);
    EXPECT_DOUBLE_EQ(model("sign-allgather", MessageKind::scaled_sign), (P - 1) * (d / 8 + 8));
    EXPECT_DOUBLE_EQ(model("sparse-allgather-fp32", MessageKind::sparse_fp32, 8000), (P - 1) * 8000);
    EXPECT_TRUE(std::isnan(model("auto", MessageKind::sign)));
}

// With bandwidth the only cost, auto takes the fewest bytes: the 1-bit
// alltoall for dense signs (P > 1), and it records its pick.
TEST_F(AutoStrategy, PicksTheCheapestModelAndSaysWhich) {
    Comm& c = world();
    c.alpha_beta = {0, 1e-9};
    auto picked = [&](const OwnedMessage& m) {
        Update u;
        c.auto_choice = nullptr;
        exchange(&c, *strategy_find("auto"), m.msg, &u);
        return c.auto_choice ? std::string(c.auto_choice->name) : std::string("nothing");
    };
    std::string want = c.size > 1 ? "vote-alltoall" : "vote-allreduce";  // P = 1: every model is 0, first row wins
    std::string sign = picked(make_message(Pattern::random, MessageKind::sign, 3, c.rank, c.size, 100003));
    std::string fp32 = picked(make_message(Pattern::random, MessageKind::fp32, 3, c.rank, c.size, 1000));
    c.alpha_beta = test_alpha_beta;
    EXPECT_TRUE(on_every_rank(sign == want, "auto picked " + sign + " for signs, want " + want));
    EXPECT_TRUE(on_every_rank(fp32 == "allreduce", "auto picked " + fp32 + " for fp32"));
}

}  // namespace

}  // namespace bitvote::test
