// The records of run.jsonl (DESIGN.md 10; field names in base/run_schema.h)
// and the lines rank 0 prints: a progress line per evaluation and the final
// table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/json_line.h"
#include "train/evaluate.h"
#include "train/metrics.h"
#include "train/run_env.h"
#include "train/train_config.h"

namespace bitvote {

// What the trainer resolved from the flags and the data.
struct RunFacts {
    std::string dataset;          // DataInfo::name
    size_t params = 0;            // d
    int64_t train_total = 0;      // training samples over all ranks
    int64_t test_total = 0;
    int64_t steps = 0;
    int64_t steps_per_epoch = 0;  // train_total / (sum of batches * local steps), at least 1
    std::vector<int> batches;     // [P] each rank's batch (--batch cycled)
    int64_t eval_every = 0;
    double lr = 0;                // the one used
    int64_t max_abstain = 0;      // --max-abstain, resolved (P / 2 by default)
};

// The run's outcome, everything the summary record holds beyond config and env.
struct RunOutcome {
    MetricsSummary metrics;
    EvalResult eval;              // at the last step
    std::string checksum;         // hex, identical on every rank
    std::string strategy_used;    // auto's pick (--overlap: the last bucket's), else the strategy
    int64_t buckets = 1;          // exchanges per step (--overlap: the bucket plan's)
    double checkpoint_seconds = 0;  // this process's checkpoint writes
    int64_t resumed_from = -1;    // the step of the checkpoint resumed from; -1: not resumed
    std::vector<int64_t> nonfinite_steps;  // [P] steps each rank abstained (non-finite gradient)
};

// A float as the shortest decimal that reads back as it (0.01f -> 0.01, not
// 0.0099999997...): how the run files record the method's float settings.
double float_decimal(float x);

// Bytes an fp32 allreduce hands to MPI per rank per step under Comm's payload
// convention (the send buffer named in the call): 4d.
double fp32_payload_bytes(size_t params);
// What a ring allreduce of fp32 puts on the wire per rank: the fp32 baseline
// strategy's model (2 (P - 1) / P * 4d).
double fp32_ring_wire_bytes(size_t params, int ranks);

// "12.3 KB"-style size, decimal units.
std::string bytes_text(double bytes);
// Where it ran (shared by the config and summary records).
void write_env(JsonRecord* r, const RunEnv& env);
// The flags and what they resolved to (shared by the config and summary records).
void write_run(JsonRecord* r, const TrainConfig& cfg, const RunFacts& facts);

JsonRecord record_config(const TrainConfig& cfg, const RunFacts& facts, const RunEnv& env);
JsonRecord record_step(const StepRecord& r);
JsonRecord record_eval(int64_t step, double epoch, const EvalResult& e, double samples_per_s,
                       double payload_per_iter);
JsonRecord record_checkpoint(int64_t step, const std::string& path, uint64_t bytes, double seconds);
// The first record a --resume run appends: the step it continues from, the
// file, and where it runs now.
JsonRecord record_resume(int64_t step, const std::string& path, const RunEnv& env);
JsonRecord record_summary(const TrainConfig& cfg, const RunFacts& facts, const RunEnv& env, const RunOutcome& out);

void print_progress(int64_t step, const RunFacts& facts, const EvalResult& e, double samples_per_s,
                    double payload_per_iter);
void print_final_table(const TrainConfig& cfg, const RunFacts& facts, const RunEnv& env, const RunOutcome& out);

}  // namespace bitvote
