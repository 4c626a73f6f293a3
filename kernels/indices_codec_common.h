// The fast sparse index codec of the avx2 and avx512 tiers. The encoder checks
// the input with one vector compare per 8 (AVX2) or 16 (AVX-512) indices, then
// writes through a 64-bit buffered bit writer, two indices per put. The decoder
// reads the unary section a word at a time (tzcnt/blsr per index, pdep to find
// the K-th one) and fetches each remainder with one unaligned load at bit j*b,
// so the serial work per index is two adds.
// Measured and not kept: a branch-free byte-granular writer (slower: longer
// dependency chain), and a two-pass decoder with AVX-512 gathers of the
// remainders and a vector prefix sum (slower than the fused loop).
// Format: kernels/indices_codec_format.h.
//
// The generic body of a tier (kernels/tiers.h): indices_codec_<tier>.cpp
// defines in bitvote::<tier> `increasing_lanes` and `increasing(p)`: whether
// p[0] < p[1] < ... < p[increasing_lanes] (unsigned), one vector compare; it
// sets BITVOTE_TIER and includes this file last.
#pragma once

#include <immintrin.h>

#include <algorithm>
#include <bit>
#include <cstring>

#include "indices_codec_format.h"
#include "tier_body.h"

namespace bitvote::BITVOTE_TIER {
namespace {

// Little-endian 64 bits at byte `byte` of in; bytes past the end read as 0.
inline uint64_t fast_load_le64(std::span<const uint8_t> in, uint64_t byte) {
    uint64_t v = 0;
    if (byte + 8 <= in.size())
        std::memcpy(&v, in.data() + byte, 8);
    else if (byte < in.size())
        std::memcpy(&v, in.data() + byte, in.size() - byte);
    return v;
}

// Stream bits bit..bit+63 of in; bits past the end read as 0.
inline uint64_t fast_load_bits64(std::span<const uint8_t> in, uint64_t bit) {
    uint64_t byte = bit >> 3;
    unsigned shift = bit & 7;
    uint64_t v = fast_load_le64(in, byte) >> shift;
    if (shift && byte + 8 < in.size()) v |= uint64_t(in[byte + 8]) << (64 - shift);
    return v;
}

// Appends bits LSB first; whole 64-bit words go out with one store. Every
// stored byte holds stream bits, so the writer never passes the stream's end.
struct FastBitWriter {
    uint8_t* begin;
    uint8_t* p = begin;
    uint64_t acc = 0;   // pending bits
    unsigned fill = 0;  // pending bit count, < 64

    // The n low bits of v (v < 2^n, n <= 64).
    void put(uint64_t v, unsigned n) {
        acc |= v << fill;
        fill += n;
        if (fill >= 64) {
            std::memcpy(p, &acc, 8);
            p += 8;
            fill -= 64;
            acc = fill ? v >> (n - fill) : 0;
        }
    }
    // q zero bits, then a one.
    void put_unary(uint64_t q) {
        for (; q >= 64; q -= 64) put(0, 64);
        put(uint64_t{1} << q, unsigned(q) + 1);
    }
    // q0 zero bits, a one, q1 zero bits, a one: one put when they fit a word.
    void put_unary_pair(uint64_t q0, uint64_t q1) {
        if (q0 + q1 + 2 <= 64) {
            put((uint64_t{1} << q0) | (uint64_t{1} << (q0 + 1 + q1)), unsigned(q0 + q1 + 2));
        } else {
            put_unary(q0);
            put_unary(q1);
        }
    }
    // Flushes the last partial word; returns the bytes written.
    size_t finish() {
        std::memcpy(p, &acc, (fill + 7) / 8);
        return size_t(p - begin) + (fill + 7) / 8;
    }
};

// Whether idx is strictly increasing and below d: one compare of idx[j..]
// with idx[j-1..] per vector (the tier's increasing()).
inline bool fast_indices_valid(std::span<const uint32_t> idx, uint32_t d) {
    size_t k = idx.size(), j = 1;
    if (k == 0) return true;
    for (; j + increasing_lanes <= k; j += increasing_lanes)
        if (!increasing(idx.data() + j - 1)) return false;
    for (; j < k; ++j)
        if (idx[j] <= idx[j - 1]) return false;
    return idx[k - 1] < d;
}

// Gap g_j of an index list already checked.
inline uint32_t fast_gap(std::span<const uint32_t> idx, size_t j) { return idx[j] - (j ? idx[j - 1] + 1 : 0); }

}  // namespace

size_t indices_encode(std::span<const uint32_t> idx, std::span<const uint64_t> signs, uint32_t d,
                      std::span<uint8_t> out) {
    indices_check_encode_args(idx, signs, d, out);
    if (!fast_indices_valid(idx, d))
        for (size_t j = 0; j < idx.size(); ++j) indices_gap(idx, j, d);  // fails at the first bad index
    size_t k = idx.size();
    unsigned b = indices_rice_parameter(d, k);
    size_t header = indices_header_write(k, b, out);
    FastBitWriter w{out.data() + header};
    // Two indices per put (2b <= 62 bits; two unary codes when they fit).
    size_t j = 0;
    for (; j + 2 <= k; j += 2)
        w.put(_bzhi_u64(fast_gap(idx, j), b) | _bzhi_u64(fast_gap(idx, j + 1), b) << b, 2 * b);
    if (j < k) w.put(_bzhi_u64(fast_gap(idx, j), b), b);
    for (size_t i = 0; i < bitmap_words(k); ++i) {
        unsigned n = unsigned(std::min<size_t>(64, k - 64 * i));
        w.put(_bzhi_u64(signs[i], n), n);
    }
    for (j = 0; j + 2 <= k; j += 2) w.put_unary_pair(fast_gap(idx, j) >> b, fast_gap(idx, j + 1) >> b);
    if (j < k) w.put_unary(fast_gap(idx, j) >> b);
    return header + w.finish();
}

namespace {

// Decodes the unary section (from bit k*(b+1) of body) into the k indices,
// adding the remainders; false when body ends before the k-th one. Sets the
// bit after the k-th one and the sum of the remainders. The indices are exact
// (below 2^32) only where the caller's range check passes.
inline bool fast_decode_unary(std::span<const uint8_t> body, uint64_t k, unsigned b, uint32_t* out,
                              uint64_t* end_bit, uint64_t* remainder_sum) {
    const uint64_t start = k * (b + 1), body_bits = 8 * uint64_t(body.size());
    uint64_t j = 0, remainder_bit = 0, sum = 0;
    *end_bit = start;
    for (uint64_t base = 0; j < k; base += 64) {
        if (start + base >= body_bits) return false;
        uint64_t w = fast_load_bits64(body, start + base);
        if (uint64_t(std::popcount(w)) >= k - j) {  // the k-th one is in w: drop the bits after it
            uint64_t last_one = _pdep_u64(uint64_t{1} << (k - j - 1), w);
            w &= (last_one << 1) - 1;
            *end_bit = start + base + 64 - _lzcnt_u64(w);
        }
        for (; w; w = _blsr_u64(w), ++j, remainder_bit += b) {
            uint64_t zeros = base + _tzcnt_u64(w) - j;  // H_j
            sum += _bzhi_u64(fast_load_le64(body, remainder_bit >> 3) >> (remainder_bit & 7), b);
            out[j] = uint32_t(j + (zeros << b) + sum);
        }
    }
    *remainder_sum = sum;
    return true;
}

// The k sign bits from bit `start` of body into bitmap_words(k) words.
inline void fast_copy_signs(std::span<const uint8_t> body, uint64_t start, uint64_t k, std::span<uint64_t> out) {
    for (uint64_t i = 0; i < bitmap_words(k); ++i)
        out[i] = _bzhi_u64(fast_load_bits64(body, start + 64 * i), unsigned(std::min<uint64_t>(64, k - 64 * i)));
}

}  // namespace

CodecStatus indices_decode(std::span<const uint8_t> in, uint32_t d, std::span<uint32_t> idx_out,
                           std::span<uint64_t> signs_out, size_t* k_out) {
    *k_out = 0;
    IndicesHeader h;
    if (CodecStatus s = indices_header_read(in, d, idx_out.size(), signs_out.size(), &h); s != CodecStatus::ok)
        return s;
    std::span<const uint8_t> body = in.subspan(h.bytes);
    const uint64_t k = h.k, b = h.b, unary_start = k * (b + 1);
    uint64_t end_bit, remainder_sum;
    if (unary_start > 8 * uint64_t(body.size()) ||
        !fast_decode_unary(body, k, h.b, idx_out.data(), &end_bit, &remainder_sum))
        return CodecStatus::truncated;
    if (CodecStatus s = indices_check_tail(body, end_bit); s != CodecStatus::ok) return s;
    // Indices increase, so only the last needs checking; H <= d >> b first keeps
    // the arithmetic exact (then the last is below 2^34).
    uint64_t quotient_sum = end_bit - unary_start - k;
    if (k && (quotient_sum > (d >> b) || (k - 1) + (quotient_sum << b) + remainder_sum >= d))
        return CodecStatus::out_of_range;
    fast_copy_signs(body, k * b, k, signs_out);
    *k_out = k;
    return CodecStatus::ok;
}

}  // namespace bitvote::BITVOTE_TIER
