// A small seeded generator (splitmix64) with the few draws the data code needs.
// Written out rather than taken from <random>, whose distributions differ
// between standard libraries: the same seed gives the same shards and the same
// synthetic dataset on any machine.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <utility>
#include <vector>

#include "base/splitmix64.h"  // mix64, seed_mix

namespace bitvote {

struct Rng {
    uint64_t state;

    explicit Rng(uint64_t seed) : state(seed) {}

    uint64_t next() {
        return mix64(state += golden_gamma);
    }
    // Uniform in [0, n), n > 0 (multiply-shift; bias < n / 2^64).
    uint64_t below(uint64_t n) { return uint64_t((unsigned __int128)next() * n >> 64); }
    // Uniform in (0, 1]: never 0, so log() is safe.
    double uniform() { return double((next() >> 11) + 1) * 0x1.0p-53; }
    // Standard normal (Box-Muller, one of the pair).
    double normal() { return std::sqrt(-2 * std::log(uniform())) * std::cos(2 * std::numbers::pi * uniform()); }
    // Gamma(shape, 1) by Marsaglia-Tsang; shape < 1 boosted by U^(1/shape).
    double gamma(double shape) {
        if (shape < 1) return gamma(shape + 1) * std::pow(uniform(), 1 / shape);
        const double d = shape - 1.0 / 3, c = 1 / std::sqrt(9 * d);
        for (;;) {
            double x = normal(), v = 1 + c * x;
            if (v <= 0) continue;
            v = v * v * v;
            if (std::log(uniform()) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
        }
    }
};

// Fisher-Yates with an Rng: the same permutation on every machine.
template <class T>
void shuffle_seeded(std::vector<T>* v, Rng* rng) {
    for (size_t i = v->size(); i > 1; --i) std::swap((*v)[i - 1], (*v)[rng->below(i)]);
}

}  // namespace bitvote
