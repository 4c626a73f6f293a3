// Ending a run on an error every rank reached (a bad flag, a bad dataset):
// rank 0 alone prints it, every rank finalizes MPI, no rank waits forever.
// Every rank parses the same argv and reads the same file, so every rank
// reaches the same error at the same point.
#pragma once

#include <string>

namespace bitvote {

// After MPI_Init: rank 0 prints "bitvote <command>: <error>", every rank
// finalizes; returns `code`.
int error_exit(const std::string& command, const std::string& error, int code);
// The same for a bad flag: adds "(see bitvote <command> --help)", returns 2.
int usage_error_exit(const std::string& command, const std::string& error);

}  // namespace bitvote
