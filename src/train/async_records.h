// The run-file records and the final table of --method dgs / asgd (field
// names in base/run_schema.h): an update record per applied update, the
// summary with staleness, bytes per update both ways and the weights check.
#pragma once

#include <span>

#include "train/async_run.h"
#include "train/async_server.h"

namespace bitvote {

JsonRecord record_update(const UpdateRecord& u);

// What the summary and the table report (the server's result and every worker's report).
struct AsyncOutcome {
    ServerResult server;
    std::vector<WorkerReport> workers;  // [P] ([0]: the server's, zeros)
    std::string checksum;               // the server's final model, hex
};

JsonRecord record_async_summary(const AsyncRun& r, const AsyncOutcome& out);
void print_async_table(const AsyncRun& r, const AsyncOutcome& out);

}  // namespace bitvote
