// magsparse_pack's counter-based draw (kernels.h), the one fact every tier and
// the tests share: for coordinate counter c under a 64-bit key,
//   h = lowbias32(lowbias32(c + key_lo) ^ key_hi)   (32-bit arithmetic),
//   lowbias32(x): x ^= x >> 16; x *= m1; x ^= x >> 15; x *= m2; x ^= x >> 16
// (C. Wellons' hash-prospector 32-bit mixer, a bijection), and the uniform is
// its top 24 bits, h >> 8. 32-bit lanes, so a vector tier draws 8 or 16 at
// once (and adds key_lo to a word's first counter once); two rounds with a key
// half before each, so no two keys' streams are shifts or permutations of one
// another.
#pragma once

#include <cstdint>

namespace bitvote {

inline constexpr uint32_t lowbias32_m1 = 0x7feb352d, lowbias32_m2 = 0x846ca68b;
inline constexpr int lowbias32_shift1 = 16, lowbias32_shift2 = 15, lowbias32_shift3 = 16;
inline constexpr int magsparse_draw_bits = 24;  // uniform in [0, 2^24): h >> (32 - 24)

}  // namespace bitvote
