// build/bitvote <command> [flags]: one binary, one CLI11 App with a
// subcommand per command, parsed once (every rank parses the same argv).
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/flags.h"

int main(int argc, char** argv) {
    using namespace bitvote;
    CLI::App bitvote{"", "bitvote"};
    help_format(&bitvote, "bitvote <command> [flags]   (bitvote <command> --help for its flags)", "");
    const Command commands[] = {command_data(&bitvote), command_info(&bitvote), command_project(&bitvote),
                                command_sweep(&bitvote), command_train(&bitvote)};
    for (const Command& c : commands) c.app->group("commands");
    bitvote.require_subcommand(1);
    try {
        bitvote.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        bool mpi = false;
        for (const Command& c : commands)
            if (!bitvote.get_subcommands().empty() && bitvote.get_subcommands().front() == c.app) mpi = c.mpi;
        return flags_exit(bitvote, e, mpi);
    }
    for (const Command& c : commands)
        if (c.app->parsed()) return c.run();
    return 2;  // not reached: a command is required
}
