// Reads one JSON object (one line of a sweep file, a summary.json) into flat
// fields: nested objects give dotted keys ("time_share.compute"), arrays are
// skipped. Enough for bitvote's own run files; not a general JSON library.
//
//   JsonFields f;
//   std::string error;
//   if (!json_fields_parse(line, &f, &error)) ...;      // error: what and where
//   double ms = 0;  json_field_number(f, "step_ms_median", &ms);  // false if absent, null or not a number
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace bitvote {

// A value as text: numbers and strings (unescaped) as they read, "null",
// "true", "false"; `is_string` tells a string "null" from null.
struct JsonValue {
    std::string text;
    bool is_string = false;
};
using JsonFields = std::map<std::string, JsonValue>;

bool json_fields_parse(std::string_view text, JsonFields* out, std::string* error);
bool json_field_number(const JsonFields& f, const std::string& key, double* out);
bool json_field_string(const JsonFields& f, const std::string& key, std::string* out);

}  // namespace bitvote
