// build/bitvote <command> [flags]: one binary, one table of subcommands.
#include <cstdio>
#include <cstring>

#include "cli/commands.h"

namespace {

struct Command {
    const char* name;
    int (*run)(int argc, char** argv);
    const char* what;
};

const Command commands[] = {
    {"data", bitvote::cmd_data, "convert Fashion-MNIST, CIFAR-10/100 or a synthetic set to bitvote's HDF5 layout"},
    {"info", bitvote::cmd_info, "kernel tier in use, CPU features, MPI/oneDNN/HDF5 versions"},
    {"project", bitvote::cmd_project, "alpha-beta model fitted to sweeps and run files, projected to 4096 ranks"},
    {"sweep", bitvote::cmd_sweep, "time the vote strategies over sizes, with measured wire bytes (mpirun)"},
    {"train", bitvote::cmd_train, "distributed training with a compressed gradient exchange (mpirun)"},
};

void print_usage(FILE* f) {
    std::fprintf(f, "usage: bitvote <command> [flags]   (bitvote <command> --help for its flags)\n\ncommands:\n");
    for (const Command& c : commands) std::fprintf(f, "  %-8s %s\n", c.name, c.what);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
        print_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (const Command& c : commands)
        if (!std::strcmp(argv[1], c.name)) return c.run(argc - 1, argv + 1);
    std::fprintf(stderr, "bitvote: unknown command '%s'\n", argv[1]);
    print_usage(stderr);
    return 2;
}
