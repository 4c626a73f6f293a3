// MPI_CHECK, the fatal-error helpers and MPI's version.
#include "comm/mpi_check.h"

#include <unistd.h>

#include <cstdarg>
#include <cstdio>

namespace bitvote {

namespace {

int world_rank() {
    int initialized = 0, finalized = 0, rank = 0;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    if (initialized && !finalized) MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

// Ends the job: MPI_Abort when MPI is up, else exit.
[[noreturn]] void abort_all() {
    int initialized = 0, finalized = 0;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    if (initialized && !finalized) MPI_Abort(MPI_COMM_WORLD, 1);
    _exit(1);
}

// "bitvote: rank r: <message>"; rank < 0 leaves the rank out.
void print_error(int rank, const char* fmt, va_list args) {
    if (rank >= 0) std::fprintf(stderr, "bitvote: rank %d: ", rank);
    else std::fprintf(stderr, "bitvote: ");
    std::vfprintf(stderr, fmt, args);
    std::fprintf(stderr, "\n");
    std::fflush(stderr);
}

}  // namespace

void mpi_check(int rc, const char* call, const char* file, int line) {
    if (rc == MPI_SUCCESS) return;
    char text[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(rc, text, &len) != MPI_SUCCESS) std::snprintf(text, sizeof text, "MPI error %d", rc);
    fatal("%s failed at %s:%d: %s", call, file, line, text);
}

void mpi_errors_return(MPI_Comm comm) { MPI_CHECK(MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN)); }

void fatal(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    print_error(world_rank(), fmt, args);
    va_end(args);
    abort_all();
}

void fatal_collective(const char* fmt, ...) {
    int rank = world_rank();
    if (rank != 0) sleep(2);  // rank 0's MPI_Abort normally ends us here
    va_list args;
    va_start(args, fmt);
    print_error(rank == 0 ? -1 : rank, fmt, args);
    va_end(args);
    abort_all();
}

std::string mpi_library_version() {
    char text[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0;
    MPI_Get_library_version(text, &len);
    std::string line(text, size_t(len));
    if (size_t nl = line.find_first_of(",\n"); nl != std::string::npos) line.resize(nl);
    return line + " (MPI " + std::to_string(MPI_VERSION) + "." + std::to_string(MPI_SUBVERSION) + ")";
}

}  // namespace bitvote
