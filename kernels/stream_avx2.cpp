// Roofline references, AVX2: stream_sum in the order of scalar::stream_sum
// (64 lane sums = 8 ymm accumulators, the same pairwise tree, the tail in order).
#include <immintrin.h>

#include "prefetch.h"
#include "tiers.h"

namespace bitvote::avx2 {

float stream_sum(std::span<const float> x) {
    size_t m = x.size() - x.size() % 64;
    __m256 acc[8];  // acc[k] lane j = s[8k + j]
#pragma GCC unroll 8
    for (__m256& a : acc) a = _mm256_setzero_ps();
    for (size_t i = 0; i < m; i += 64) {
        prefetch_block(&x[i]);
#pragma GCC unroll 8
        for (int k = 0; k < 8; ++k) acc[k] = _mm256_add_ps(acc[k], _mm256_loadu_ps(&x[i + 8 * k]));
    }
#pragma GCC unroll 8
    for (int h = 4; h >= 1; h /= 2)  // s[i] += s[i + 32], += s[i + 16], += s[i + 8]
#pragma GCC unroll 8
        for (int k = 0; k < h; ++k) acc[k] = _mm256_add_ps(acc[k], acc[k + h]);
    __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(acc[0]), _mm256_extractf128_ps(acc[0], 1));  // += s[i + 4]
    __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));                                         // += s[i + 2]
    __m128 s1 = _mm_add_ss(s2, _mm_movehdup_ps(s2));                                           // += s[i + 1]
    float sum = _mm_cvtss_f32(s1);
    for (size_t i = m; i < x.size(); ++i) sum += x[i];
    return sum;
}

void stream_add(std::span<float> w, float c) {
    const __m256 c8 = _mm256_set1_ps(c);
    size_t m = w.size() - w.size() % 64;
    for (size_t i = 0; i < m; i += 64) {
        prefetch_block(&w[i]);
#pragma GCC unroll 8
        for (int k = 0; k < 8; ++k) _mm256_storeu_ps(&w[i + 8 * k], _mm256_add_ps(_mm256_loadu_ps(&w[i + 8 * k]), c8));
    }
    for (size_t i = m; i < w.size(); ++i) w[i] += c;
}

}  // namespace bitvote::avx2
