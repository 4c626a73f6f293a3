// The layout every dense vote strategy shares: d coordinates padded to
// `chunks` chunks of whole 512-coordinate tiles (chunks = P for the strategies
// that split the vector over ranks, 1 for the others), a rank's votes packed
// into that layout, chunk decisions, and the update unpacked from them.
//
// Votes: sign votes use one bitmap per coordinate (1 = +1); ternary and
// sparse votes use two (planes), plane 0 = votes +1 and plane 1 = votes -1.
// Decisions are sign(sum of votes) with sign(0) = 0 (DESIGN.md 3): two
// bitmaps, plane 0 = nonzero (voted) and plane 1 = positive, except where no
// tie is possible (sign votes at odd P): one bitmap, positive. So a sign vote
// at even P allgathers (or broadcasts) a second bitmap and gives a ternary
// update. Padding tiles hold no vote; bits past d in a message's last word
// may hold anything: unpack_decided clears every decided bit past d.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "comm/strategy.h"

namespace bitvote {

// Bitmaps (or counters) a dense vote holds per coordinate: 1 sign, 2 ternary and sparse.
inline size_t vote_planes(MessageKind kind) { return kind == MessageKind::sign ? 1 : 2; }
// Bitmaps of a decision of P ranks' votes per coordinate: 1 (positive) for
// sign votes at odd P, which never tie; else 2 (nonzero, positive).
inline size_t decision_planes(MessageKind kind, int P) { return kind == MessageKind::sign && P % 2 ? 1 : 2; }

struct VoteGrid {
    size_t d = 0;               // coordinates
    size_t planes = 1;          // vote bitmaps (or counters) per coordinate: 1 sign, 2 ternary
    size_t decided_planes = 1;  // decision bitmaps per coordinate: decision_planes(kind, P)
    size_t chunks = 1;          // pieces the padded vector is cut into
    size_t chunk_tiles = 0;     // tiles per chunk: ceil(vote_tiles(d) / chunks)
    size_t chunk_words() const { return chunk_tiles * 8; }                // bitmap words per plane of a chunk
    size_t chunk_bitmap_words() const { return planes * chunk_words(); }  // votes: [planes][chunk_words]
    size_t bitmap_words() const { return chunks * chunk_bitmap_words(); } // [chunks][planes][chunk_words]
    size_t chunk_decided_words() const { return decided_planes * chunk_words(); }  // [decided_planes][chunk_words]
    size_t decided_words() const { return chunks * chunk_decided_words(); }  // [chunks][decided_planes][chunk_words]
    size_t counter_words(unsigned w) const { return chunks * chunk_tiles * planes * w * 8; }
};
// The grid of this kind of votes from `voters` ranks (whether a tie is possible).
VoteGrid vote_grid(MessageKind kind, size_t d, size_t chunks, int voters);

// v resized to n words (reusing its memory); the contents are the caller's to fill.
std::span<uint64_t> resize_words(std::vector<uint64_t>* v, size_t n);

// One rank's votes as bitmaps, out: [chunks][planes][chunk_words] (g.bitmap_words()).
// An abstaining message packs as zeros (no vote; for signs, every receiver
// drops that rank's row: voter_rows).
void pack_vote_bits(const Message& msg, const VoteGrid& g, std::span<uint64_t> out);
// One rank's votes as counters of 0 or 1 (plane 0 holds the bit), out: tiles
// [chunks][chunk_tiles][planes] of w planes (g.counter_words(w)), so chunk r
// is the r-th run of chunk_tiles * planes tiles and a ternary tile pair is
// (plus, minus), as the vote op expects.
void pack_vote_counters(const Message& msg, const VoteGrid& g, unsigned w, std::span<uint64_t> out);

// Moves the rows of the ranks that vote (msg.abstainers) to the front of rows
// ([P][row_words], in rank order) and returns how many there are.
int voter_rows(std::span<uint64_t> rows, size_t row_words, const Message& msg, int P);
// A chunk's decision from its summed counters ([chunk_tiles][planes] tiles of
// w planes) into out: [decided_planes][chunk_words].
// P: the voters (the sign threshold and whether a tie is possible; the
// abstainers' counters are 0).
void decide_counters(std::span<const uint64_t> counters, const VoteGrid& g, unsigned w, int P,
                     std::span<uint64_t> out);
// A chunk's decision from P ranks' bitmaps of it, rows: [P][planes][chunk_words],
// into out: [decided_planes][chunk_words]; `counters` is scratch.
void decide_rows(std::span<const uint64_t> rows, const VoteGrid& g, int P, std::vector<uint64_t>* counters,
                 std::span<uint64_t> out);
// The update from every chunk's decision, decided: [chunks][decided_planes][chunk_words]:
// sign with one decided plane, else ternary.
void unpack_decided(std::span<const uint64_t> decided, const VoteGrid& g, Update* out);

}  // namespace bitvote
