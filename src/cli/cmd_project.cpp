// bitvote project: the flags (project/project_args.cpp), the help, then the
// projection (project/project_main.cpp). No MPI launcher.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands.h"
#include "cli/flags.h"
#include "project/project_main.h"

namespace bitvote {

Command command_project(CLI::App* bitvote) {
    auto args = std::make_shared<ProjectArgs>();
    CLI::App* app =
        bitvote->add_subcommand("project", "alpha-beta model fitted to sweeps and run files, projected to 4096 ranks");
    project_flags_add(app, args.get());
    help_format(app, "bitvote project --sweep FILE[@RATE]... | --runs DIR...  [flags]",
                "The alpha-beta model of each strategy, time = alpha * model_rounds(P) + beta * model_bytes(d, P)\n"
                "(the model `auto` picks with), fitted to sweep rows and projected to more ranks. Needs no MPI\n"
                "launcher.",
                "Exit code 2 on a bad flag, a missing or unreadable file, or no usable rows.");
    return {app, false, [args] { return project_main(*args); }};
}

}  // namespace bitvote
