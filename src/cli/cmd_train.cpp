// bitvote train: parse the flags on every rank, refuse bad ones once from
// rank 0, then run the distributed trainer (src/train/train.cpp).
#include <string>

#include "cli/commands.h"
#include "cli/flags.h"
#include "comm/mpi_check.h"
#include "train/train.h"
#include "train/train_config.h"

namespace bitvote {

int cmd_train(int argc, char** argv) {
    TrainConfig cfg;
    std::string error;
    const bool parsed = train_args_parse(argc, argv, &cfg, &error);
    MPI_CHECK(MPI_Init(nullptr, nullptr));
    if (!parsed) return usage_error_exit("train", error);
    if (cfg.help) {
        int rank = 0;
        MPI_CHECK(MPI_Comm_rank(MPI_COMM_WORLD, &rank));
        if (rank == 0) train_print_usage();
        MPI_CHECK(MPI_Finalize());
        return 0;
    }
    return train_run(cfg);
}

}  // namespace bitvote
