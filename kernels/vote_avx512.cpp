// Majority vote on bit-sliced counters, AVX-512: one zmm per plane of a tile
// (512 coordinates); a full adder is two vpternlogq (0x96 sum, 0xE8 carry).
// The kernels, written once over Lane, are kernels/vote_common.h.
#include <immintrin.h>

#include "tiers.h"

namespace bitvote::avx512 {
namespace {

struct Lane {
    __m512i v;

    static Lane load(const uint64_t* p) { return {_mm512_loadu_si512(p)}; }
    static void store(uint64_t* p, Lane x) { _mm512_storeu_si512(p, x.v); }
    static Lane zero() { return {_mm512_setzero_si512()}; }
    static Lane ones() { return {_mm512_set1_epi64(-1)}; }

    friend Lane operator&(Lane a, Lane b) { return {_mm512_and_si512(a.v, b.v)}; }
    friend Lane operator|(Lane a, Lane b) { return {_mm512_or_si512(a.v, b.v)}; }
    friend Lane operator^(Lane a, Lane b) { return {_mm512_xor_si512(a.v, b.v)}; }
    friend Lane operator~(Lane a) { return {_mm512_ternarylogic_epi64(a.v, a.v, a.v, 0x0F)}; }
    // ~a & b as a ternary-logic op (truth table ~0xF0 & 0xCC): GCC 12's
    // _mm512_andnot_si512 trips -Wmaybe-uninitialized on its undefined pass-through.
    friend Lane andnot(Lane a, Lane b) { return {_mm512_ternarylogic_epi64(a.v, b.v, b.v, 0x0C)}; }
    friend Lane xor3(Lane a, Lane b, Lane c) { return {_mm512_ternarylogic_epi64(a.v, b.v, c.v, 0x96)}; }
    friend Lane maj(Lane a, Lane b, Lane c) { return {_mm512_ternarylogic_epi64(a.v, b.v, c.v, 0xE8)}; }
};

}  // namespace
}  // namespace bitvote::avx512

#define BITVOTE_TIER avx512
#include "vote_common.h"
