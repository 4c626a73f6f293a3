// The per-tier kernel entry points, declared once for each tier namespace.
// kernels/<kernel>_<tier>.cpp define them; kernels/dispatch.cpp puts them in a
// KernelTable. Only the dispatch and the kernel files include this header.
//
// The SIMD tiers share one body per kernel (simdjson-style): where avx2 and
// avx512 differ only in their instructions, kernels/<kernel>_common.h is the
// generic body, written over a few primitives (a vector type, a compare). A
// tier's file <kernel>_<tier>.cpp defines those primitives in bitvote::<tier>,
// then `#define BITVOTE_TIER <tier>` and includes the body, which defines the
// entry points in bitvote::BITVOTE_TIER and its helpers in an anonymous
// namespace inside it. So every copy is the tier's own, compiled with its
// flags, and only the entry points have external linkage: tests/e2e/
// tier_symbols.sh checks that no weak symbol (an inline function or template
// instance, which the linker keeps one copy of) of one tier's objects is
// defined by another's. sign_pack's tiers differ in more than instructions and
// stand alone; so do the scalar files, the specification.
#pragma once

#include "kernels.h"

#define BITVOTE_TIER_DECLARATIONS                                                                          \
    size_t topk_select(std::span<const float> x, size_t k, std::span<uint32_t> out);                      \
    void sign_pack(std::span<const float> x, std::span<uint64_t> bits);                                   \
    void sign_unpack_apply(std::span<const uint64_t> bits, float lr, std::span<float> w);                 \
    void ternary_pack(std::span<const float> x, std::span<uint64_t> voted, std::span<uint64_t> positive); \
    void ternary_unpack_apply(std::span<const uint64_t> voted, std::span<const uint64_t> positive,        \
                              float lr, std::span<float> w);                                              \
    void magsparse_pack(std::span<const float> x, float B, uint64_t key, uint32_t counter, size_t first,  \
                        std::span<uint64_t> voted, std::span<uint64_t> positive);                         \
    void vote_add(std::span<const uint64_t> in, std::span<uint64_t> inout, unsigned w);                   \
    void vote_accumulate_signs(std::span<uint64_t> counters, std::span<const uint64_t> bits, unsigned w); \
    void vote_decide(std::span<const uint64_t> counters, unsigned w, uint64_t P,                          \
                     std::span<uint64_t> positive, std::span<uint64_t> nonzero);                          \
    void vote_decide_ternary(std::span<const uint64_t> plus, std::span<const uint64_t> minus, unsigned w, \
                             std::span<uint64_t> voted, std::span<uint64_t> positive);                    \
    void vote_count(std::span<const uint64_t> bitmaps, size_t P, std::span<uint64_t> positive,            \
                    std::span<uint64_t> nonzero);                                                         \
    size_t indices_encode(std::span<const uint32_t> idx, std::span<const uint64_t> signs, uint32_t d,     \
                          std::span<uint8_t> out);                                                        \
    CodecStatus indices_decode(std::span<const uint8_t> in, uint32_t d, std::span<uint32_t> idx_out,      \
                               std::span<uint64_t> signs_out, size_t* k_out);                             \
    float stream_sum(std::span<const float> x);                                                           \
    void stream_add(std::span<float> w, float c);

namespace bitvote::scalar { BITVOTE_TIER_DECLARATIONS }
namespace bitvote::avx2 { BITVOTE_TIER_DECLARATIONS }
namespace bitvote::avx512 { BITVOTE_TIER_DECLARATIONS }

#undef BITVOTE_TIER_DECLARATIONS
