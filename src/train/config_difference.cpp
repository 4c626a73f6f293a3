#include "train/config_difference.h"

#include <set>
#include <string_view>
#include <vector>

#include "base/json_line.h"
#include "base/run_schema.h"

namespace bitvote {
namespace {

// The config record's fields a resumed run may change.
const std::set<std::string_view> may_differ = {
    schema::event,     schema::steps,   schema::epochs,    schema::eval_every,       schema::timing,
    schema::data,      schema::nodes,   schema::hosts,     schema::threads_per_rank, schema::isa,
    schema::transport, schema::slurm_job_id, schema::versions,
};

JsonRecord parse_object(const std::string& line) {
    JsonRecord r = JsonRecord::parse(line, nullptr, false);
    return r.is_object() ? r : JsonRecord();
}

std::string value_text(const JsonRecord& r, const std::string& key) {
    return r.contains(key) ? json_line(r[key]) : "(none)";
}

}  // namespace

std::string config_difference(const std::string& saved, const std::string& current) {
    const JsonRecord a = parse_object(saved), b = parse_object(current);
    if (a.is_null()) return "its config record is not a JSON object";
    std::vector<std::string> keys;  // this run's order, then the checkpoint's other fields
    for (const auto& [k, v] : b.items()) keys.push_back(k);
    for (const auto& [k, v] : a.items())
        if (!b.contains(k)) keys.push_back(k);
    std::string diff;
    for (const std::string& k : keys) {
        if (may_differ.count(k) || (a.contains(k) && b.contains(k) && a[k] == b[k])) continue;
        diff += (diff.empty() ? "" : "; ") + k + " " + value_text(a, k) + " in the checkpoint, " + value_text(b, k) +
                " in this run";
    }
    return diff;
}

}  // namespace bitvote
