// Every method's message on hand-made gradients against a naive reference of
// its rule (DESIGN.md section 3), the optimizers, the start-up checks and the
// Byzantine attacks — one process, no exchange.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "comm/strategy.h"
#include "compress/method.h"
#include "data/rng.h"
#include "kernels.h"

namespace bitvote {
namespace {

// Two layers of 100 and 250 floats.
const std::vector<Segment> two_layers = {{"fc1.weight", 0, 100}, {"fc1.bias", 100, 250}};
constexpr size_t d_two = 350;

// Gradient entries in [-1, 1] with exact zeros and repeated magnitudes (ties).
std::vector<float> gradient_make(size_t d, uint64_t seed) {
    Rng rng(seed);
    std::vector<float> g(d);
    for (float& x : g) x = rng.below(10) == 0 ? 0.0f : float(int(rng.below(41)) - 20) / 20.0f;
    return g;
}

Method method_of(MethodKind k, std::span<const Segment> segments, size_t d, MethodConfig cfg = {}) {
    cfg.kind = k;
    return method_make(cfg, segments, d);
}

bool bit(std::span<const uint64_t> bits, size_t i) { return (bits[i / 64] >> (i % 64)) & 1; }

// Naive top-K of |a| in [begin, end): largest magnitude first, ties to the lower index; ascending.
std::vector<uint32_t> naive_topk(const std::vector<float>& a, size_t begin, size_t end, size_t k) {
    std::vector<uint32_t> idx(end - begin);
    std::iota(idx.begin(), idx.end(), uint32_t(begin));
    std::stable_sort(idx.begin(), idx.end(), [&](uint32_t x, uint32_t y) { return std::fabs(a[x]) > std::fabs(a[y]); });
    idx.resize(k);
    std::sort(idx.begin(), idx.end());
    return idx;
}

Update sign_update(const std::vector<int>& votes) {  // +1 / -1
    Update u;
    u.kind = MessageKind::sign;
    u.bits.assign(bitmap_words(votes.size()), 0);
    for (size_t i = 0; i < votes.size(); ++i) u.bits[i / 64] |= uint64_t(votes[i] > 0) << (i % 64);
    return u;
}

TEST(MethodTable, NamesParseBackAndDefaultsArePositive) {
    for (MethodKind k : {MethodKind::sgd, MethodKind::signsgd, MethodKind::signum, MethodKind::s3gd,
                         MethodKind::magsparse, MethodKind::noisysign, MethodKind::efsign, MethodKind::topk}) {
        MethodKind back;
        ASSERT_TRUE(method_parse(method_name(k), &back));
        EXPECT_EQ(back, k);
        EXPECT_GT(method_default_lr(k), 0);
    }
    MethodKind k;
    EXPECT_FALSE(method_parse("adam", &k));
    AggregateKind a;
    EXPECT_TRUE(aggregate_parse("median", &a) && a == AggregateKind::median);
    AttackKind at;
    EXPECT_TRUE(attack_parse("flip", &at) && at == AttackKind::flip);
    EXPECT_TRUE(attack_parse("alie", &at) && at == AttackKind::alie);
    EXPECT_FALSE(attack_parse("ipm", &at));
}

// method_make allocates the [d] buffers a method's state uses and the
// bitmaps of its message kind, nothing else (sgd at d = 25M: 100 MB of
// velocity, not 300 MB more of unused buffers).
TEST(MethodMake, AllocatesOnlyWhatTheMethodUses) {
    const size_t d = 1000, words = bitmap_words(d);
    struct Want {
        MethodKind k;
        size_t memory, velocity, values, bits, ternary;
    };
    const Want wants[] = {
        {MethodKind::sgd, 0, d, 0, 0, 0},       {MethodKind::signsgd, 0, 0, 0, words, 0},
        {MethodKind::signum, d, 0, 0, words, 0}, {MethodKind::s3gd, d, 0, 0, 0, 0},
        {MethodKind::magsparse, 0, 0, d, 0, words}, {MethodKind::noisysign, 0, 0, d, words, 0},
        {MethodKind::efsign, d, 0, 0, words, 0},  {MethodKind::topk, d, d, 0, 0, 0},
    };
    for (const Want& w : wants) {
        const Method m = method_of(w.k, {}, d);
        const std::string name(method_name(w.k));
        EXPECT_EQ(m.memory.size(), w.memory) << name;
        EXPECT_EQ(m.velocity.size(), w.velocity) << name;
        EXPECT_EQ(m.values.size(), w.values) << name;
        EXPECT_EQ(m.bits.size(), w.bits) << name;
        EXPECT_EQ(m.voted.size(), w.ternary) << name;
        EXPECT_EQ(m.positive.size(), w.ternary) << name;
    }
}

TEST(SignSgd, SendsSignOfGradientWithZeroPositive) {
    std::vector<float> g = gradient_make(d_two, 1);
    g[3] = -0.0f;
    Method m = method_of(MethodKind::signsgd, two_layers, d_two);
    Message msg = method_compress(&m, g, 0);
    ASSERT_EQ(msg.kind, MessageKind::sign);
    for (size_t i = 0; i < d_two; ++i) EXPECT_EQ(bit(msg.bits, i), !(g[i] < 0)) << i;
}

TEST(NoisySign, ZeroNoiseEqualsSignSgd) {
    std::vector<float> g = gradient_make(d_two, 2);
    MethodConfig cfg;
    cfg.noise = 0;
    Method noisy = method_of(MethodKind::noisysign, two_layers, d_two, cfg);
    Method plain = method_of(MethodKind::signsgd, two_layers, d_two);
    Message a = method_compress(&noisy, g, 5), b = method_compress(&plain, g, 5);
    EXPECT_TRUE(std::equal(a.bits.begin(), a.bits.end(), b.bits.begin()));
}

// P(sign(0.5 + xi) = +1): Phi(0.5) = 0.6915 for N(0, 1); (1 + 0.5 / sqrt 3) / 2 = 0.6443 for the uniform.
TEST(NoisySign, NoiseHasUnitVarianceInBothKinds) {
    const size_t d = 200000;
    std::vector<float> g(d, 0.5f);
    for (auto [kind, want] : {std::pair{NoiseKind::gaussian, 0.6915}, std::pair{NoiseKind::uniform, 0.6443}}) {
        MethodConfig cfg;
        cfg.noise = 1;
        cfg.noise_kind = kind;
        Method m = method_of(MethodKind::noisysign, {}, d, cfg);
        Message msg = method_compress(&m, g, 0);
        size_t plus = 0;
        for (size_t i = 0; i < d; ++i) plus += bit(msg.bits, i);
        EXPECT_NEAR(double(plus) / d, want, 0.006);
    }
}

TEST(Signum, SendsSignOfMomentum) {
    MethodConfig cfg;
    cfg.momentum = 0.9f;
    Method m = method_of(MethodKind::signum, two_layers, d_two, cfg);
    std::vector<float> v(d_two, 0.0f);
    for (int64_t step = 0; step < 3; ++step) {
        std::vector<float> g = gradient_make(d_two, 10 + uint64_t(step));
        for (size_t i = 0; i < d_two; ++i) v[i] = 0.9f * v[i] + (1 - 0.9f) * g[i];
        Message msg = method_compress(&m, g, step);
        for (size_t i = 0; i < d_two; ++i) ASSERT_EQ(bit(msg.bits, i), !(v[i] < 0)) << "step " << step << " i " << i;
    }
}

// a += g; per layer the K largest |a| (K = round(density * size)) vote sign(a); a[sent] = 0.
TEST(S3gd, SendsPerLayerTopKOfAccumulatorAndResetsIt) {
    MethodConfig cfg;
    cfg.density = 0.04;  // K = 4 and 10
    Method m = method_of(MethodKind::s3gd, two_layers, d_two, cfg);
    std::vector<float> a(d_two, 0.0f);
    for (int64_t step = 0; step < 4; ++step) {
        std::vector<float> g = gradient_make(d_two, 20 + uint64_t(step));
        for (size_t i = 0; i < d_two; ++i) a[i] += g[i];
        std::vector<uint32_t> want = naive_topk(a, 0, 100, 4), second = naive_topk(a, 100, 350, 10);
        want.insert(want.end(), second.begin(), second.end());
        Message msg = method_compress(&m, g, step);
        ASSERT_EQ(msg.kind, MessageKind::sparse);
        ASSERT_EQ(std::vector<uint32_t>(msg.indices.begin(), msg.indices.end()), want) << "step " << step;
        for (size_t j = 0; j < want.size(); ++j) {
            EXPECT_EQ(bit(msg.signs, j), a[want[j]] > 0);
            a[want[j]] = 0;
        }
        EXPECT_EQ(m.memory, a);
    }
}

TEST(S3gd, ZeroAccumulatorEntriesDoNotVote) {
    std::vector<float> g(d_two, 0.0f);
    g[7] = -1;
    Method m = method_of(MethodKind::s3gd, two_layers, d_two);
    Message msg = method_compress(&m, g, 0);
    ASSERT_EQ(msg.indices.size(), 1u);
    EXPECT_EQ(msg.indices[0], 7u);
    EXPECT_FALSE(bit(msg.signs, 0));
}

// Over many steps the mean number of votes is sum min(1, |g| / B), each vote
// has the sign of g, and the draws repeat for the same (seed, rank, step).
TEST(MagSparse, ExpectedDensityFollowsMagnitudeOverScale) {
    std::vector<float> g = gradient_make(d_two, 3);
    for (double budget : {0.0, 0.5}) {
        MethodConfig cfg;
        cfg.budget = budget;
        Method m = method_of(MethodKind::magsparse, two_layers, d_two, cfg);
        double want = 0;
        for (const Segment& s : two_layers) {
            float B = float(budget);
            if (budget == 0)
                for (size_t i = s.offset; i < s.offset + s.count; ++i) B = std::max(B, std::fabs(g[i]));
            for (size_t i = s.offset; i < s.offset + s.count; ++i) want += std::min(1.0f, std::fabs(g[i]) / B);
        }
        const int steps = 400;
        double votes = 0;
        for (int step = 0; step < steps; ++step) {
            Message msg = method_compress(&m, g, step);
            ASSERT_EQ(msg.kind, MessageKind::ternary);
            for (size_t i = 0; i < d_two; ++i) {
                if (!bit(msg.voted, i)) continue;
                ++votes;
                ASSERT_NE(g[i], 0.0f);
                ASSERT_EQ(bit(msg.positive, i), g[i] > 0);
            }
        }
        EXPECT_NEAR(votes / steps, want, 0.02 * want) << "budget " << budget;
    }
}

TEST(MagSparse, DrawsRepeatForSameSeedRankStepAndDifferAcrossRanks) {
    std::vector<float> g = gradient_make(d_two, 4);
    MethodConfig cfg;
    cfg.seed = 9;
    Method a = method_of(MethodKind::magsparse, two_layers, d_two, cfg), b = a;
    cfg.rank = 1;
    Method other = method_of(MethodKind::magsparse, two_layers, d_two, cfg);
    method_compress(&a, g, 3);
    method_compress(&b, g, 3);
    method_compress(&other, g, 3);
    EXPECT_EQ(a.voted, b.voted);
    EXPECT_NE(a.voted, other.voted);
}

// p = lr g + e; delta = (|p|_1 / d) sign(p); e = p - delta, so delta + e = p.
TEST(EfSign, ErrorFeedbackKeepsDeltaPlusErrorEqualToP) {
    MethodConfig cfg;
    cfg.lr = 0.1f;
    Method m = method_of(MethodKind::efsign, two_layers, d_two, cfg);
    std::vector<float> e(d_two, 0.0f);
    for (int64_t step = 0; step < 3; ++step) {
        std::vector<float> g = gradient_make(d_two, 30 + uint64_t(step)), p(d_two);
        double l1 = 0;
        for (size_t i = 0; i < d_two; ++i) l1 += std::fabs(p[i] = e[i] + 0.1f * g[i]);
        Message msg = method_compress(&m, g, step);
        ASSERT_EQ(msg.kind, MessageKind::scaled_sign);
        EXPECT_FLOAT_EQ(msg.scale, float(l1 / d_two));
        std::vector<float> delta(d_two);
        message_densify(msg, delta);
        for (size_t i = 0; i < d_two; ++i) {
            EXPECT_EQ(delta[i] < 0, p[i] < 0);
            EXPECT_NEAR(delta[i] + m.memory[i], p[i], 1e-6);
        }
        e = m.memory;
    }
}

// a = e + g; the K largest |a| per layer go out as values; e = a with them zeroed.
TEST(TopK, SendsPerLayerTopKValuesWithErrorFeedback) {
    MethodConfig cfg;
    cfg.density = 0.04;
    Method m = method_of(MethodKind::topk, two_layers, d_two, cfg);
    std::vector<float> a(d_two, 0.0f);
    for (int64_t step = 0; step < 3; ++step) {
        std::vector<float> g = gradient_make(d_two, 40 + uint64_t(step)), want(d_two, 0.0f);
        for (size_t i = 0; i < d_two; ++i) a[i] += g[i];
        std::vector<uint32_t> sent = naive_topk(a, 0, 100, 4), second = naive_topk(a, 100, 350, 10);
        sent.insert(sent.end(), second.begin(), second.end());
        for (uint32_t i : sent) want[i] = a[i], a[i] = 0;
        Message msg = method_compress(&m, g, step);
        ASSERT_EQ(msg.kind, MessageKind::sparse_fp32);
        EXPECT_EQ(std::vector<uint32_t>(msg.indices.begin(), msg.indices.end()), sent) << "step " << step;
        std::vector<float> dense(d_two);
        message_densify(msg, dense);
        EXPECT_EQ(dense, want) << "step " << step;
        EXPECT_EQ(m.memory, a);
    }
}

TEST(GradientCheck, RejectsNaNAndInfNamingStepAndIndex) {
    std::vector<float> g(10, 1.0f);
    EXPECT_EQ(gradient_check(g, 3), "");
    g[4] = NAN;
    std::string why = gradient_check(g, 3);
    EXPECT_NE(why.find("step 3"), std::string::npos) << why;
    EXPECT_NE(why.find("g[4]"), std::string::npos) << why;
    g[4] = -INFINITY;
    EXPECT_NE(gradient_check(g, 0), "");
}

// A finite sum that overflows is not a non-finite gradient.
TEST(GradientCheck, FiniteEntriesWhoseSumOverflowsPass) {
    std::vector<float> g(4, 3e38f);
    EXPECT_TRUE(gradient_finite(g));
    EXPECT_EQ(gradient_check(g, 0), "");
    g[2] = INFINITY;
    EXPECT_FALSE(gradient_finite(g));
}

// A NaN or inf anywhere in the gradient: every method abstains. Its message
// votes nothing (no value, list entry or ternary vote; a dense sign is marked
// abstaining, its bits ignored), no NaN reaches it, and the method's state
// (momentum, error memory, accumulator) is what it was before the step.
TEST(Compress, NonFiniteGradientAbstainsAndKeepsTheState) {
    for (MethodKind k : {MethodKind::sgd, MethodKind::signsgd, MethodKind::signum, MethodKind::s3gd,
                         MethodKind::magsparse, MethodKind::noisysign, MethodKind::efsign, MethodKind::topk})
        for (float bad : {NAN, INFINITY, -INFINITY})
            for (size_t at : {size_t(0), size_t(99), d_two - 1}) {
                const std::string name = std::string(method_name(k)) + " g[" + std::to_string(at) +
                                         "] = " + std::to_string(bad);
                Method m = method_of(k, two_layers, d_two);
                Message first = method_compress(&m, gradient_make(d_two, 7), 0);
                ASSERT_FALSE(first.abstains) << name;
                const std::vector<float> memory = m.memory, velocity = m.velocity;
                std::vector<float> g = gradient_make(d_two, 8);
                g[at] = bad;
                Message msg = method_compress(&m, g, 1);
                EXPECT_TRUE(msg.abstains) << name;
                EXPECT_EQ(msg.kind, method_message_kind(k)) << name;
                EXPECT_EQ(msg.d, d_two) << name;
                EXPECT_EQ(m.memory, memory) << name;
                EXPECT_EQ(m.velocity, velocity) << name;
                EXPECT_EQ(msg.values.size(), msg.kind == MessageKind::fp32 ? d_two : 0) << name;
                for (float v : msg.values) EXPECT_EQ(v, 0.0f) << name;
                EXPECT_TRUE(msg.indices.empty()) << name;
                EXPECT_EQ(msg.scale, 0.0f) << name;
                for (uint64_t w : msg.voted) EXPECT_EQ(w, 0u) << name;
                Message next = method_compress(&m, gradient_make(d_two, 9), 2);  // votes again
                EXPECT_FALSE(next.abstains) << name;
            }
}

TEST(Apply, VoteMovesEachWeightByLrWithWeightDecayFirst) {
    for (float wd : {0.0f, 0.5f}) {
        MethodConfig cfg;
        cfg.lr = 0.25f;
        cfg.weight_decay = wd;
        Method m = method_of(MethodKind::signsgd, {}, 70, cfg);
        std::vector<float> w(70, 2.0f);
        std::vector<int> v(70);
        for (size_t i = 0; i < 70; ++i) v[i] = i % 3 ? 1 : -1;
        method_apply(&m, sign_update(v), w, 0);
        for (size_t i = 0; i < 70; ++i) EXPECT_FLOAT_EQ(w[i], 2.0f * (1 - 0.25f * wd) - 0.25f * float(v[i]));
    }
}

TEST(Apply, TernaryVoteLeavesUnvotedWeights) {
    MethodConfig cfg;
    cfg.lr = 0.5f;
    Method m = method_of(MethodKind::s3gd, {}, 3, cfg);
    Update u;
    u.kind = MessageKind::ternary;
    u.voted = {0b011};
    u.positive = {0b001};
    std::vector<float> w = {1, 1, 1};
    method_apply(&m, u, w, 0);
    EXPECT_EQ(w, (std::vector<float>{0.5f, 1.5f, 1.0f}));
}

TEST(Apply, SgdIsHeavyBallWithWeightDecay) {
    MethodConfig cfg;
    cfg.lr = 0.1f;
    cfg.momentum = 0.9f;
    cfg.weight_decay = 0.01f;
    Method m = method_of(MethodKind::sgd, {}, 2, cfg);
    std::vector<float> w = {1, -1}, v = {0, 0};
    Update u;
    u.kind = MessageKind::fp32;
    for (int step = 0; step < 3; ++step) {
        u.values = {0.5f, float(step)};
        std::vector<float> want = w;
        for (size_t i = 0; i < 2; ++i) {
            v[i] = 0.9f * v[i] + (u.values[i] + 0.01f * want[i]);
            want[i] -= 0.1f * v[i];
        }
        method_apply(&m, u, w, 0);
        EXPECT_EQ(w, want);
    }
}

TEST(Apply, TopKIsPlainSgdWhateverTheMomentum) {
    MethodConfig cfg;
    cfg.lr = 0.5f;
    cfg.momentum = 0.9f;
    Method m = method_of(MethodKind::topk, {}, 1, cfg);
    Update u;
    u.kind = MessageKind::fp32;
    u.values = {1};
    std::vector<float> w = {0};
    method_apply(&m, u, w, 0);
    method_apply(&m, u, w, 1);
    EXPECT_EQ(w[0], -1.0f);
}

TEST(Apply, EfSignSubtractsTheMeanDelta) {
    Method m = method_of(MethodKind::efsign, {}, 2);
    Update u;
    u.kind = MessageKind::fp32;
    u.values = {0.25f, -0.5f};
    std::vector<float> w = {1, 1};
    method_apply(&m, u, w, 0);
    EXPECT_EQ(w, (std::vector<float>{0.75f, 1.5f}));
}

// z = Phi^-1((P - s) / P), s = floor(P / 2 + 1) - N (Baruch et al. 2019).
TEST(Attack, AlieZFollowsThePaper) {
    EXPECT_NEAR(alie_z(5, 2), 0.8416, 1e-4);   // s = 1, Phi(z) = 0.8
    EXPECT_NEAR(alie_z(50, 24), 1.7507, 1e-4); // s = 2, Phi(z) = 0.96
    EXPECT_EQ(alie_z(4, 1), 0);                // s = 2, Phi(z) = 0.5
}

TEST(MethodCheck, ListsValidStrategiesAndAggregators) {
    EXPECT_EQ(method_check(MethodKind::signsgd, *strategy_find("vote-rsag"), AggregateKind::vote), "");
    EXPECT_EQ(method_check(MethodKind::sgd, *strategy_find("allreduce"), AggregateKind::vote), "");
    EXPECT_EQ(method_check(MethodKind::s3gd, *strategy_find("sparse-allgather"), AggregateKind::vote), "");
    std::string why = method_check(MethodKind::sgd, *strategy_find("vote-rsag"), AggregateKind::vote);
    EXPECT_NE(why.find("allreduce"), std::string::npos) << why;
    why = method_check(MethodKind::signsgd, *strategy_find("allreduce"), AggregateKind::vote);
    EXPECT_NE(why.find("vote-alltoall"), std::string::npos) << why;
    EXPECT_EQ(method_check(MethodKind::signum, *strategy_find("auto"), AggregateKind::weighted), "");
    why = method_check(MethodKind::s3gd, *strategy_find("auto"), AggregateKind::weighted);
    EXPECT_NE(why.find("noisysign"), std::string::npos) << why;
    EXPECT_EQ(method_check(MethodKind::sgd, *strategy_find("allreduce"), AggregateKind::median), "");
    EXPECT_EQ(method_check(MethodKind::efsign, *strategy_find("sign-allgather"), AggregateKind::vote), "");
    EXPECT_EQ(method_check(MethodKind::efsign, *strategy_find("allreduce"), AggregateKind::vote), "");
    EXPECT_EQ(method_check(MethodKind::topk, *strategy_find("sparse-allgather-fp32"), AggregateKind::vote), "");
    why = method_check(MethodKind::topk, *strategy_find("sign-allgather"), AggregateKind::vote);
    EXPECT_NE(why.find("sparse-allgather-fp32"), std::string::npos) << why;
    EXPECT_NE(method_check(MethodKind::signsgd, *strategy_find("allreduce"), AggregateKind::median), "");
}

TEST(Attack, EachAttackRewritesTheMessage) {
    std::vector<float> g = gradient_make(d_two, 5);
    Method sign = method_of(MethodKind::signsgd, {}, d_two);
    Message msg = method_compress(&sign, g, 0);
    method_corrupt(&sign, &msg, AttackKind::flip, 0);
    for (size_t i = 0; i < d_two; ++i) ASSERT_EQ(bit(msg.bits, i), g[i] < 0);

    Method mag = method_of(MethodKind::magsparse, {}, d_two);
    msg = method_compress(&mag, g, 0);
    method_corrupt(&mag, &msg, AttackKind::zero, 0);
    for (uint64_t word : msg.voted) EXPECT_EQ(word, 0u);

    Method s3 = method_of(MethodKind::s3gd, two_layers, d_two);
    msg = method_compress(&s3, g, 0);
    std::vector<uint64_t> before(msg.signs.begin(), msg.signs.end());
    method_corrupt(&s3, &msg, AttackKind::flip, 0);
    for (size_t j = 0; j < msg.indices.size(); ++j) EXPECT_NE(bit(msg.signs, j), bit(before, j));

    Method sgd = method_of(MethodKind::sgd, {}, d_two);
    msg = method_compress(&sgd, g, 0);
    method_corrupt(&sgd, &msg, AttackKind::scaled, 0);
    for (size_t i = 0; i < d_two; ++i) ASSERT_EQ(msg.values[i], -100 * g[i]);
    EXPECT_EQ(g, gradient_make(d_two, 5)) << "the gradient itself is untouched";

    Method ef = method_of(MethodKind::efsign, {}, d_two);
    msg = method_compress(&ef, g, 0);
    float scale = msg.scale;
    method_corrupt(&ef, &msg, AttackKind::scaled, 0);
    EXPECT_EQ(msg.scale, -100 * scale);

    EXPECT_NE(attack_check(MethodKind::signsgd, AttackKind::alie), "");
    EXPECT_EQ(attack_check(MethodKind::sgd, AttackKind::alie), "");
    EXPECT_NE(attack_check(MethodKind::signsgd, AttackKind::scaled), "");
    EXPECT_NE(attack_check(MethodKind::signsgd, AttackKind::zero), "");
    EXPECT_EQ(attack_check(MethodKind::sgd, AttackKind::random), "");
}

}  // namespace
}  // namespace bitvote
