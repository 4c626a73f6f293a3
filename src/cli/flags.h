// Small helpers the subcommands share to parse flag values and to refuse bad
// ones: every rank parses the same argv, so every rank reaches the same error
// and rank 0 alone prints it.
#pragma once

#include <cstdint>
#include <string>

namespace bitvote {

// A decimal integer in [lo, hi], nothing after it.
bool flag_int(const char* s, int64_t lo, int64_t hi, int64_t* out);
// A finite real number, nothing after it.
bool flag_real(const char* s, double* out);

// After MPI_Init, for an error every rank reached: rank 0 prints
// "bitvote <command>: <error>", every rank finalizes; returns `code`.
int error_exit(const char* command, const std::string& error, int code);
// The same for a bad flag: adds "(see bitvote <command> --help)", returns 2.
int usage_error_exit(const char* command, const std::string& error);

}  // namespace bitvote
