// Sign and ternary bitmaps, AVX2: one 64-bit word per 64 floats (8 ymm); the
// last partial word goes to the scalar specification.
#include <immintrin.h>

#include "prefetch.h"
#include "tiers.h"

namespace bitvote::avx2 {
namespace {

// The helpers are always_inline: left to itself GCC outlines some of them and
// passes the vectors through memory.

// 64 consecutive floats, the coordinates of one bitmap word.
struct Block {
    __m256 v[8];
};

[[gnu::always_inline]] inline Block load_block(const float* x) {
    prefetch_block(x);
    Block b;
#pragma GCC unroll 8
    for (int j = 0; j < 8; ++j) b.v[j] = _mm256_loadu_ps(x + 8 * j);
    return b;
}

// Bit j = Pred(x_j, 0) for 32 floats: compare to all-ones lanes, saturating
// packs to bytes (which interleave the 128-bit halves), one dword permute to
// restore the order, one byte movemask.
template <int Pred>
[[gnu::always_inline]] inline uint32_t compare_bits32(const __m256* v) {
    const __m256 zero = _mm256_setzero_ps();
    __m256i c[4];
#pragma GCC unroll 8
    for (int j = 0; j < 4; ++j) c[j] = _mm256_castps_si256(_mm256_cmp_ps(v[j], zero, Pred));
    __m256i bytes = _mm256_packs_epi16(_mm256_packs_epi32(c[0], c[1]), _mm256_packs_epi32(c[2], c[3]));
    bytes = _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
    return uint32_t(_mm256_movemask_epi8(bytes));
}

template <int Pred>
[[gnu::always_inline]] inline uint64_t compare_bits(const Block& b) {
    return uint64_t(compare_bits32<Pred>(b.v)) | uint64_t(compare_bits32<Pred>(b.v + 4)) << 32;
}

// Sign bit of lane j = bit 8g + j of the 32 bits broadcast in `half` (g = 0..3).
[[gnu::always_inline]] inline __m256 sign_lanes(__m256i half, int g) {
    const __m256i to_sign = _mm256_setr_epi32(31, 30, 29, 28, 27, 26, 25, 24);
    return _mm256_castsi256_ps(_mm256_sllv_epi32(half, _mm256_sub_epi32(to_sign, _mm256_set1_epi32(8 * g))));
}

// Both halves of a bitmap word, broadcast: [0] bits 0..31, [1] bits 32..63.
struct WordLanes {
    __m256i half[2];
};

[[gnu::always_inline]] inline WordLanes broadcast_word(uint64_t word) {
    return {{_mm256_set1_epi32(int(uint32_t(word))), _mm256_set1_epi32(int(uint32_t(word >> 32)))}};
}

// Sign bit of lane j = bit 8g + j of the word (g = 0..7).
[[gnu::always_inline]] inline __m256 group_lanes(const WordLanes& word, int g) {
    return sign_lanes(word.half[g / 4], g % 4);
}

// w - (plus ? lr : -lr) per lane, `plus` in the sign bit of each lane.
[[gnu::always_inline]] inline __m256 step(__m256 w, __m256 plus, __m256 lr, __m256 neg_lr) {
    return _mm256_sub_ps(w, _mm256_blendv_ps(neg_lr, lr, plus));
}

}  // namespace

void sign_pack(std::span<const float> x, std::span<uint64_t> bits) {
    size_t full = x.size() / 64;
    for (size_t word = 0; word < full; ++word) bits[word] = compare_bits<_CMP_NLT_UQ>(load_block(&x[64 * word]));
    scalar::sign_pack(x.subspan(64 * full), bits.subspan(full));
}

void sign_unpack_apply(std::span<const uint64_t> bits, float lr, std::span<float> w) {
    const __m256 lr8 = _mm256_set1_ps(lr), neg_lr8 = _mm256_set1_ps(-lr);
    size_t full = w.size() / 64;
    for (size_t word = 0; word < full; ++word) {
        WordLanes signs = broadcast_word(bits[word]);
        float* p = &w[64 * word];
        prefetch_block(p);
#pragma GCC unroll 8
        for (int g = 0; g < 8; ++g)
            _mm256_storeu_ps(p + 8 * g, step(_mm256_loadu_ps(p + 8 * g), group_lanes(signs, g), lr8, neg_lr8));
    }
    scalar::sign_unpack_apply(bits.subspan(full), lr, w.subspan(64 * full));
}

void ternary_pack(std::span<const float> x, std::span<uint64_t> voted, std::span<uint64_t> positive) {
    size_t full = x.size() / 64;
    for (size_t word = 0; word < full; ++word) {
        Block b = load_block(&x[64 * word]);
        voted[word] = compare_bits<_CMP_NEQ_OQ>(b);  // ordered: NaN does not vote
        positive[word] = compare_bits<_CMP_GT_OQ>(b);
    }
    scalar::ternary_pack(x.subspan(64 * full), voted.subspan(full), positive.subspan(full));
}

// Lanes not voted keep their bits exactly (a blend, not w - 0).
void ternary_unpack_apply(std::span<const uint64_t> voted, std::span<const uint64_t> positive, float lr,
                          std::span<float> w) {
    const __m256 lr8 = _mm256_set1_ps(lr), neg_lr8 = _mm256_set1_ps(-lr);
    size_t full = w.size() / 64;
    for (size_t word = 0; word < full; ++word) {
        WordLanes votes = broadcast_word(voted[word]), signs = broadcast_word(positive[word]);
        float* p = &w[64 * word];
        prefetch_block(p);
#pragma GCC unroll 8
        for (int g = 0; g < 8; ++g) {
            __m256 old = _mm256_loadu_ps(p + 8 * g);
            __m256 stepped = step(old, group_lanes(signs, g), lr8, neg_lr8);
            _mm256_storeu_ps(p + 8 * g, _mm256_blendv_ps(old, stepped, group_lanes(votes, g)));
        }
    }
    scalar::ternary_unpack_apply(voted.subspan(full), positive.subspan(full), lr, w.subspan(64 * full));
}

}  // namespace bitvote::avx2
