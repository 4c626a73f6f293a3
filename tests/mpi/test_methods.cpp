// Every method through every strategy it can use, at this run's P: the
// distributed step (compress, exchange, apply) against a local simulation of
// all P ranks (each rank rebuilds every rank's method and gradient from
// (seed, rank, step, i)) with a naive vote or mean, and weights identical on
// every rank after each step.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "base/hash.h"
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

// The naive update from every rank's message: the mean for value kinds, the
// majority (tie +1) for signs, sign of the sum (0 on tie) for ternary and sparse.
Update naive_update(const std::vector<Message>& msgs) {
    Update u;
    const MessageKind kind = msgs[0].kind;
    u.kind = message_has_values(kind) ? MessageKind::fp32 : kind == MessageKind::sign ? kind : MessageKind::ternary;
    if (u.kind == MessageKind::fp32) u.values.assign(d, 0.0f);
    u.bits.assign(bitmap_words(d), 0);
    u.voted = u.positive = u.bits;
    for (size_t i = 0; i < d; ++i) {
        double sum = 0;
        for (const Message& m : msgs) sum += coordinate(m, i);
        if (u.kind == MessageKind::fp32) u.values[i] = float(sum / double(msgs.size()));
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

TEST_F(MethodStep, EveryMethodAndStrategyMatchesASimulationOfAllRanks) {
    Comm& c = world();
    c.alpha_beta = {1e-6, 1e-9};
    for (MethodKind k : {MethodKind::sgd, MethodKind::signsgd, MethodKind::signum, MethodKind::s3gd,
                         MethodKind::magsparse, MethodKind::noisysign, MethodKind::efsign, MethodKind::topk})
        for (const Strategy& s : strategy_table()) {
            if (!method_check(k, s, AggregateKind::vote).empty()) continue;
            const std::string name = std::string(method_name(k)) + " via " + std::string(s.name);
            Method mine = method_for(k, c.rank), shadow = mine;
            std::vector<Method> all;
            for (int r = 0; r < c.size; ++r) all.push_back(method_for(k, r));
            std::vector<float> w(d, 0.5f), want = w;
            double worst = 0;
            bool same = true;
            for (int64_t step = 0; step < steps; ++step) {
                std::vector<std::vector<float>> grads;
                for (int r = 0; r < c.size; ++r) grads.push_back(gradient_at(r, step));
                Update got;
                exchange(&c, s, method_compress(&mine, grads[size_t(c.rank)], step), &got);
                method_apply(&mine, got, w, step);

                std::vector<Message> msgs;
                for (int r = 0; r < c.size; ++r) msgs.push_back(method_compress(&all[size_t(r)], grads[size_t(r)], step));
                method_apply(&shadow, naive_update(msgs), want, step);
                for (size_t i = 0; i < d; ++i) worst = std::max(worst, double(std::fabs(w[i] - want[i])));
                same = same && same_on_every_rank(hash_floats(w));
            }
            // Votes are exact; means differ from the double-precision reference by float rounding.
            const double tolerance = message_has_values(method_message_kind(k)) ? 1e-5 : 0;
            EXPECT_TRUE(on_every_rank(worst <= tolerance, name + ": weights off by " + std::to_string(worst)));
            EXPECT_TRUE(same) << name << ": weights differ between ranks";
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
// alie as the mean minus z standard deviations of every rank's honest values.
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

    Method sgd = method_for(MethodKind::sgd, c.rank);
    msg = method_compress(&sgd, g, 0);
    method_attack(&c, &sgd, &msg, AttackKind::alie, liars, 0);
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
