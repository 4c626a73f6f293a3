// Every method through every strategy it can use, at this run's P: the
// distributed step (compress, exchange, apply) against a local simulation of
// all P ranks (each rank rebuilds every rank's method and gradient from
// (seed, rank, step, i)) with a naive vote or mean, and weights identical on
// every rank after each step. The same with ranks whose gradient holds a NaN
// or inf: they abstain, and the update is the naive one over the others.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "aggregate/aggregator.h"
#include "base/hash.h"
#include "comm/abstain_census.h"
#include "comm/strategy.h"
#include "compress/method.h"
#include "data/rng.h"
#include "kernels.h"
#include "mpi_test.h"

namespace bitvote::test {
namespace {

const std::vector<Segment> layers = {{"fc1.weight", 0, 300}, {"fc1.bias", 300, 700}};
constexpr size_t d = 1000;
constexpr int steps = 3;

// Rank r's gradient at a step: multiples of 1/64 in [-1.5, 1.5], one in 8
// zero, twice that on odd ranks (ranks of unequal gradients: magsparse's
// shared scale is not any rank's own).
std::vector<float> gradient_at(int r, int64_t step) {
    std::vector<float> g(d);
    for (size_t i = 0; i < d; ++i) {
        uint64_t h = seed_mix(seed_mix(uint64_t(r) + 1, uint64_t(step)), i);
        g[i] = h % 8 == 0 ? 0.0f : float(int(h % 193) - 96) / 64.0f * float(1 + r % 2);
    }
    return g;
}

Method method_for(MethodKind k, int r) {
    MethodConfig cfg;
    cfg.kind = k;
    cfg.rank = r;
    cfg.seed = 5;
    cfg.density = 0.05;
    cfg.weight_decay = 0.01f;
    return method_make(cfg, layers, d);
}

float coordinate(const Message& m, size_t i) {  // what a message says about coordinate i
    auto bit = [](std::span<const uint64_t> b, size_t j) { return (b[j / 64] >> (j % 64)) & 1; };
    switch (m.kind) {
        case MessageKind::fp32: return m.values[i];
        case MessageKind::sign: return bit(m.bits, i) ? 1.0f : -1.0f;
        case MessageKind::ternary: return bit(m.voted, i) ? (bit(m.positive, i) ? 1.0f : -1.0f) : 0.0f;
        case MessageKind::scaled_sign: return bit(m.bits, i) ? m.scale : -m.scale;
        case MessageKind::sparse:
        case MessageKind::sparse_fp32:
            for (size_t j = 0; j < m.indices.size(); ++j)
                if (m.indices[j] == i) return m.kind == MessageKind::sparse_fp32 ? m.values[j] : bit(m.signs, j) ? 1.0f : -1.0f;
            return 0.0f;
    }
    return 0.0f;
}

// The median of a column (even count: the mean of the two middle values).
float median_of(std::vector<float> column) {
    std::sort(column.begin(), column.end());
    const size_t n = column.size();
    return n % 2 ? column[n / 2] : (column[n / 2 - 1] + column[n / 2]) / 2;
}

// The naive update from the messages of the ranks that do not abstain: the
// mean for value kinds (median: median_of), the sign of the sum, 0 on a tie,
// for every vote (as a ternary update, which a sign update without ties
// applies alike).
Update naive_update(const std::vector<Message>& all, AggregateKind a) {
    std::vector<Message> msgs;
    for (const Message& m : all)
        if (!m.abstains) msgs.push_back(m);
    Update u;
    u.kind = message_has_values(msgs[0].kind) ? MessageKind::fp32 : MessageKind::ternary;
    if (u.kind == MessageKind::fp32) u.values.assign(d, 0.0f);
    u.voted.assign(bitmap_words(d), 0);
    u.positive = u.voted;
    for (size_t i = 0; i < d; ++i) {
        double sum = 0;
        std::vector<float> column;
        for (const Message& m : msgs) sum += coordinate(m, i), column.push_back(coordinate(m, i));
        if (u.kind == MessageKind::fp32)
            u.values[i] = a == AggregateKind::median ? median_of(column) : float(sum / double(msgs.size()));
        u.voted[i / 64] |= uint64_t(sum != 0) << (i % 64);
        u.positive[i / 64] |= uint64_t(sum > 0) << (i % 64);
    }
    return u;
}

// The trainer's compress phase (train/compress_phases.cpp): magsparse's
// ranks agree on the scales first.
Message compress_agreed(Comm* c, Method* m, std::span<const float> g, int64_t step) {
    method_measure_scales(m, g);
    method_agree_scales(c, m);
    return method_compress(m, g, step);
}

// The same for a simulation of every rank: each measures, all take the max.
std::vector<Message> compress_all(std::vector<Method>& all, const std::vector<std::vector<float>>& grads,
                                  int64_t step) {
    std::vector<float> agreed;
    for (size_t r = 0; r < all.size(); ++r) {
        method_measure_scales(&all[r], grads[r]);
        agreed.resize(all[r].scales.size(), 0.0f);
        for (size_t l = 0; l < agreed.size(); ++l) agreed[l] = std::max(agreed[l], all[r].scales[l]);
    }
    std::vector<Message> msgs;
    for (size_t r = 0; r < all.size(); ++r) {
        if (method_shares_scales(all[r].cfg)) all[r].scales = agreed;
        msgs.push_back(method_compress(&all[r], grads[r], step));
    }
    return msgs;
}

uint64_t hash_floats(std::span<const float> w) {
    std::vector<uint64_t> words(w.size());
    for (size_t i = 0; i < w.size(); ++i) std::memcpy(&words[i], &w[i], 4);
    return fnv1a_words(words);
}

using MethodStep = MpiTest;
using MethodAttack = MpiTest;
using NoisyMedian = MpiTest;

// The coordinate-wise median of every rank's message.
std::vector<float> naive_median(const std::vector<Message>& msgs) {
    std::vector<float> out(d);
    for (size_t i = 0; i < d; ++i) {
        std::vector<float> column;
        for (const Message& m : msgs) column.push_back(m.values[i]);
        out[i] = median_of(column);
    }
    return out;
}

const MethodKind every_method[] = {MethodKind::sgd,       MethodKind::signsgd,   MethodKind::signum,
                                   MethodKind::s3gd,      MethodKind::magsparse, MethodKind::noisysign,
                                   MethodKind::efsign,    MethodKind::topk};

// Whether rank r's gradient holds a NaN or inf at this step: none without
// abstainers; else rank step % P, and at P >= 4 also rank (step + 2) % P.
bool abstains_at(bool with_abstainers, int r, int P, int64_t step) {
    return with_abstainers && (r == step % P || (P >= 4 && r == (step + 2) % P));
}

// `steps` steps of method k aggregated by a (over strategy s) on every rank,
// against the simulation: "" or what went wrong. With abstainers, their
// gradients get a NaN or inf and the census (abstain_census) tells the exchange.
std::string check_steps(MethodKind k, AggregateKind a, const Strategy& s, bool with_abstainers) {
    Comm& c = world();
    Method mine = method_for(k, c.rank), shadow = mine;
    std::vector<Method> all;
    for (int r = 0; r < c.size; ++r) all.push_back(method_for(k, r));
    AggregateState agg = aggregate_open(&c, a, s);
    std::vector<float> w(d, 0.5f), want = w;
    std::vector<uint8_t> abstainers;
    double worst = 0;
    bool same = true, finite = true;
    for (int64_t step = 0; step < steps; ++step) {
        std::vector<std::vector<float>> grads;
        for (int r = 0; r < c.size; ++r) {
            grads.push_back(gradient_at(r, step));
            if (abstains_at(with_abstainers, r, c.size, step)) grads.back()[size_t(step * 37 + r) % d] = r % 2 ? INFINITY : NAN;
        }
        Update got;
        Message msg = compress_agreed(&c, &mine, grads[size_t(c.rank)], step);
        abstain_census(&c, msg.abstains, &abstainers);
        msg.abstainers = abstainers;
        aggregate(&agg, msg, &got);
        method_apply(&mine, got, w, step);

        method_apply(&shadow, naive_update(compress_all(all, grads, step), a), want, step);
        for (size_t i = 0; i < d; ++i) worst = std::max(worst, double(std::fabs(w[i] - want[i])));
        finite = finite && std::all_of(w.begin(), w.end(), [](float x) { return std::isfinite(x); });
        same = same && same_on_every_rank(hash_floats(w));
    }
    aggregate_close(&agg);
    // Votes are exact; means differ from the double-precision reference by float rounding.
    const double tolerance = message_has_values(method_message_kind(k)) ? 1e-5 : 0;
    if (!finite) return "weights not finite";
    if (!(worst <= tolerance)) return "weights off by " + std::to_string(worst);
    if (!same) return "weights differ between ranks";
    return "";
}

// Every method through every strategy it can use (--aggregate vote), then
// weighted (signsgd) and median (sgd).
void check_every_method(bool with_abstainers) {
    Comm& c = world();
    c.alpha_beta = {1e-6, 1e-9};
    for (MethodKind k : every_method)
        for (const Strategy& s : strategy_table()) {
            if (!method_check(k, s, AggregateKind::vote).empty()) continue;
            const std::string name = std::string(method_name(k)) + " via " + std::string(s.name);
            const std::string why = check_steps(k, AggregateKind::vote, s, with_abstainers);
            EXPECT_TRUE(on_every_rank(why.empty(), name + ": " + why));
        }
    for (auto [k, a] : {std::pair{MethodKind::signsgd, AggregateKind::weighted},
                        std::pair{MethodKind::sgd, AggregateKind::median}}) {
        const std::string why = check_steps(k, a, *strategy_find("auto"), with_abstainers);
        EXPECT_TRUE(on_every_rank(why.empty(), std::string(method_name(k)) + " --aggregate " +
                                                   std::string(aggregate_name(a)) + ": " + why));
    }
}

TEST_F(MethodStep, EveryMethodAndStrategyMatchesASimulationOfAllRanks) { check_every_method(false); }

// DESIGN.md 9: a rank whose gradient holds a NaN or inf abstains; every
// method, strategy and aggregator leaves it out exactly (the mean over the
// others, their majority), its state waits for its next finite gradient, and
// the weights stay finite and identical on every rank.
TEST_F(MethodStep, AbstainingRanksAreLeftOutExactly) {
    if (world().size < 2) GTEST_SKIP() << "one rank cannot abstain (someone must vote)";
    check_every_method(true);
}

// magsparse's B per layer is one number on every rank, the max of the ranks'
// own: of max|g| (rank r's gradient is (r + 1) g here, so it is P max|g|), or
// of the B each rank solves for --magsparse-density rho, so no rank expects
// more than rho * n votes in a layer and the rank with the largest gradient
// exactly that. The allreduce is payload: 4 bytes a layer each way.
TEST_F(MethodStep, MagsparseScaleIsTheMaxOverRanks) {
    Comm& c = world();
    const std::vector<float> g0 = gradient_at(0, 0);
    std::vector<float> g = g0;
    for (float& x : g) x *= float(c.rank + 1);
    for (double rho : {0.0, 0.05}) {
        MethodConfig cfg;
        cfg.kind = MethodKind::magsparse;
        cfg.rank = c.rank;
        cfg.magsparse_density = rho;
        Method m = method_make(cfg, layers, d);
        method_measure_scales(&m, g);
        const std::vector<float> own = m.scales;
        const PayloadBytes before = c.bytes();
        method_agree_scales(&c, &m);
        const PayloadBytes used = c.bytes() - before;
        EXPECT_TRUE(on_every_rank(used.sent == 4 * layers.size() && used.received == 4 * layers.size(),
                                  "scale allreduce payload " + std::to_string(used.sent)));
        for (size_t l = 0; l < layers.size(); ++l) {
            const std::string what = "rho " + std::to_string(rho) + " layer " + std::to_string(l);
            EXPECT_TRUE(on_every_rank(same_on_every_rank(uint64_t(std::bit_cast<uint32_t>(m.scales[l]))),
                                      what + ": scales differ across ranks"));
            EXPECT_TRUE(on_every_rank(m.scales[l] >= own[l], what + ": agreed scale below this rank's"));
            double votes = 0;
            const Segment& s = layers[l];
            for (size_t i = s.offset; i < s.offset + s.count; ++i)
                votes += std::min(1.0, double(std::fabs(g[i])) / double(m.scales[l]));
            if (rho == 0) {
                float top = 0;  // of rank 0's gradient; rounding is monotone, so P top is rank P - 1's max
                for (size_t i = s.offset; i < s.offset + s.count; ++i) top = std::max(top, std::fabs(g0[i]));
                EXPECT_TRUE(on_every_rank(m.scales[l] == float(c.size) * top, what + ": not P max|g|"));
            } else {
                const double target = rho * double(s.count);
                EXPECT_TRUE(on_every_rank(votes <= target * (1 + 1e-5), what + ": " + std::to_string(votes) +
                                                                             " expected votes > rho n"));
                if (c.rank == c.size - 1) {
                    EXPECT_NEAR(votes, target, 1e-5 * target) << what << ": the largest rank's";
                }
            }
        }
    }
}

// With bandwidth the only cost, auto sends efsign's scaled signs and topk's
// (index, value) lists compressed (P > 1), not as fp32 vectors.
TEST_F(MethodStep, AutoPicksTheCompressedExchangeForEfSignAndTopK) {
    Comm& c = world();
    c.alpha_beta = {0, 1e-9};
    for (auto [k, want] : {std::pair{MethodKind::efsign, "sign-allgather"},
                           std::pair{MethodKind::topk, "sparse-allgather-fp32"}}) {
        Method m = method_for(k, c.rank);
        Update u;
        c.auto_choice = nullptr;
        exchange(&c, *strategy_find("auto"), method_compress(&m, gradient_at(c.rank, 0), 0), &u);
        std::string got = c.auto_choice ? std::string(c.auto_choice->name) : "nothing";
        std::string expected = c.size > 1 ? want : "allreduce";  // P = 1: every model is 0, first row wins
        EXPECT_TRUE(on_every_rank(got == expected, "auto picked " + got + ", want " + expected));
    }
    c.alpha_beta = {1e-6, 1e-9};
}

// The last N ranks lie, the others send what they computed: flip locally,
// alie as the mean minus z standard deviations of every rank's honest values,
// z from P and N, or --alie-z's (MethodConfig::alie_z) whatever P and N (at
// P = 2 and 4 the formula's z is 0).
TEST_F(MethodAttack, LastRanksLieAsTheAttackSays) {
    Comm& c = world();
    const int N = (c.size - 1) / 2 + (c.size == 2);  // a minority, and one liar at P = 2
    const bool liar = c.rank >= c.size - N;
    std::vector<int> liars;
    for (int r = c.size - N; r < c.size; ++r) liars.push_back(r);
    const std::vector<float> g = gradient_at(c.rank, 0);
    size_t wrong = 0;

    Method sign = method_for(MethodKind::signsgd, c.rank);
    Message msg = method_compress(&sign, g, 0);
    method_attack(&c, &sign, &msg, AttackKind::flip, liars, 0);
    for (size_t i = 0; i < d; ++i) wrong += bool((msg.bits[i / 64] >> (i % 64)) & 1) != (liar ? g[i] < 0 : !(g[i] < 0));

    for (double given : {0.0, 1.5}) {
        Method sgd = method_for(MethodKind::sgd, c.rank);
        sgd.cfg.alie_z = given;
        msg = method_compress(&sgd, g, 0);
        method_attack(&c, &sgd, &msg, AttackKind::alie, liars, 0);
        const double z = given > 0 ? given : alie_z(c.size, N);
        for (size_t i = 0; i < d; ++i) {
            double sum = 0, squares = 0;
            for (int r = 0; r < c.size; ++r) {
                double v = gradient_at(r, 0)[i];
                sum += v, squares += v * v;
            }
            double mean = sum / c.size, sd = std::sqrt(std::max(0.0, squares / c.size - mean * mean));
            wrong += std::fabs(msg.values[i] - (liar ? mean - z * sd : g[i])) > 1e-6;
        }
    }
    EXPECT_TRUE(on_every_rank(wrong == 0, std::to_string(wrong) + " coordinates not as the attack says"));
}

// Noisy medianSGD (--aggregate median --noise b): each rank's message is its
// gradient plus noise keyed by (seed, rank, step, index), so every rank can
// redraw every other's and the median of those is the update; --noise 0 is
// plain medianSGD bit for bit, and noise moves the median.
TEST_F(NoisyMedian, IsTheMedianOfEveryRanksNoisyGradient) {
    Comm& c = world();
    const int64_t step = 4;
    for (NoiseKind kind : {NoiseKind::uniform, NoiseKind::gaussian})
        for (float b : {0.0f, 0.5f}) {
            auto noisy_sgd = [&](int r) {
                Method m = method_for(MethodKind::sgd, r);
                m.cfg.noise = b;
                m.cfg.noise_kind = kind;
                return m;
            };
            Method mine = noisy_sgd(c.rank);
            const std::vector<float> g = gradient_at(c.rank, step);
            AggregateState st = aggregate_open(&c, AggregateKind::median, *strategy_find("allreduce"));
            Update got;
            aggregate(&st, method_compress(&mine, g, step), &got);

            std::vector<Method> all;
            std::vector<std::vector<float>> grads;
            std::vector<Message> noisy, plain;
            for (int r = 0; r < c.size; ++r) all.push_back(noisy_sgd(r)), grads.push_back(gradient_at(r, step));
            for (int r = 0; r < c.size; ++r) {
                noisy.push_back(method_compress(&all[size_t(r)], grads[size_t(r)], step));
                plain.push_back(message_fp32(grads[size_t(r)]));
            }
            const std::vector<float> want = naive_median(noisy), without = naive_median(plain);
            const std::string name = std::string(kind == NoiseKind::uniform ? "uniform" : "gaussian") + " b " +
                                     std::to_string(b);
            size_t wrong = 0, moved = 0;
            for (size_t i = 0; i < d; ++i) {
                wrong += std::memcmp(&got.values[i], &want[i], sizeof(float)) != 0;
                moved += got.values[i] != without[i];
            }
            EXPECT_TRUE(on_every_rank(wrong == 0, name + ": " + std::to_string(wrong) + " coordinates off"));
            EXPECT_TRUE(on_every_rank(b == 0 ? moved == 0 : moved > d / 2,
                                      name + ": " + std::to_string(moved) + " coordinates moved by the noise"));
            aggregate_close(&st);
        }
}

}  // namespace
}  // namespace bitvote::test
