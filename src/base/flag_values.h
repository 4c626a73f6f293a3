// Declaring a flag for CLI11 (DESIGN.md 10). One call per flag names it and
// its value ("--batch N"), the member it fills (its type), what it accepts and
// its help; the help shows the member's value before parsing as the default.
// A value the flag does not accept fails the parse with one message that
// names the flag and what it accepts:
//     --batch: '0' is not an integer >= 1
//
//   flag(app, "--batch N", &cfg->batch, at_least(1), "samples per rank per step");
//   flag(app, "--method M", &cfg->method.kind, one_of(method_names(), method_parse), "what a rank sends");
//   flags_check(app, [cfg] { return train_config_check(*cfg); });  // after all flags: "" or the error
//
// The file that holds a config declares its flags (train/train_config.cpp,
// sweep/sweep_args.cpp, project/project_args.cpp); cli/ parses argv, prints
// help and errors, and dispatches. Only flag_values.cpp and cli/ include
// CLI11 itself.
#pragma once

#include <concepts>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace bitvote {

// ---- reading values ----

// A decimal integer in [lo, hi], nothing after it.
bool int_parse(const std::string& text, int64_t lo, int64_t hi, int64_t* out);
// A finite real number, nothing after it (strtod).
bool real_parse(const std::string& text, double* out);
// "a, b or c".
std::string names_text(const std::vector<std::string_view>& names);

// ---- what a flag accepts ----

// Whole numbers in [lo, hi]; hi is also capped by the member's type.
struct IntRange {
    int64_t lo, hi;
};
inline constexpr int64_t int_flag_max = std::numeric_limits<int64_t>::max() / 2;
inline IntRange at_least(int64_t lo) { return {lo, int_flag_max}; }
inline IntRange in_range(int64_t lo, int64_t hi) { return {lo, hi}; }

// Finite numbers from lo to hi, each end open or closed.
struct RealRange {
    double lo, hi;
    bool lo_open = false, hi_open = false;
};
inline constexpr double real_flag_max = std::numeric_limits<double>::infinity();
inline RealRange positive() { return {0, real_flag_max, true, false}; }  // > 0
inline RealRange non_negative() { return {0, real_flag_max}; }           // >= 0
inline RealRange fraction() { return {0, 1, true, false}; }              // (0, 1]

// One of a list of names, each standing for a value.
template <class T>
struct Choices {
    std::vector<std::pair<std::string, T>> items;
};
// The names as `parse` reads them (every name must parse).
template <class T>
Choices<T> one_of(const std::vector<std::string_view>& names, bool (*parse)(std::string_view, T*)) {
    Choices<T> c;
    for (std::string_view n : names) {
        T value{};
        parse(n, &value);
        c.items.emplace_back(std::string(n), value);
    }
    return c;
}
// Names that stand for themselves (strategy names).
Choices<std::string> one_of(const std::vector<std::string_view>& names);

// Anything `parse` reads; `want` says what that is ("iid, labels:C or dirichlet:A").
template <class T>
struct Parsed {
    std::function<bool(const std::string&, T*)> parse;
    std::string want;
};

// ---- declaring flags ----
// `shown` is the default the help prints: nullptr = the member's value, "" = none.

// The core of every flag(): store(text) keeps the value and returns "", or
// returns what the flag accepts. The last of repeated flags wins.
CLI::Option* flag_add(CLI::App* app, std::string_view spec, std::function<std::string(const std::string&)> store,
                      std::string_view help, std::string shown);

std::string int_want(IntRange r);
std::string real_want(RealRange r);
bool real_in(RealRange r, double v);
std::string real_text(double v);  // %g

template <std::integral T>
CLI::Option* flag(CLI::App* app, std::string_view spec, T* out, IntRange r, std::string_view help,
                  const char* shown = nullptr) {
    const uint64_t type_max = uint64_t(std::numeric_limits<T>::max());
    if (type_max < uint64_t(int_flag_max) && r.hi > int64_t(type_max)) r.hi = int64_t(type_max);
    auto store = [out, r](const std::string& text) {
        int64_t v = 0;
        if (!int_parse(text, r.lo, r.hi, &v)) return int_want(r);
        *out = T(v);
        return std::string();
    };
    return flag_add(app, spec, store, help, shown ? shown : std::to_string(*out));
}

template <std::floating_point T>
CLI::Option* flag(CLI::App* app, std::string_view spec, T* out, RealRange r, std::string_view help,
                  const char* shown = nullptr) {
    auto store = [out, r](const std::string& text) {
        double v = 0;
        if (!real_parse(text, &v) || !real_in(r, v)) return real_want(r);
        *out = T(v);
        return std::string();
    };
    return flag_add(app, spec, store, help, shown ? shown : real_text(double(*out)));
}

// A spec without a value name shows the names instead: "--model mlp|cnn".
template <class T>
CLI::Option* flag(CLI::App* app, std::string_view spec, T* out, const Choices<T>& c, std::string_view help,
                  const char* shown = nullptr) {
    std::vector<std::string_view> names;
    std::string current;
    for (const auto& [name, value] : c.items) {
        names.push_back(name);
        if (value == *out && current.empty()) current = name;
    }
    std::string bar;  // "mlp|cnn"
    for (std::string_view n : names) bar += (bar.empty() ? "" : "|") + std::string(n);
    auto store = [out, c, want = "one of " + names_text(names)](const std::string& text) {
        for (const auto& [name, value] : c.items)
            if (name == text) {
                *out = value;
                return std::string();
            }
        return want;
    };
    const std::string full_spec =
        spec.find(' ') == std::string_view::npos ? std::string(spec) + " " + bar : std::string(spec);
    return flag_add(app, full_spec, store, help, shown ? shown : current);
}

template <class T>
CLI::Option* flag(CLI::App* app, std::string_view spec, T* out, Parsed<T> p, std::string_view help,
                  const char* shown = "") {
    auto store = [out, p](const std::string& text) {
        T value{};
        if (!p.parse(text, &value)) return p.want;
        *out = std::move(value);
        return std::string();
    };
    return flag_add(app, spec, store, help, shown);
}

// Any non-empty text (a file or directory name).
CLI::Option* flag(CLI::App* app, std::string_view spec, std::string* out, std::string_view help,
                  const char* shown = nullptr);

// A flag that takes one or more values up to the next flag ("--runs DIR...");
// store(text) is called for each, as in flag_add. Repeated flags add values.
CLI::Option* flag_values(CLI::App* app, std::string_view spec, std::function<std::string(const std::string&)> store,
                         std::string_view help);

// The parse fails without this flag ("--data is required").
CLI::Option* flag_required(CLI::Option* opt);

// A flag without a value.
CLI::Option* flag_switch(CLI::App* app, std::string_view name, bool* out, std::string_view help);

// Runs `check` after every flag is parsed (not for --help): "" or the error,
// which fails the parse like a bad value.
void flags_check(CLI::App* app, std::function<std::string()> check);

}  // namespace bitvote
