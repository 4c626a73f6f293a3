// `bitvote project` (DESIGN.md 10): the alpha-beta model of every strategy,
// fitted to sweep rows and run files, projected to more ranks.
#pragma once

#include "project/project_args.h"

namespace bitvote {

// No MPI. Returns the exit code: 0, or 2 after one line on stderr (a missing
// or unreadable file, no usable rows).
int project_main(const ProjectArgs& args);

}  // namespace bitvote
