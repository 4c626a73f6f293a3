// Roofline references, AVX-512: 64 lane sums = 4 zmm accumulators
// (kernels/stream_common.h is the loop, kernels/stream_scalar.cpp the order).
#include <immintrin.h>

#include "tiers.h"

namespace bitvote::avx512 {
namespace {

struct Floats {
    static constexpr int lanes = 16;
    __m512 v;

    static Floats zero() { return {_mm512_setzero_ps()}; }
    static Floats set1(float c) { return {_mm512_set1_ps(c)}; }
    static Floats load(const float* p) { return {_mm512_loadu_ps(p)}; }
    static void store(float* p, Floats x) { _mm512_storeu_ps(p, x.v); }
    friend Floats operator+(Floats a, Floats b) { return {_mm512_add_ps(a.v, b.v)}; }
};

// s[i] += s[i + 8], += s[i + 4].
__m128 fold_to_4(Floats x) {
    __m256 s8 = _mm256_add_ps(_mm512_extractf32x8_ps(x.v, 0), _mm512_extractf32x8_ps(x.v, 1));
    return _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
}

}  // namespace
}  // namespace bitvote::avx512

#define BITVOTE_TIER avx512
#include "stream_common.h"
