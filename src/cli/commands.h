// The subcommands of build/bitvote; src/main.cpp dispatches to them.
// A command returns the process exit code.
#pragma once

namespace bitvote {

int cmd_data(int argc, char** argv);
int cmd_info(int argc, char** argv);
int cmd_project(int argc, char** argv);
int cmd_sweep(int argc, char** argv);
int cmd_train(int argc, char** argv);

}  // namespace bitvote
