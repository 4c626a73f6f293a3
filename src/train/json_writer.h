// A tiny JSON writer for run files: objects and arrays appended to a string.
//
//   JsonWriter j;
//   json_object_begin(&j);
//   json_string(&j, "method", "s3gd");  json_number(&j, "lr", 0.01);  json_null(&j, "wire_sent");
//   json_object_begin(&j, "time_share"); ... json_object_end(&j);
//   json_object_end(&j);                 // j.text holds one line, no newline
// A key of nullptr means an array element. Non-finite numbers are written as null.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bitvote {

struct JsonWriter {
    std::string text;
    std::vector<bool> empty;  // per open object/array: nothing written in it yet
};

void json_object_begin(JsonWriter* j, const char* key = nullptr);
void json_object_end(JsonWriter* j);
void json_array_begin(JsonWriter* j, const char* key = nullptr);
void json_array_end(JsonWriter* j);
void json_string(JsonWriter* j, const char* key, std::string_view value);
void json_number(JsonWriter* j, const char* key, double value);  // round-trips; NaN, inf -> null
void json_int(JsonWriter* j, const char* key, int64_t value);
void json_null(JsonWriter* j, const char* key);

}  // namespace bitvote
