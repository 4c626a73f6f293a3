// Vote data from (seed, rank, i) and the naive oracle (see vote_data.h).
#include "sweep/vote_data.h"

#include <cstring>

#include "base/splitmix64.h"
#include "kernels.h"  // bitmap_words (sizes only; no kernel is called here)

namespace bitvote {
namespace {

// The stream of rank r: coordinate i's 64 bits are splitmix64(key + i).
uint64_t rank_key(uint64_t seed, int r) { return seed_mix(seed, uint64_t(r)); }
uint64_t coordinate_hash(uint64_t key, size_t i) { return splitmix64(key + i); }

bool is_dense_sign(MessageKind kind) { return kind == MessageKind::sign || kind == MessageKind::scaled_sign; }
bool has_values(MessageKind kind) {
    return kind == MessageKind::fp32 || kind == MessageKind::scaled_sign || kind == MessageKind::sparse_fp32;
}

void set_bit(std::vector<uint64_t>* bits, size_t i) { (*bits)[i / 64] |= uint64_t{1} << (i % 64); }
bool get_bit(const std::vector<uint64_t>& bits, size_t i) { return bits[i / 64] >> (i % 64) & 1; }

// The vote from coordinate i's hash h: `sparse` draws from bits 11..63 and
// takes its sign from bit 0; the value (value_of) is h % 65.
int vote_of(uint64_t h, VotePattern p, bool dense, int r, int P, size_t i, double density) {
    switch (p) {
        case VotePattern::random: return dense ? (h & 1 ? 1 : -1) : int(h % 3) - 1;
        case VotePattern::split: return (r < P / 2) != bool(i & 1) ? 1 : -1;
        case VotePattern::sparse:
            if (double(h >> 11) * 0x1p-53 < density) return h & 1 ? 1 : -1;
            return dense ? 1 : 0;
        case VotePattern::none: return dense ? 1 : 0;
    }
    return 0;
}

float value_of(uint64_t h) { return float(int(h % 65) - 32) * 0.25f; }

}  // namespace

const char* vote_pattern_name(VotePattern p) {
    switch (p) {
        case VotePattern::random: return "random";
        case VotePattern::split: return "split";
        case VotePattern::sparse: return "sparse";
        case VotePattern::none: return "none";
    }
    return "?";
}

int vote_data_vote(VotePattern p, MessageKind kind, uint64_t seed, int r, int P, size_t i, double density) {
    return vote_of(coordinate_hash(rank_key(seed, r), i), p, is_dense_sign(kind), r, P, i, density);
}

float vote_data_value(uint64_t seed, int r, size_t i) { return value_of(coordinate_hash(rank_key(seed, r), i)); }

// Rank r's scale: a value past every coordinate.
float vote_data_scale(uint64_t seed, int r) { return vote_data_value(seed, r, SIZE_MAX); }

VoteMessage vote_data_message(VotePattern p, MessageKind kind, uint64_t seed, int r, int P, size_t d,
                              double density) {
    VoteMessage m;
    const uint64_t key = rank_key(seed, r);
    const bool dense = is_dense_sign(kind);
    const size_t words = bitmap_words(d);
    auto vote = [&](size_t i) { return vote_of(coordinate_hash(key, i), p, dense, r, P, i, density); };
    switch (kind) {
        case MessageKind::fp32:
            m.values.resize(d);
            for (size_t i = 0; i < d; ++i) m.values[i] = value_of(coordinate_hash(key, i));
            m.msg = message_fp32(m.values);
            break;
        case MessageKind::sign:
        case MessageKind::scaled_sign:
            m.bits.assign(words, 0);
            for (size_t i = 0; i < d; ++i)
                if (vote(i) > 0) set_bit(&m.bits, i);
            m.msg = kind == MessageKind::sign ? message_sign(m.bits, d)
                                              : message_scaled_sign(m.bits, vote_data_scale(seed, r), d);
            break;
        case MessageKind::ternary:
            m.voted.assign(words, 0);
            m.positive.assign(words, 0);
            for (size_t i = 0; i < d; ++i) {
                const int v = vote(i);
                if (v) set_bit(&m.voted, i);
                if (v > 0) set_bit(&m.positive, i);
            }
            m.msg = message_ternary(m.voted, m.positive, d);
            break;
        case MessageKind::sparse:
            for (size_t i = 0; i < d; ++i) {
                const int v = vote(i);
                if (!v) continue;
                if (m.indices.size() % 64 == 0) m.signs.push_back(0);
                if (v > 0) set_bit(&m.signs, m.indices.size());
                m.indices.push_back(uint32_t(i));
            }
            m.msg = message_sparse(m.indices, m.signs, d);
            break;
        case MessageKind::sparse_fp32:
            for (size_t i = 0; i < d; ++i)
                if (vote(i)) m.indices.push_back(uint32_t(i)), m.values.push_back(value_of(coordinate_hash(key, i)));
            m.msg = message_sparse_fp32(m.indices, m.values, d);
            break;
    }
    return m;
}

Update vote_data_expected(VotePattern p, MessageKind kind, uint64_t seed, int P, size_t d, double density) {
    Update u;
    const size_t words = bitmap_words(d);
    const bool dense = is_dense_sign(kind);
    std::vector<uint64_t> keys(static_cast<size_t>(P));
    for (int r = 0; r < P; ++r) keys[size_t(r)] = rank_key(seed, r);
    if (has_values(kind)) {
        std::vector<float> scales(static_cast<size_t>(P));
        for (int r = 0; r < P; ++r) scales[size_t(r)] = vote_data_scale(seed, r);
        u.kind = MessageKind::fp32;
        u.values.resize(d);
        for (size_t i = 0; i < d; ++i) {
            float sum = 0;  // multiples of 0.25: exact in any order
            for (int r = 0; r < P; ++r) {
                const uint64_t h = coordinate_hash(keys[size_t(r)], i);
                const int v = vote_of(h, p, dense, r, P, i, density);
                sum += kind == MessageKind::fp32        ? value_of(h)
                       : kind == MessageKind::scaled_sign ? float(v) * scales[size_t(r)]
                       : v                                ? value_of(h)
                                                          : 0.0f;
            }
            u.values[i] = sum / float(P);
        }
        return u;
    }
    const bool no_ties = dense && P % 2;  // +-1 votes of an odd count never sum to 0
    u.kind = no_ties ? MessageKind::sign : MessageKind::ternary;
    if (no_ties) u.bits.assign(words, 0);
    else u.voted.assign(words, 0), u.positive.assign(words, 0);
    for (size_t i = 0; i < d; ++i) {
        int sum = 0;
        for (int r = 0; r < P; ++r) sum += vote_of(coordinate_hash(keys[size_t(r)], i), p, dense, r, P, i, density);
        if (no_ties) {
            if (sum > 0) set_bit(&u.bits, i);
        } else if (sum) {  // sign(0) = 0: a tie moves nothing
            set_bit(&u.voted, i);
            if (sum > 0) set_bit(&u.positive, i);
        }
    }
    return u;
}

uint64_t update_wrong_coordinates(const Update& got, const Update& want, size_t d) {
    if (got.kind != want.kind) return d;
    uint64_t wrong = 0;
    if (got.kind == MessageKind::fp32) {
        if (got.values.size() < d || want.values.size() < d) return d;
        for (size_t i = 0; i < d; ++i) wrong += std::memcmp(&got.values[i], &want.values[i], sizeof(float)) != 0;
        return wrong;
    }
    const size_t words = bitmap_words(d);
    if (got.kind == MessageKind::sign) {
        if (got.bits.size() < words || want.bits.size() < words) return d;
        for (size_t i = 0; i < d; ++i) wrong += get_bit(got.bits, i) != get_bit(want.bits, i);
        return wrong;
    }
    if (got.voted.size() < words || got.positive.size() < words || want.voted.size() < words ||
        want.positive.size() < words)
        return d;
    for (size_t i = 0; i < d; ++i)
        wrong += get_bit(got.voted, i) != get_bit(want.voted, i) || get_bit(got.positive, i) != get_bit(want.positive, i);
    return wrong;
}

}  // namespace bitvote
