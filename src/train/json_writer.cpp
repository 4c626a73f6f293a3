#include "train/json_writer.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace bitvote {
namespace {

void append_quoted(std::string* out, std::string_view s) {
    *out += '"';
    for (char ch : s) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            *out += '\\';
            *out += ch;
        } else if (c == '\n') {
            *out += "\\n";
        } else if (c == '\t') {
            *out += "\\t";
        } else if (c < 0x20) {
            char esc[8];
            std::snprintf(esc, sizeof esc, "\\u%04x", c);
            *out += esc;
        } else {
            *out += ch;
        }
    }
    *out += '"';
}

// The separator and the key of the next value.
void begin_value(JsonWriter* j, const char* key) {
    if (!j->empty.empty()) {
        if (!j->empty.back()) j->text += ',';
        j->empty.back() = false;
    }
    if (key) {
        append_quoted(&j->text, key);
        j->text += ':';
    }
}

}  // namespace

void json_object_begin(JsonWriter* j, const char* key) {
    begin_value(j, key);
    j->text += '{';
    j->empty.push_back(true);
}

void json_object_end(JsonWriter* j) {
    j->text += '}';
    j->empty.pop_back();
}

void json_array_begin(JsonWriter* j, const char* key) {
    begin_value(j, key);
    j->text += '[';
    j->empty.push_back(true);
}

void json_array_end(JsonWriter* j) {
    j->text += ']';
    j->empty.pop_back();
}

void json_string(JsonWriter* j, const char* key, std::string_view value) {
    begin_value(j, key);
    append_quoted(&j->text, value);
}

void json_number(JsonWriter* j, const char* key, double value) {
    begin_value(j, key);
    if (!std::isfinite(value)) {
        j->text += "null";
        return;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", value);  // the shortest of these two that reads back exactly
    if (std::strtod(buf, nullptr) != value) std::snprintf(buf, sizeof buf, "%.17g", value);
    j->text += buf;
}

void json_int(JsonWriter* j, const char* key, int64_t value) {
    begin_value(j, key);
    j->text += std::to_string(value);
}

void json_null(JsonWriter* j, const char* key) {
    begin_value(j, key);
    j->text += "null";
}

}  // namespace bitvote
