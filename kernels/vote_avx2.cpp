// Majority vote on bit-sliced counters, AVX2: two ymm per plane of a tile
// (512 coordinates); a full adder is XOR/AND/OR on both halves.
// The kernels, written once over Lane, are kernels/vote_common.h.
#include <immintrin.h>

#include "tiers.h"

namespace bitvote::avx2 {
namespace {

struct Lane {
    __m256i lo, hi;  // words 0..3, 4..7 of the plane

    static Lane load(const uint64_t* p) {
        return {_mm256_loadu_si256((const __m256i*)p), _mm256_loadu_si256((const __m256i*)(p + 4))};
    }
    static void store(uint64_t* p, Lane x) {
        _mm256_storeu_si256((__m256i*)p, x.lo);
        _mm256_storeu_si256((__m256i*)(p + 4), x.hi);
    }
    static Lane zero() { return {_mm256_setzero_si256(), _mm256_setzero_si256()}; }
    static Lane ones() { return {_mm256_set1_epi64x(-1), _mm256_set1_epi64x(-1)}; }

    friend Lane operator&(Lane a, Lane b) { return {_mm256_and_si256(a.lo, b.lo), _mm256_and_si256(a.hi, b.hi)}; }
    friend Lane operator|(Lane a, Lane b) { return {_mm256_or_si256(a.lo, b.lo), _mm256_or_si256(a.hi, b.hi)}; }
    friend Lane operator^(Lane a, Lane b) { return {_mm256_xor_si256(a.lo, b.lo), _mm256_xor_si256(a.hi, b.hi)}; }
    friend Lane operator~(Lane a) { return a ^ ones(); }
    friend Lane andnot(Lane a, Lane b) {
        return {_mm256_andnot_si256(a.lo, b.lo), _mm256_andnot_si256(a.hi, b.hi)};
    }
    friend Lane xor3(Lane a, Lane b, Lane c) { return a ^ b ^ c; }
    friend Lane maj(Lane a, Lane b, Lane c) { return (a & b) | (c & (a ^ b)); }
};

}  // namespace
}  // namespace bitvote::avx2

#define BITVOTE_TIER avx2
#include "vote_common.h"
