#include "cli/versions.h"

#include <H5public.h>
#include <oneapi/dnnl/dnnl.hpp>

#include "comm/mpi_check.h"  // <mpi.h>

namespace bitvote {

std::string mpi_library_version() {
    char text[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0;
    MPI_Get_library_version(text, &len);
    std::string line(text, size_t(len));
    if (size_t nl = line.find_first_of(",\n"); nl != std::string::npos) line.resize(nl);
    return line + " (MPI " + std::to_string(MPI_VERSION) + "." + std::to_string(MPI_SUBVERSION) + ")";
}

std::string dnnl_library_version() {
    const dnnl_version_t* v = dnnl_version();
    return std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch) +
           (v->cpu_runtime == DNNL_RUNTIME_OMP ? " (cpu runtime OpenMP)" : " (cpu runtime other)");
}

std::string hdf5_library_version() {
    unsigned major = 0, minor = 0, release = 0;
    H5get_libversion(&major, &minor, &release);
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release) +
#ifdef H5_HAVE_PARALLEL
           " (parallel)";
#else
           " (serial)";
#endif
}

}  // namespace bitvote
