// What every kernel test is parameterised over: the tier (scalar, avx2,
// avx512, instantiated on every CPU; a tier this CPU lacks is SKIPPED with the
// reason, so gtest's totals show it) and named adversarial inputs.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "kernels.h"

namespace bitvote {
// How gtest shows the parameter (--gtest_list_tests, failure messages): by name.
inline void PrintTo(Isa isa, std::ostream* os) { *os << isa_name(isa); }
}  // namespace bitvote

namespace bitvote::testing {

// Fixture of a suite whose TEST_Ps run one tier each: `tier` is the parameter.
class TierTest : public ::testing::TestWithParam<Isa> {
protected:
    void SetUp() override {
        if (!isa_supported(tier)) GTEST_SKIP() << "CPU lacks " << isa_name(tier);
    }
    const Isa tier = GetParam();
};

inline constexpr Isa every_tier[] = {Isa::scalar, Isa::avx2, Isa::avx512};
static_assert(std::size(every_tier) == size_t(isa_count));

// Test names end in the tier: EveryTier/SignPack.TailBitsAreZero/avx512.
inline std::string tier_param_name(const ::testing::TestParamInfo<Isa>& info) {
    return std::string(isa_name(info.param));
}

// Declares the fixture `suite` for TEST_P(suite, ...) and runs those tests
// on every tier.
#define TIER_TEST_SUITE(suite)                                                                       \
    class suite : public ::bitvote::testing::TierTest {};                                            \
    INSTANTIATE_TEST_SUITE_P(EveryTier, suite, ::testing::ValuesIn(::bitvote::testing::every_tier), \
                             ::bitvote::testing::tier_param_name)

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
