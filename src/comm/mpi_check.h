// Checked MPI calls and fatal errors that end every rank with one message;
// the MPI library's version.
//
//   MPI_CHECK(MPI_Allreduce(...));   // on failure: "bitvote: rank r: MPI_Allreduce(...) failed
//                                    //  at file:line: <MPI_Error_string>", then MPI_Abort
// MPI_CHECK only sees errors on communicators whose error handler returns
// (mpi_errors_return; comm_open sets it on its dup).
#pragma once

// The one place bitvote includes <mpi.h>: C bindings only (OpenMPI's C++
// bindings warn under -Wextra).
#ifndef OMPI_SKIP_MPICXX
#define OMPI_SKIP_MPICXX 1
#endif
#include <mpi.h>

#include <string>

#define MPI_CHECK(call) ::bitvote::mpi_check((call), #call, __FILE__, __LINE__)

namespace bitvote {

void mpi_check(int rc, const char* call, const char* file, int line);
// Makes MPI calls on `comm` return their error codes instead of aborting.
void mpi_errors_return(MPI_Comm comm);

// A local error (this rank alone may see it): prints "bitvote: rank r: ..."
// and aborts every rank.
[[noreturn]] void fatal(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
// An error every rank of MPI_COMM_WORLD reaches (bad flag, invalid strategy):
// rank 0 prints it once and aborts; the others wait for that, and print it
// themselves only if rank 0 never got there.
[[noreturn]] void fatal_collective(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// "Open MPI v4.1.4 (MPI 3.1)": the first line of MPI_Get_library_version
// and the standard's version; callable before MPI_Init (`bitvote info`).
std::string mpi_library_version();

}  // namespace bitvote
