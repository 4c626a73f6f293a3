// Helpers for tests that run on every rank: the world Comm, the fixture that
// makes every test's verdict the same on every rank, pass/fail that every
// rank agrees on, and vote data any rank can regenerate from (seed, rank,
// index) to compute everyone's input and the expected result.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "comm/strategy.h"

namespace bitvote::test {

Comm& world();  // opened by main before the tests, closed after

// The fixture of every MPI test (`using Suite = MpiTest;` then TEST_F keeps
// the suite's name). TearDown is collective: a test that failed on any rank
// fails on every rank, so rank 0's summary counts it, with a failure that
// names the ranks. Every rank must reach TearDown of every test, so a test
// skips (GTEST_SKIP) or returns early only on a condition every rank shares.
class MpiTest : public ::testing::Test {
  protected:
    void TearDown() override;
};
template <class T>
class MpiTestWithParam : public MpiTest, public ::testing::WithParamInterface<T> {};

// For ranks other than rank 0, whose gtest output is not printed: writes each
// failed assertion to stderr as `rank R: file:line: message`. Main appends it.
::testing::TestEventListener* rank_failure_printer();

// True iff `ok` on every rank. A failing rank prints `what` to stderr with
// its rank, so failures on ranks other than 0 are not lost.
bool on_every_rank(bool ok, const std::string& what);
// True iff `h` is the same on every rank (MPI_Allreduce MIN == MAX).
bool same_on_every_rank(uint64_t h);

// How the ranks vote: `random` (signs, or -1/0/+1 for ternary), `split`
// (ranks below P/2 against the rest: ties at even P), `sparse` (1 in 8
// coordinates votes), `none` (nobody votes; ternary only).
enum class Pattern { random, split, sparse, none };
const char* pattern_name(Pattern p);

// Rank r's vote on coordinate i: +1 or -1 for sign messages, -1, 0 or +1 for ternary/sparse.
int vote_at(Pattern p, MessageKind kind, uint64_t seed, int r, int P, size_t i);
// Rank r's fp32 value on coordinate i: a multiple of 0.25 in [-8, 8], so sums are exact.
// scaled_sign messages send vote_at * scale_at(seed, r); sparse_fp32 ones
// send value_at where vote_at (ternary rules) is nonzero.
float value_at(uint64_t seed, int r, size_t i);
float scale_at(uint64_t seed, int r);

// One rank's message, owning its buffers.
struct OwnedMessage {
    std::vector<float> values;
    std::vector<uint64_t> bits, voted, positive, signs;
    std::vector<uint32_t> indices;
    Message msg;
};
OwnedMessage make_message(Pattern p, MessageKind kind, uint64_t seed, int r, int P, size_t d);
// The update a naive per-coordinate vote (or mean) over all P ranks gives.
Update reference_update(Pattern p, MessageKind kind, uint64_t seed, int P, size_t d);
// "" if equal, else the first difference.
std::string update_difference(const Update& got, const Update& want);
uint64_t hash_update(const Update& u);

}  // namespace bitvote::test
