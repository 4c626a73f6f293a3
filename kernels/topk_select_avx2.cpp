// topk_select, AVX2: the filtering pass as 64-bit survivor masks (eight
// movemasks per 64 floats) walked with tzcnt. The rest (sample, retry, exact
// select among survivors) is kernels/topk_select_common.h.
#include <immintrin.h>

#include "topk_select_common.h"

namespace bitvote::avx2 {
namespace {

// The per-lane form of survives(key, t): key - t < inf_key + 1 - t unsigned,
// as a signed compare of both sides offset by 2^31.
struct Threshold {
    __m256i bias;   // 2^31 - t: key + bias = (key - t) offset by 2^31
    __m256i bound;  // (inf_key + 1 - t) offset by 2^31
};

Threshold make_threshold(uint32_t t) {
    return {_mm256_set1_epi32(int(0x80000000u - t)), _mm256_set1_epi32(int(inf_key + 1 - t + 0x80000000u))};
}

// Bit j set iff x[j] survives, j < 64.
uint64_t survivor_mask(const float* x, Threshold t) {
    const __m256i abs_mask = _mm256_set1_epi32(0x7fffffff);
    uint64_t mask = 0;
#pragma GCC unroll 8
    for (int v = 0; v < 8; ++v) {
        __m256i key = _mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + 8 * v)), abs_mask);
        __m256i in = _mm256_cmpgt_epi32(t.bound, _mm256_add_epi32(key, t.bias));
        mask |= uint64_t(uint32_t(_mm256_movemask_ps(_mm256_castsi256_ps(in)))) << (8 * v);
    }
    return mask;
}

size_t filter_survivors(std::span<const float> x, uint32_t t, Survivors out) {
    Threshold vt = make_threshold(t);
    return filter_blocks(x, t, out, [vt](const float* block) { return survivor_mask(block, vt); });
}

}  // namespace

size_t topk_select(std::span<const float> x, size_t k, std::span<uint32_t> out) {
    return select_topk(x, k, out, filter_survivors);
}

}  // namespace bitvote::avx2
