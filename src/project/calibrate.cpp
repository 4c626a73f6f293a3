// Reading sweep rows and run files, fitting alpha and beta (see calibrate.h).
#include "project/calibrate.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "base/json_line.h"
#include "base/run_schema.h"
#include "compress/method.h"

namespace bitvote {
namespace {

// One JSON object from text; false with *error (what and where) otherwise.
bool object_parse(const std::string& text, JsonRecord* out, std::string* error) {
    try {
        *out = JsonRecord::parse(text);
    } catch (const JsonRecord::parse_error& e) {
        const std::string what = e.what();  // "[json.exception.parse_error.101] parse error at ..."
        *error = what.substr(what.find("] ") == std::string::npos ? 0 : what.find("] ") + 2);
        return false;
    }
    if (!out->is_object()) return (*error = "not a JSON object"), false;
    return true;
}

// The field `key` of object o, or of o's member object `in` when given;
// nullptr when absent.
const JsonRecord* field(const JsonRecord& o, const char* key, const char* in = nullptr) {
    const JsonRecord* from = &o;
    if (in) {
        const auto it = o.find(in);
        if (it == o.end() || !it->is_object()) return nullptr;
        from = &*it;
    }
    const auto it = from->find(key);
    return it == from->end() ? nullptr : &*it;
}

// A number or a string field; false (and *out untouched) when the field is
// absent, null, of another type or (numbers) not finite.
bool number_at(const JsonRecord& o, const char* key, double* out, const char* in = nullptr) {
    const JsonRecord* v = field(o, key, in);
    if (!v || !v->is_number() || !std::isfinite(v->get<double>())) return false;
    *out = v->get<double>();
    return true;
}

bool string_at(const JsonRecord& o, const char* key, std::string* out) {
    const JsonRecord* v = field(o, key);
    if (!v || !v->is_string()) return false;
    *out = v->get<std::string>();
    return true;
}

bool kind_parse(const std::string& name, MessageKind* out) {
    for (int k = 0; k < message_kind_count; ++k)
        if (message_kind_name(MessageKind(k)) == name) return (*out = MessageKind(k)), true;
    return false;
}

// One sweep JSON object -> a point; *usable false for auto and one-rank rows.
bool sweep_point_make(const JsonRecord& f, bool use_min_time, SweepPoint* p, bool* usable, std::string* error) {
    std::string kind;
    double ranks = 0, d = 0, time_us = 0, model_bytes = 0;
    if (!string_at(f, schema::strategy, &p->label) || !number_at(f, schema::ranks, &ranks) ||
        !number_at(f, schema::d, &d) ||
        !number_at(f, use_min_time ? schema::time_us_min : schema::time_us_avg, &time_us))
        return (*error = "not a sweep row (needs strategy, ranks, d, time_us_avg, time_us_min)"), false;
    p->strategy = strategy_find(p->label.substr(0, p->label.find(':')));
    if (!p->strategy) return (*error = "unknown strategy '" + p->label + "'"), false;
    if (!string_at(f, schema::kind, &kind) || !kind_parse(kind, &p->kind))
        return (*error = "no message kind (a sweep file from an older bitvote?)"), false;
    if (ranks < 1 || d < 1) return (*error = "ranks and d must be positive"), false;
    p->ranks = int(ranks);
    p->d = uint64_t(d);
    p->time_s = 1e-6 * time_us;
    *usable = p->ranks > 1 && !p->strategy->picks;  // a picker has no model of its own
    if (!*usable) return true;
    if (!(time_us > 0)) return (*error = "an exchange between ranks took no time"), false;
    if (p->kind == MessageKind::sparse || p->kind == MessageKind::sparse_fp32) {
        if (!number_at(f, schema::model_bytes, &model_bytes))
            return (*error = "sparse row without model_bytes"), false;
        p->encoded_bytes = model_bytes / (p->ranks - 1);
    }
    p->rounds = p->strategy->model_rounds(p->ranks);
    p->bytes = p->strategy->model_bytes(p->kind, p->d, p->ranks, size_t(p->encoded_bytes));
    return true;
}

// The model's terms of a point over its measured time: rounds, bytes, bytes / rate.
constexpr int max_terms = 3;
using Terms = std::array<double, max_terms>;

Terms point_terms(const SweepPoint& p) {
    const double link = p.rate_bytes_per_s > 0 ? p.bytes / p.rate_bytes_per_s : 0;
    return {p.rounds / p.time_s, p.bytes / p.time_s, link / p.time_s};
}

// Sum of (sum_j c_j x_ij - 1)^2 over the points.
double relative_sse(std::span<const Terms> x, const Terms& c) {
    double sse = 0;
    for (const Terms& row : x) sse += std::pow(row[0] * c[0] + row[1] * c[1] + row[2] * c[2] - 1, 2);
    return sse;
}

// The free least-squares solution on the columns in `mask` (others 0), by
// Gaussian elimination on the normal equations with columns scaled to unit
// norm; false when they are (nearly) dependent.
bool least_squares_on(std::span<const Terms> x, unsigned mask, Terms* c) {
    int col[max_terms], n = 0;
    for (int j = 0; j < max_terms; ++j)
        if (mask & (1u << j)) col[n++] = j;
    double norm[max_terms] = {}, a[max_terms][max_terms + 1] = {};
    for (int u = 0; u < n; ++u) {
        for (const Terms& row : x) norm[u] += row[size_t(col[u])] * row[size_t(col[u])];
        norm[u] = std::sqrt(norm[u]);
        if (!(norm[u] > 0)) return false;
    }
    for (const Terms& row : x)
        for (int u = 0; u < n; ++u) {
            for (int v = 0; v < n; ++v) a[u][v] += row[size_t(col[u])] * row[size_t(col[v])] / (norm[u] * norm[v]);
            a[u][n] += row[size_t(col[u])] / norm[u];
        }
    for (int k = 0; k < n; ++k) {
        int pivot = k;
        for (int u = k + 1; u < n; ++u)
            if (std::abs(a[u][k]) > std::abs(a[pivot][k])) pivot = u;
        if (std::abs(a[pivot][k]) < 1e-10) return false;
        std::swap(a[k], a[pivot]);
        for (int u = 0; u < n; ++u) {
            if (u == k) continue;
            const double f = a[u][k] / a[k][k];
            for (int v = k; v <= n; ++v) a[u][v] -= f * a[k][v];
        }
    }
    *c = Terms{};
    for (int u = 0; u < n; ++u) (*c)[size_t(col[u])] = a[u][n] / a[u][u] / norm[u];
    return true;
}

// Minimises relative_sse over c >= 0 on the columns in `allowed` (others 0):
// the optimum is the free solution on its own support, so every support is
// tried and the best feasible one kept (exact for a few terms).
Terms least_squares_nonnegative(std::span<const Terms> x, unsigned allowed) {
    Terms best{};
    double best_sse = relative_sse(x, best);
    for (unsigned mask = 1; mask <= allowed; ++mask) {
        Terms c;
        if ((mask & ~allowed) || !least_squares_on(x, mask, &c) || *std::min_element(c.begin(), c.end()) < 0) continue;
        const double sse = relative_sse(x, c);
        if (sse < best_sse) best = c, best_sse = sse;
    }
    return best;
}

}  // namespace

bool sweep_points_read(const std::string& path, bool use_min_time, std::vector<SweepPoint>* out, int* skipped,
                       std::string* error) {
    std::ifstream in(path);
    if (!in) return (*error = "cannot read sweep file '" + path + "'"), false;
    std::string line, why;
    for (int n = 1; std::getline(in, line); ++n) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        JsonRecord f;
        SweepPoint p;
        bool usable = false;
        if (!object_parse(line, &f, &why) || !sweep_point_make(f, use_min_time, &p, &usable, &why))
            return (*error = path + ":" + std::to_string(n) + ": " + why), false;
        if (usable) out->push_back(p);
        else ++*skipped;
    }
    return true;
}

double point_model_seconds(const SweepPoint& p, AlphaBeta ab) {
    return ab.alpha_s * p.rounds + ab.beta_s_per_byte * p.bytes;
}

double fit_point_seconds(const Fit& f, const SweepPoint& p) {
    const double link = f.rated && p.rate_bytes_per_s > 0 ? f.link_factor / p.rate_bytes_per_s : 0;
    return point_model_seconds(p, {f.ab.alpha_s, f.ab.beta_s_per_byte + link});
}

AlphaBeta fit_at_rate(const Fit& f, double rate_bytes_per_s) {
    return {f.ab.alpha_s, f.ab.beta_s_per_byte + f.link_factor / rate_bytes_per_s};
}

Fit fit_alpha_beta(std::span<const SweepPoint> points, const std::string& label) {
    Fit fit;
    fit.label = label;
    fit.points = int(points.size());
    if (points.empty()) return fit;
    fit.rated = std::all_of(points.begin(), points.end(), [](const SweepPoint& p) { return p.rate_bytes_per_s > 0; });
    std::vector<Terms> x;
    for (const SweepPoint& p : points) x.push_back(point_terms(p));
    // Terms: alpha and beta; with rates, link_factor too, and with one rate only
    // (its bytes / rate a multiple of its bytes) link_factor in place of beta.
    const bool one_rate = std::all_of(points.begin(), points.end(), [&](const SweepPoint& p) {
        return p.rate_bytes_per_s == points[0].rate_bytes_per_s;
    });
    const Terms c = least_squares_nonnegative(x, !fit.rated ? 0b011u : one_rate ? 0b101u : 0b111u);
    fit.ab = {c[0], c[1]};
    fit.link_factor = c[2];
    for (const SweepPoint& p : points)
        fit.max_rel_error = std::max(fit.max_rel_error, std::abs(fit_point_seconds(fit, p) / p.time_s - 1));
    fit.rms_rel_error = std::sqrt(relative_sse(x, c) / double(points.size()));
    return fit;
}

std::vector<Fit> fit_per_strategy(std::span<const SweepPoint> points) {
    std::vector<std::string> labels;
    for (const SweepPoint& p : points)
        if (std::find(labels.begin(), labels.end(), p.label) == labels.end()) labels.push_back(p.label);
    std::vector<Fit> fits;
    for (const std::string& label : labels) {
        std::vector<SweepPoint> mine;
        std::copy_if(points.begin(), points.end(), std::back_inserter(mine),
                     [&](const SweepPoint& p) { return p.label == label; });
        fits.push_back(fit_alpha_beta(mine, label));
    }
    return fits;
}

const Fit* fit_find(std::span<const Fit> fits, const std::string& label) {
    for (const Fit& f : fits)
        if (f.label == label) return &f;
    return nullptr;
}

double best_baseline_ratio(std::span<const SweepPoint> points, std::string* best_label) {
    const std::string baseline(strategy_fp32_baseline().name);  // forced algorithms: "<baseline>:<algorithm>"
    auto is_forced = [&](const SweepPoint& p) { return p.label.rfind(baseline + ":", 0) == 0; };
    auto default_at = [&](const SweepPoint& v) {
        return std::find_if(points.begin(), points.end(), [&](const SweepPoint& a) {
            return a.label == baseline && a.ranks == v.ranks && a.d == v.d;
        });
    };
    const SweepPoint* best = nullptr;  // fastest forced row at the largest (ranks, d) measured both ways
    for (const SweepPoint& v : points) {
        if (!is_forced(v) || default_at(v) == points.end()) continue;
        const bool larger = !best || std::pair(v.ranks, v.d) > std::pair(best->ranks, best->d);
        const bool same = best && std::pair(v.ranks, v.d) == std::pair(best->ranks, best->d);
        if (larger || (same && v.time_s < best->time_s)) best = &v;
    }
    if (!best) return 0;
    *best_label = best->label;
    return best->time_s / default_at(*best)->time_s;
}

bool run_profile_read(const std::string& path, RunProfile* out, std::string* error) {
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in) return (*error = "cannot read run file '" + path + "'"), false;
    JsonRecord f;
    std::string why;
    if (!object_parse(text, &f, &why)) return (*error = path + ": " + why), false;
    if (f.contains(schema::async) && f[schema::async].is_boolean() && f[schema::async].get<bool>())
        return (*error = path + ": an --async run (a parameter server and its workers, no collective step); the "
                                "projection covers the collective strategies only"), false;
    if (f.contains(schema::batch) && f[schema::batch].is_null())
        return (*error = path + ": the ranks' batches differ (--batch a,b,...); a projection needs one batch for "
                                "every rank"), false;
    double ranks = 0, params = 0, batch = 0, step_ms = 0;
    MethodKind method;
    const bool complete = string_at(f, schema::method, &out->method) &&
                          string_at(f, schema::strategy, &out->strategy) && number_at(f, schema::ranks, &ranks) &&
                          number_at(f, schema::params, &params) && number_at(f, schema::batch, &batch) &&
                          number_at(f, schema::step_ms_median, &step_ms) &&
                          number_at(f, schema::payload_sent, &out->payload_sent, schema::bytes_per_iter);
    if (!complete)
        return (*error = path + ": not a train summary (needs method, strategy, ranks, params, batch, step_ms_median, "
                                "bytes_per_iter.payload_sent)"), false;
    if (!method_parse(out->method, &method)) return (*error = path + ": unknown method '" + out->method + "'"), false;
    if (!strategy_find(out->strategy)) return (*error = path + ": unknown strategy '" + out->strategy + "'"), false;
    if (ranks < 1 || params < 1 || batch < 1 || !(step_ms > 0))
        return (*error = path + ": ranks, params, batch and step_ms_median must be positive"), false;
    out->path = path;
    out->kind = method_message_kind(method);
    out->ranks = int(ranks);
    out->params = uint64_t(params);
    out->batch = int(batch);
    out->step_s = 1e-3 * step_ms;
    number_at(f, schema::density, &out->density);
    string_at(f, schema::transport, &out->transport);
    for (int p = 0; p < phase_count; ++p) {
        double share = 0;
        if (!number_at(f, phase_name(Phase(p)), &share, schema::time_share))
            return (*error = path + ": no " + schema::time_share + "." + phase_name(Phase(p))), false;
        out->phase_s[size_t(p)] = share * out->step_s;
    }
    const JsonRecord* overlap = field(f, schema::overlap);
    out->overlap = overlap && overlap->is_boolean() && overlap->get<bool>();
    double busy_share = 0;
    out->comm_busy_s = number_at(f, schema::comm_busy_share, &busy_share) ? busy_share * out->step_s
                                                                         : out->phase_s[size_t(Phase::comm)];
    return true;
}

bool run_files_find(std::span<const std::string> paths, std::vector<std::string>* out, std::string* error) {
    namespace fs = std::filesystem;
    for (const std::string& path : paths) {
        std::error_code ec;
        const size_t before = out->size();
        if (fs::is_regular_file(path, ec)) out->push_back(path);
        else if (fs::is_directory(path, ec))
            for (const fs::directory_entry& e : fs::recursive_directory_iterator(path, ec))
                if (e.is_regular_file() && e.path().filename() == schema::summary_json)
                    out->push_back(e.path().string());
        if (out->size() == before) return (*error = "no summary.json at or under '" + path + "'"), false;
        std::sort(out->begin() + long(before), out->end());
    }
    return true;
}

OverlapFit overlap_fit_from_run(const RunProfile& r) {
    OverlapFit f;
    const double busy = r.comm_busy_s, exposed = std::min(r.phase_s[size_t(Phase::comm)], busy);
    if (!r.overlap || !(busy > 0)) return f;
    f.fitted = true;
    f.window_s = busy - exposed;
    f.exposed_share = exposed / busy;
    f.from = r.path;
    return f;
}

double overlap_exposed_seconds(const OverlapFit& f, double comm_s, double compute_scale) {
    if (!f.fitted) return comm_s;
    return std::max(f.exposed_share * comm_s, comm_s - f.window_s * compute_scale);
}

double run_local_seconds(const RunProfile& r) {
    double s = 0;
    for (int p = 0; p < phase_count; ++p)
        if (Phase(p) != Phase::comm) s += r.phase_s[size_t(p)];
    return s;
}

}  // namespace bitvote
