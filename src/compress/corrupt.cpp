// Byzantine ranks (--byzantine N or --byzantine-ranks, --attack A): the message a dishonest rank
// sends instead of its own, made after compression. Random draws are keyed by
// (seed, rank, step, word) like the other stochastic methods.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "comm/collectives.h"
#include "comm/mpi_check.h"
#include "compress/compressors.h"
#include "kernels.h"

namespace bitvote {

namespace {

// bits[j] for j < n bits: flipped (flip), random (random) or cleared (zero).
void corrupt_bits(std::span<uint64_t> bits, size_t n, AttackKind a, uint64_t key) {
    for (size_t j = 0; j < bitmap_words(n); ++j) {
        uint64_t v = a == AttackKind::flip ? ~bits[j] : a == AttackKind::random ? draw_bits(key, j) : 0;
        if (j + 1 == bitmap_words(n) && n % 64) v &= (uint64_t{1} << (n % 64)) - 1;
        bits[j] = v;
    }
}

// The message's values (fp32: [d]; sparse_fp32: [K]) rewritten in m->values.
void corrupt_values(Method* m, Message* msg, AttackKind a, uint64_t key) {
    const size_t n = msg->values.size();
    if (msg->values.data() != m->values.data()) {  // sgd sends the gradient: its lie needs a buffer
        if (m->values.size() < n) m->values.resize(n);
        std::copy(msg->values.begin(), msg->values.end(), m->values.begin());
    }
    for (size_t i = 0; i < n; ++i) {
        float& v = m->values[i];
        switch (a) {
            case AttackKind::flip: v = -v; break;
            case AttackKind::random: v = draw_bits(key, i) & 1 ? std::fabs(v) : -std::fabs(v); break;
            case AttackKind::zero: v = 0; break;
            case AttackKind::scaled: v = -100 * v; break;
            case AttackKind::alie: break;  // method_attack
        }
    }
    msg->values = std::span<const float>(m->values).first(n);
}

}  // namespace

void method_corrupt(Method* m, Message* msg, AttackKind a, int64_t step) {
    if (std::string why = attack_check(m->cfg.kind, a); !why.empty()) fatal_collective("%s", why.c_str());
    if (a == AttackKind::alie) fatal("--attack alie is collective: the trainer must call method_attack");
    const uint64_t key = draw_key(m->cfg, DrawPurpose::attack, step);
    switch (msg->kind) {
        case MessageKind::fp32: corrupt_values(m, msg, a, key); break;
        case MessageKind::sparse_fp32:
            corrupt_values(m, msg, a, key);
            if (a == AttackKind::zero) msg->indices = {}, msg->values = {};
            break;
        case MessageKind::scaled_sign:
            if (a == AttackKind::flip || a == AttackKind::random) corrupt_bits(m->bits, msg->d, a, key);
            else msg->scale = a == AttackKind::zero ? 0.0f : -100 * msg->scale;
            break;
        case MessageKind::sign: corrupt_bits(m->bits, msg->d, a, key); break;
        case MessageKind::ternary:  // the rank keeps where it votes; only the signs lie (zero: no vote)
            if (a == AttackKind::zero) corrupt_bits(m->voted, msg->d, a, key);
            corrupt_bits(m->positive, msg->d, a, key);
            for (size_t j = 0; j < m->positive.size(); ++j) m->positive[j] &= m->voted[j];
            break;
        case MessageKind::sparse:
            corrupt_bits(m->signs, m->indices.size(), a, key);
            if (a == AttackKind::zero) msg->indices = {};
            break;
    }
}

double alie_z(int P, int byzantine) {
    const int s = P / 2 + 1 - byzantine;
    const double p = double(P - s) / P;  // Phi(z) = p, by bisection on 0.5 erfc(-z / sqrt 2)
    if (s <= 0 || p <= 0.5) return 0;
    double lo = 0, hi = 10;
    for (int i = 0; i < 100; ++i) {
        double mid = (lo + hi) / 2;
        (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p ? lo : hi) = mid;
    }
    return lo;
}

std::string alie_check(int P, int byzantine, double z) {
    if (z > 0 || alie_z(P, byzantine) > 0) return "";
    const int s = P / 2 + 1 - byzantine;
    const std::string run = "--attack alie at " + std::to_string(P) + " ranks with --byzantine " +
                            std::to_string(byzantine) + ": s = floor(P/2 + 1) - N = " + std::to_string(s);
    const std::string fix = "; set z yourself with --alie-z Z (e.g. --alie-z 1)";
    if (s <= 0) return run + " <= 0 (the attackers are a majority) and z = Phi^-1((P - s)/P) has no value" + fix;
    char p[32];
    std::snprintf(p, sizeof p, "%g", double(P - s) / P);
    return run + " gives z = Phi^-1((P - s)/P) = Phi^-1(" + p +
           ") <= 0, so the attackers would send the plain mean (no attack)" + fix;
}

void method_attack(Comm* c, Method* m, Message* msg, AttackKind a, std::span<const int> liars, int64_t step) {
    const bool liar = std::find(liars.begin(), liars.end(), c->rank) != liars.end() && !msg->abstains;
    if (a != AttackKind::alie) {
        if (liar) method_corrupt(m, msg, a, step);
        return;
    }
    if (std::string why = attack_check(m->cfg.kind, a); !why.empty()) fatal_collective("%s", why.c_str());
    const size_t d = msg->d;
    // [d] sum of v, [d] sum of v^2, then the count of ranks, over the ranks that do not abstain
    std::vector<double> moments(2 * d + 1);
    for (size_t i = 0; i < d; ++i) moments[i] = msg->values[i], moments[d + i] = double(msg->values[i]) * msg->values[i];
    moments[2 * d] = msg->abstains ? 0 : 1;  // an abstainer's values are 0: it adds nothing else
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, moments.data(), mpi_count(2 * d + 1, "alie moments"), MPI_DOUBLE, MPI_SUM,
                            c->comm));
    if (!liar) return;
    const double z = m->cfg.alie_z > 0 ? m->cfg.alie_z : alie_z(c->size, int(liars.size())), n = moments[2 * d];
    if (m->values.size() < d) m->values.resize(d);
    for (size_t i = 0; i < d; ++i) {
        double mean = moments[i] / n, var = std::max(0.0, moments[d + i] / n - mean * mean);
        m->values[i] = float(mean - z * std::sqrt(var));
    }
    msg->values = std::span<const float>(m->values).first(d);
}

}  // namespace bitvote
