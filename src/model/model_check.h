// Fatal errors of the model: one message naming file:line, then every rank ends
// (bitvote::fatal: MPI_Abort while MPI runs, since the other ranks would otherwise wait forever);
// oneDNN's version.
#pragma once

#include <oneapi/dnnl/dnnl.hpp>

#include <string>

#include "comm/mpi_check.h"

namespace bitvote {

// "oneDNN: <what the library said> (<status>) in <what>".
std::string dnnl_error_message(const dnnl::error& e, const char* what);

// "2.6.0 (cpu runtime OpenMP)": the library's version and its CPU threading runtime.
std::string dnnl_library_version();

// Runs `call` and turns a dnnl::error it throws into a fatal error naming the call.
template <class Call>
auto dnnl_check(Call&& call, const char* what, const char* file, int line) -> decltype(call()) {
    try {
        return call();
    } catch (const dnnl::error& e) {
        fatal("%s:%d: %s", file, line, dnnl_error_message(e, what).c_str());
    }
}

#define DNNL_CHECK(call) ::bitvote::dnnl_check([&] { return call; }, #call, __FILE__, __LINE__)
#define MODEL_FAIL(message) ::bitvote::fatal("%s:%d: %s", __FILE__, __LINE__, std::string(message).c_str())

}  // namespace bitvote
