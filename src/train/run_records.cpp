#include "train/run_records.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace bitvote {
namespace {

// "12.3 KB"-style size, decimal units.
std::string bytes_text(double bytes) {
    const char* units[] = {"B", "KB", "MB", "GB"};
    int u = 0;
    while (bytes >= 1000 && u < 3) bytes /= 1000, ++u;
    char text[32];
    std::snprintf(text, sizeof text, u ? "%.2f %s" : "%.0f %s", bytes, units[u]);
    return text;
}

void write_env(JsonWriter* j, const RunEnv& env) {
    json_int(j, "ranks", env.ranks);
    json_int(j, "nodes", env.nodes);
    json_array_begin(j, "hosts");
    for (const std::string& h : env.hosts) json_string(j, nullptr, h);
    json_array_end(j);
    json_int(j, "threads_per_rank", env.threads_per_rank);
    json_string(j, "isa", env.isa);
    json_string(j, "transport", env.transport);
    if (env.slurm_job_id.empty()) json_null(j, "slurm_job_id");
    else json_string(j, "slurm_job_id", env.slurm_job_id);
    json_object_begin(j, "versions");
    json_string(j, "mpi", env.mpi);
    json_string(j, "onednn", env.dnnl);
    json_string(j, "hdf5", env.hdf5);
    json_object_end(j);
}

// The flags and what they resolved to (shared by the config and summary records).
void write_run(JsonWriter* j, const TrainConfig& cfg, const RunFacts& facts) {
    json_string(j, "method", method_name(cfg.method.kind));
    json_string(j, "aggregate", aggregate_name(cfg.aggregate));
    json_string(j, "model", model_kind_name(cfg.model));
    json_string(j, "dataset", facts.dataset);
    json_string(j, "data", cfg.data);
    json_int(j, "params", int64_t(facts.params));
    json_int(j, "batch", cfg.batch);
    json_number(j, "lr", facts.lr);
    json_number(j, "momentum", float_decimal(cfg.method.momentum));
    json_number(j, "weight_decay", float_decimal(cfg.method.weight_decay));
    json_number(j, "density", cfg.method.density);
    json_string(j, "partition", partition_name(cfg.partition));
    json_int(j, "seed", int64_t(cfg.seed));
    json_int(j, "train_samples", facts.train_total);
    json_int(j, "test_samples", facts.test_total);
    json_int(j, "steps", facts.steps);
    json_int(j, "steps_per_epoch", facts.steps_per_epoch);
    json_number(j, "epochs", double(facts.steps) / double(facts.steps_per_epoch));
    json_int(j, "eval_every", facts.eval_every);
    json_string(j, "timing", cfg.timing == Timing::strict ? "strict" : "relaxed");
    json_int(j, "local_steps", cfg.method.local_steps);
    json_int(j, "byzantine", cfg.byzantine);
    if (cfg.byzantine > 0) json_string(j, "attack", attack_name(cfg.attack));
    else json_null(j, "attack");
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

double fp32_ring_wire_bytes(size_t params, int ranks) { return 2.0 * (ranks - 1) / ranks * 4.0 * double(params); }

JsonWriter record_config(const TrainConfig& cfg, const RunFacts& facts, const RunEnv& env) {
    JsonWriter j;
    json_object_begin(&j);
    json_string(&j, "event", "config");
    json_string(&j, "strategy", cfg.strategy);
    write_run(&j, cfg, facts);
    write_env(&j, env);
    json_object_end(&j);
    return j;
}

JsonWriter record_step(const StepRecord& r) {
    JsonWriter j;
    json_object_begin(&j);
    json_string(&j, "event", "step");
    json_int(&j, "step", r.step + 1);
    json_number(&j, "loss", r.loss);
    json_number(&j, "ms", 1e3 * r.seconds);
    json_object_begin(&j, "phase_ms");
    for (int p = 0; p < phase_count; ++p) json_number(&j, phase_name(Phase(p)), 1e3 * r.phase[size_t(p)]);
    json_object_end(&j);
    json_int(&j, "payload_sent", int64_t(r.payload_sent));
    json_int(&j, "payload_received", int64_t(r.payload_received));
    json_object_end(&j);
    return j;
}

JsonWriter record_eval(int64_t step, double epoch, const EvalResult& e, double samples_per_s,
                       double payload_per_iter) {
    JsonWriter j;
    json_object_begin(&j);
    json_string(&j, "event", "eval");
    json_int(&j, "step", step);
    json_number(&j, "epoch", epoch);
    json_number(&j, "test_accuracy", e.accuracy);
    json_number(&j, "test_loss", e.loss);
    json_int(&j, "test_samples", e.samples);
    json_number(&j, "samples_per_s", samples_per_s);
    json_number(&j, "payload_sent_per_iter", payload_per_iter);
    json_object_end(&j);
    return j;
}

JsonWriter record_summary(const TrainConfig& cfg, const RunFacts& facts, const RunEnv& env, const RunOutcome& out) {
    const MetricsSummary& m = out.metrics;
    const bool wire = env.transport == "tcp";
    const double fp32 = fp32_payload_bytes(facts.params);
    JsonWriter j;
    json_object_begin(&j);
    json_string(&j, "event", "summary");
    json_string(&j, "strategy", out.strategy_used);
    json_string(&j, "strategy_flag", cfg.strategy);
    write_run(&j, cfg, facts);
    json_number(&j, "test_accuracy", out.eval.accuracy);
    json_number(&j, "test_loss", out.eval.loss);
    json_number(&j, "samples_per_s", m.samples_per_s);
    json_number(&j, "step_ms_median", m.step_ms_median);
    json_number(&j, "train_seconds", m.train_seconds);
    json_object_begin(&j, "time_share");
    for (int p = 0; p < phase_count; ++p) json_number(&j, phase_name(Phase(p)), m.time_share[size_t(p)]);
    json_object_end(&j);
    json_object_begin(&j, "bytes_per_iter");
    json_number(&j, "payload_sent", m.payload_sent);
    json_number(&j, "payload_received", m.payload_received);
    if (wire) json_number(&j, "wire_sent", m.wire_sent), json_number(&j, "wire_recv", m.wire_recv);
    else json_null(&j, "wire_sent"), json_null(&j, "wire_recv");
    json_object_end(&j);
    json_number(&j, "fp32_bytes_per_iter", fp32);
    json_number(&j, "fp32_ring_wire_bytes_per_iter", fp32_ring_wire_bytes(facts.params, env.ranks));
    json_number(&j, "compression_ratio", m.payload_sent > 0 ? fp32 / m.payload_sent : NAN);
    json_string(&j, "weights_checksum", out.checksum);
    write_env(&j, env);
    json_object_end(&j);
    return j;
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
    std::printf("\n%s via %s (%s), %s with %zu params, %d ranks x batch %d%s, %lld steps (%.2f epochs)\n",
                std::string(method_name(cfg.method.kind)).c_str(), out.strategy_used.c_str(),
                std::string(aggregate_name(cfg.aggregate)).c_str(),
                model_kind_name(cfg.model), facts.params, env.ranks, cfg.batch,
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
    std::printf("  fp32 allreduce     payload %s (ring wire %s)   compression %.1fx\n", bytes_text(fp32).c_str(),
                bytes_text(fp32_ring_wire_bytes(facts.params, env.ranks)).c_str(),
                m.payload_sent > 0 ? fp32 / m.payload_sent : 0);
    std::printf("  time share        ");
    for (int p = 0; p < phase_count; ++p) std::printf(" %s %.1f%%", phase_name(Phase(p)), 100 * m.time_share[size_t(p)]);
    std::printf("\n  weights checksum   %s (identical on %d ranks)\n", out.checksum.c_str(), env.ranks);
    std::printf("  run                %d node(s), %d thread(s)/rank, isa %s, transport %s\n", env.nodes,
                env.threads_per_rank, env.isa.c_str(), env.transport.c_str());
    std::fflush(stdout);
}

}  // namespace bitvote
