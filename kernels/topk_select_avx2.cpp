// topk_select, AVX2: the filtering pass as 64-bit survivor masks (eight
// movemasks per 64 floats) walked with tzcnt. The rest (sample, retry, exact
// select among survivors) is kernels/topk_select_common.h.
#include <immintrin.h>

#include "tiers.h"

namespace bitvote::avx2 {
namespace {

// Bit j set iff block[j] survives, j < 64: the per-lane form of
// key - t < span unsigned, as a signed compare of both sides offset by 2^31.
class SurvivorMask {
  public:
    SurvivorMask(uint32_t t, uint32_t span)
        : bias_(_mm256_set1_epi32(int(0x80000000u - t))), bound_(_mm256_set1_epi32(int(span + 0x80000000u))) {}

    uint64_t operator()(const float* block) const {
        const __m256i abs_mask = _mm256_set1_epi32(0x7fffffff);
        uint64_t mask = 0;
#pragma GCC unroll 8
        for (int v = 0; v < 8; ++v) {
            __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + 8 * v));
            __m256i key = _mm256_and_si256(x, abs_mask);
            __m256i in = _mm256_cmpgt_epi32(bound_, _mm256_add_epi32(key, bias_));
            mask |= uint64_t(uint32_t(_mm256_movemask_ps(_mm256_castsi256_ps(in)))) << (8 * v);
        }
        return mask;
    }

  private:
    __m256i bias_;   // 2^31 - t: key + bias = (key - t) offset by 2^31
    __m256i bound_;  // span offset by 2^31
};

}  // namespace
}  // namespace bitvote::avx2

#define BITVOTE_TIER avx2
#include "topk_select_common.h"
