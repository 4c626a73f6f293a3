// App test main (data, model): one process, no mpirun, so MPI starts here.
// MPI_COMM_WORLD has one rank; parallel HDF5 and the model run on it.
#include <gtest/gtest.h>
#include <mpi.h>

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    ::testing::InitGoogleTest(&argc, argv);
    int rc = RUN_ALL_TESTS();
    MPI_Finalize();
    return rc;
}
