// A worker of --method dgs / asgd (ranks 1..P-1): it steps on its shard and
// talks to the server alone, never waiting for another worker.
#pragma once

#include "train/async_run.h"

namespace bitvote {

// Steps until the server's stop, then sends its weights checksum (the server
// checks it against its copy). Returns what the server gathers at the end.
WorkerReport worker_run(AsyncRun* r);

}  // namespace bitvote
