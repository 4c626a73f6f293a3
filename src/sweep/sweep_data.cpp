// Sweep data from (seed, rank, i) and the naive reference vote (see sweep_data.h).
#include "sweep/sweep_data.h"

#include <cmath>

#include "base/splitmix64.h"
#include "kernels.h"  // bitmap_words (sizes only; no kernel is called here)

namespace bitvote {
namespace {

// splitmix64's finaliser over a key made of (seed, rank, i): independent bits per coordinate.
uint64_t coordinate_hash(uint64_t seed, int rank, uint64_t i) {
    return mix64(i + golden_gamma * (uint64_t(rank) + 1) + 0xD1B54A32D192ED03ull * seed);
}

bool bit_get(const std::vector<uint64_t>& bits, uint64_t i) { return bits[i / 64] >> (i % 64) & 1; }
void bit_set(std::vector<uint64_t>& bits, uint64_t i) { bits[i / 64] |= uint64_t{1} << (i % 64); }

}  // namespace

// Bits 1..4 of the hash give the value, bit 0 the sparse sign, bits 11..63 the
// sparse draw: disjoint, so the two kinds of data are independent.
float sweep_value(uint64_t seed, int rank, uint64_t i) {
    return float(int(coordinate_hash(seed, rank, i) >> 1 & 15) - 8);
}

int sweep_vote(uint64_t seed, int rank, uint64_t i, double density) {
    const uint64_t h = coordinate_hash(seed, rank, i);
    if (double(h >> 11) * 0x1p-53 >= density) return 0;
    return h & 1 ? +1 : -1;
}

SweepInput sweep_input_make(uint64_t seed, int rank, size_t d, double density, unsigned kinds) {
    SweepInput in;
    if (kinds & (kind_bit(MessageKind::fp32) | kind_bit(MessageKind::sign))) {
        in.values.resize(d);
        in.bits.assign(bitmap_words(d), 0);
        for (uint64_t i = 0; i < d; ++i) {
            in.values[i] = sweep_value(seed, rank, i);
            if (!(in.values[i] < 0)) bit_set(in.bits, i);
        }
    }
    if (kinds & kind_bit(MessageKind::sparse)) {
        std::vector<int> votes;  // +-1 of each index, in order
        for (uint64_t i = 0; i < d; ++i)
            if (int v = sweep_vote(seed, rank, i, density)) {
                in.indices.push_back(uint32_t(i));
                votes.push_back(v);
            }
        in.signs.assign(bitmap_words(votes.size()), 0);
        for (size_t j = 0; j < votes.size(); ++j)
            if (votes[j] > 0) bit_set(in.signs, j);
    }
    return in;
}

Message sweep_message(const SweepInput& in, MessageKind kind, size_t d) {
    switch (kind) {
    case MessageKind::fp32: return message_fp32(in.values);
    case MessageKind::sign: return message_sign(in.bits, d);
    case MessageKind::sparse: return message_sparse(in.indices, in.signs, d);
    case MessageKind::ternary: break;  // the sweep sends sparse lists, not ternary bitmaps
    case MessageKind::scaled_sign:
    case MessageKind::sparse_fp32: break;  // nor the efsign / topk messages (sweep_kind never picks them)
    }
    return {};
}

SweepExpected sweep_expected_make(uint64_t seed, int P, size_t d, double density, unsigned kinds) {
    SweepExpected e;
    if (kinds & (kind_bit(MessageKind::fp32) | kind_bit(MessageKind::sign))) {
        e.sums.resize(d);
        e.majority.assign(bitmap_words(d), 0);
        for (uint64_t i = 0; i < d; ++i) {
            int sum = 0, plus = 0;
            for (int r = 0; r < P; ++r) {
                const float v = sweep_value(seed, r, i);
                sum += int(v);
                plus += !(v < 0);
            }
            e.sums[i] = sum;
            if (2 * plus >= P) bit_set(e.majority, i);
        }
    }
    if (kinds & kind_bit(MessageKind::sparse)) {
        e.voted.assign(bitmap_words(d), 0);
        e.positive.assign(bitmap_words(d), 0);
        for (uint64_t i = 0; i < d; ++i) {
            int sum = 0;
            for (int r = 0; r < P; ++r) sum += sweep_vote(seed, r, i, density);
            if (sum != 0) bit_set(e.voted, i);
            if (sum > 0) bit_set(e.positive, i);
        }
    }
    return e;
}

uint64_t sweep_count_wrong(const Update& got, MessageKind sent, const SweepExpected& expected, int P, size_t d) {
    switch (sent) {
    case MessageKind::fp32: {
        if (got.values.size() != d) return d;
        uint64_t wrong = 0;
        for (uint64_t i = 0; i < d; ++i)  // the mean times P rounds back to the exact integer sum
            wrong += std::lround(double(got.values[i]) * P) != expected.sums[i];
        return wrong;
    }
    case MessageKind::sign: {
        if (got.bits.size() < bitmap_words(d)) return d;
        uint64_t wrong = 0;
        for (uint64_t i = 0; i < d; ++i) wrong += bit_get(got.bits, i) != bit_get(expected.majority, i);
        return wrong;
    }
    case MessageKind::ternary:
    case MessageKind::sparse: {
        if (got.voted.size() < bitmap_words(d) || got.positive.size() < bitmap_words(d)) return d;
        uint64_t wrong = 0;
        for (uint64_t i = 0; i < d; ++i)
            wrong += bit_get(got.voted, i) != bit_get(expected.voted, i) ||
                     bit_get(got.positive, i) != bit_get(expected.positive, i);
        return wrong;
    }
    case MessageKind::scaled_sign:
    case MessageKind::sparse_fp32: break;  // never swept
    }
    return d;
}

}  // namespace bitvote
