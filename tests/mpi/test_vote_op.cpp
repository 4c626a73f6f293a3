// The vote MPI_Op: it adds counts exactly under MPI, in any grouping (every
// root, sub-communicators), for any counter width, and reduces ternary
// (plus, minus) tile pairs with the same op. Counts are read back with this
// file's own decoder, not the kernels.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "comm/vote_op.h"
#include "kernels.h"
#include "mpi_test.h"

namespace bitvote::test {

namespace {

const size_t d = 5000;  // 10 tiles, the last one partial
const uint64_t seed = 11;

// Counters of one rank's 0/1 votes: plane 0 of each tile holds the bits.
// Tile t of the bitmap goes to element t * stride + which (stride 2 interleaves
// ternary (plus, minus) pairs).
void put_bits(std::vector<uint64_t>* counters, const std::vector<uint64_t>& bits, unsigned w, size_t stride,
              size_t which) {
    for (size_t word = 0; word < bits.size(); ++word)
        (*counters)[((word / 8) * stride + which) * w * 8 + word % 8] = bits[word];
}

// Counter i, with the tiles placed as put_bits places them.
uint64_t count_at(const std::vector<uint64_t>& counters, unsigned w, size_t stride, size_t which, size_t i) {
    size_t tile = (i / 512) * stride + which, k = (i % 512) / 64;
    uint64_t count = 0;
    for (unsigned j = 0; j < w; ++j) count |= ((counters[(tile * w + j) * 8 + k] >> (i % 64)) & 1) << j;
    return count;
}

// Ranks whose vote on i is `want` (+1 or -1), ternary votes of the random pattern.
uint64_t expected_count(MessageKind kind, size_t i, int want, int P) {
    uint64_t n = 0;
    for (int r = 0; r < P; ++r) n += vote_data_vote(VotePattern::random, kind, seed, r, P, i) == want;
    return n;
}

// This rank's sign votes as counters of width w, one tile per element.
std::vector<uint64_t> sign_counters(unsigned w) {
    VoteMessage m = vote_data_message(VotePattern::random, MessageKind::sign, seed, world().rank, world().size, d);
    std::vector<uint64_t> counters(vote_counter_words(d, w), 0);
    put_bits(&counters, m.bits, w, 1, 0);
    return counters;
}

std::string first_wrong_count(const std::vector<uint64_t>& counters, unsigned w) {
    for (size_t i = 0; i < d; ++i)
        if (count_at(counters, w, 1, 0, i) != expected_count(MessageKind::sign, i, 1, world().size))
            return "count " + std::to_string(i) + " wrong";
    return "";
}

using VoteOp = MpiTest;  // the suite; the struct is bitvote::VoteOp

TEST_F(VoteOp, AllreduceCountsEveryVote) {
    Comm& c = world();
    std::vector<uint64_t> counters = sign_counters(c.vote.w);
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, counters.data(), int(vote_tiles(d)), c.vote.tile, c.vote.op, c.comm));
    std::string wrong = first_wrong_count(counters, c.vote.w);
    EXPECT_TRUE(on_every_rank(wrong.empty(), wrong));
}

// Associativity and commutativity as MPI uses them: a reduce to every root
// and a two-level reduction over sub-communicators give the allreduce's sums.
TEST_F(VoteOp, EveryRootAndEveryGroupingAgree) {
    Comm& c = world();
    const int tiles = int(vote_tiles(d));
    std::vector<uint64_t> mine = sign_counters(c.vote.w), all = mine, at_root(mine.size());
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, all.data(), tiles, c.vote.tile, c.vote.op, c.comm));
    bool ok = true;
    for (int root = 0; root < c.size; ++root) {
        MPI_CHECK(MPI_Reduce(mine.data(), at_root.data(), tiles, c.vote.tile, c.vote.op, root, c.comm));
        if (c.rank == root) ok = ok && at_root == all;
    }
    MPI_Comm half;  // even ranks, odd ranks; ranks 0 and 1 lead them
    MPI_CHECK(MPI_Comm_split(c.comm, c.rank % 2, c.rank, &half));
    std::vector<uint64_t> partial = mine, regrouped(mine.size());
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, partial.data(), tiles, c.vote.tile, c.vote.op, half));
    if (c.rank > 1) std::fill(partial.begin(), partial.end(), 0);
    MPI_CHECK(MPI_Allreduce(partial.data(), regrouped.data(), tiles, c.vote.tile, c.vote.op, c.comm));
    MPI_CHECK(MPI_Comm_free(&half));
    ok = ok && regrouped == all;
    EXPECT_TRUE(on_every_rank(ok, "a reduce to some root or over sub-communicators differs from the allreduce"));
}

// The op reads w from the datatype: the same op on a wider tile type counts the same.
TEST_F(VoteOp, OneOpServesEveryWidth) {
    Comm& c = world();
    unsigned wide = c.vote.w + 2;
    bitvote::VoteOp wider = vote_op_create(wide);
    std::vector<uint64_t> counters = sign_counters(wide);
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, counters.data(), int(vote_tiles(d)), wider.tile, c.vote.op, c.comm));
    vote_op_free(&wider);
    std::string wrong = first_wrong_count(counters, wide);
    EXPECT_TRUE(on_every_rank(wrong.empty(), wrong));
}

// The counts reduced by the op, decided by vote_decide: sign(2 count - P),
// and at even P the coordinates where half the ranks vote +1 decide 0.
TEST_F(VoteOp, AllreduceThenDecideTiesGoZero) {
    Comm& c = world();
    std::vector<uint64_t> counters = sign_counters(c.vote.w);
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, counters.data(), int(vote_tiles(d)), c.vote.tile, c.vote.op, c.comm));
    std::vector<uint64_t> positive(bitmap_words(d)), nonzero(bitmap_words(d));
    vote_decide(counters, c.vote.w, uint64_t(c.size), positive, nonzero);
    std::string wrong;
    size_t ties = 0;
    for (size_t i = 0; i < d && wrong.empty(); ++i) {
        const uint64_t count = expected_count(MessageKind::sign, i, 1, c.size);
        ties += 2 * count == uint64_t(c.size);
        if (((positive[i / 64] >> (i % 64)) & 1) != (2 * count > uint64_t(c.size)) ||
            ((nonzero[i / 64] >> (i % 64)) & 1) != (2 * count != uint64_t(c.size)))
            wrong = "coordinate " + std::to_string(i) + " (" + std::to_string(count) + " of " +
                    std::to_string(c.size) + " vote +1) decided wrong";
    }
    EXPECT_TRUE(on_every_rank(wrong.empty(), wrong));
    if (c.size % 2 == 0) {
        EXPECT_GT(ties, d / 8) << "even P: random signs tie often";
    }
}

// Ternary: tile t of plus at element 2t, tile t of minus at 2t + 1, one reduction.
TEST_F(VoteOp, TernaryTilePairsReduceTogether) {
    Comm& c = world();
    unsigned w = c.vote.w;
    VoteMessage m = vote_data_message(VotePattern::random, MessageKind::ternary, seed, c.rank, c.size, d);
    std::vector<uint64_t> plus(m.voted.size()), minus(m.voted.size());
    for (size_t i = 0; i < plus.size(); ++i) plus[i] = m.voted[i] & m.positive[i], minus[i] = m.voted[i] & ~m.positive[i];
    std::vector<uint64_t> counters(2 * vote_counter_words(d, w), 0);
    put_bits(&counters, plus, w, 2, 0);
    put_bits(&counters, minus, w, 2, 1);
    MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, counters.data(), int(2 * vote_tiles(d)), c.vote.tile, c.vote.op, c.comm));
    std::string wrong;
    for (size_t i = 0; i < d && wrong.empty(); ++i)
        if (count_at(counters, w, 2, 0, i) != expected_count(MessageKind::ternary, i, 1, c.size) ||
            count_at(counters, w, 2, 1, i) != expected_count(MessageKind::ternary, i, -1, c.size))
            wrong = "plus or minus count " + std::to_string(i) + " wrong";
    EXPECT_TRUE(on_every_rank(wrong.empty(), wrong));
}

}  // namespace

}  // namespace bitvote::test
