// magsparse's ternary message, scalar: the specification the SIMD tiers match
// bit for bit (kernels.h; the draw is kernels/magsparse_draw.h).
#include <cmath>

#include "magsparse_draw.h"
#include "tiers.h"

namespace bitvote::scalar {
namespace {

uint32_t lowbias32(uint32_t x) {
    x ^= x >> lowbias32_shift1;
    x *= lowbias32_m1;
    x ^= x >> lowbias32_shift2;
    x *= lowbias32_m2;
    return x ^ (x >> lowbias32_shift3);
}

// The 24-bit uniform of coordinate counter c.
uint32_t draw(uint64_t key, uint32_t c) {
    return lowbias32(lowbias32(c + uint32_t(key)) ^ uint32_t(key >> 32)) >> (32 - magsparse_draw_bits);
}

// Bit i = on; no branch (the bits are random).
void bit_set(std::span<uint64_t> bits, size_t i, bool on) {
    bits[i / 64] = (bits[i / 64] & ~(uint64_t{1} << (i % 64))) | (uint64_t(on) << (i % 64));
}

}  // namespace

void magsparse_pack(std::span<const float> x, float B, uint64_t key, uint32_t counter, size_t first,
                    std::span<uint64_t> voted, std::span<uint64_t> positive) {
    const float b = B * 0x1p-24f;  // a uniform u of 24 bits keeps where u * b < |x|: P = min(1, |x| / B)
    for (size_t j = 0; j < x.size(); ++j) {
        const bool keep = float(draw(key, uint32_t(counter + j))) * b < std::fabs(x[j]);
        bit_set(voted, first + j, keep);
        bit_set(positive, first + j, keep & (x[j] > 0));
    }
}

}  // namespace bitvote::scalar
