// Sign and ternary bitmaps, AVX-512: one 64-bit word per 64 floats (4 zmm,
// one compare mask each); the last partial word uses the same code with a
// lane mask, so nothing past n is read or written.
#include <immintrin.h>

#include "prefetch.h"
#include "tiers.h"

namespace bitvote::avx512 {
namespace {

// The helpers are always_inline: left to itself GCC outlines some of them and
// passes the vectors through memory.

constexpr __mmask64 all_lanes = ~__mmask64{0};

// Lanes 16q..16q+15 of a 64-lane mask: the mask of the q-th zmm of a block.
[[gnu::always_inline]] inline __mmask16 quarter(__mmask64 m, int q) { return __mmask16(m >> (16 * q)); }

// 64 consecutive floats, the coordinates of one bitmap word; lanes past
// `valid` are 0 and never loaded.
struct Block {
    __m512 v[4];
    __mmask64 valid;
};

[[gnu::always_inline]] inline Block load_block(const float* x, __mmask64 valid) {
    prefetch_block(x);
    Block b;
#pragma GCC unroll 4
    for (int q = 0; q < 4; ++q) b.v[q] = _mm512_maskz_loadu_ps(quarter(valid, q), x + 16 * q);
    b.valid = valid;
    return b;
}

// Bit j = Pred(x_j, 0) for the valid lanes, 0 past them.
template <int Pred>
[[gnu::always_inline]] inline uint64_t compare_bits(const Block& b) {
    const __m512 zero = _mm512_setzero_ps();
    __mmask16 k[4];
#pragma GCC unroll 4
    for (int q = 0; q < 4; ++q) k[q] = _mm512_mask_cmp_ps_mask(quarter(b.valid, q), b.v[q], zero, Pred);
    return _cvtmask64_u64(_mm512_kunpackd(_mm512_kunpackw(k[3], k[2]), _mm512_kunpackw(k[1], k[0])));
}

// w - (plus ? lr : -lr) per lane.
[[gnu::always_inline]] inline __m512 step(__m512 w, __mmask16 plus, __m512 lr, __m512 neg_lr) {
    return _mm512_sub_ps(w, _mm512_mask_blend_ps(plus, neg_lr, lr));
}

// w[0..64) -= ±lr where voted (lanes not voted keep their bits: a merge, not
// w - 0), for the valid lanes of one word.
[[gnu::always_inline]] inline void apply_word(float* w, __mmask64 valid, uint64_t voted, uint64_t plus, __m512 lr,
                                              __m512 neg_lr) {
    prefetch_block(w);
#pragma GCC unroll 4
    for (int q = 0; q < 4; ++q) {
        __m512 old = _mm512_maskz_loadu_ps(quarter(valid, q), w + 16 * q);
        __m512 stepped = _mm512_mask_mov_ps(old, quarter(voted, q), step(old, quarter(plus, q), lr, neg_lr));
        _mm512_mask_storeu_ps(w + 16 * q, quarter(valid, q), stepped);
    }
}

// The lanes of the last, partial word of n coordinates (n % 64 != 0).
[[gnu::always_inline]] inline __mmask64 tail_lanes(size_t n) { return _bzhi_u64(~uint64_t{0}, unsigned(n % 64)); }

// Both bitmap words of 64 coordinates.
[[gnu::always_inline]] inline void ternary_word(const float* x, __mmask64 valid, uint64_t* voted, uint64_t* positive) {
    Block b = load_block(x, valid);
    *voted = compare_bits<_CMP_NEQ_OQ>(b);  // ordered: NaN does not vote
    *positive = compare_bits<_CMP_GT_OQ>(b);
}

}  // namespace

// Full words, then the partial one under a lane mask (nothing past n is touched).
void sign_pack(std::span<const float> x, std::span<uint64_t> bits) {
    size_t full = x.size() / 64;
    for (size_t word = 0; word < full; ++word)
        bits[word] = compare_bits<_CMP_NLT_UQ>(load_block(&x[64 * word], all_lanes));
    if (x.size() % 64) bits[full] = compare_bits<_CMP_NLT_UQ>(load_block(&x[64 * full], tail_lanes(x.size())));
}

void sign_unpack_apply(std::span<const uint64_t> bits, float lr, std::span<float> w) {
    const __m512 lr16 = _mm512_set1_ps(lr), neg_lr16 = _mm512_set1_ps(-lr);
    size_t full = w.size() / 64;
    for (size_t word = 0; word < full; ++word)
        apply_word(&w[64 * word], all_lanes, all_lanes, bits[word], lr16, neg_lr16);
    if (w.size() % 64) apply_word(&w[64 * full], tail_lanes(w.size()), all_lanes, bits[full], lr16, neg_lr16);
}

void ternary_pack(std::span<const float> x, std::span<uint64_t> voted, std::span<uint64_t> positive) {
    size_t full = x.size() / 64;
    for (size_t word = 0; word < full; ++word) ternary_word(&x[64 * word], all_lanes, &voted[word], &positive[word]);
    if (x.size() % 64) ternary_word(&x[64 * full], tail_lanes(x.size()), &voted[full], &positive[full]);
}

void ternary_unpack_apply(std::span<const uint64_t> voted, std::span<const uint64_t> positive, float lr,
                          std::span<float> w) {
    const __m512 lr16 = _mm512_set1_ps(lr), neg_lr16 = _mm512_set1_ps(-lr);
    size_t full = w.size() / 64;
    for (size_t word = 0; word < full; ++word)
        apply_word(&w[64 * word], all_lanes, voted[word], positive[word], lr16, neg_lr16);
    if (w.size() % 64) apply_word(&w[64 * full], tail_lanes(w.size()), voted[full], positive[full], lr16, neg_lr16);
}

}  // namespace bitvote::avx512
