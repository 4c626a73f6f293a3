// Roofline references for the SIMD tiers: stream_sum in the order of
// scalar::stream_sum (the 64 lane sums in 64 / Floats::lanes accumulators, the
// same pairwise tree, the tail in order) and stream_add, a vector at a time.
//
// The generic body of a tier (kernels/tiers.h): stream_<tier>.cpp defines in
// bitvote::<tier> a vector of floats, Floats (Floats::lanes, zero(), set1(c),
// load(p), store(p, v), a + b), and fold_to_4(v): the lanes of v added
// pairwise, s[i] += s[i + h] for h = lanes / 2 down to 4, as 4 lanes; it sets
// BITVOTE_TIER and includes this file last.
#pragma once

#include <immintrin.h>

#include "prefetch.h"
#include "tier_body.h"

namespace bitvote::BITVOTE_TIER {

float stream_sum(std::span<const float> x) {
    constexpr int lanes = Floats::lanes, block_vectors = 64 / lanes;
    size_t m = x.size() - x.size() % 64;
    Floats acc[block_vectors];  // acc[k] lane j = s[lanes * k + j]
#pragma GCC unroll 8
    for (Floats& a : acc) a = Floats::zero();
    for (size_t i = 0; i < m; i += 64) {
        prefetch_block(&x[i]);
#pragma GCC unroll 8
        for (int k = 0; k < block_vectors; ++k) acc[k] = acc[k] + Floats::load(&x[i + lanes * k]);
    }
#pragma GCC unroll 8
    for (int h = block_vectors / 2; h >= 1; h /= 2)  // s[i] += s[i + 32], ..., += s[i + lanes]
#pragma GCC unroll 8
        for (int k = 0; k < h; ++k) acc[k] = acc[k] + acc[k + h];
    __m128 s4 = fold_to_4(acc[0]);                      // ..., += s[i + 4]
    __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));  // += s[i + 2]
    __m128 s1 = _mm_add_ss(s2, _mm_movehdup_ps(s2));    // += s[i + 1]
    float sum = _mm_cvtss_f32(s1);
    for (size_t i = m; i < x.size(); ++i) sum += x[i];
    return sum;
}

void stream_add(std::span<float> w, float c) {
    constexpr int lanes = Floats::lanes, block_vectors = 64 / lanes;
    const Floats cv = Floats::set1(c);
    size_t m = w.size() - w.size() % 64;
    for (size_t i = 0; i < m; i += 64) {
        prefetch_block(&w[i]);
#pragma GCC unroll 8
        for (int k = 0; k < block_vectors; ++k) Floats::store(&w[i + lanes * k], Floats::load(&w[i + lanes * k]) + cv);
    }
    for (size_t i = m; i < w.size(); ++i) w[i] += c;
}

}  // namespace bitvote::BITVOTE_TIER
