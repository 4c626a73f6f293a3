// indices_encode / indices_decode, AVX-512: the buffered codec of
// kernels/indices_codec_common.h; its input check compares 16 indices at a time.
#include <immintrin.h>

#include "tiers.h"

namespace bitvote::avx512 {
namespace {

constexpr size_t increasing_lanes = 16;

// Whether p[0] < p[1] < ... < p[16], unsigned.
bool increasing(const uint32_t* p) {
    return _mm512_cmpgt_epu32_mask(_mm512_loadu_si512(p + 1), _mm512_loadu_si512(p)) == 0xffff;
}

}  // namespace
}  // namespace bitvote::avx512

#define BITVOTE_TIER avx512
#include "indices_codec_common.h"
