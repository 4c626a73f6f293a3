// magsparse's ternary message, AVX-512: 16 draws per zmm, 4 zmm per bitmap
// word, compares straight into mask registers
// (kernels/magsparse_pack_common.h is the loop, magsparse_pack_scalar.cpp the rule).
#include <immintrin.h>

#include "tiers.h"

namespace bitvote::avx512 {
namespace {

struct Floats {
    static constexpr int lanes = 16;
    __m512 v;

    static Floats load(const float* p) { return {_mm512_loadu_ps(p)}; }
    static Floats set1(float c) { return {_mm512_set1_ps(c)}; }
    friend Floats operator*(Floats a, Floats b) { return {_mm512_mul_ps(a.v, b.v)}; }
};

struct Ints {
    __m512i v;

    static Ints set1(uint32_t c) { return {_mm512_set1_epi32(int(c))}; }
    static Ints iota() { return {_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)}; }
    friend Ints operator+(Ints a, Ints b) { return {_mm512_add_epi32(a.v, b.v)}; }
    friend Ints operator^(Ints a, Ints b) { return {_mm512_xor_si512(a.v, b.v)}; }
    friend Ints operator*(Ints a, Ints b) { return {_mm512_mullo_epi32(a.v, b.v)}; }
};

// The zero-masked forms with every lane on: GCC 12's plain _mm512_srli_epi32
// and _mm512_cvtepi32_ps pass _mm512_undefined_*() and warn that it is
// uninitialised (-Wuninitialized, GCC bug 105593); same instructions.
constexpr __mmask16 every_lane = 0xffff;

template <int k>
Ints shift_right(Ints a) { return {_mm512_maskz_srli_epi32(every_lane, a.v, k)}; }

Floats abs(Floats a) { return {_mm512_abs_ps(a.v)}; }
Floats to_floats(Ints a) { return {_mm512_maskz_cvtepi32_ps(every_lane, a.v)}; }
uint64_t less_bits(Floats a, Floats b) { return _mm512_cmp_ps_mask(a.v, b.v, _CMP_LT_OQ); }
uint64_t sign_bits(Floats a) { return _mm512_movepi32_mask(_mm512_castps_si512(a.v)); }

}  // namespace
}  // namespace bitvote::avx512

#define BITVOTE_TIER avx512
#include "magsparse_pack_common.h"
