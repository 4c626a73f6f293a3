// Helpers for tests that run on every rank: the world Comm, the fixture that
// makes every test's verdict the same on every rank, pass/fail that every
// rank agrees on. Vote data any rank can regenerate from (seed, rank, index)
// and the naive oracle are the sweep's (src/sweep/vote_data.h).
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "comm/strategy.h"
#include "sweep/vote_data.h"

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

// "" if equal, else the first difference.
std::string update_difference(const Update& got, const Update& want);
uint64_t hash_update(const Update& u);

}  // namespace bitvote::test
