// Versions of the libraries this binary runs with, for `bitvote info` and run files.
#pragma once

#include <string>

namespace bitvote {

std::string mpi_library_version();    // first line of MPI_Get_library_version (callable before MPI_Init)
std::string dnnl_library_version();   // "2.6.0 (cpu runtime OpenMP)"
std::string hdf5_library_version();   // "1.10.8 (parallel)"

}  // namespace bitvote
