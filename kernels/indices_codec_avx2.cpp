// indices_encode / indices_decode for the avx2 tier: the buffered codec of
// indices_codec_fast.h, compiled with this tier's flags.
#include "indices_codec_fast.h"
#include "tiers.h"

namespace bitvote::avx2 {

size_t indices_encode(std::span<const uint32_t> idx, std::span<const uint64_t> signs, uint32_t d,
                      std::span<uint8_t> out) {
    return fast_encode(idx, signs, d, out);
}

CodecStatus indices_decode(std::span<const uint8_t> in, uint32_t d, std::span<uint32_t> idx_out,
                           std::span<uint64_t> signs_out, size_t* k_out) {
    return fast_decode(in, d, idx_out, signs_out, k_out);
}

}  // namespace bitvote::avx2
