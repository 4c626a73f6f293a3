// What the trainer measures per step, and the run's summary numbers
// (DESIGN.md sections 7 and 10).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "comm/strategy.h"
#include "train/phase_timer.h"
#include "train/wire_meter.h"

namespace bitvote {

// One step of this rank.
struct StepRecord {
    int64_t step = 0;
    float loss = 0;                            // this rank's batch
    double seconds = 0;                        // the whole step
    std::array<double, phase_count> phase{};   // seconds per phase
    uint64_t payload_sent = 0;                 // bytes handed to MPI in this step's exchange
    uint64_t payload_received = 0;
    std::vector<uint64_t> stage_sent;          // a multi-stage aggregator (detox): payload_sent per
                                               // stage (they sum to it); else empty
    double wire_sent = 0, wire_recv = 0;       // measured (tcp) or 0
    double comm_exposed = 0;                   // seconds: the comm phase, waiting for exchanges
    double comm_busy = 0;                      // seconds: the exchanges' own time (= comm_exposed
                                               // unless they ran behind backward, --overlap)
    double update_density = 0;                 // fraction of coordinates the agreed update moves
                                               // (update_nonzeros / d; the same on every rank)
    std::vector<int> abstainers;               // ranks that abstained (non-finite gradient), ascending
};

struct Metrics {
    std::vector<StepRecord> steps;
    PayloadBytes payload_last;  // Comm's cumulative count after the previous step
    std::vector<uint64_t> stage_last;  // each stage's cumulative payload sent after the previous step
};

// payload: the run Comm's cumulative count; stages: the sub-communicators of
// a multi-stage aggregator, one per stage (AggregateState::sub; empty for
// one stage), whose counts are part of it. update_density: the fraction of
// coordinates the step's agreed update moves. comm_busy: seconds the step's
// exchanges took where they ran (--overlap: on the exchange thread); a
// negative value means "the comm phase itself".
void metrics_record_step(Metrics* m, int64_t step, float loss, const PhaseTimer& timer, PayloadBytes payload,
                         std::span<const Comm> stages, const WireMeter& wire, double update_density,
                         double comm_busy = -1);

// Over all ranks and the measured steps: every step but the first when there
// are several (the first builds oneDNN plans and touches fresh memory: tens of
// ms against ~1 ms). Every rank gets the same numbers.
struct MetricsSummary {
    double samples_per_s = 0;     // step_samples * steps / sum over steps of the slowest rank's step
    double step_ms_median = 0;    // median over steps of the slowest rank's step
    double train_seconds = 0;     // sum over steps of the slowest rank's step
    std::array<double, phase_count> time_share{};  // phase seconds / step seconds, all ranks and steps
    double payload_sent = 0;      // bytes per rank per step, mean over ranks and steps
    double payload_received = 0;
    std::vector<double> stage_payload_sent;  // per stage of a multi-stage aggregator, as payload_sent
    double wire_sent = 0, wire_recv = 0;  // idem, measured; meaningful only when wire is on
    double comm_hidden = 0;       // 1 - sum comm_exposed / sum comm_busy, all ranks and steps (>= 0)
    double comm_busy_share = 0;   // sum comm_busy / sum step seconds (= time_share comm without --overlap)
    double update_density = 0;    // mean over every step (step 1 too: it is no timing) of update_density
};

// Collective over comm. step_samples: training samples all ranks use per step
// (the sum of their batches, times the local steps).
MetricsSummary metrics_summarize(const Metrics& m, int64_t step_samples, MPI_Comm comm);

// The steps that count in summaries: all but the first when there are several.
std::span<const StepRecord> measured_steps(const Metrics& m);

}  // namespace bitvote

namespace bitvote {

// This rank's view so far, for progress lines (no communication).
struct MetricsProgress {
    double samples_per_s = 0;  // step_samples * steps / this rank's step seconds (measured steps)
    double payload_sent = 0;   // bytes per step, mean
};
MetricsProgress metrics_progress(const Metrics& m, int64_t step_samples);

}  // namespace bitvote
