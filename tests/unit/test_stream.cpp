// The roofline kernels on every tier (one test instance each). stream_sum must follow the
// summation order scalar documents (64 lane sums, a pairwise tree, the tail in
// order), so a reference that spells that order out here and every tier agree
// bit for bit; stream_add is w_i + c, bit for bit.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "tiers_under_test.h"

namespace bitvote {
namespace {

using testing::all_inputs;
using testing::Input;
using testing::input_name;
using testing::make_input;
using Floats = std::vector<float>;

constexpr size_t max_n = 1100;

// The documented order: s[i % 64] over the largest multiple of 64, then
// s[i] += s[i + h] for h = 32 .. 1, then x[m..n) one by one.
float ref_sum(const Floats& x) {
    size_t m = x.size() / 64 * 64;
    Floats s(64, 0.0f);
    for (size_t i = 0; i < m; ++i) s[i % 64] = s[i % 64] + x[i];
    for (size_t h = 32; h >= 1; h /= 2)
        for (size_t i = 0; i < h; ++i) s[i] = s[i] + s[i + h];
    float sum = s[0];
    for (size_t i = m; i < x.size(); ++i) sum = sum + x[i];
    return sum;
}

// Same bits, or both NaN: which NaN a sum of several NaNs yields depends on
// operand order inside an add, which the contract leaves open.
bool same_sum(float a, float b) {
    return std::bit_cast<uint32_t>(a) == std::bit_cast<uint32_t>(b) || (std::isnan(a) && std::isnan(b));
}

std::string show(float v) {
    char s[48];
    std::snprintf(s, sizeof s, "%08x (%g)", std::bit_cast<uint32_t>(v), double(v));
    return s;
}

std::string where(Isa isa, const char* input, size_t n, size_t offset) {
    return std::string(isa_name(isa)) + " input=" + input + " n=" + std::to_string(n) +
           " offset=" + std::to_string(offset);
}

// x copied `offset` floats past a 64-byte boundary.
struct Placed {
    Floats storage;
    float* data;
    Placed(const Floats& x, size_t offset) : storage(x.size() + offset + 16) {
        uintptr_t misalign = reinterpret_cast<uintptr_t>(storage.data()) % 64;
        data = storage.data() + (misalign ? (64 - misalign) / sizeof(float) : 0) + offset;
        std::copy(x.begin(), x.end(), data);
    }
};

// Calls body(input, n, offset) for every input and length 0..1100 (offset 0)
// and lengths 0..300 step 7 at offsets 1..15.
template <class Body>
void for_each_case(Body body) {
    for (Input input : all_inputs) {
        for (size_t n = 0; n <= max_n; ++n) body(input, n, size_t{0});
        for (size_t offset = 1; offset < 16; ++offset)
            for (size_t n = 0; n <= 300; n += 7) body(input, n, offset);
    }
}

TIER_TEST_SUITE(StreamSum);
TIER_TEST_SUITE(StreamAdd);

TEST_P(StreamSum, MatchesDocumentedOrderAndScalarAtEveryLengthAndInput) {
    int failures = 0;
    for_each_case([&](Input input, size_t n, size_t offset) {
        Floats x = make_input(input, n);
        Placed in(x, offset);
        float want = ref_sum(x), scalar = kernel_table(Isa::scalar).stream_sum({in.data, n});
        float got = kernel_table(tier).stream_sum({in.data, n});
        if ((!same_sum(got, want) || !same_sum(got, scalar)) && ++failures <= 5)
            ADD_FAILURE() << "stream_sum differs (" << where(tier, input_name(input), n, offset) << "): got "
                          << show(got) << " want " << show(want) << " scalar " << show(scalar);
    });
    EXPECT_EQ(failures, 0);
}

// Rounding makes the order visible: 2^24 + 1 rounds back to 2^24. Lane 0 holds
// 2^24 (then zeros), lanes 1..63 hold 1 for 64 rounds: each lane sums to 64
// before the tree meets lane 0, and multiples of 64 next to 2^24 are exact, so
// the documented order gives 2^24 + 63 * 64; a sequential sum, or fewer lanes,
// loses ones against 2^24.
TEST_P(StreamSum, FollowsTheLaneTreeOrder) {
    const float big = 16777216.0f;  // 2^24
    Floats x(64 * 64, 1.0f);
    x[0] = big;
    for (size_t i = 64; i < x.size(); i += 64) x[i] = 0.0f;
    EXPECT_EQ(kernel_table(tier).stream_sum(x), big + 63.0f * 64.0f) << isa_name(tier);
}

TEST_P(StreamSum, EmptyIsPositiveZero) {
    EXPECT_EQ(std::bit_cast<uint32_t>(kernel_table(tier).stream_sum({})), 0u) << isa_name(tier);
}

TEST_P(StreamAdd, MatchesReferenceBitForBitAtEveryLengthAndInput) {
    int failures = 0;
    const float constants[] = {1e-7f, -2.5f, std::numeric_limits<float>::infinity()};
    for_each_case([&](Input input, size_t n, size_t offset) {
        Floats x = make_input(input, n);
        for (float c : constants) {
            Floats want(n);
            for (size_t i = 0; i < n; ++i) want[i] = x[i] + c;
            Placed w(x, offset);
            const float sentinel = 1234.5f;
            w.data[n] = sentinel;
            kernel_table(tier).stream_add({w.data, n}, c);
            for (size_t i = 0; i <= n; ++i) {
                float expect = i < n ? want[i] : sentinel;
                if (std::bit_cast<uint32_t>(w.data[i]) != std::bit_cast<uint32_t>(expect)) {
                    if (++failures <= 5)
                        ADD_FAILURE() << "stream_add differs (" << where(tier, input_name(input), n, offset)
                                      << " c=" << c << ") at " << i << ": got " << show(w.data[i]) << " want "
                                      << show(expect);
                    break;
                }
            }
        }
    });
    EXPECT_EQ(failures, 0);
}

}  // namespace
}  // namespace bitvote
