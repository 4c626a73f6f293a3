// MPI test main: MPI_Init around gtest; rank 0 alone prints gtest output.
// Every test decides pass/fail from values reduced over all ranks, so all
// ranks agree and none waits in a collective another rank skipped.
#include <gtest/gtest.h>

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
    bitvote::test::world() = bitvote::comm_open(MPI_COMM_WORLD);
    if (bitvote::test::world().rank != 0) {
        ::testing::TestEventListeners& listeners = ::testing::UnitTest::GetInstance()->listeners();
        delete listeners.Release(listeners.default_result_printer());
    } else {
        std::printf("MPI tests on %d ranks\n", bitvote::test::world().size);
    }
    int failed = RUN_ALL_TESTS();
    bitvote::comm_close(&bitvote::test::world());
    MPI_Finalize();
    return failed;
}
