#include "cli/flags.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "comm/mpi_check.h"

namespace bitvote {

bool flag_int(const char* s, int64_t lo, int64_t hi, int64_t* out) {
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) return false;
    *out = v;
    return true;
}

bool flag_real(const char* s, double* out) {
    char* end = nullptr;
    const double v = std::strtod(s, &end);
    if (end == s || *end || !std::isfinite(v)) return false;
    *out = v;
    return true;
}

int error_exit(const char* command, const std::string& error, int code) {
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank == 0) std::fprintf(stderr, "bitvote %s: %s\n", command, error.c_str());
    MPI_Finalize();
    return code;
}

int usage_error_exit(const char* command, const std::string& error) {
    return error_exit(command, error + " (see bitvote " + command + " --help)", 2);
}

}  // namespace bitvote
