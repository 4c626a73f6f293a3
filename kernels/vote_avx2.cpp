// Majority vote on bit-sliced counters, AVX2: two ymm per plane of a tile
// (512 coordinates); a full adder is XOR/AND/OR on both halves.
// The kernels themselves are in vote_common.h, shared with avx512.
#include <immintrin.h>

#include "tiers.h"
#include "vote_common.h"

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

void vote_add(std::span<const uint64_t> in, std::span<uint64_t> inout, unsigned w) {
    add_counters<Lane>(in, inout, w);
}
void vote_accumulate_signs(std::span<uint64_t> counters, std::span<const uint64_t> bits, unsigned w) {
    accumulate_signs<Lane>(counters, bits, w);
}
void vote_decide(std::span<const uint64_t> counters, unsigned w, uint64_t P, std::span<uint64_t> out) {
    decide<Lane>(counters, w, P, out);
}
void vote_decide_ternary(std::span<const uint64_t> plus, std::span<const uint64_t> minus, unsigned w,
                         std::span<uint64_t> voted, std::span<uint64_t> positive) {
    decide_ternary<Lane>(plus, minus, w, voted, positive);
}
void vote_count(std::span<const uint64_t> bitmaps, size_t P, std::span<uint64_t> out) {
    count_majority<Lane>(bitmaps, P, out);
}

}  // namespace bitvote::avx2
