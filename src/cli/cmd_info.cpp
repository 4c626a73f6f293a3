// bitvote info: what this binary runs on — kernel tier, CPU features, library versions.
#include <H5public.h>
#include <mpi.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <cstdio>
#include <cstring>
#include <string>

#include "cli/commands.h"
#include "kernels.h"

namespace bitvote {

int cmd_info(int argc, char** argv) {
    if (argc > 1 && (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h"))) {
        std::printf("usage: bitvote info\n  Prints the kernel tier in use (BITVOTE_ISA forces one), the CPU\n"
                    "  features found and the MPI, oneDNN and HDF5 versions. Needs no MPI launcher.\n");
        return 0;
    }
    if (argc > 1) {
        std::fprintf(stderr, "bitvote info: unexpected argument '%s'\n", argv[1]);
        return 2;
    }
    std::string tiers;
    for (int i = 0; i < isa_count; ++i)
        if (isa_supported(Isa(i))) tiers += (tiers.empty() ? "" : " ") + std::string(isa_name(Isa(i)));
    char mpi[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0;
    MPI_Get_library_version(mpi, &len);  // callable before MPI_Init
    std::string mpi_line(mpi, size_t(len));
    if (size_t nl = mpi_line.find_first_of(",\n"); nl != std::string::npos) mpi_line.resize(nl);
    const dnnl_version_t* dnnl = dnnl_version();
    unsigned h5_major = 0, h5_minor = 0, h5_release = 0;
    H5get_libversion(&h5_major, &h5_minor, &h5_release);

    std::printf("kernel tier   %s%s\n", std::string(isa_name(isa_active())).c_str(),
                std::getenv("BITVOTE_ISA") ? " (forced by BITVOTE_ISA)" : " (best this CPU runs)");
    std::printf("tiers usable  %s\n", tiers.c_str());
    std::printf("cpu features  %s\n", cpu_features_string().c_str());
    std::printf("MPI           %s (MPI %d.%d)\n", mpi_line.c_str(), MPI_VERSION, MPI_SUBVERSION);
    std::printf("oneDNN        %d.%d.%d (cpu runtime %s)\n", dnnl->major, dnnl->minor, dnnl->patch,
                dnnl->cpu_runtime == DNNL_RUNTIME_OMP ? "OpenMP" : "other");
    std::printf("HDF5          %u.%u.%u%s\n", h5_major, h5_minor, h5_release,
#ifdef H5_HAVE_PARALLEL
                " (parallel)"
#else
                " (serial)"
#endif
    );
    return 0;
}

}  // namespace bitvote
