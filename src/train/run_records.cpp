#include "train/run_records.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "base/run_schema.h"
#include "comm/strategy.h"

namespace bitvote {
namespace {

// True when every rank takes the same batch.
bool one_batch(const std::vector<int>& batches) {
    return std::ranges::count(batches, batches.front()) == std::ssize(batches);
}

// "32" when every rank takes one batch, else every rank's: "8,8,32,128,8".
std::string batches_text(const std::vector<int>& batches) {
    if (one_batch(batches)) return std::to_string(batches.front());
    std::string text;
    for (int b : batches) text += (text.empty() ? "" : ",") + std::to_string(b);
    return text;
}

}  // namespace

std::string bytes_text(double bytes) {
    const char* units[] = {"B", "KB", "MB", "GB"};
    int u = 0;
    while (bytes >= 1000 && u < 3) bytes /= 1000, ++u;
    char text[32];
    std::snprintf(text, sizeof text, u ? "%.2f %s" : "%.0f %s", bytes, units[u]);
    return text;
}

void write_env(JsonRecord* j, const RunEnv& env) {
    JsonRecord& r = *j;
    r[schema::ranks] = env.ranks;
    r[schema::nodes] = env.nodes;
    r[schema::hosts] = env.hosts;
    r[schema::threads_per_rank] = env.threads_per_rank;
    r[schema::isa] = env.isa;
    r[schema::transport] = env.transport;
    r[schema::slurm_job_id] = env.slurm_job_id.empty() ? JsonRecord() : JsonRecord(env.slurm_job_id);
    r[schema::versions] = {{schema::version_mpi, env.mpi}, {schema::version_onednn, env.dnnl},
                           {schema::version_hdf5, env.hdf5}};
}

void write_run(JsonRecord* j, const TrainConfig& cfg, const RunFacts& facts) {
    JsonRecord& r = *j;
    r[schema::method] = std::string(method_name(cfg.method.kind));
    r[schema::aggregate] = std::string(aggregate_name(cfg.aggregate));
    r[schema::model] = model_kind_name(cfg.model);
    r[schema::dataset] = facts.dataset;
    r[schema::data] = cfg.data;
    r[schema::params] = int64_t(facts.params);
    r[schema::batch] = one_batch(facts.batches) ? JsonRecord(facts.batches.front()) : JsonRecord();
    r[schema::batches] = facts.batches;
    r[schema::lr] = facts.lr;
    r[schema::momentum] = float_decimal(cfg.method.momentum);
    r[schema::weight_decay] = float_decimal(cfg.method.weight_decay);
    r[schema::density] = cfg.method.density;
    r[schema::budget] = cfg.method.budget > 0 ? JsonRecord(cfg.method.budget) : JsonRecord();
    r[schema::magsparse_density] =
        cfg.method.magsparse_density > 0 ? JsonRecord(cfg.method.magsparse_density) : JsonRecord();
    r[schema::partition] = std::string(partition_name(cfg.partition));
    r[schema::seed] = int64_t(cfg.seed);
    r[schema::train_samples] = facts.train_total;
    r[schema::test_samples] = facts.test_total;
    r[schema::steps] = facts.steps;
    r[schema::steps_per_epoch] = facts.steps_per_epoch;
    r[schema::epochs] = double(facts.steps) / double(facts.steps_per_epoch);
    r[schema::eval_every] = facts.eval_every;
    r[schema::timing] = cfg.timing == Timing::strict ? "strict" : "relaxed";
    r[schema::local_steps] = cfg.method.local_steps;
    r[schema::byzantine] = cfg.byzantine;
    r[schema::attack] = cfg.byzantine > 0 ? JsonRecord(std::string(attack_name(cfg.attack))) : JsonRecord();
    r[schema::byzantine_ranks] = JsonRecord::array();
    for (int rank : cfg.byzantine_ranks) r[schema::byzantine_ranks].push_back(rank);
    const bool detox = cfg.aggregate == AggregateKind::detox;
    r[schema::group] = detox ? JsonRecord(detox_config_of(cfg).group) : JsonRecord();
    r[schema::detox_final] =
        detox ? JsonRecord(std::string(aggregate_name(detox_config_of(cfg).final))) : JsonRecord();
    r[schema::overlap] = cfg.overlap;
    r[schema::bucket_kb] = cfg.overlap ? JsonRecord(cfg.bucket_kb) : JsonRecord();
    const bool test = overlap_progress_of(cfg) == OverlapProgress::test;
    r[schema::overlap_progress] = cfg.overlap ? JsonRecord(test ? "test" : "thread") : JsonRecord();
    r[schema::widths] = cfg.widths.empty() ? JsonRecord() : JsonRecord(cfg.widths);
    r[schema::noise] = float_decimal(cfg.method.noise);
    r[schema::noise_kind] = cfg.method.noise_kind == NoiseKind::gaussian ? "gaussian" : "uniform";
    r[schema::local_lr] = cfg.local_lr;
    r[schema::accum] = float_decimal(cfg.method.accum);
    r[schema::alie_z] = cfg.method.alie_z > 0 ? JsonRecord(cfg.method.alie_z) : JsonRecord();
    r[schema::max_abstain] = facts.max_abstain;
    r[schema::async] = cfg.async;
    r[schema::slow_rank] = cfg.slow_rank.rank > 0
                               ? JsonRecord(std::to_string(cfg.slow_rank.rank) + ":" + std::to_string(cfg.slow_rank.ms))
                               : JsonRecord();
}

namespace {

// One number per phase, keyed by its name, in Phase order.
JsonRecord per_phase(const std::array<double, phase_count>& values, double scale) {
    JsonRecord o = JsonRecord::object();
    for (int p = 0; p < phase_count; ++p) o[phase_name(Phase(p))] = scale * values[size_t(p)];
    return o;
}

}  // namespace

double float_decimal(float x) {
    char text[32];
    for (int digits = 1; digits <= 9; ++digits) {  // 9 significant digits always read back
        std::snprintf(text, sizeof text, "%.*g", digits, double(x));
        if (std::strtof(text, nullptr) == x) break;
    }
    return std::strtod(text, nullptr);
}

double fp32_payload_bytes(size_t params) { return 4.0 * double(params); }

double fp32_ring_wire_bytes(size_t params, int ranks) {
    return strategy_fp32_baseline().model_bytes(MessageKind::fp32, params, ranks, 0);
}

JsonRecord record_config(const TrainConfig& cfg, const RunFacts& facts, const RunEnv& env) {
    JsonRecord r;
    r[schema::event] = schema::events::config;
    r[schema::strategy] = cfg.strategy;
    write_run(&r, cfg, facts);
    write_env(&r, env);
    return r;
}

JsonRecord record_step(const StepRecord& s) {
    JsonRecord r;
    r[schema::event] = schema::events::step;
    r[schema::step] = s.step + 1;
    r[schema::loss] = double(s.loss);
    r[schema::ms] = 1e3 * s.seconds;
    r[schema::phase_ms] = per_phase(s.phase, 1e3);
    r[schema::payload_sent] = int64_t(s.payload_sent);
    r[schema::payload_received] = int64_t(s.payload_received);
    r[schema::comm_exposed_ms] = 1e3 * s.comm_exposed;
    r[schema::comm_busy_ms] = 1e3 * s.comm_busy;
    r[schema::update_density] = s.update_density;
    r[schema::abstainers] = s.abstainers;
    return r;
}

JsonRecord record_eval(int64_t step, double epoch, const EvalResult& e, double samples_per_s,
                       double payload_per_iter) {
    JsonRecord r;
    r[schema::event] = schema::events::eval;
    r[schema::step] = step;
    r[schema::epoch] = epoch;
    r[schema::test_accuracy] = e.accuracy;
    r[schema::test_loss] = e.loss;
    r[schema::test_samples] = e.samples;
    r[schema::samples_per_s] = samples_per_s;
    r[schema::payload_sent_per_iter] = payload_per_iter;
    return r;
}

JsonRecord record_checkpoint(int64_t step, const std::string& path, uint64_t bytes, double seconds) {
    JsonRecord r;
    r[schema::event] = schema::events::checkpoint;
    r[schema::step] = step;
    r[schema::checkpoint] = path;
    r[schema::bytes] = bytes;
    r[schema::seconds] = seconds;
    return r;
}

JsonRecord record_resume(int64_t step, const std::string& path, const RunEnv& env) {
    JsonRecord r;
    r[schema::event] = schema::events::resume;
    r[schema::step] = step;
    r[schema::checkpoint] = path;
    write_env(&r, env);
    return r;
}

JsonRecord record_summary(const TrainConfig& cfg, const RunFacts& facts, const RunEnv& env, const RunOutcome& out) {
    const MetricsSummary& m = out.metrics;
    const bool wire = env.transport == "tcp";
    const double fp32 = fp32_payload_bytes(facts.params);
    JsonRecord r;
    r[schema::event] = schema::events::summary;
    r[schema::strategy] = out.strategy_used;
    r[schema::strategy_flag] = cfg.strategy;
    write_run(&r, cfg, facts);
    r[schema::test_accuracy] = out.eval.accuracy;
    r[schema::test_loss] = out.eval.loss;
    r[schema::samples_per_s] = m.samples_per_s;
    r[schema::step_ms_median] = m.step_ms_median;
    r[schema::train_seconds] = m.train_seconds;
    r[schema::time_share] = per_phase(m.time_share, 1);
    r[schema::bytes_per_iter] = {{schema::payload_sent, m.payload_sent},
                                 {schema::payload_received, m.payload_received},
                                 {schema::wire_sent, wire ? JsonRecord(m.wire_sent) : JsonRecord()},
                                 {schema::wire_recv, wire ? JsonRecord(m.wire_recv) : JsonRecord()}};
    r[schema::fp32_bytes_per_iter] = fp32;
    r[schema::fp32_ring_wire_bytes_per_iter] = fp32_ring_wire_bytes(facts.params, env.ranks);
    r[schema::compression_ratio] = m.payload_sent > 0 ? fp32 / m.payload_sent : NAN;  // null without payload
    r[schema::weights_checksum] = out.checksum;
    r[schema::comm_hidden] = m.comm_hidden;
    r[schema::comm_busy_share] = m.comm_busy_share;
    r[schema::update_density] = m.update_density;
    r[schema::buckets] = out.buckets;
    r[schema::checkpoint_seconds] = out.checkpoint_seconds;
    r[schema::resumed_from_step] = out.resumed_from < 0 ? JsonRecord() : JsonRecord(out.resumed_from);
    r[schema::nonfinite_steps] = out.nonfinite_steps;
    r[schema::stage_payload_sent] = m.stage_payload_sent.empty() ? JsonRecord() : JsonRecord(m.stage_payload_sent);
    write_env(&r, env);
    return r;
}

void print_progress(int64_t step, const RunFacts& facts, const EvalResult& e, double samples_per_s,
                    double payload_per_iter) {
    std::printf("epoch %6.2f  step %6lld/%lld  test loss %.4f  accuracy %6.2f%%  %9.0f samples/s  %s/iter\n",
                double(step) / double(facts.steps_per_epoch), static_cast<long long>(step),
                static_cast<long long>(facts.steps), e.loss, 100 * e.accuracy, samples_per_s,
                bytes_text(payload_per_iter).c_str());
    std::fflush(stdout);
}

void print_final_table(const TrainConfig& cfg, const RunFacts& facts, const RunEnv& env, const RunOutcome& out) {
    const MetricsSummary& m = out.metrics;
    const double fp32 = fp32_payload_bytes(facts.params);
    std::printf("\n%s via %s (%s), %s with %zu params, %d ranks x batch %s%s, %lld steps (%.2f epochs)\n",
                std::string(method_name(cfg.method.kind)).c_str(), out.strategy_used.c_str(),
                std::string(aggregate_name(cfg.aggregate)).c_str(),
                model_kind_name(cfg.model), facts.params, env.ranks, batches_text(facts.batches).c_str(),
                cfg.method.local_steps > 1 ? (" x " + std::to_string(cfg.method.local_steps) + " local steps").c_str() : "",
                static_cast<long long>(facts.steps),
                double(facts.steps) / double(facts.steps_per_epoch));
    std::printf("  test accuracy      %.2f %%   (loss %.4f, %lld samples)\n", 100 * out.eval.accuracy,
                out.eval.loss, static_cast<long long>(out.eval.samples));
    std::printf("  samples/s          %.0f   (median step %.3f ms)\n", m.samples_per_s, m.step_ms_median);
    std::printf("  bytes/iter/rank    payload sent %s, received %s; wire sent %s, recv %s\n",
                bytes_text(m.payload_sent).c_str(), bytes_text(m.payload_received).c_str(),
                env.transport == "tcp" ? bytes_text(m.wire_sent).c_str() : "-",
                env.transport == "tcp" ? bytes_text(m.wire_recv).c_str() : "-");
    if (!m.stage_payload_sent.empty())
        std::printf("  detox stages       groups of %d: sent %s/iter inside the groups, %s/iter across them (%s)\n",
                    detox_config_of(cfg).group, bytes_text(m.stage_payload_sent[0]).c_str(),
                    bytes_text(m.stage_payload_sent[1]).c_str(),
                    std::string(aggregate_name(detox_config_of(cfg).final)).c_str());
    std::printf("  fp32 allreduce     payload %s (ring wire %s)   compression %.1fx\n", bytes_text(fp32).c_str(),
                bytes_text(fp32_ring_wire_bytes(facts.params, env.ranks)).c_str(),
                m.payload_sent > 0 ? fp32 / m.payload_sent : 0);
    std::printf("  update density     %.2f %%   (coordinates moved per step, mean)\n", 100 * m.update_density);
    std::printf("  time share        ");
    for (int p = 0; p < phase_count; ++p) std::printf(" %s %.1f%%", phase_name(Phase(p)), 100 * m.time_share[size_t(p)]);
    if (cfg.overlap)
        std::printf("\n  overlap            %lld bucket(s) of <= %lld KiB (%s); comm hidden behind backward %.1f%%",
                    static_cast<long long>(out.buckets), static_cast<long long>(cfg.bucket_kb),
                    overlap_progress_of(cfg) == OverlapProgress::test ? "MPI_Iallreduce + MPI_Test" : "exchange thread",
                    100 * m.comm_hidden);
    std::string abstained;
    for (size_t r = 0; r < out.nonfinite_steps.size(); ++r)
        if (out.nonfinite_steps[r])
            abstained += (abstained.empty() ? "" : ", ") + ("rank " + std::to_string(r) + ": " +
                                                            std::to_string(out.nonfinite_steps[r]) + " step(s)");
    if (!abstained.empty()) std::printf("\n  abstained          %s (non-finite gradients)", abstained.c_str());
    std::printf("\n  weights checksum   %s (identical on %d ranks)\n", out.checksum.c_str(), env.ranks);
    std::printf("  run                %d node(s), %d thread(s)/rank, isa %s, transport %s\n", env.nodes,
                env.threads_per_rank, env.isa.c_str(), env.transport.c_str());
    std::fflush(stdout);
}

}  // namespace bitvote
