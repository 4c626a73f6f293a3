// topk_select for the SIMD tiers: everything but the filtering pass's compare,
// which each tier writes with its own instructions (kernels/topk_select_<tier>.cpp).
//
// 1. Sample whole cache lines (one 64-byte line per 8 KiB) into a histogram of
//    magnitude keys and take a threshold t a safe margin below the sample's
//    estimate of the k-th largest key.
// 2. One filtering pass: the survivors (key >= t, not NaN) as index + key,
//    in index order.
// 3. Fewer than k survivors (the sample misled us): lower t and filter again;
//    at t = 0 every non-NaN element survives, so correctness never depends on
//    the sample.
// 4. Exact select among the survivors: a histogram of their keys finds the
//    bucket holding the k-th largest; nth_element on that bucket alone finds
//    the boundary key; a last pass in index order writes the winners, so
//    ties at the boundary go to the lowest indices for free.
//
// The generic body of a tier (kernels/tiers.h): topk_select_<tier>.cpp defines
// SurvivorMask in bitvote::<tier>, sets BITVOTE_TIER and includes this file
// last. SurvivorMask(t, span) (a threshold as in survives(): key - t < span
// unsigned) is called on a block of 64 floats and returns bit j set iff
// block[j] survives.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <memory>

#include "prefetch.h"
#include "tier_body.h"

namespace bitvote::BITVOTE_TIER {
namespace {

// |x| as an integer that orders like the magnitude: the float's bits without
// the sign. -0 and +0 are both 0, inf is 0x7f800000, NaN is above it.
constexpr uint32_t inf_key = 0x7f800000;
inline uint32_t magnitude_key(float v) { return std::bit_cast<uint32_t>(v) & 0x7fffffff; }

// Whether an element with this key survives threshold t: t <= key <= inf_key,
// as one unsigned compare, key - t < span (SurvivorMask does it per lane).
inline uint32_t survivor_span(uint32_t t) { return inf_key + 1 - t; }
inline bool survives(uint32_t key, uint32_t t) { return key - t < survivor_span(t); }

// ---- scratch ----------------------------------------------------------------
struct Greater {
    bool operator()(uint32_t a, uint32_t b) const { return a > b; }
};

// Storage that only grows; contents are not kept across grow().
template <class T>
class Buffer {
  public:
    T* grow(size_t size) {
        if (size > size_) {
            data_ = std::make_unique_for_overwrite<T[]>(size);
            size_ = size;
        }
        return data_.get();
    }

  private:
    std::unique_ptr<T[]> data_;
    size_t size_ = 0;
};

// Survivors of the filtering pass, in index order. Room for x.size() + 1: a
// pass may write one throw-away entry past the last survivor.
struct Survivors {
    uint32_t* index;  // [capacity] element indices, ascending
    uint32_t* key;    // [capacity] their magnitude keys
};

// Keys histogram of the select step: key >> select_shift, 7 mantissa bits.
constexpr unsigned select_shift = 16;
constexpr size_t select_buckets = (inf_key >> select_shift) + 1;

struct Scratch {
    Buffer<uint32_t> index, key;  // survivors
    Buffer<uint32_t> boundary;    // keys of the boundary bucket
    Buffer<uint32_t> histogram;   // [select_buckets] counts
    Buffer<float> sample;         // the sampled lines
};
thread_local Scratch scratch;

// ---- sample -----------------------------------------------------------------
constexpr size_t line_floats = 16;          // one 64-byte cache line
constexpr size_t sample_stride_max = 2048;  // floats: one line per 8 KiB
constexpr size_t sample_lines_min = 1024;   // denser sampling below 2M floats
constexpr unsigned sample_shift = 18;       // bucket = key >> 18: exponent + 5 mantissa bits
constexpr size_t sample_buckets = (inf_key >> sample_shift) + 1;
constexpr size_t sample_n_min = 1 << 15;  // below: no sample, every non-NaN survives

struct Sample {
    std::array<uint32_t, sample_buckets> histogram;  // counts of non-NaN keys
    size_t size;                                     // elements looked at, NaN included
};

inline size_t sample_stride(size_t n) {
    size_t stride = n / sample_lines_min / line_floats * line_floats;
    return std::clamp(stride, line_floats, sample_stride_max);
}

// Copies the lines first, then builds the histogram: the copies are
// independent DRAM misses the core overlaps; a histogram built line by line as
// each arrives ran 2x slower (Zen 4, n = 25M, even with software prefetch).
inline void sample_lines(std::span<const float> x, Sample* sample) {
    size_t stride = sample_stride(x.size());
    size_t lines = (x.size() - line_floats) / stride + 1;    // x.size() >= line_floats
    float* copy = scratch.sample.grow(lines * line_floats);  // [lines][line_floats]
    for (size_t l = 0; l < lines; ++l)
        std::memcpy(copy + l * line_floats, x.data() + l * stride, line_floats * sizeof(float));
    sample->histogram.fill(0);
    sample->size = lines * line_floats;
    for (size_t i = 0; i < sample->size; ++i) {
        uint32_t key = magnitude_key(copy[i]);
        if (key <= inf_key) ++sample->histogram[key >> sample_shift];
    }
}

// Rank in the sample (from the top) of the first threshold tried: the expected
// rank of the k-th largest key plus 4 standard deviations and a constant. The
// deviation assumes the worst for whole lines: neighbours alike, so the sample
// counts lines, not elements (sd = line_floats * sqrt(expected / line_floats)).
inline double first_sample_rank(const Sample& sample, size_t n, size_t k) {
    double expected = double(k) * double(sample.size) / double(n);
    return expected + 4 * std::sqrt(double(line_floats) * expected) + 16;
}

// The lower edge of the highest bucket at which at least `rank` sample keys
// lie at or above it; 0 (every non-NaN survives) when the sample holds fewer.
inline uint32_t threshold_at_rank(const Sample& sample, double rank) {
    double above = 0;
    for (size_t b = sample_buckets; b-- > 0;) {
        above += sample.histogram[b];
        if (above >= rank) return uint32_t(b << sample_shift);
    }
    return 0;
}

// ---- filter -----------------------------------------------------------------
// Appends the elements x[base + j] whose bit j is set in mask, lowest j first;
// returns the new survivor count. x[base + 63] must exist. At the usual
// survivor densities a block of 64 holds at most a few: the first three slots
// take no branch (a slot without a bit writes an entry for x[base] that the
// next append overwrites), so the loop after them is rarely entered.
inline size_t append_masked(uint64_t mask, const float* x, size_t base, Survivors out, size_t count) {
#pragma GCC unroll 3
    for (int slot = 0; slot < 3; ++slot) {
        size_t i = base + size_t(std::countr_zero(mask) & 63);
        out.index[count] = uint32_t(i);
        out.key[count] = magnitude_key(x[i]);
        count += mask != 0;
        mask &= mask - 1;
    }
    for (; mask != 0; mask &= mask - 1) {
        size_t i = base + size_t(std::countr_zero(mask));
        out.index[count] = uint32_t(i);
        out.key[count] = magnitude_key(x[i]);
        ++count;
    }
    return count;
}

// The scalar filter for the elements [begin, x.size()) the vectors left.
inline size_t append_tail(std::span<const float> x, size_t begin, uint32_t t, Survivors out, size_t count) {
    for (size_t i = begin; i < x.size(); ++i) {
        uint32_t key = magnitude_key(x[i]);
        out.index[count] = uint32_t(i);
        out.key[count] = key;
        count += survives(key, t);
    }
    return count;
}

// The filtering pass: the survivors of threshold t in index order, blocks of
// 64 floats through the tier's SurvivorMask, then the tail.
size_t filter_survivors(std::span<const float> x, uint32_t t, Survivors out) {
    const SurvivorMask survivor_mask(t, survivor_span(t));
    size_t count = 0, base = 0;
    for (; base + 64 <= x.size(); base += 64) {
        prefetch_block(x.data() + base);
        count = append_masked(survivor_mask(x.data() + base), x.data(), base, out, count);
    }
    return append_tail(x, base, t, out, count);
}

// ---- exact select among survivors -------------------------------------------
// The k-th largest key among the survivors and how many survivors with exactly
// that key are winners (the first `ties` of them in index order).
struct Boundary {
    uint32_t key;
    size_t ties;
};

// 0 < k <= count. A few survivors form one bucket (nth_element on all of them);
// more go through a histogram of key >> select_shift first.
inline Boundary find_boundary(Survivors s, size_t count, size_t k) {
    unsigned shift = count > 4096 ? select_shift : 31;
    size_t buckets = (inf_key >> shift) + 1;
    uint32_t* histogram = scratch.histogram.grow(select_buckets);
    std::fill(histogram, histogram + buckets, 0);
    for (size_t i = 0; i < count; ++i) ++histogram[s.key[i] >> shift];

    size_t above = 0, b = buckets - 1;  // above: survivors in buckets > b
    while (above + histogram[b] < k) above += histogram[b--];

    uint32_t* keys = scratch.boundary.grow(histogram[b] + 1);  // [in_bucket] keys of bucket b, then a spare
    size_t in_bucket = 0;
    for (size_t i = 0; i < count; ++i) {
        keys[in_bucket] = s.key[i];
        in_bucket += (s.key[i] >> shift) == b;
    }
    size_t need = k - above;  // 1..in_bucket
    std::nth_element(keys, keys + need - 1, keys + in_bucket, Greater{});
    uint32_t key = keys[need - 1];
    size_t greater = size_t(std::count_if(keys, keys + need - 1, [key](uint32_t v) { return v > key; }));
    return {key, need - greater};
}

// Writes the k winners' indices, ascending: the survivors above the boundary
// key and the first boundary.ties equal to it. Two loops without a branch on
// the data (the first takes every tie, the second none).
inline void write_winners(Survivors s, Boundary boundary, size_t k, uint32_t* out) {
    size_t ties_end = 0;  // survivors [0, ties_end) hold the winning ties
    for (size_t seen = 0; seen < boundary.ties; ++ties_end) seen += s.key[ties_end] == boundary.key;
    size_t written = 0, i = 0;
    for (; i < ties_end; ++i) {
        out[written] = s.index[i];
        written += s.key[i] >= boundary.key;
    }
    for (; written < k; ++i) {
        out[written] = s.index[i];
        written += s.key[i] > boundary.key;
    }
}

}  // namespace

// ---- the whole kernel -------------------------------------------------------
size_t topk_select(std::span<const float> x, size_t k, std::span<uint32_t> out) {
    if (k == 0) return 0;
    size_t capacity = x.size() + 1;
    Survivors s{scratch.index.grow(capacity), scratch.key.grow(capacity)};
    size_t count;
    if (x.size() < sample_n_min) {
        count = filter_survivors(x, 0, s);
    } else {
        Sample sample;
        sample_lines(x, &sample);
        for (double rank = first_sample_rank(sample, x.size(), k);; rank *= 16) {
            uint32_t t = threshold_at_rank(sample, rank);
            count = filter_survivors(x, t, s);
            if (count >= k || t == 0) break;
        }
    }
    k = std::min(k, count);
    if (k == 0) return 0;
    write_winners(s, find_boundary(s, count, k), k, out.data());
    return k;
}

}  // namespace bitvote::BITVOTE_TIER
