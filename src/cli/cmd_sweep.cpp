// bitvote sweep: the flags (sweep/sweep_args.cpp), the help, then the sweep
// (sweep/sweep_main.cpp) under mpirun.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands.h"
#include "cli/flags.h"
#include "sweep/sweep_main.h"

namespace bitvote {

Command command_sweep(CLI::App* bitvote) {
    auto args = std::make_shared<SweepArgs>();
    CLI::App* app =
        bitvote->add_subcommand("sweep", "time the vote strategies over sizes, with measured wire bytes (mpirun)");
    sweep_flags_add(app, args.get());
    help_format(app, "mpirun -np P [--mca btl tcp,self] bitvote sweep [flags]",
                "Times each strategy's exchange over a range of sizes (like OSU micro-benchmarks /\n"
                "nccl-tests), measures bytes on the wire when MPI runs over TCP, and checks every\n"
                "result against a majority vote recomputed naively on rank 0.",
                "Wire bytes are measured only when every peer is reached over TCP (--mca btl tcp,self);\n"
                "otherwise they print as '-' and are null in the JSON. Exit code 1 if any result is wrong,\n"
                "2 on a bad flag.");
    return {app, true, [args] { return sweep_main(*args); }};
}

}  // namespace bitvote
