// Whether a checkpoint may continue in this run: its config record (the
// checkpoint's /config) against this run's, field by field.
#pragma once

#include <string>

namespace bitvote {

// "" if a checkpoint made under config record `saved` may continue in a run
// whose config record is `current` (both JSON lines, train/run_records.h),
// else one line naming each field that differs, with both values; a `saved`
// that is not a JSON object is named as such. Fields that may differ: how
// long and how often (steps, epochs, eval_every), --timing, the --data path,
// and where it runs (nodes, hosts, threads_per_rank, isa, transport,
// slurm_job_id, versions); every other field, any added to the record later
// included, must match.
std::string config_difference(const std::string& saved, const std::string& current);

}  // namespace bitvote
