// The trainer: set-up (collective, every error reported once; --resume), the
// step loop with its checkpoints, evaluation with the cross-rank weights
// check, and the summary.
#include "train/train.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "aggregate/aggregator.h"
#include "comm/abstain_census.h"
#include "comm/alpha_beta.h"
#include "comm/error_exit.h"
#include "comm/strategy.h"
#include "comm/wire_bytes.h"
#include "train/checkpoint.h"
#include "train/async_train.h"
#include "train/compress_phases.h"
#include "train/evaluate.h"
#include "train/local_steps.h"
#include "train/metrics.h"
#include "train/nan_injection.h"
#include "train/overlap.h"
#include "train/phase_timer.h"
#include "train/run_env.h"
#include "train/run_files.h"
#include "train/run_records.h"
#include "train/stop_signal.h"
#include "train/threads.h"
#include "train/weights_checksum.h"
#include "train/wire_meter.h"

namespace bitvote {
namespace {

struct Trainer {
    TrainConfig cfg;
    RunFacts facts;
    RunEnv env;
    Comm comm;
    Data data;
    Loader loader;
    Batch batch;
    Net net;
    Method method;
    Overlap overlap;  // --overlap: buckets, their methods, the exchange thread; else unused
    LocalSteps local;
    const Strategy* strategy = nullptr;
    AggregateState aggregator;
    Update update;
    PhaseTimer timer;
    WireMeter wire;
    Metrics metrics;
    RunFiles files;
    EvalResult last_eval;
    std::string config_line;        // the config record, as in run.jsonl and each checkpoint's /config
    int64_t start_step = 0;         // the checkpoint's step with --resume, else 0
    double checkpoint_seconds = 0;  // this process's checkpoint writes
    std::vector<uint8_t> abstainers;       // [P] this step's abstain census (comm/abstain_census.h)
    std::vector<int64_t> nonfinite_steps;  // [P] steps each rank abstained (the census: same on every rank)
    NanInjection nan_injection;            // BITVOTE_TEST_NAN (tests only)
};

// Distinct training samples per step: the sum of the batches of the
// partition's parts (ranks, or DETOX groups, whose ranks all take the same
// batches), times the local steps. An epoch is train_total of them (README,
// --batch).
int64_t step_samples(const TrainConfig& cfg, int ranks) {
    int64_t n = 0;
    for (int r = 0; r < ranks; r += data_group_of(cfg)) n += rank_batch(cfg, r);
    return n * cfg.method.local_steps;
}

// Every rank reads its shard; a DataError is the same on every rank.
// shard_sizes: [P] every rank's training shard.
bool open_data(Trainer* t, std::vector<int64_t>* shard_sizes, std::string* error) {
    DataConfig dc = data_config_of(t->cfg);
    dc.test_whole = false;  // rank r evaluates test part r
    try {
        t->data = data_open(dc, MPI_COMM_WORLD);
    } catch (const DataError& e) {
        *error = e.what();
        return false;
    }
    const int64_t mine = t->data.train.size();
    shard_sizes->resize(size_t(t->comm.size));
    MPI_CHECK(MPI_Allgather(&mine, 1, MPI_INT64_T, shard_sizes->data(), 1, MPI_INT64_T, MPI_COMM_WORLD));
    if (std::ranges::min(*shard_sizes) > 0) return true;
    *error = "--partition " + partition_name(t->cfg.partition) + " leaves a rank without training samples";
    return false;
}

// "" if every rank's shard holds a whole batch of its own; checked before the
// network allocates its batch-sized buffers.
std::string batch_error(const Trainer& t, const std::vector<int64_t>& shard_sizes) {
    for (int r = 0; r < t.comm.size; ++r) {
        const int64_t batch = rank_batch(t.cfg, r), shard = shard_sizes[size_t(r)];
        if (batch <= shard) continue;
        return "--batch: rank " + std::to_string(r) + "'s batch " + std::to_string(batch) +
               " is larger than its training shard (" + std::to_string(shard) + " samples; " +
               std::to_string(t.data.info.train_total) + " over " + std::to_string(t.comm.size) +
               " ranks): use " + std::to_string(shard) + " or fewer";
    }
    return "";
}

// The method's settings from the flags, with this run's seed and rank.
MethodConfig method_config(const TrainConfig& cfg, int rank) {
    MethodConfig mc = cfg.method;
    mc.seed = cfg.seed;
    mc.rank = rank;
    return mc;
}

// An epoch is a pass over the training set by the parts of the partition
// (ranks, or DETOX groups, whose ranks all see the same batches).
RunFacts resolve_facts(const TrainConfig& cfg, const DataInfo& info, size_t params, int ranks) {
    RunFacts f;
    f.dataset = info.name;
    f.params = params;
    f.train_total = info.train_total;
    f.test_total = info.test_total;
    f.steps_per_epoch = std::max<int64_t>(1, info.train_total / step_samples(cfg, ranks));
    for (int r = 0; r < ranks; ++r) f.batches.push_back(rank_batch(cfg, r));
    f.steps = cfg.steps ? cfg.steps : std::max<int64_t>(1, std::llround(cfg.epochs * double(f.steps_per_epoch)));
    f.eval_every = cfg.eval_every ? cfg.eval_every : f.steps_per_epoch;
    f.lr = float_decimal(cfg.method.lr > 0 ? cfg.method.lr : method_default_lr(cfg.method.kind));
    f.max_abstain = cfg.max_abstain >= 0 ? cfg.max_abstain : ranks / 2;
    return f;
}

// The per-rank state a checkpoint holds (DESIGN.md 9), as spans into the
// trainer's parts; built when used. The draws are keyed by the step, the
// weights are saved once: neither is here.
StateList trainer_states(Trainer* t) {
    StateList states;
    if (t->cfg.overlap) overlap_states(&t->overlap, &states);
    else method_states(&t->method, "method/", &states);
    loader_states(&t->loader, &states);
    aggregate_states(&t->aggregator, &states);
    state_add(&states, "abstain/nonfinite_steps", t->nonfinite_steps);  // [P] the census's counts so far
    return states;
}

// Collective: the weights and every state from the newest readable
// checkpoint; *log_bytes = run.jsonl's length then. 0, or the exit code.
int trainer_resume(Trainer* t, int64_t* log_bytes) {
    const CheckpointResumed r =
        checkpoint_resume(t->cfg.out, t->config_line, net_weights(t->net), trainer_states(t), t->comm.comm);
    if (!r.error.empty()) return error_exit("train", r.error, 1);
    if (r.header.step > t->facts.steps)
        return usage_error_exit("train", "--resume: " + r.path + " is at step " + std::to_string(r.header.step) +
                                             ", past --steps " + std::to_string(t->facts.steps));
    t->start_step = r.header.step;
    *log_bytes = r.header.log_bytes;
    if (t->comm.rank == 0)
        std::printf("resuming from %s (step %lld)\n", r.path.c_str(), static_cast<long long>(r.header.step));
    return 0;
}

// Collective: a run without --resume must not mix its checkpoints with an
// earlier run's in the same --out. 0, or the exit code.
int fresh_out_check(const Trainer& t) {
    int64_t newest = -1;
    if (t.comm.rank == 0 && !t.cfg.out.empty()) {
        const std::vector<int64_t> steps = checkpoint_steps(t.cfg.out);
        newest = steps.empty() ? -1 : steps.back();
    }
    MPI_CHECK(MPI_Bcast(&newest, 1, MPI_INT64_T, 0, t.comm.comm));
    if (newest < 0) return 0;
    return usage_error_exit("train", checkpoint_dir(t.cfg.out) + " holds an earlier run's checkpoints (newest: step " +
                                         std::to_string(newest) + "): add --resume to continue it, or remove them");
}

// Collective: a checkpoint of the end of step steps_done, and its record.
void checkpoint_write(Trainer* t, int64_t steps_done) {
    const CheckpointHeader header{steps_done, t->config_line, run_files_flush(&t->files)};
    const CheckpointSaved saved = checkpoint_save(t->cfg.out, t->cfg.keep_checkpoints, header, net_weights(t->net),
                                                  trainer_states(t), t->comm.comm);
    t->checkpoint_seconds += saved.seconds;
    run_files_append(&t->files, record_checkpoint(steps_done, saved.path, saved.bytes, saved.seconds));
}

bool checkpoint_due(const Trainer& t, int64_t steps_done) {
    return t.cfg.checkpoint_every > 0 && steps_done % t.cfg.checkpoint_every == 0;
}

// Collective: SIGUSR1 reached a rank (stop_signal.h) and steps remain. Only
// with --out: the checkpoint goes there.
bool stop_due(const Trainer& t, int64_t steps_done) {
    return !t.cfg.out.empty() && stop_signal_agreed(t.comm.comm) && steps_done < t.facts.steps;
}

// "" or why the flags do not fit P ranks (DETOX groups, Byzantine ranks).
std::string ranks_error(const TrainConfig& cfg, int P) {
    if (cfg.aggregate == AggregateKind::detox)
        if (std::string why = detox_check(detox_config_of(cfg), P); !why.empty()) return why;
    for (int r = 0, R = data_group_of(cfg); R > 1 && r < P; ++r)
        if (rank_batch(cfg, r) != rank_batch(cfg, r - r % R))
            return "--batch: ranks " + std::to_string(r - r % R) + " and " + std::to_string(r) +
                   " are in one DETOX group (they train on the same batches) but have batches " +
                   std::to_string(rank_batch(cfg, r - r % R)) + " and " + std::to_string(rank_batch(cfg, r));
    const std::vector<int> liars = byzantine_ranks_of(cfg, P);
    if (!liars.empty() && liars.back() >= P)
        return "--byzantine-ranks names rank " + std::to_string(liars.back()) + ", but the run has ranks 0.." +
               std::to_string(P - 1);
    const int64_t n = int64_t(cfg.byzantine_ranks.empty() ? cfg.byzantine : int64_t(liars.size()));
    if (n >= P)
        return "--byzantine " + std::to_string(n) + " needs more than " + std::to_string(n) + " ranks (running " +
               std::to_string(P) + ")";
    return "";
}

// Collective set-up. Returns 0, or the exit code after reporting the error once.
int trainer_open(Trainer* t) {
    if (!t->cfg.out.empty()) stop_signal_install();  // from the start: SIGUSR1's default would end the rank
    t->comm = comm_open(MPI_COMM_WORLD);
    std::string error;
    if (std::string why = ranks_error(t->cfg, t->comm.size); !why.empty()) return usage_error_exit("train", why);
    t->cfg.byzantine_ranks = byzantine_ranks_of(t->cfg, t->comm.size);
    t->cfg.byzantine = int64_t(t->cfg.byzantine_ranks.size());
    if (int provided = 0; t->cfg.overlap && overlap_progress_of(t->cfg) == OverlapProgress::thread &&
                          (MPI_Query_thread(&provided), provided < MPI_THREAD_MULTIPLE))
        return error_exit("train", "--overlap needs MPI_THREAD_MULTIPLE, which this MPI does not provide (it gave level " +
                                       std::to_string(provided) + ")", 1);
    std::vector<int64_t> shard_sizes;
    if (!open_data(t, &shard_sizes, &error)) return error_exit("train", error, 1);
    if (std::string why = batch_error(*t, shard_sizes); !why.empty()) return usage_error_exit("train", why);
    const ModelSpec spec = model_spec(t->cfg, t->data.info);
    if (std::string why = model_spec_error(spec); !why.empty()) return usage_error_exit("train", why);
    if (t->cfg.max_abstain >= t->comm.size)
        return usage_error_exit("train", "--max-abstain " + std::to_string(t->cfg.max_abstain) +
                                             " must be below the rank count (" + std::to_string(t->comm.size) +
                                             "): at least one rank must vote");
    if (std::string why = nan_injection_parse(std::getenv("BITVOTE_TEST_NAN"), t->comm.rank, &t->nan_injection);
        !why.empty())
        return error_exit("train", why, 2);
    if (t->cfg.byzantine > 0 && t->cfg.attack == AttackKind::alie)
        if (std::string why = alie_check(t->comm.size, int(t->cfg.byzantine), t->cfg.method.alie_z); !why.empty())
            return usage_error_exit("train", why);

    const int threads = threads_per_rank_set(t->comm.comm);
    const int batch = rank_batch(t->cfg, t->comm.rank);
    t->net = net_create(spec, batch, t->cfg.seed);
    t->facts = resolve_facts(t->cfg, t->data.info, net_param_count(t->net), t->comm.size);
    t->nonfinite_steps.assign(size_t(t->comm.size), 0);
    t->method = method_make(method_config(t->cfg, t->comm.rank), net_segments(t->net), net_param_count(t->net));
    const double local_lr = t->cfg.local_lr > 0 ? t->cfg.local_lr : method_default_lr(MethodKind::sgd);
    t->local = local_steps_make(t->cfg.method.local_steps, float(local_lr), net_param_count(t->net));
    // DETOX: a group's ranks draw the same batches from the shard they share.
    t->loader = loader_make(t->data.train, t->data.info, batch, t->cfg.seed, t->comm.rank / data_group_of(t->cfg));
    t->strategy = strategy_find(t->cfg.strategy);
    const Transport transport = wire_transport(t->comm.comm);  // also opens every TCP connection
    t->wire = wire_meter_make(t->comm.comm, transport);
    if (aggregator_of(t->cfg.aggregate).uses_strategy && t->strategy->picks)
        t->comm.alpha_beta = alpha_beta_measure(t->comm.comm);
    t->aggregator = aggregate_open(&t->comm, t->cfg.aggregate, *t->strategy, detox_config_of(t->cfg));
    if (t->cfg.overlap)
        t->overlap = overlap_open(method_config(t->cfg, t->comm.rank), net_segments(t->net),
                                  size_t(t->cfg.bucket_kb) * 1024, first_bucket_bytes(t->cfg.bucket_kb), &t->comm,
                                  *t->strategy, overlap_progress_of(t->cfg));
    t->timer.barrier_comm = t->cfg.timing == Timing::strict ? t->comm.comm : MPI_COMM_NULL;
    t->metrics.payload_last = t->comm.bytes();
    t->env = run_env_collect(t->comm.comm, transport, threads);
    const JsonRecord config = record_config(t->cfg, t->facts, t->env);
    t->config_line = json_line(config);
    int64_t log_bytes = -1;  // a new run.jsonl
    if (int rc = t->cfg.resume ? trainer_resume(t, &log_bytes) : fresh_out_check(*t); rc != 0) return rc;
    if (!run_files_open(t->cfg.out, t->comm.rank, &t->files, &error, log_bytes)) return error_exit("train", error, 1);
    run_files_append(&t->files, t->cfg.resume ? record_resume(t->start_step, checkpoint_path(t->cfg.out, t->start_step),
                                                              t->env)
                                              : config);
    return 0;
}

// Collective: scores the test set, checks that every rank holds the same
// weights (a mismatch ends the run), reports on rank 0.
void evaluate_and_report(Trainer* t, int64_t steps_done) {
    t->last_eval = evaluate_test(&t->net, t->data.test, t->data.info, t->comm.comm);
    const uint64_t checksum = weights_checksum(net_weights(t->net));
    if (!checksum_agrees(checksum, t->comm.comm))
        fatal_collective("weights differ across ranks after step %lld (checksum check)",
                         static_cast<long long>(steps_done));
    if (t->comm.rank != 0) return;
    const MetricsProgress p = metrics_progress(t->metrics, step_samples(t->cfg, t->comm.size));
    const double epoch = double(steps_done) / double(t->facts.steps_per_epoch);
    print_progress(steps_done, t->facts, t->last_eval, p.samples_per_s, p.payload_sent);
    run_files_append(&t->files, record_eval(steps_done, epoch, t->last_eval, p.samples_per_s, p.payload_sent));
}

bool eval_due(const Trainer& t, int64_t steps_done) {
    return steps_done % t.facts.eval_every == 0 || steps_done == t.facts.steps;
}

// The abstain census (comm/abstain_census.h), then the aggregation
// (aggregate/aggregator.h), from the comm phase: each stage's exchange in the
// comm phase, its combine in the aggregate phase (vote has none: the
// strategies count and decide as they exchange). The wire fence spans the
// census and every stage and closes in the comm phase, whose time it is taken
// from (metrics.cpp). False, on every rank alike, when more ranks abstain
// than --max-abstain allows: then nothing is aggregated.
bool aggregate_phases(Trainer* t, Message msg) {
    PhaseTimer* timer = &t->timer;
    AggregateState* a = &t->aggregator;
    wire_fence_begin(&t->wire);
    abstain_census(&t->comm, msg.abstains, &t->abstainers);
    if (abstainer_count(t->abstainers) > t->facts.max_abstain) return false;
    msg.abstainers = t->abstainers;
    for (int s = 0; s < a->row->stages; ++s) {
        if (timer->current != int(Phase::comm)) timer_phase(timer, Phase::comm);
        aggregate_exchange(a, s, msg, &t->update);
        if (!a->row->combine) continue;
        timer_phase(timer, Phase::aggregate);
        aggregate_combine(a, s, msg, &t->update);
    }
    if (t->wire.on && timer->current != int(Phase::comm)) timer_phase(timer, Phase::comm);
    wire_fence_end(&t->wire);
    return true;
}

// The step of DESIGN.md 2 on the whole vector: backward to the end, then
// compress (a rank with a NaN or inf abstains), exchange, apply. With
// --local-steps T the compute phase also loads the step's T - 1 further
// batches. Sets the loss; false when too many ranks abstained (aggregate_phases).
bool step_whole(Trainer* t, int64_t step, float* loss) {
    PhaseTimer* timer = &t->timer;
    Batch& b = t->batch;
    timer_phase(timer, Phase::compute);   *loss = net_forward_backward(&t->net, b.images.data(), b.labels.data(), b.n);
                                          nan_injection_apply(t->nan_injection, net_grads(t->net), step);
                                          std::span<const float> grad = local_steps_run(&t->local, &t->net, &t->loader, &b, loss);
    timer_phase(timer, Phase::compress);  Message msg = compress_phases(timer, &t->comm, &t->method, grad, step);
                                          if (t->cfg.byzantine) method_attack(&t->comm, &t->method, &msg, t->cfg.attack, t->cfg.byzantine_ranks, step);
    timer_phase(timer, Phase::comm);      if (!aggregate_phases(t, msg)) return false;
    timer_phase(timer, Phase::update);    method_apply(&t->method, t->update, net_weights(t->net), step);
    return true;
}

// --overlap: the same phases, but each bucket's compress and exchange start as
// soon as backward has completed its layers (the progress engine moves the
// exchanges on: train/overlap.h); the comm phase is the wait for what backward
// did not hide. Returns the seconds the exchanges took (hidden or not).
double step_overlapped(Trainer* t, int64_t step, float* loss) {
    PhaseTimer* timer = &t->timer;
    Batch& b = t->batch;
    Overlap* ov = &t->overlap;
    timer_phase(timer, Phase::comm);     wire_fence_begin(&t->wire);  // the fence spans every exchange
    timer_phase(timer, Phase::compute);  *loss = net_forward_loss(&t->net, b.images.data(), b.labels.data(), b.n);
    for (size_t ready = 0; net_backward_layer(&t->net, &ready);) {  // last layer first
        nan_injection_apply(t->nan_injection, net_grads(t->net), step);
        overlap_progress(ov);
        while (overlap_bucket_ready(*ov, ready)) {
            timer_phase(timer, Phase::compress); overlap_post_next(ov, timer, net_grads(t->net), step);
            timer_phase(timer, Phase::compute);
        }
    }
    timer_phase(timer, Phase::comm);     const double busy = overlap_wait(ov);
                                         wire_fence_end(&t->wire);
    timer_phase(timer, Phase::update);   overlap_apply(ov, net_weights(t->net), step);
    return busy;
}

// The fraction of the d coordinates this step's agreed update moves (every
// bucket's with --overlap): the same on every rank, counted after the step's
// timer stops.
double step_update_density(const Trainer& t) {
    const size_t d = net_param_count(t.net);
    size_t moved = 0;
    if (t.cfg.overlap)
        for (size_t b = 0; b < t.overlap.buckets.size(); ++b)
            moved += update_nonzeros(t.overlap.updates[b], t.overlap.buckets[b].count);
    else
        moved = update_nonzeros(t.update, d);
    return d ? double(moved) / double(d) : 0;
}

// This step's census into the step record and the per-rank counts; rank 0
// names the abstainers on stderr.
void record_abstainers(Trainer* t, int64_t step) {
    StepRecord& r = t->metrics.steps.back();
    for (size_t i = 0; i < t->abstainers.size(); ++i)
        if (t->abstainers[i]) r.abstainers.push_back(int(i)), ++t->nonfinite_steps[i];
    if (t->comm.rank == 0 && !r.abstainers.empty())
        std::fprintf(stderr, "bitvote train: step %lld: rank(s) %s abstained (non-finite gradient)\n",
                     static_cast<long long>(step), abstainer_list(t->abstainers).c_str());
}

// "step S: N of P ranks abstained (...), more than --max-abstain M".
std::string abstain_error(const Trainer& t, int64_t step) {
    return "step " + std::to_string(step) + ": " + std::to_string(abstainer_count(t.abstainers)) + " of " +
           std::to_string(t.comm.size) + " ranks abstained (non-finite gradients on ranks " +
           abstainer_list(t.abstainers) + "), more than --max-abstain " + std::to_string(t.facts.max_abstain);
}

// One screen: the data, then the step's phases (step_whole, or step_overlapped
// with --overlap), the records, the evaluation, the checkpoint. Sets
// *steps_done: fewer than facts.steps if SIGUSR1 stopped it (after writing a
// checkpoint of the last one). Returns "" or the error that ended the run (the
// same on every rank).
std::string train_loop(Trainer* t, int64_t* steps_done) {
    PhaseTimer* timer = &t->timer;
    if (t->start_step == t->facts.steps) evaluate_and_report(t, t->start_step);  // resumed at the end: only this left
    for (int64_t step = t->start_step; step < t->facts.steps; ++step) {
        timer_start(timer);
        timer_phase(timer, Phase::data);  batch_next(&t->loader, &t->batch);
        float loss = 0;
        double comm_busy = -1;  // -1: the comm phase's time (no exchange ran behind backward)
        if (t->cfg.overlap) comm_busy = step_overlapped(t, step, &loss);
        else if (!step_whole(t, step, &loss)) return abstain_error(*t, step);
        timer_stop(timer);
        metrics_record_step(&t->metrics, step, loss, *timer, t->comm.bytes(), t->aggregator.sub, t->wire,
                            step_update_density(*t), comm_busy);
        record_abstainers(t, step);
        if (t->comm.rank == 0) run_files_append(&t->files, record_step(t->metrics.steps.back()));
        if (eval_due(*t, step + 1)) evaluate_and_report(t, step + 1);
        const bool stop = stop_due(*t, step + 1);
        if (stop || checkpoint_due(*t, step + 1)) checkpoint_write(t, step + 1);
        if (stop) {
            *steps_done = step + 1;
            return "";
        }
    }
    *steps_done = t->facts.steps;
    return "";
}

// Collective: frees what the trainer opened, then MPI_Finalize.
void trainer_close(Trainer* t) {
    run_files_close(&t->files);
    aggregate_close(&t->aggregator);
    overlap_close(&t->overlap);
    comm_close(&t->comm);
    MPI_CHECK(MPI_Finalize());
}

// Collective, after SIGUSR1: no summary (the run goes on after the requeue).
int trainer_stop(Trainer* t, int64_t steps_done) {
    if (t->comm.rank == 0)
        std::printf("stopped on SIGUSR1 after step %lld of %lld: %s written; exit %d (requeue, then --resume)\n",
                    static_cast<long long>(steps_done), static_cast<long long>(t->facts.steps),
                    checkpoint_path(t->cfg.out, steps_done).c_str(), requeue_exit_code);
    trainer_close(t);
    return requeue_exit_code;
}

// Collective: the summary on every rank, the table and summary.json on rank 0.
int trainer_finish(Trainer* t) {
    RunOutcome out;
    out.metrics = metrics_summarize(t->metrics, step_samples(t->cfg, t->comm.size), t->comm.comm);
    out.eval = t->last_eval;
    out.checksum = checksum_hex(weights_checksum(net_weights(t->net)));  // checked equal at the last evaluation
    const Strategy* picked = t->cfg.overlap ? overlap_auto_choice(t->overlap) : t->comm.auto_choice;
    out.strategy_used = std::string(picked ? picked->name : t->strategy->name);
    out.buckets = t->cfg.overlap ? int64_t(t->overlap.buckets.size()) : 1;
    out.checkpoint_seconds = t->checkpoint_seconds;
    out.resumed_from = t->cfg.resume ? t->start_step : -1;
    out.nonfinite_steps = t->nonfinite_steps;
    if (t->comm.rank == 0) {
        print_final_table(t->cfg, t->facts, t->env, out);
        run_files_write_summary(&t->files, record_summary(t->cfg, t->facts, t->env, out));
    }
    trainer_close(t);
    return 0;
}

}  // namespace

int train_run(const TrainConfig& cfg) {
    if (method_serves(cfg.method.kind)) return async_train_run(cfg);
    Trainer t;
    t.cfg = cfg;
    if (int rc = trainer_open(&t); rc != 0) return rc;
    int64_t done = 0;
    if (std::string why = train_loop(&t, &done); !why.empty()) {
        run_files_close(&t.files);
        return error_exit("train", why, 1);
    }
    return done < t.facts.steps ? trainer_stop(&t, done) : trainer_finish(&t);
}

}  // namespace bitvote
