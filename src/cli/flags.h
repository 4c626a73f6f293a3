// How build/bitvote reads argv (CLI11): the help layout every command shares,
// and the one way a bad flag ends the process. The flags themselves are
// declared next to the config they fill (base/flag_values.h).
#pragma once

#include <string>

namespace CLI {
class App;
class ParseError;
}  // namespace CLI

namespace bitvote {

// The help of `app`: "usage: <usage>", the `about` paragraph, its flags (one
// line each: name and value, help, default), its subcommands under their
// group's name (with `expand`, each followed by its own flags), then `footer`.
void help_format(CLI::App* app, std::string usage, std::string about, std::string footer = "", bool expand = false);

// After `bitvote` (the main App) failed to parse argv: the help for --help
// (stdout, exit 0), else one line on stderr, exit 2:
//     bitvote train: --batch: '0' is not an integer >= 1 (see bitvote train --help)
// For a command run under mpirun (`mpi`), every rank parsed the same argv and
// reached the same error: every rank calls MPI_Init and rank 0 alone prints.
int flags_exit(const CLI::App& bitvote, const CLI::ParseError& e, bool mpi);

// One line for a parse error of `app`, the innermost subcommand parsed: the
// flag and what it accepts, an unknown flag, a missing value or subcommand.
std::string flag_error_text(const CLI::App& app, const CLI::ParseError& e);

}  // namespace bitvote
