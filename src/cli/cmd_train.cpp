// bitvote train: the flags (train/train_config.cpp), the help, then the
// distributed trainer (train/train.cpp) under mpirun.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/flags.h"
#include "comm/mpi_check.h"
#include "comm/strategy.h"
#include "train/train.h"
#include "train/train_config.h"

namespace bitvote {
namespace {

// The strategies with their one-liners, each method's default lr, the notes.
std::string train_footer() {
    std::string text = "strategies (--strategy):\n";
    for (const Strategy& s : strategy_table()) {
        std::string name = "  " + std::string(s.name);
        name.resize(std::max<size_t>(name.size() + 1, 24), ' ');
        text += name + std::string(s.what) + "\n";
    }
    text += "\ndefault --lr per method:";
    for (std::string_view name : method_names()) {
        MethodKind k{};
        method_parse(name, &k);
        char lr[32];
        std::snprintf(lr, sizeof lr, " %g", double(method_default_lr(k)));
        text += " " + std::string(name) + lr;
    }
    return text +
           "\nOpenMP threads per rank: OMP_NUM_THREADS, else cores of the node / ranks on the node.\n"
           "Wire bytes are measured when every peer is reached over TCP (--mca btl tcp,self).\n"
           "Exit code 2 on a bad flag, 1 on a bad dataset or a failed check.";
}

}  // namespace

Command command_train(CLI::App* bitvote) {
    auto cfg = std::make_shared<TrainConfig>();
    CLI::App* app =
        bitvote->add_subcommand("train", "distributed training with a compressed gradient exchange (mpirun)");
    train_flags_add(app, cfg.get());
    help_format(app, "mpirun -np P [--mca btl tcp,self] bitvote train --data F.h5 [flags]",
                "Data-parallel training: each rank reads its shard, computes a gradient, compresses it,\n"
                "the ranks agree on one update (vote or mean) and apply it; every rank ends with the\n"
                "same weights (checked). Prints a progress line per evaluation and a final table.",
                train_footer());
    return {app, true, [cfg] {
                // --overlap's exchange thread calls MPI beside the main thread.
                int provided = 0;
                if (cfg->overlap && overlap_progress_of(*cfg) == OverlapProgress::thread) MPI_CHECK(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_MULTIPLE, &provided));
                else MPI_CHECK(MPI_Init(nullptr, nullptr));
                return train_run(*cfg);
            }};
}

}  // namespace bitvote
