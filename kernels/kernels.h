// bitvote kernels: the hot loops of gradient compression and the majority vote.
//
// Plain functions on spans, no MPI, no oneDNN. Every kernel has three
// implementations (tiers): `scalar` (the specification, what tests compare
// against), `avx2` and `avx512`, each in its own translation unit compiled with
// explicit flags. The public functions below call the tier picked once at
// start-up from CPUID; BITVOTE_ISA=scalar|avx2|avx512 forces one.
//
// Conventions shared by every kernel:
// - A sign bitmap holds bit i of coordinate i in word i/64, bit i%64
//   (LSB first). Bits past n in the last word are 0 on output.
// - sign(x) is +1 unless x < 0: sign(+0) = sign(-0) = +1, as the signSGD
//   reference code does. NaN compares false, so NaN packs as +1; the trainer
//   rejects non-finite gradients before they reach a compressor.
// - Ternary values use two bitmaps: `voted` (x > 0 or x < 0; 0 and NaN do not
//   vote) and `positive` (x > 0; always a subset of voted).
// - A vote's decision is sign(sum of votes) with sign(0) = 0 (DESIGN.md 3): a
//   tie moves nothing, dense or ternary. A dense vote ties only at even P.
// - Vote counters are bit-sliced and tiled: per tile of 512 coordinates, w
//   planes of 8 words each (plane j holds bit j of 512 counters; word k of a
//   plane covers coordinates 64k..64k+63 of the tile). A buffer for n
//   coordinates holds vote_tiles(n) * w * 8 words. Counters wrap modulo 2^w;
//   w = vote_width(P) bits hold every count 0..P without overflow.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace bitvote {

enum class Isa { scalar = 0, avx2 = 1, avx512 = 2 };
inline constexpr int isa_count = 3;

// ---- sizes -----------------------------------------------------------------
inline constexpr size_t bitmap_words(size_t n) { return (n + 63) / 64; }
inline constexpr size_t vote_tiles(size_t n) { return (n + 511) / 512; }
// Counter width in bits that holds counts 0..P: ceil(log2(P + 1)), at least 1.
inline constexpr unsigned vote_width(uint64_t P) {
    unsigned w = 1;
    while (w < 64 && (uint64_t{1} << w) <= P) ++w;
    return w;
}
inline constexpr size_t vote_counter_words(size_t n, unsigned w) { return vote_tiles(n) * w * 8; }

// Status of indices_decode.
enum class CodecStatus { ok = 0, truncated, corrupt, too_many, out_of_range };
std::string_view codec_status_name(CodecStatus s);

// One tier's kernels. Each tier fills one of these (kernels/<kernel>_<tier>.cpp).
struct KernelTable {
    // Exact indices of the k largest |x_i|, ascending; ties go to the lower
    // index; NaN is never selected. Writes min(k, #non-NaN) indices to out
    // (out.size() >= k) and returns that count. Never sorts all of x.
    size_t (*topk_select)(std::span<const float> x, size_t k, std::span<uint32_t> out);

    // bits[i] = 1 iff sign(x_i) = +1 (see above). bits.size() == bitmap_words(x.size()).
    void (*sign_pack)(std::span<const float> x, std::span<uint64_t> bits);
    // w_i -= lr * (bit_i ? +1 : -1), i < w.size(); bits.size() >= bitmap_words(w.size()).
    void (*sign_unpack_apply)(std::span<const uint64_t> bits, float lr, std::span<float> w);
    // voted_i = (x_i > 0 || x_i < 0), positive_i = (x_i > 0).
    void (*ternary_pack)(std::span<const float> x, std::span<uint64_t> voted, std::span<uint64_t> positive);
    // w_i -= lr * (+1 if voted & positive, -1 if voted & !positive); w_i untouched where not voted.
    void (*ternary_unpack_apply)(std::span<const uint64_t> voted, std::span<const uint64_t> positive,
                                 float lr, std::span<float> w);
    // magsparse's ternary message (DESIGN.md 3) in one pass: x_j (j < n =
    // x.size()) is bitmap coordinate first + j and votes sign(x_j) with
    // probability min(1, |x_j| / B). The draw is counter-based, the 24-bit
    // uniform u_j of (key, counter + j mod 2^32) (kernels/magsparse_draw.h):
    //   voted = u_j * (B * 2^-24) < |x_j|,  positive = voted && x_j > 0.
    // So |x_j| >= B always votes, 0 and NaN never do, B = 0 lets every nonzero
    // x_j vote and B = inf none. Only bits [first, first + n) of voted and
    // positive are written (layers that share a word are packed one by one).
    void (*magsparse_pack)(std::span<const float> x, float B, uint64_t key, uint32_t counter, size_t first,
                           std::span<uint64_t> voted, std::span<uint64_t> positive);

    // inout += in, counter by counter (w-bit bit-sliced counters, both
    // vote_counter_words long; this is the MPI_User_function body).
    void (*vote_add)(std::span<const uint64_t> in, std::span<uint64_t> inout, unsigned w);
    // counters += bits (one rank's 0/1 vector); bits may be shorter than the
    // counters cover (missing words count as 0).
    void (*vote_accumulate_signs)(std::span<uint64_t> counters, std::span<const uint64_t> bits, unsigned w);
    // The dense decision sign(sum of +-1 votes) = sign(2 count_i - P) with
    // sign(0) = 0: positive_i = 2 count_i > P, nonzero_i = 2 count_i != P (a
    // tie, possible at even P only, decides 0). nonzero is written only if it
    // is not empty (it is all ones at odd P). positive.size() <= vote_tiles * 8;
    // nonzero.size() is 0 or positive.size(). Zero counters (padding) decide -1.
    void (*vote_decide)(std::span<const uint64_t> counters, unsigned w, uint64_t P, std::span<uint64_t> positive,
                        std::span<uint64_t> nonzero);
    // Ternary decision from two counters: sign(plus_i - minus_i), 0 on tie:
    // voted_i = plus_i != minus_i, positive_i = plus_i > minus_i.
    void (*vote_decide_ternary)(std::span<const uint64_t> plus, std::span<const uint64_t> minus, unsigned w,
                                std::span<uint64_t> voted, std::span<uint64_t> positive);
    // The dense decision of P sign bitmaps stored one after another
    // ([P][positive.size()] words), as vote_decide decides their counts.
    // Bit-sliced adders across the P rows.
    void (*vote_count)(std::span<const uint64_t> bitmaps, size_t P, std::span<uint64_t> positive,
                       std::span<uint64_t> nonzero);

    // Sorted unique indices < d with one sign bit each (signs: bitmap of k
    // bits, bit j for idx[j]) -> bytes. Delta + Golomb-Rice, parameter from
    // d/k. out.size() >= indices_encode_bound(d, k). Returns bytes written.
    size_t (*indices_encode)(std::span<const uint32_t> idx, std::span<const uint64_t> signs, uint32_t d,
                             std::span<uint8_t> out);
    // Inverse of indices_encode. Rejects truncated or malformed input, more
    // than idx_out.size() entries, and indices >= d; never reads out of bounds.
    // On ok, *k_out entries of idx_out and bitmap_words(*k_out) of signs_out are written.
    CodecStatus (*indices_decode)(std::span<const uint8_t> in, uint32_t d, std::span<uint32_t> idx_out,
                                  std::span<uint64_t> signs_out, size_t* k_out);

    // Roofline references for the benchmarks: one read pass (sum of x) and
    // one read-modify-write pass (w_i += c).
    float (*stream_sum)(std::span<const float> x);
    void (*stream_add)(std::span<float> w, float c);
};

// Upper bound of indices_encode's output in bytes.
size_t indices_encode_bound(size_t d, size_t k);

// ---- tiers and dispatch (kernels/dispatch.cpp) ------------------------------
std::string_view isa_name(Isa isa);
bool isa_parse(std::string_view name, Isa* out);
// Whether this CPU (and OS) runs the tier.
bool isa_supported(Isa isa);
// The table of one tier; the tier must be supported.
const KernelTable& kernel_table(Isa isa);
// The tier in use: BITVOTE_ISA if set (an unknown or unsupported value is a
// fatal error with a clear message), else the best supported one.
Isa isa_active();
const KernelTable& kernels();
// CPU features seen, e.g. "avx2 fma bmi2 avx512f ...".
std::string cpu_features_string();

// ---- the public kernels: the active tier ------------------------------------
inline size_t topk_select(std::span<const float> x, size_t k, std::span<uint32_t> out) {
    return kernels().topk_select(x, k, out);
}
inline void sign_pack(std::span<const float> x, std::span<uint64_t> bits) { kernels().sign_pack(x, bits); }
inline void sign_unpack_apply(std::span<const uint64_t> bits, float lr, std::span<float> w) {
    kernels().sign_unpack_apply(bits, lr, w);
}
inline void ternary_pack(std::span<const float> x, std::span<uint64_t> voted, std::span<uint64_t> positive) {
    kernels().ternary_pack(x, voted, positive);
}
inline void ternary_unpack_apply(std::span<const uint64_t> voted, std::span<const uint64_t> positive, float lr,
                                 std::span<float> w) {
    kernels().ternary_unpack_apply(voted, positive, lr, w);
}
inline void magsparse_pack(std::span<const float> x, float B, uint64_t key, uint32_t counter, size_t first,
                           std::span<uint64_t> voted, std::span<uint64_t> positive) {
    kernels().magsparse_pack(x, B, key, counter, first, voted, positive);
}
inline void vote_add(std::span<const uint64_t> in, std::span<uint64_t> inout, unsigned w) {
    kernels().vote_add(in, inout, w);
}
inline void vote_accumulate_signs(std::span<uint64_t> counters, std::span<const uint64_t> bits, unsigned w) {
    kernels().vote_accumulate_signs(counters, bits, w);
}
inline void vote_decide(std::span<const uint64_t> counters, unsigned w, uint64_t P, std::span<uint64_t> positive,
                        std::span<uint64_t> nonzero) {
    kernels().vote_decide(counters, w, P, positive, nonzero);
}
inline void vote_decide_ternary(std::span<const uint64_t> plus, std::span<const uint64_t> minus, unsigned w,
                                std::span<uint64_t> voted, std::span<uint64_t> positive) {
    kernels().vote_decide_ternary(plus, minus, w, voted, positive);
}
inline void vote_count(std::span<const uint64_t> bitmaps, size_t P, std::span<uint64_t> positive,
                       std::span<uint64_t> nonzero) {
    kernels().vote_count(bitmaps, P, positive, nonzero);
}
inline size_t indices_encode(std::span<const uint32_t> idx, std::span<const uint64_t> signs, uint32_t d,
                             std::span<uint8_t> out) {
    return kernels().indices_encode(idx, signs, d, out);
}
inline CodecStatus indices_decode(std::span<const uint8_t> in, uint32_t d, std::span<uint32_t> idx_out,
                                  std::span<uint64_t> signs_out, size_t* k_out) {
    return kernels().indices_decode(in, d, idx_out, signs_out, k_out);
}

}  // namespace bitvote
