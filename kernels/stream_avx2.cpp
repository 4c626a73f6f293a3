// Roofline references, AVX2: 64 lane sums = 8 ymm accumulators
// (kernels/stream_common.h is the loop, kernels/stream_scalar.cpp the order).
#include <immintrin.h>

#include "tiers.h"

namespace bitvote::avx2 {
namespace {

struct Floats {
    static constexpr int lanes = 8;
    __m256 v;

    static Floats zero() { return {_mm256_setzero_ps()}; }
    static Floats set1(float c) { return {_mm256_set1_ps(c)}; }
    static Floats load(const float* p) { return {_mm256_loadu_ps(p)}; }
    static void store(float* p, Floats x) { _mm256_storeu_ps(p, x.v); }
    friend Floats operator+(Floats a, Floats b) { return {_mm256_add_ps(a.v, b.v)}; }
};

// s[i] += s[i + 4].
__m128 fold_to_4(Floats x) { return _mm_add_ps(_mm256_castps256_ps128(x.v), _mm256_extractf128_ps(x.v, 1)); }

}  // namespace
}  // namespace bitvote::avx2

#define BITVOTE_TIER avx2
#include "stream_common.h"
