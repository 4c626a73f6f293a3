// The schema of bitvote's run files (DESIGN.md 10): every file and field
// name that their writers (train/run_records.cpp, sweep/sweep_report.cpp)
// and their reader (project/calibrate.cpp) use, declared once, here.
//
//   train --out DIR   DIR/run.jsonl: one record per line, "event" one of
//                     config, step, eval, checkpoint, resume, summary;
//                     DIR/summary.json: the summary record alone
//   sweep --json F    one row per (strategy, size)
//
// A field that holds the same thing in several records has one name, listed
// with the first record that has it. Numbers that are not finite are written
// as null: wire bytes where they cannot be measured, a ratio without a
// denominator. time_share and phase_ms have one key per phase, named and
// ordered as base/phase.h's Phase: bench/*.py take the phase list from those
// keys, so a phase added there reaches the plots without an edit.
#pragma once

#include "base/phase.h"  // phase_name: the keys of time_share and phase_ms

namespace bitvote::schema {

// The files of `train --out DIR`.
inline constexpr char run_jsonl[] = "run.jsonl";
inline constexpr char summary_json[] = "summary.json";

// Every run.jsonl record's first field, and its values.
inline constexpr char event[] = "event";
namespace events {
inline constexpr char config[] = "config";    // once, first: the run and where it ran
inline constexpr char step[] = "step";        // every step, rank 0's numbers
inline constexpr char eval[] = "eval";        // every --eval-every steps and at the end
inline constexpr char checkpoint[] = "checkpoint";  // after each checkpoint written
inline constexpr char resume[] = "resume";    // a --resume run starts here: the log was cut back to the
                                              // checkpoint's point, the steps after it follow again
inline constexpr char summary[] = "summary";  // once, last; also summary.json
inline constexpr char update[] = "update";    // --method dgs / asgd: every update the server applies,
                                              // instead of step records
}  // namespace events

// config and summary: the run, flags as resolved.
inline constexpr char strategy[] = "strategy";            // summary: the one used (auto resolved); sweep rows
inline constexpr char strategy_flag[] = "strategy_flag";  // summary: as asked (config's strategy)
inline constexpr char method[] = "method";
inline constexpr char aggregate[] = "aggregate";
inline constexpr char model[] = "model";
inline constexpr char dataset[] = "dataset";
inline constexpr char data[] = "data";                    // the --data file
inline constexpr char params[] = "params";                // d
inline constexpr char batch[] = "batch";                  // per rank; null when the ranks' batches differ
inline constexpr char batches[] = "batches";              // [ranks] each rank's batch (--batch cycled)
inline constexpr char lr[] = "lr";
inline constexpr char momentum[] = "momentum";
inline constexpr char weight_decay[] = "weight_decay";
inline constexpr char density[] = "density";
inline constexpr char budget[] = "budget";                // magsparse's fixed B; null without --budget
inline constexpr char magsparse_density[] = "magsparse_density";  // null without --magsparse-density
inline constexpr char partition[] = "partition";
inline constexpr char seed[] = "seed";
inline constexpr char train_samples[] = "train_samples";  // over all ranks
inline constexpr char test_samples[] = "test_samples";    // also eval
inline constexpr char steps[] = "steps";
inline constexpr char steps_per_epoch[] = "steps_per_epoch";
inline constexpr char epochs[] = "epochs";
inline constexpr char eval_every[] = "eval_every";
inline constexpr char timing[] = "timing";                // "strict" or "relaxed"
inline constexpr char local_steps[] = "local_steps";
inline constexpr char byzantine[] = "byzantine";
inline constexpr char attack[] = "attack";                // null without --byzantine
inline constexpr char byzantine_ranks[] = "byzantine_ranks";  // array of the adversaries' ranks, ascending
inline constexpr char group[] = "group";                  // DETOX group size R; null without --aggregate detox
inline constexpr char detox_final[] = "detox_final";      // "vote" or "median" (as run); null without detox
inline constexpr char stage_payload_sent[] = "stage_payload_sent";  // summary, detox: [group, across] bytes per
                                                                     // rank per step (payload_sent: their sum + 1, the census);
                                                                     // null without detox
inline constexpr char overlap[] = "overlap";              // true with --overlap
inline constexpr char bucket_kb[] = "bucket_kb";          // --bucket-kb (KiB); null without --overlap
inline constexpr char overlap_progress[] = "overlap_progress";  // "thread" or "test" (as run); null without --overlap
inline constexpr char buckets[] = "buckets";              // exchanges per step: 1 without --overlap
inline constexpr char widths[] = "widths";                // --widths as given; null: the model's default
inline constexpr char noise[] = "noise";                  // noisysign and noisy median b (-1: off)
inline constexpr char accum[] = "accum";                  // s3gd --accum rho
inline constexpr char alie_z[] = "alie_z";                // --alie-z; null: from P and N
inline constexpr char noise_kind[] = "noise_kind";        // "gaussian" or "uniform"
inline constexpr char local_lr[] = "local_lr";            // --local-lr (0: sgd's default)
inline constexpr char max_abstain[] = "max_abstain";      // --max-abstain, resolved (ranks / 2 by default)
inline constexpr char async[] = "async";                  // true with --async
inline constexpr char slow_rank[] = "slow_rank";          // "R:MS"; null without --slow-rank

// config and summary: where it ran.
inline constexpr char ranks[] = "ranks";                  // also sweep rows
inline constexpr char nodes[] = "nodes";
inline constexpr char hosts[] = "hosts";                  // array, sorted, distinct
inline constexpr char threads_per_rank[] = "threads_per_rank";
inline constexpr char isa[] = "isa";
inline constexpr char transport[] = "transport";          // also sweep rows
inline constexpr char slurm_job_id[] = "slurm_job_id";    // null outside Slurm
inline constexpr char versions[] = "versions";            // object:
inline constexpr char version_mpi[] = "mpi";
inline constexpr char version_onednn[] = "onednn";
inline constexpr char version_hdf5[] = "hdf5";

// step records.
inline constexpr char step[] = "step";                    // 1-based; also eval
inline constexpr char loss[] = "loss";                    // rank 0's batch
inline constexpr char ms[] = "ms";
inline constexpr char phase_ms[] = "phase_ms";            // object: phase name -> ms
inline constexpr char payload_sent[] = "payload_sent";    // bytes handed to MPI; also bytes_per_iter, sweep rows
inline constexpr char payload_received[] = "payload_received";  // also bytes_per_iter
inline constexpr char comm_exposed_ms[] = "comm_exposed_ms";  // waiting for exchanges after backward
                                                              // (the comm phase: communication not hidden)
inline constexpr char comm_busy_ms[] = "comm_busy_ms";        // the exchanges' own time, hidden or not
inline constexpr char update_density[] = "update_density";    // fraction of coordinates the agreed update
                                                              // moves (not 0; the same on every rank);
                                                              // summary: the mean over steps
inline constexpr char abstainers[] = "abstainers";            // array: ranks that abstained from this step's
                                                              // vote (a NaN or inf in their gradient)

// update records (--method dgs / asgd; step is the server's version after it).
inline constexpr char worker[] = "worker";                // the worker's rank
inline constexpr char staleness[] = "staleness";          // versions applied since the worker's model was
                                                          // current; summary: object of the four below
inline constexpr char payload_up[] = "payload_up";        // bytes of the worker's message; also bytes_per_update
inline constexpr char payload_down[] = "payload_down";    // bytes of the server's answer; also bytes_per_update

// eval records.
inline constexpr char epoch[] = "epoch";
inline constexpr char test_accuracy[] = "test_accuracy";  // also summary
inline constexpr char test_loss[] = "test_loss";          // also summary
inline constexpr char samples_per_s[] = "samples_per_s";  // also summary
inline constexpr char payload_sent_per_iter[] = "payload_sent_per_iter";

// checkpoint and resume records (step: steps done when it was written).
inline constexpr char checkpoint[] = "checkpoint";        // the file's path
inline constexpr char bytes[] = "bytes";                  // the file's size
inline constexpr char seconds[] = "seconds";              // rank 0's time to write it (the ranks wait)

// summary only.
inline constexpr char step_ms_median[] = "step_ms_median";
inline constexpr char train_seconds[] = "train_seconds";
inline constexpr char time_share[] = "time_share";        // object: phase name -> fraction, summing to 1
inline constexpr char bytes_per_iter[] = "bytes_per_iter";  // object: payload_sent, payload_received,
inline constexpr char wire_sent[] = "wire_sent";          //   wire_sent, wire_recv (per rank, mean over
inline constexpr char wire_recv[] = "wire_recv";          //   steps; wire: null unless tcp); also sweep rows
inline constexpr char fp32_bytes_per_iter[] = "fp32_bytes_per_iter";
inline constexpr char fp32_ring_wire_bytes_per_iter[] = "fp32_ring_wire_bytes_per_iter";
inline constexpr char compression_ratio[] = "compression_ratio";
inline constexpr char weights_checksum[] = "weights_checksum";  // 16 hex digits
inline constexpr char comm_hidden[] = "comm_hidden";      // 1 - sum comm_exposed_ms / sum comm_busy_ms over
                                                          // ranks and measured steps (0 without --overlap)
inline constexpr char comm_busy_share[] = "comm_busy_share";  // sum comm_busy_ms / sum step ms: the exchanges'
                                                              // time, hidden or not (time_share.comm w/o --overlap)
inline constexpr char checkpoint_seconds[] = "checkpoint_seconds";  // sum of this process's checkpoint writes
inline constexpr char resumed_from_step[] = "resumed_from_step";    // the checkpoint's step; null: not resumed
                                                                    // (the timings cover the steps after it)
inline constexpr char nonfinite_steps[] = "nonfinite_steps";  // array [ranks]: steps rank r abstained from
                                                              // (a NaN or inf in its gradient)

// summary of --method dgs / asgd (besides the summary fields above that apply:
// test_accuracy, test_loss, samples_per_s (the workers' total), train_seconds,
// weights_checksum (the server's model)).
inline constexpr char bytes_per_update[] = "bytes_per_update";  // object: payload_up, payload_down (means over
inline constexpr char wire_up[] = "wire_up";              //   applied updates), wire_up, wire_down (TCP bytes
inline constexpr char wire_down[] = "wire_down";          //   per update message / answer; null unless tcp)
inline constexpr char staleness_mean[] = "mean";          // staleness: over applied updates;
inline constexpr char staleness_p50[] = "p50";            //   nearest-rank percentiles
inline constexpr char staleness_p99[] = "p99";
inline constexpr char staleness_max[] = "max";
inline constexpr char updates_per_worker[] = "updates_per_worker";  // [P] applied per rank (0 for the server)
inline constexpr char server_busy_share[] = "server_busy_share";    // the server's time on updates / train_seconds
inline constexpr char worker_wait_share[] = "worker_wait_share";    // the workers' time sending and waiting for
                                                                    // answers / their whole time
inline constexpr char downward_error[] = "downward_error";  // max over workers of max |w_worker - w_server|
inline constexpr char weights_check[] = "weights_check";    // what was checked, in words

// sweep rows (besides strategy, ranks, transport, payload_sent, wire_sent, wire_recv).
inline constexpr char d[] = "d";
inline constexpr char time_us_avg[] = "time_us_avg";
inline constexpr char time_us_min[] = "time_us_min";
inline constexpr char time_us_max[] = "time_us_max";
inline constexpr char model_bytes[] = "model_bytes";      // the byte model; null where it has none
inline constexpr char wrong[] = "wrong";
inline constexpr char vote_add_us[] = "vote_add_us";
inline constexpr char kind[] = "kind";                    // message kind
inline constexpr char wire_consistent[] = "wire_consistent";
inline constexpr char speedup_vs_fastest_allreduce[] = "speedup_vs_fastest_allreduce";  // only when measured
inline constexpr char picked[] = "picked";                // auto's pick; only for auto

}  // namespace bitvote::schema
