// MPI test main: MPI_Init around gtest; rank 0 alone prints gtest output.
// Every test is a TEST_F of MpiTest, whose TearDown fails the test on every
// rank when it failed on any, so all ranks agree and rank 0's summary counts
// it; the other ranks write their own failed assertions to stderr, marked
// with their rank.
#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>

#include "comm/mpi_check.h"
#include "mpi_test.h"

namespace bitvote::test {

namespace {
Comm world_comm;
}

Comm& world() { return world_comm; }

}  // namespace bitvote::test

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    bitvote::mpi_errors_return(MPI_COMM_WORLD);
    ::testing::GTEST_FLAG(color) = "no";  // mpirun hands ranks a pty; --gtest_color still overrides
    ::testing::InitGoogleTest(&argc, argv);
    // Every rank must run the tests in one order. --gtest_shuffle without a
    // seed would take one from each rank's clock: all take rank 0's instead.
    int seed = ::testing::GTEST_FLAG(random_seed);
    if (seed == 0) seed = int(std::time(nullptr) % 99999) + 1;  // gtest's range, 1..99999
    MPI_Bcast(&seed, 1, MPI_INT, 0, MPI_COMM_WORLD);
    ::testing::GTEST_FLAG(random_seed) = seed;
    bitvote::test::world() = bitvote::comm_open(MPI_COMM_WORLD);
    if (bitvote::test::world().rank != 0) {
        ::testing::TestEventListeners& listeners = ::testing::UnitTest::GetInstance()->listeners();
        delete listeners.Release(listeners.default_result_printer());
        listeners.Append(bitvote::test::rank_failure_printer());
    } else {
        std::printf("MPI tests on %d ranks\n", bitvote::test::world().size);
    }
    int failed = RUN_ALL_TESTS();
    bitvote::comm_close(&bitvote::test::world());
    MPI_Finalize();
    return failed;
}
