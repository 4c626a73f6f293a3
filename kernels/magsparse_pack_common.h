// magsparse_pack for the SIMD tiers, in the order of
// kernels/magsparse_pack_scalar.cpp: per bitmap word, 64 coordinates as
// 64 / lanes vectors, each drawing `lanes` counters at once (32-bit lanes).
// A word the span covers only in part (a layer's first or last, where layers
// share a word) goes through a zero-padded copy of its 64 floats, and only
// its bits inside [first, first + n) are written.
//
// The generic body of a tier (kernels/tiers.h): magsparse_pack_<tier>.cpp
// defines in bitvote::<tier> Floats (Floats::lanes, load(p), set1(c), abs(v),
// a * b) and Ints (32-bit lanes: set1(c), iota() = 0, 1, ..., a + b, a ^ b,
// a * b (low 32 bits), shift_right<k>(a)), to_floats(Ints) (exact below 2^24),
// less_bits(a, b) (lane bits of the ordered a < b, NaN false) and
// sign_bits(a) (lane bits of the sign bits), then sets BITVOTE_TIER and
// includes this file last.
#pragma once

#include <algorithm>
#include <cstring>

#include "magsparse_draw.h"
#include "prefetch.h"
#include "tier_body.h"

namespace bitvote::BITVOTE_TIER {
namespace {

#define MAGSPARSE_INLINE [[gnu::always_inline]] inline

MAGSPARSE_INLINE Ints lowbias32(Ints x) {
    x = x ^ shift_right<lowbias32_shift1>(x);
    x = x * Ints::set1(lowbias32_m1);
    x = x ^ shift_right<lowbias32_shift2>(x);
    x = x * Ints::set1(lowbias32_m2);
    return x ^ shift_right<lowbias32_shift3>(x);
}

struct Keys {
    uint32_t lo;  // the key's low half, added to the counters
    Ints hi;      // its high half, in every lane
    Floats b;     // B * 2^-24
};

struct Word {
    uint64_t voted, positive;
};

// The bits of 64 coordinates x[0..64), coordinate t drawn with counter c0 + t.
// A voting x is nonzero and not NaN, so it is positive where its sign bit is 0.
MAGSPARSE_INLINE Word pack_word(const float* x, uint32_t c0, const Keys& k) {
    constexpr int lanes = Floats::lanes;
    const Ints first = Ints::set1(c0 + k.lo);  // + (lanes q + 0, 1, ...): one constant per q
    Word w{0, 0};
#pragma GCC unroll 8
    for (int q = 0; q < 64 / lanes; ++q) {
        const Floats g = Floats::load(x + lanes * q);
        const Ints h = lowbias32(lowbias32(first + (Ints::set1(uint32_t(lanes * q)) + Ints::iota())) ^ k.hi);
        const Floats u = to_floats(shift_right<32 - magsparse_draw_bits>(h)) * k.b;
        const uint64_t keep = less_bits(u, abs(g));
        w.voted |= keep << (lanes * q);
        w.positive |= (keep & ~sign_bits(g)) << (lanes * q);
    }
    return w;
}

// Bits [lo, hi) of a word, 0 <= lo < hi <= 64.
uint64_t bits_between(size_t lo, size_t hi) {
    const uint64_t below_hi = hi == 64 ? ~uint64_t{0} : (uint64_t{1} << hi) - 1;
    return below_hi & ~((uint64_t{1} << lo) - 1);
}

}  // namespace

void magsparse_pack(std::span<const float> x, float B, uint64_t key, uint32_t counter, size_t first,
                    std::span<uint64_t> voted, std::span<uint64_t> positive) {
    const Keys k{uint32_t(key), Ints::set1(uint32_t(key >> 32)), Floats::set1(B * 0x1p-24f)};
    const size_t end = first + x.size();
    // Word w holds coordinates 64w..64w+63 = x[64w - first ..]; its counters
    // start at counter + 64w - first (mod 2^32).
    auto counter_of = [&](size_t w) { return uint32_t(counter + (64 * w - first)); };
    // A word the span covers in part: bits [lo, hi) from a padded copy.
    auto pack_partial = [&](size_t w) {
        const size_t lo = std::max(first, 64 * w) - 64 * w, hi = std::min(end, 64 * w + 64) - 64 * w;
        float padded[64] = {};
        std::memcpy(padded + lo, &x[64 * w + lo - first], (hi - lo) * sizeof(float));
        const Word got = pack_word(padded, counter_of(w), k);
        const uint64_t mask = bits_between(lo, hi);
        voted[w] = (voted[w] & ~mask) | (got.voted & mask);
        positive[w] = (positive[w] & ~mask) | (got.positive & mask);
    };
    if (x.empty()) return;
    const size_t w_first = first / 64, w_last = (end - 1) / 64;
    size_t w = w_first;
    if (first % 64 || w_first == w_last) pack_partial(w++);
    for (; w <= w_last && 64 * w + 64 <= end; ++w) {
        const float* p = &x[64 * w - first];
        prefetch_block(p);
        const Word got = pack_word(p, counter_of(w), k);
        voted[w] = got.voted;
        positive[w] = got.positive;
    }
    if (w == w_last) pack_partial(w);
}

#undef MAGSPARSE_INLINE

}  // namespace bitvote::BITVOTE_TIER
