// The commands of build/bitvote. Each adds its subcommand, with its flags and
// help, to the main App; src/main.cpp parses argv once and runs the command
// that was parsed.
#pragma once

#include <functional>

namespace CLI {
class App;
}  // namespace CLI

namespace bitvote {

struct Command {
    CLI::App* app = nullptr;   // the subcommand
    bool mpi = false;          // runs under mpirun: help and flag errors come once, from rank 0
    std::function<int()> run;  // after a successful parse; returns the exit code
};

Command command_data(CLI::App* bitvote);
Command command_info(CLI::App* bitvote);
Command command_project(CLI::App* bitvote);
Command command_sweep(CLI::App* bitvote);
Command command_train(CLI::App* bitvote);

}  // namespace bitvote
