// Padding, chunking, packing and deciding for the dense vote strategies.
#include "comm/dense_vote.h"

#include <algorithm>
#include <utility>

#include "kernels.h"

namespace bitvote {

namespace {

// Where word `word` of bitmap `plane` lands in the [chunks][planes][chunk_words] layout.
size_t bits_slot(const VoteGrid& g, size_t plane, size_t word) {
    size_t cw = g.chunk_words();
    return (word / cw * g.planes + plane) * cw + word % cw;
}

// The bits of the last word of a bitmap over d coordinates that lie below d.
uint64_t last_word_mask(size_t d) { return d % 64 ? (uint64_t{1} << (d % 64)) - 1 : ~uint64_t{0}; }

// Where word `word` of plane `plane` lands in counters [chunks][chunk_tiles][planes]
// of w planes: in plane 0 of its tile, a count of 0 or 1.
size_t counter_slot(const VoteGrid& g, unsigned w, size_t plane, size_t word) {
    size_t cw = g.chunk_words(), tile = word / cw * g.chunk_tiles + word % cw / 8;
    return (tile * g.planes + plane) * w * 8 + word % 8;
}

// Zeroes out, then ORs each vote of msg into out[slot(plane, word)].
template <class Slot>
void pack_votes(const Message& msg, std::span<uint64_t> out, Slot slot) {
    std::fill(out.begin(), out.end(), 0);
    if (msg.abstains) return;
    size_t words = bitmap_words(msg.d);
    switch (msg.kind) {
        case MessageKind::sign:
            for (size_t i = 0; i < words; ++i) out[slot(0, i)] = msg.bits[i];
            break;
        case MessageKind::ternary:
            for (size_t i = 0; i < words; ++i) {
                out[slot(0, i)] = msg.voted[i] & msg.positive[i];
                out[slot(1, i)] = msg.voted[i] & ~msg.positive[i];
            }
            break;
        case MessageKind::sparse:
            for (size_t j = 0; j < msg.indices.size(); ++j) {
                uint32_t i = msg.indices[j];
                size_t plane = (msg.signs[j / 64] >> (j % 64)) & 1 ? 0 : 1;
                out[slot(plane, i / 64)] |= uint64_t{1} << (i % 64);
            }
            break;
        default: break;  // fp32 and the value kinds: strategy_check keeps them away from votes
    }
}

// A sign vote's decision of one chunk in out [decided_planes][chunk_words]:
// the positive plane (the last) and the nonzero plane (plane 0; empty where
// the decision has one plane: no ties).
std::pair<std::span<uint64_t>, std::span<uint64_t>> sign_decision(const VoteGrid& g, std::span<uint64_t> out) {
    size_t cw = g.chunk_words();
    std::span<uint64_t> positive = out.subspan((g.decided_planes - 1) * cw, cw);
    return {positive, g.decided_planes == 2 ? out.first(cw) : std::span<uint64_t>()};
}

}  // namespace

VoteGrid vote_grid(MessageKind kind, size_t d, size_t chunks, int P) {
    VoteGrid g;
    g.d = d;
    g.planes = vote_planes(kind);
    g.decided_planes = decision_planes(kind, P);
    g.chunks = chunks;
    g.chunk_tiles = (vote_tiles(d) + chunks - 1) / chunks;
    return g;
}

std::span<uint64_t> resize_words(std::vector<uint64_t>* v, size_t n) {
    v->resize(n);
    return *v;
}

void pack_vote_bits(const Message& msg, const VoteGrid& g, std::span<uint64_t> out) {
    pack_votes(msg, out, [&](size_t plane, size_t word) { return bits_slot(g, plane, word); });
}

void pack_vote_counters(const Message& msg, const VoteGrid& g, unsigned w, std::span<uint64_t> out) {
    pack_votes(msg, out, [&](size_t plane, size_t word) { return counter_slot(g, w, plane, word); });
}

int voter_rows(std::span<uint64_t> rows, size_t row_words, const Message& msg, int P) {
    int kept = 0;
    for (int r = 0; r < P; ++r) {
        if (rank_abstains(msg, size_t(r))) continue;
        if (kept != r)
            std::copy_n(rows.begin() + ptrdiff_t(size_t(r) * row_words), row_words,
                        rows.begin() + ptrdiff_t(size_t(kept) * row_words));
        ++kept;
    }
    return kept;
}

void decide_counters(std::span<const uint64_t> counters, const VoteGrid& g, unsigned w, int P,
                     std::span<uint64_t> out) {
    size_t cw = g.chunk_words(), tile_words = size_t(w) * 8;
    if (g.planes == 1) {
        auto [positive, nonzero] = sign_decision(g, out);
        vote_decide(counters.first(g.chunk_tiles * tile_words), w, uint64_t(P), positive, nonzero);
        return;
    }
    for (size_t t = 0; t < g.chunk_tiles; ++t)
        vote_decide_ternary(counters.subspan(2 * t * tile_words, tile_words),
                            counters.subspan((2 * t + 1) * tile_words, tile_words), w, out.subspan(t * 8, 8),
                            out.subspan(cw + t * 8, 8));
}

void decide_rows(std::span<const uint64_t> rows, const VoteGrid& g, int P, std::vector<uint64_t>* counters,
                 std::span<uint64_t> out) {
    size_t cw = g.chunk_words();
    if (g.planes == 1) {
        auto [positive, nonzero] = sign_decision(g, out);
        vote_count(rows.first(size_t(P) * cw), size_t(P), positive, nonzero);
        return;
    }
    unsigned w = vote_width(uint64_t(P));
    size_t n = vote_counter_words(cw * 64, w);
    std::span<uint64_t> both = resize_words(counters, 2 * n), plus = both.first(n), minus = both.subspan(n);
    std::fill(both.begin(), both.end(), 0);
    for (size_t r = 0; r < size_t(P); ++r) {
        vote_accumulate_signs(plus, rows.subspan((2 * r) * cw, cw), w);
        vote_accumulate_signs(minus, rows.subspan((2 * r + 1) * cw, cw), w);
    }
    vote_decide_ternary(plus, minus, w, out.first(cw), out.subspan(cw, cw));
}

void unpack_decided(std::span<const uint64_t> decided, const VoteGrid& g, Update* out) {
    size_t words = bitmap_words(g.d), cw = g.chunk_words();
    auto unpack_plane = [&](size_t plane, std::vector<uint64_t>* bits) {
        bits->resize(words);
        for (size_t start = 0, ch = 0; start < words; start += cw, ++ch) {
            const uint64_t* from = &decided[(ch * g.decided_planes + plane) * cw];
            std::copy(from, from + std::min(cw, words - start), bits->begin() + ptrdiff_t(start));
        }
        if (words) bits->back() &= last_word_mask(g.d);
    };
    out->values.clear();
    if (g.decided_planes == 1) {
        out->kind = MessageKind::sign;
        unpack_plane(0, &out->bits);
        out->voted.clear();
        out->positive.clear();
    } else {
        out->kind = MessageKind::ternary;
        out->bits.clear();
        unpack_plane(0, &out->voted);
        unpack_plane(1, &out->positive);
    }
}

}  // namespace bitvote
