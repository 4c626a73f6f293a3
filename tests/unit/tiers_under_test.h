// What every kernel test loops over: the tiers this CPU runs (the others are
// reported as skipped once, by tests/unit/main.cpp) and named adversarial inputs.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "kernels.h"

namespace bitvote::testing {

// Tiers other than scalar that this CPU runs: each is compared with scalar.
inline std::vector<Isa> simd_tiers_available() {
    std::vector<Isa> tiers;
    for (Isa isa : {Isa::avx2, Isa::avx512})
        if (isa_supported(isa)) tiers.push_back(isa);
    return tiers;
}

// Every tier this CPU runs, scalar first.
inline std::vector<Isa> tiers_available() {
    std::vector<Isa> tiers{Isa::scalar};
    for (Isa isa : simd_tiers_available()) tiers.push_back(isa);
    return tiers;
}

// Named adversarial float inputs of length n, generated from (kind, n, seed).
enum class Input { random, all_equal, signed_zeros, nan_mixed, infinities, denormals, sorted, reversed, many_ties };
inline constexpr Input all_inputs[] = {Input::random,    Input::all_equal, Input::signed_zeros,
                                       Input::nan_mixed, Input::infinities, Input::denormals,
                                       Input::sorted,    Input::reversed,  Input::many_ties};

inline const char* input_name(Input kind) {
    switch (kind) {
        case Input::random: return "random";
        case Input::all_equal: return "all_equal";
        case Input::signed_zeros: return "signed_zeros";
        case Input::nan_mixed: return "nan_mixed";
        case Input::infinities: return "infinities";
        case Input::denormals: return "denormals";
        case Input::sorted: return "sorted";
        case Input::reversed: return "reversed";
        case Input::many_ties: return "many_ties";
    }
    return "?";
}

inline std::vector<float> make_input(Input kind, size_t n, uint64_t seed = 1) {
    std::mt19937_64 rng(seed * 1000003 + n);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    const float denorm = std::numeric_limits<float>::denorm_min();
    std::vector<float> x(n);
    for (size_t i = 0; i < n; ++i) {
        float r = normal(rng);
        switch (kind) {
            case Input::random: x[i] = r; break;
            case Input::all_equal: x[i] = -0.75f; break;
            case Input::signed_zeros: x[i] = (rng() % 3 == 0) ? r : ((rng() & 1) ? 0.0f : -0.0f); break;
            case Input::nan_mixed: x[i] = (rng() % 4 == 0) ? ((rng() & 1) ? nan : -nan) : r; break;
            case Input::infinities: x[i] = (rng() % 5 == 0) ? ((rng() & 1) ? inf : -inf) : r; break;
            case Input::denormals: x[i] = float(int(rng() % 7) - 3) * denorm; break;
            case Input::sorted: x[i] = float(i) - float(n) / 2; break;
            case Input::reversed: x[i] = float(n) / 2 - float(i); break;
            case Input::many_ties: x[i] = float(int(rng() % 5) - 2) * 0.5f; break;
        }
    }
    return x;
}

}  // namespace bitvote::testing
