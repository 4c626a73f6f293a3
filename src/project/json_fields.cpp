// A small recursive-descent reader for one JSON object (see json_fields.h).
#include "project/json_fields.h"

#include <cmath>
#include <cstdlib>

namespace bitvote {
namespace {

struct Cursor {
    std::string_view text;
    size_t at = 0;
    std::string error;  // first error; parsing stops there
};

bool fail(Cursor* c, const char* what) {
    if (c->error.empty()) c->error = std::string(what) + " at byte " + std::to_string(c->at);
    return false;
}

void skip_space(Cursor* c) {
    while (c->at < c->text.size() && (c->text[c->at] == ' ' || c->text[c->at] == '\t' || c->text[c->at] == '\n' ||
                                      c->text[c->at] == '\r'))
        ++c->at;
}

bool take(Cursor* c, char ch) {
    skip_space(c);
    if (c->at < c->text.size() && c->text[c->at] == ch) return ++c->at, true;
    return false;
}

// A string after its opening quote; \uXXXX escapes are kept as written.
bool read_string(Cursor* c, std::string* out) {
    out->clear();
    while (c->at < c->text.size() && c->text[c->at] != '"') {
        char ch = c->text[c->at++];
        if (ch == '\\' && c->at < c->text.size()) {
            const char e = c->text[c->at++];
            ch = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
            if (e == 'u') out->push_back('\\');
        }
        out->push_back(ch);
    }
    if (c->at >= c->text.size()) return fail(c, "unterminated string");
    ++c->at;
    return true;
}

// A number, true, false or null: the bare word up to a delimiter.
bool read_word(Cursor* c, std::string* out) {
    const size_t start = c->at;
    while (c->at < c->text.size() && std::string_view(",}] \t\r\n").find(c->text[c->at]) == std::string_view::npos)
        ++c->at;
    *out = std::string(c->text.substr(start, c->at - start));
    if (*out == "null" || *out == "true" || *out == "false") return true;
    char* end = nullptr;
    std::strtod(out->c_str(), &end);
    return (!out->empty() && *end == 0) || fail(c, "bad value");
}

bool read_value(Cursor* c, const std::string& key, JsonFields* out);

// An object after its '{'; members land under prefix + name.
bool read_object(Cursor* c, const std::string& prefix, JsonFields* out) {
    if (take(c, '}')) return true;
    do {
        std::string name;
        if (!take(c, '"') || !read_string(c, &name)) return fail(c, "expected a member name");
        if (!take(c, ':')) return fail(c, "expected ':'");
        if (!read_value(c, prefix + name, out)) return false;
    } while (take(c, ','));
    return take(c, '}') || fail(c, "expected ',' or '}'");
}

// An array after its '['; its elements are read and dropped.
bool skip_array(Cursor* c) {
    JsonFields dropped;
    if (take(c, ']')) return true;
    do
        if (!read_value(c, "", &dropped)) return false;
    while (take(c, ','));
    return take(c, ']') || fail(c, "expected ',' or ']'");
}

bool read_value(Cursor* c, const std::string& key, JsonFields* out) {
    skip_space(c);
    if (take(c, '{')) return read_object(c, key + ".", out);
    if (take(c, '[')) return skip_array(c);
    JsonValue v;
    v.is_string = take(c, '"');
    if (!(v.is_string ? read_string(c, &v.text) : read_word(c, &v.text))) return false;
    (*out)[key] = v;
    return true;
}

}  // namespace

bool json_fields_parse(std::string_view text, JsonFields* out, std::string* error) {
    Cursor c{text, 0, ""};
    out->clear();
    bool ok = take(&c, '{') ? read_object(&c, "", out) : fail(&c, "expected '{'");
    skip_space(&c);
    if (ok && c.at != text.size()) ok = fail(&c, "text after the object");
    if (!ok) *error = c.error;
    return ok;
}

bool json_field_number(const JsonFields& f, const std::string& key, double* out) {
    auto it = f.find(key);
    if (it == f.end() || it->second.is_string || it->second.text == "null") return false;
    char* end = nullptr;
    const double v = std::strtod(it->second.text.c_str(), &end);
    if (*end || !std::isfinite(v)) return false;
    *out = v;
    return true;
}

bool json_field_string(const JsonFields& f, const std::string& key, std::string* out) {
    auto it = f.find(key);
    if (it == f.end() || !it->second.is_string) return false;
    *out = it->second.text;
    return true;
}

}  // namespace bitvote
