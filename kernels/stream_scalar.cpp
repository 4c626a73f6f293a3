// Roofline references, scalar: the specification of the summation order the
// SIMD tiers reproduce, so stream_sum is bit-identical across tiers.
#include "tiers.h"

namespace bitvote::scalar {

// Order: 64 running lane sums s[i % 64] over the largest multiple of 64 (64
// lanes = 4 zmm / 8 ymm accumulators, enough to hide the add latency), then
// the pairwise tree s[i] += s[i + h] for h = 32, 16, 8, 4, 2, 1, then the tail
// x[m..n) added in order. Bit-identical across tiers for every non-NaN result;
// where the sum is NaN, which NaN (its sign, payload) is not specified.
float stream_sum(std::span<const float> x) {
    constexpr size_t lanes = 64;
    size_t m = x.size() - x.size() % lanes;
    float s[lanes] = {};
    for (size_t i = 0; i < m; ++i) s[i % lanes] += x[i];
    for (size_t h = lanes / 2; h >= 1; h /= 2)
        for (size_t i = 0; i < h; ++i) s[i] += s[i + h];
    float sum = s[0];
    for (size_t i = m; i < x.size(); ++i) sum += x[i];
    return sum;
}

void stream_add(std::span<float> w, float c) {
    for (float& v : w) v += c;
}

}  // namespace bitvote::scalar
