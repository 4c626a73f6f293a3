// indices_encode / indices_decode, AVX2: the buffered codec of
// kernels/indices_codec_common.h; its input check compares 8 indices at a time.
#include <immintrin.h>

#include "tiers.h"

namespace bitvote::avx2 {
namespace {

constexpr size_t increasing_lanes = 8;

// Whether p[0] < p[1] < ... < p[8], unsigned (as signed, both sides offset by 2^31).
bool increasing(const uint32_t* p) {
    const __m256i bias = _mm256_set1_epi32(INT32_MIN);
    __m256i cur = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 1));
    __m256i prev = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    __m256i gt = _mm256_cmpgt_epi32(_mm256_xor_si256(cur, bias), _mm256_xor_si256(prev, bias));
    return _mm256_movemask_epi8(gt) == -1;
}

}  // namespace
}  // namespace bitvote::avx2

#define BITVOTE_TIER avx2
#include "indices_codec_common.h"
