// Records of the run files (base/run_schema.h) as nlohmann-json objects, and
// the one way they become text.
//
//   JsonRecord r;
//   r[schema::event] = schema::events::step;  r[schema::loss] = 0.25;
//   std::fprintf(f, "%s\n", json_line(r).c_str());
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace bitvote {

// A JSON object whose fields keep the order they were set in.
using JsonRecord = nlohmann::ordered_json;

// One line without its newline: compact, numbers that read back exactly,
// numbers that are not finite as null, UTF-8 as is and bytes that are not
// UTF-8 (a host name, a path) as U+FFFD rather than an exception.
inline std::string json_line(const JsonRecord& r) {
    return r.dump(-1, ' ', false, JsonRecord::error_handler_t::replace);
}

}  // namespace bitvote
