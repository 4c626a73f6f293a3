#include "comm/error_exit.h"

#include <mpi.h>

#include <cstdio>

namespace bitvote {

int error_exit(const std::string& command, const std::string& error, int code) {
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == 0) std::fprintf(stderr, "bitvote %s: %s\n", command.c_str(), error.c_str());
    MPI_Finalize();
    return code;
}

int usage_error_exit(const std::string& command, const std::string& error) {
    return error_exit(command, error + " (see bitvote " + command + " --help)", 2);
}

}  // namespace bitvote
