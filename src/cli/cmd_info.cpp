// bitvote info: what this binary runs on — kernel tier, CPU features, library versions.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli/commands.h"
#include "cli/flags.h"
#include "comm/mpi_check.h"    // mpi_library_version
#include "data/h5_check.h"     // hdf5_library_version
#include "kernels.h"
#include "model/model_check.h"  // dnnl_library_version

namespace bitvote {
namespace {

int info_print() {
    std::string tiers;
    for (int i = 0; i < isa_count; ++i)
        if (isa_supported(Isa(i))) tiers += (tiers.empty() ? "" : " ") + std::string(isa_name(Isa(i)));
    std::printf("kernel tier   %s%s\n", std::string(isa_name(isa_active())).c_str(),
                std::getenv("BITVOTE_ISA") ? " (forced by BITVOTE_ISA)" : " (best this CPU runs)");
    std::printf("tiers usable  %s\n", tiers.c_str());
    std::printf("cpu features  %s\n", cpu_features_string().c_str());
    std::printf("MPI           %s\n", mpi_library_version().c_str());
    std::printf("oneDNN        %s\n", dnnl_library_version().c_str());
    std::printf("HDF5          %s\n", hdf5_library_version().c_str());
    return 0;
}

}  // namespace

Command command_info(CLI::App* bitvote) {
    CLI::App* app = bitvote->add_subcommand("info", "kernel tier in use, CPU features, MPI/oneDNN/HDF5 versions");
    help_format(app, "bitvote info",
                "Prints the kernel tier in use (BITVOTE_ISA forces one), the CPU features found and the\n"
                "MPI, oneDNN and HDF5 versions. Needs no MPI launcher.");
    return {app, false, info_print};
}

}  // namespace bitvote
