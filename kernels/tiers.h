// The per-tier kernel entry points, declared once for each tier namespace.
// kernels/<kernel>_<tier>.cpp define them; kernels/dispatch.cpp puts them in a
// KernelTable. Only the dispatch and the kernel files include this header.
#pragma once

#include "kernels.h"

#define BITVOTE_TIER_DECLARATIONS                                                                          \
    size_t topk_select(std::span<const float> x, size_t k, std::span<uint32_t> out);                      \
    void sign_pack(std::span<const float> x, std::span<uint64_t> bits);                                   \
    void sign_unpack_apply(std::span<const uint64_t> bits, float lr, std::span<float> w);                 \
    void ternary_pack(std::span<const float> x, std::span<uint64_t> voted, std::span<uint64_t> positive); \
    void ternary_unpack_apply(std::span<const uint64_t> voted, std::span<const uint64_t> positive,        \
                              float lr, std::span<float> w);                                              \
    void vote_add(std::span<const uint64_t> in, std::span<uint64_t> inout, unsigned w);                   \
    void vote_accumulate_signs(std::span<uint64_t> counters, std::span<const uint64_t> bits, unsigned w); \
    void vote_decide(std::span<const uint64_t> counters, unsigned w, uint64_t P, std::span<uint64_t> out); \
    void vote_decide_ternary(std::span<const uint64_t> plus, std::span<const uint64_t> minus, unsigned w, \
                             std::span<uint64_t> voted, std::span<uint64_t> positive);                    \
    void vote_count(std::span<const uint64_t> bitmaps, size_t P, std::span<uint64_t> out);                \
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
