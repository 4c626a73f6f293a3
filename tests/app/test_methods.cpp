// Every method's message on hand-made gradients against a naive reference of
// its rule (DESIGN.md section 3), the optimizers, the start-up checks and the
// Byzantine attacks — one process, no exchange.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
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

// naive_topk of two_layers at density 0.04: K = 4 and 10, as arena indices.
std::vector<uint32_t> two_layer_topk(const std::vector<float>& a) {
    std::vector<uint32_t> top = naive_topk(a, 0, 100, 4), second = naive_topk(a, 100, 350, 10);
    top.insert(top.end(), second.begin(), second.end());
    return top;
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
        {MethodKind::magsparse, 0, 0, 0, 0, words}, {MethodKind::noisysign, 0, 0, d, words, 0},
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

// P(sign(0.5 + b xi) = +1) at b = 1: Phi(0.5) = 0.6915 for N(0, 1) (b is the
// standard deviation); (1 + 0.5) / 2 = 0.75 for the uniform on [-b, b] (b is
// the half-width).
TEST(NoisySign, NoiseHasTheScaleTheHelpSaysInBothKinds) {
    const size_t d = 200000;
    std::vector<float> g(d, 0.5f);
    for (auto [kind, want] : {std::pair{NoiseKind::gaussian, 0.6915}, std::pair{NoiseKind::uniform, 0.75}}) {
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

// Without --noise, noisysign takes noise_default's b and sgd none.
TEST(NoisySign, UnsetNoiseResolvesToTheMethodsDefault) {
    EXPECT_EQ(method_of(MethodKind::noisysign, {}, 4).cfg.noise, noise_default(MethodKind::noisysign));
    EXPECT_GT(noise_default(MethodKind::noisysign), 0);
    EXPECT_EQ(method_of(MethodKind::sgd, {}, 4).cfg.noise, 0);
}

// Noisy medianSGD's message: without noise the gradient itself (the same
// bits); with --noise b, g + b xi, xi the uniform on [-1, 1] or N(0, 1), a
// function of (seed, rank, step, index) alone.
TEST(NoisyMedian, SgdSendsTheGradientPlusNoiseKeyedBySeedRankStepAndIndex) {
    const size_t d = 100001;  // odd: the last gaussian pair has one coordinate
    std::vector<float> g = gradient_make(d, 8);
    MethodConfig cfg;
    cfg.seed = 3;
    cfg.noise = 0;
    Method plain = method_of(MethodKind::sgd, {}, d, cfg);
    Message msg = method_compress(&plain, g, 0);
    EXPECT_EQ(msg.values.data(), g.data());

    const float b = 0.25f;
    for (NoiseKind kind : {NoiseKind::uniform, NoiseKind::gaussian}) {
        cfg.noise = b;
        cfg.noise_kind = kind;
        cfg.rank = 1;
        Method m = method_of(MethodKind::sgd, {}, d, cfg), again = m;
        cfg.rank = 2;
        Method other_rank = method_of(MethodKind::sgd, {}, d, cfg);
        const std::vector<float> noisy = [&] {
            Message n = method_compress(&m, g, 7);
            return std::vector<float>(n.values.begin(), n.values.end());
        }();
        Message same = method_compress(&again, g, 7);
        EXPECT_TRUE(std::equal(noisy.begin(), noisy.end(), same.values.begin())) << "same seed, rank, step";
        Message rank2 = method_compress(&other_rank, g, 7), step8 = method_compress(&again, g, 8);
        size_t equal_rank = 0, equal_step = 0;
        double sum = 0, squares = 0, widest = 0;
        for (size_t i = 0; i < d; ++i) {
            equal_rank += rank2.values[i] == noisy[i];
            equal_step += step8.values[i] == noisy[i];
            const double e = double(noisy[i]) - g[i];
            sum += e, squares += e * e, widest = std::max(widest, std::fabs(e));
        }
        EXPECT_LT(equal_rank, d / 100) << "another rank draws other noise";
        EXPECT_LT(equal_step, d / 100) << "another step draws other noise";
        const double mean = sum / d, sd = std::sqrt(squares / d - mean * mean);
        EXPECT_NEAR(mean, 0, 0.01 * b);
        if (kind == NoiseKind::uniform) {
            EXPECT_LE(widest, b * (1 + 1e-6));  // on [-b, b]: half-width b
            EXPECT_GT(widest, 0.999 * b);
            EXPECT_NEAR(sd, b / std::sqrt(3.0), 0.01 * b);
        } else {
            EXPECT_NEAR(sd, b, 0.01 * b);  // standard deviation b
        }
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

// a += g; per layer the K largest |a| (K = ceil(density * size)) vote sign(a); a[sent] = 0.
TEST(S3gd, SendsPerLayerTopKOfAccumulatorAndResetsIt) {
    MethodConfig cfg;
    cfg.density = 0.04;  // K = 4 and 10
    Method m = method_of(MethodKind::s3gd, two_layers, d_two, cfg);
    std::vector<float> a(d_two, 0.0f);
    for (int64_t step = 0; step < 4; ++step) {
        std::vector<float> g = gradient_make(d_two, 20 + uint64_t(step));
        for (size_t i = 0; i < d_two; ++i) a[i] += g[i];
        const std::vector<uint32_t> want = two_layer_topk(a);
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

// K = ceil(density * size), as the S3GD-MV reference rounds: 0.013 of 100
// and 250 is 2 and 4 (rounding to nearest gave 1 and 3).
TEST(S3gd, KRoundsUpPerLayer) {
    MethodConfig cfg;
    cfg.density = 0.013;
    std::vector<float> g(d_two, 1.0f);
    Method m = method_of(MethodKind::s3gd, two_layers, d_two, cfg);
    Message msg = method_compress(&m, g, 0);
    EXPECT_EQ(std::vector<uint32_t>(msg.indices.begin(), msg.indices.end()),
              (std::vector<uint32_t>{0, 1, 100, 101, 102, 103}));
}

// --accum rho: a = rho a + g. rho = 0 sends the per-layer top-K of g itself,
// whatever was left unsent; rho = 0.5 halves what is left each step.
TEST(S3gd, AccumulationFactorScalesTheLeftover) {
    for (float rho : {0.0f, 0.5f}) {
        MethodConfig cfg;
        cfg.density = 0.04;
        cfg.accum = rho;
        Method m = method_of(MethodKind::s3gd, two_layers, d_two, cfg);
        std::vector<float> a(d_two, 0.0f);
        for (int64_t step = 0; step < 4; ++step) {
            std::vector<float> g = gradient_make(d_two, 40 + uint64_t(step));
            for (size_t i = 0; i < d_two; ++i) a[i] = rho * a[i] + g[i];
            const std::vector<uint32_t> want = two_layer_topk(a);
            if (rho == 0) {
                ASSERT_EQ(want, two_layer_topk(g)) << "rho 0: the top-K of g";
            }
            Message msg = method_compress(&m, g, step);
            ASSERT_EQ(std::vector<uint32_t>(msg.indices.begin(), msg.indices.end()), want)
                << "rho " << rho << " step " << step;
            for (size_t j = 0; j < want.size(); ++j) {
                EXPECT_EQ(bit(msg.signs, j), a[want[j]] > 0);
                a[want[j]] = 0;
            }
        }
    }
}

// Over many steps the mean number of votes is sum min(1, |g| / B), each vote
// has the sign of g, and the draws repeat for the same (seed, rank, step).
// B per layer: a fixed budget, the layer's max|g| (one rank: its own), or the
// B of --magsparse-density.
TEST(MagSparse, ExpectedDensityFollowsMagnitudeOverScale) {
    std::vector<float> g = gradient_make(d_two, 3);
    struct Case {
        double budget, rho;
    };
    for (Case c : {Case{0.0, 0.0}, Case{0.5, 0.0}, Case{0.0, 0.3}}) {
        MethodConfig cfg;
        cfg.budget = c.budget;
        cfg.magsparse_density = c.rho;
        Method m = method_of(MethodKind::magsparse, two_layers, d_two, cfg);
        method_measure_scales(&m, g);
        double want = 0;
        for (size_t l = 0; l < two_layers.size(); ++l) {
            const Segment& s = two_layers[l];
            float B = float(c.budget);
            if (c.budget == 0 && c.rho == 0)
                for (size_t i = s.offset; i < s.offset + s.count; ++i) B = std::max(B, std::fabs(g[i]));
            if (c.rho == 0) {
                EXPECT_EQ(m.scales[l], B) << "layer " << l;
            }
            double layer = 0;
            for (size_t i = s.offset; i < s.offset + s.count; ++i) layer += std::min(1.0f, std::fabs(g[i]) / m.scales[l]);
            if (c.rho > 0) {
                EXPECT_NEAR(layer, c.rho * double(s.count), 1e-3) << "layer " << l;
            }
            want += layer;
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
        EXPECT_NEAR(votes / steps, want, 0.02 * want) << "budget " << c.budget << " rho " << c.rho;
    }
}

// The scale is measured (and agreed: tests/mpi) unless --budget fixes it.
TEST(MagSparse, OnlyAMeasuredScaleIsShared) {
    MethodConfig cfg;
    cfg.kind = MethodKind::magsparse;
    EXPECT_TRUE(method_shares_scales(cfg));
    cfg.magsparse_density = 0.1;
    EXPECT_TRUE(method_shares_scales(cfg));
    cfg.magsparse_density = 0;
    cfg.budget = 0.25;
    EXPECT_FALSE(method_shares_scales(cfg));
    Method fixed = method_make(cfg, two_layers, d_two);
    method_measure_scales(&fixed, gradient_make(d_two, 6));
    EXPECT_EQ(fixed.scales, std::vector<float>(two_layers.size(), 0.25f));
    cfg.kind = MethodKind::s3gd;
    cfg.budget = 0;
    EXPECT_FALSE(method_shares_scales(cfg));
}

TEST(MagSparse, DrawsRepeatForSameSeedRankStepAndDifferAcrossRanks) {
    std::vector<float> g = gradient_make(d_two, 4);
    MethodConfig cfg;
    cfg.seed = 9;
    Method a = method_of(MethodKind::magsparse, two_layers, d_two, cfg), b = a;
    cfg.rank = 1;
    Method other = method_of(MethodKind::magsparse, two_layers, d_two, cfg);
    for (Method* m : {&a, &b, &other}) {
        method_measure_scales(m, g);
        method_compress(m, g, 3);
    }
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

// Where the formula gives no lie (z = 0 at P = 2, 4, 8, 10 with N = 1; no z
// where the attackers are a majority) alie is refused, naming --alie-z, which
// then runs at any P and N.
TEST(Attack, AlieWithoutALieIsRefusedUnlessZIsGiven) {
    for (auto [P, N] : {std::pair{2, 1}, std::pair{4, 1}, std::pair{8, 1}, std::pair{10, 1}, std::pair{3, 2}}) {
        const std::string why = alie_check(P, N, 0);
        EXPECT_NE(why.find("--alie-z"), std::string::npos) << P << " " << N << ": " << why;
        EXPECT_EQ(alie_check(P, N, 1.5), "");
    }
    EXPECT_NE(alie_check(4, 1, 0).find("Phi^-1(0.5)"), std::string::npos) << alie_check(4, 1, 0);
    EXPECT_EQ(alie_check(5, 2, 0), "");
    EXPECT_EQ(alie_check(50, 24, 0), "");
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
    method_measure_scales(&mag, g);
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
