// Every method through every strategy it can use, at this run's P: the
// distributed step (compress, exchange, apply) against a local simulation of
// all P ranks (each rank rebuilds every rank's method and gradient from
// (seed, rank, step, i)) with a naive vote or mean, and weights identical on
// every rank after each step. The same with ranks whose gradient holds a NaN
// or inf: they abstain, and the update is the naive one over the others.
#include <gtest/gtest.h>

#include <algorithm>
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

// Rank r's gradient at a step: multiples of 1/64 in [-1.5, 1.5], one in 8 zero.
std::vector<float> gradient_at(int r, int64_t step) {
    std::vector<float> g(d);
    for (size_t i = 0; i < d; ++i) {
        uint64_t h = seed_mix(seed_mix(uint64_t(r) + 1, uint64_t(step)), i);
        g[i] = h % 8 == 0 ? 0.0f : float(int(h % 193) - 96) / 64.0f;
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

// The naive update from the messages of the ranks that do not abstain: the
// mean for value kinds (median: the middle value, the mean of the two middle
// ones for an even count), the majority (tie +1) for signs, sign of the sum
// (0 on tie) for ternary and sparse.
Update naive_update(const std::vector<Message>& all, AggregateKind a) {
    std::vector<Message> msgs;
    for (const Message& m : all)
        if (!m.abstains) msgs.push_back(m);
    Update u;
    const MessageKind kind = msgs[0].kind;
    u.kind = message_has_values(kind) ? MessageKind::fp32 : kind == MessageKind::sign ? kind : MessageKind::ternary;
    if (u.kind == MessageKind::fp32) u.values.assign(d, 0.0f);
    u.bits.assign(bitmap_words(d), 0);
    u.voted = u.positive = u.bits;
    for (size_t i = 0; i < d; ++i) {
        double sum = 0;
        std::vector<float> column;
        for (const Message& m : msgs) sum += coordinate(m, i), column.push_back(coordinate(m, i));
        std::sort(column.begin(), column.end());
        const size_t n = column.size();
        const float median = n % 2 ? column[n / 2] : (column[n / 2 - 1] + column[n / 2]) / 2;
        if (u.kind == MessageKind::fp32) u.values[i] = a == AggregateKind::median ? median : float(sum / double(n));
        u.bits[i / 64] |= uint64_t(sum >= 0) << (i % 64);
        u.voted[i / 64] |= uint64_t(sum != 0) << (i % 64);
        u.positive[i / 64] |= uint64_t(sum > 0) << (i % 64);
    }
    return u;
}

uint64_t hash_floats(std::span<const float> w) {
    std::vector<uint64_t> words(w.size());
    for (size_t i = 0; i < w.size(); ++i) std::memcpy(&words[i], &w[i], 4);
    return fnv1a_words(words);
}

using MethodStep = MpiTest;
using MethodAttack = MpiTest;

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
        Message msg = method_compress(&mine, grads[size_t(c.rank)], step);
        abstain_census(&c, msg.abstains, &abstainers);
        msg.abstainers = abstainers;
        aggregate(&agg, msg, &got);
        method_apply(&mine, got, w, step);

        std::vector<Message> msgs;
        for (int r = 0; r < c.size; ++r) msgs.push_back(method_compress(&all[size_t(r)], grads[size_t(r)], step));
        method_apply(&shadow, naive_update(msgs, a), want, step);
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
// alie as the mean minus z standard deviations of every rank's honest values.
TEST_F(MethodAttack, LastRanksLieAsTheAttackSays) {
    Comm& c = world();
    const int N = (c.size - 1) / 2 + (c.size == 2);  // a minority, and one liar at P = 2
    const bool liar = c.rank >= c.size - N;
    const std::vector<float> g = gradient_at(c.rank, 0);
    size_t wrong = 0;

    Method sign = method_for(MethodKind::signsgd, c.rank);
    Message msg = method_compress(&sign, g, 0);
    method_attack(&c, &sign, &msg, AttackKind::flip, N, 0);
    for (size_t i = 0; i < d; ++i) wrong += bool((msg.bits[i / 64] >> (i % 64)) & 1) != (liar ? g[i] < 0 : !(g[i] < 0));

    Method sgd = method_for(MethodKind::sgd, c.rank);
    msg = method_compress(&sgd, g, 0);
    method_attack(&c, &sgd, &msg, AttackKind::alie, N, 0);
    const double z = alie_z(c.size, N);
    for (size_t i = 0; i < d; ++i) {
        double sum = 0, squares = 0;
        for (int r = 0; r < c.size; ++r) {
            double v = gradient_at(r, 0)[i];
            sum += v, squares += v * v;
        }
        double mean = sum / c.size, sd = std::sqrt(std::max(0.0, squares / c.size - mean * mean));
        wrong += std::fabs(msg.values[i] - (liar ? mean - z * sd : g[i])) > 1e-6;
    }
    EXPECT_TRUE(on_every_rank(wrong == 0, std::to_string(wrong) + " coordinates not as the attack says"));
}

}  // namespace
}  // namespace bitvote::test
