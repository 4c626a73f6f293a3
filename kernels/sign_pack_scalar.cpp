// Sign and ternary bitmaps, scalar: the specification the SIMD tiers match bit
// for bit (see kernels.h for the conventions).
#include <algorithm>

#include "tiers.h"

namespace bitvote::scalar {
namespace {

bool is_plus(float x) { return !(x < 0.0f); }            // +0, -0 and NaN are +1
bool is_voted(float x) { return x > 0.0f || x < 0.0f; }  // 0 and NaN do not vote
bool is_positive(float x) { return x > 0.0f; }

// bits[i / 64] bit i % 64 = pred(x_i); bits past n in the last word are 0.
template <class Pred>
void pack_bits(std::span<const float> x, std::span<uint64_t> bits, Pred pred) {
    size_t n = x.size();
    for (size_t word = 0; word < bitmap_words(n); ++word) {
        uint64_t value = 0;
        for (size_t i = 64 * word; i < std::min(n, 64 * word + 64); ++i) value |= uint64_t(pred(x[i])) << (i % 64);
        bits[word] = value;
    }
}

bool bit_at(std::span<const uint64_t> bits, size_t i) { return (bits[i / 64] >> (i % 64)) & 1; }

// The step of one coordinate: w - lr where plus, w + lr (as w - (-lr)) where
// not. A subtraction, no multiply, so no FMA contraction can make a tier
// differ; a table, not a branch, as the bits are random.
float step(float w, bool plus, float lr) {
    const float delta[2] = {-lr, lr};
    return w - delta[plus];
}

}  // namespace

void sign_pack(std::span<const float> x, std::span<uint64_t> bits) { pack_bits(x, bits, is_plus); }

void sign_unpack_apply(std::span<const uint64_t> bits, float lr, std::span<float> w) {
    for (size_t i = 0; i < w.size(); ++i) w[i] = step(w[i], bit_at(bits, i), lr);
}

void ternary_pack(std::span<const float> x, std::span<uint64_t> voted, std::span<uint64_t> positive) {
    pack_bits(x, voted, is_voted);
    pack_bits(x, positive, is_positive);
}

void ternary_unpack_apply(std::span<const uint64_t> voted, std::span<const uint64_t> positive, float lr,
                          std::span<float> w) {
    for (size_t i = 0; i < w.size(); ++i)
        w[i] = bit_at(voted, i) ? step(w[i], bit_at(positive, i), lr) : w[i];
}

}  // namespace bitvote::scalar
