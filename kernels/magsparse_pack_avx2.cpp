// magsparse's ternary message, AVX2: 8 draws per ymm, 8 ymm per bitmap word
// (kernels/magsparse_pack_common.h is the loop, magsparse_pack_scalar.cpp the rule).
#include <immintrin.h>

#include "tiers.h"

namespace bitvote::avx2 {
namespace {

struct Floats {
    static constexpr int lanes = 8;
    __m256 v;

    static Floats load(const float* p) { return {_mm256_loadu_ps(p)}; }
    static Floats set1(float c) { return {_mm256_set1_ps(c)}; }
    friend Floats operator*(Floats a, Floats b) { return {_mm256_mul_ps(a.v, b.v)}; }
};

struct Ints {
    __m256i v;

    static Ints set1(uint32_t c) { return {_mm256_set1_epi32(int(c))}; }
    static Ints iota() { return {_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)}; }
    friend Ints operator+(Ints a, Ints b) { return {_mm256_add_epi32(a.v, b.v)}; }
    friend Ints operator^(Ints a, Ints b) { return {_mm256_xor_si256(a.v, b.v)}; }
    friend Ints operator*(Ints a, Ints b) { return {_mm256_mullo_epi32(a.v, b.v)}; }
};

template <int k>
Ints shift_right(Ints a) { return {_mm256_srli_epi32(a.v, k)}; }

Floats abs(Floats a) { return {_mm256_andnot_ps(_mm256_set1_ps(-0.0f), a.v)}; }
Floats to_floats(Ints a) { return {_mm256_cvtepi32_ps(a.v)}; }
uint64_t less_bits(Floats a, Floats b) { return uint64_t(_mm256_movemask_ps(_mm256_cmp_ps(a.v, b.v, _CMP_LT_OQ))); }
uint64_t sign_bits(Floats a) { return uint64_t(_mm256_movemask_ps(a.v)); }

}  // namespace
}  // namespace bitvote::avx2

#define BITVOTE_TIER avx2
#include "magsparse_pack_common.h"
