// What the parameter server and its workers share under --method dgs / asgd
// (train/async_train.cpp sets it up): the run, the data, the network, the
// message format.
#pragma once

#include <cstdint>
#include <vector>

#include "comm/strategy.h"  // Comm
#include "data/data.h"
#include "model/net.h"
#include "train/async_protocol.h"
#include "train/run_env.h"
#include "train/run_files.h"
#include "train/run_records.h"
#include "train/train_config.h"

namespace bitvote {

struct AsyncRun {
    TrainConfig cfg;
    RunFacts facts;          // steps: server updates (versions); steps_per_epoch: updates per epoch
    RunEnv env;
    Comm comm;               // MPI_COMM_WORLD's dup: rank 0 serves, 1..P-1 work
    Data data;               // workers: their shard of the training set; server: the whole test set
    Loader loader;           // workers
    Batch batch;
    Net net;                 // server: the global model; worker: its local copy
    AsyncFormat format;      // the same both ways
    bool lock_step = false;  // dgs without --async: every round waits for every worker
    float lr = 0, weight_decay = 0;
    float momentum = 0;      // SAMomentum's m (dgs); asgd: 0 (plain ASGD)
    RunFiles files;          // rank 0
    bool wire_on = false;    // transport tcp: wire bytes measured over the whole run
};

inline int workers_of(const AsyncRun& r) { return r.comm.size - 1; }

// What each worker reports at the end (MPI_Gather to the server), doubles.
struct WorkerReport {
    double updates_sent = 0;     // = answers received, the stop's included
    double compute_seconds = 0;  // data, forward/backward, SAMomentum, encoding
    double wait_seconds = 0;     // sending the update, waiting for the answer, applying it
    double wire_sent = 0, wire_recv = 0;  // TCP bytes over the run (0 unless wire_on)
};
inline constexpr int worker_report_fields = 5;

}  // namespace bitvote
