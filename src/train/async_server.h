// The parameter server of --method dgs / asgd (rank 0): it does not train; it
// applies each worker's update to the global model as it arrives and answers
// that worker (DESIGN.md 3, DGS).
#pragma once

#include <cstdint>
#include <vector>

#include "train/async_run.h"
#include "train/evaluate.h"

namespace bitvote {

// One applied update, as run.jsonl records it (event "update").
struct UpdateRecord {
    int64_t step = 0;       // the server's version after applying it, 1-based
    int worker = 0;         // rank
    int64_t staleness = 0;  // versions applied since the worker's model was current
    float loss = 0;         // the worker's batch loss
    size_t up_bytes = 0;    // the update's message, as received
    size_t down_bytes = 0;  // the answer's message, as sent
    double seconds = 0;     // the server's time on it: decode, apply, answer
};

struct ServerResult {
    std::vector<int64_t> staleness;   // one per applied update, in order
    std::vector<int64_t> updates_by;  // [P] updates applied per rank (0 for the server)
    int64_t samples = 0;              // training samples of the applied updates
    double up_bytes = 0;              // summed over the applied updates
    double down_bytes = 0;            // summed over their answers
    double train_seconds = 0;         // from the first wait to the last stop, evaluations excluded
    double busy_seconds = 0;          // handling updates (decode, apply, answer, records)
    double downward_error = 0;        // at the end: max over workers of max_i |w_worker - w_server|
    EvalResult eval;                  // the final model's, whole test set
};

// Serves cfg.steps server updates (lock_step: rounds of every worker's
// update), evaluating every eval_every of them and at the end, then stops
// every worker (each one's next update is answered by a stop carrying the
// final difference, and not applied) and checks that each worker's model is
// bit-identical to the server's copy of it (a mismatch is fatal): so each is
// within the downward sparsification error of the server's model. Writes the
// update and eval records and progress lines.
ServerResult server_run(AsyncRun* r);

}  // namespace bitvote
