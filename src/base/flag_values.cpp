#include "base/flag_values.h"

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace bitvote {
namespace {

// "--batch N" -> {"--batch", "N"}; "--resume" -> {"--resume", ""}.
std::pair<std::string, std::string> spec_split(std::string_view spec) {
    const size_t space = spec.find(' ');
    if (space == std::string_view::npos) return {std::string(spec), ""};
    return {std::string(spec.substr(0, space)), std::string(spec.substr(space + 1))};
}

void fail(const std::string& name, const std::string& text, const std::string& want) {
    throw CLI::ValidationError(name, "'" + text + "' is not " + want);
}

}  // namespace

bool int_parse(const std::string& text, int64_t lo, int64_t hi, int64_t* out) {
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (errno || end == text.c_str() || *end || v < lo || v > hi) return false;
    *out = v;
    return true;
}

bool real_parse(const std::string& text, double* out) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end || !std::isfinite(v)) return false;
    *out = v;
    return true;
}

std::string names_text(const std::vector<std::string_view>& names) {
    std::string s;
    for (size_t i = 0; i < names.size(); ++i)
        s += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + std::string(names[i]);
    return s;
}

Choices<std::string> one_of(const std::vector<std::string_view>& names) {
    Choices<std::string> c;
    for (std::string_view n : names) c.items.emplace_back(std::string(n), std::string(n));
    return c;
}

std::string int_want(IntRange r) {
    if (r.hi >= std::numeric_limits<int32_t>::max()) return "an integer >= " + std::to_string(r.lo);
    return "an integer in [" + std::to_string(r.lo) + ", " + std::to_string(r.hi) + "]";
}

std::string real_text(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", v);
    return text;
}

std::string real_want(RealRange r) {
    if (std::isinf(r.hi)) return std::string("a number ") + (r.lo_open ? "> " : ">= ") + real_text(r.lo);
    return std::string("a number in ") + (r.lo_open ? "(" : "[") + real_text(r.lo) + ", " + real_text(r.hi) +
           (r.hi_open ? ")" : "]");
}

bool real_in(RealRange r, double v) { return (r.lo_open ? v > r.lo : v >= r.lo) && (r.hi_open ? v < r.hi : v <= r.hi); }

CLI::Option* flag_add(CLI::App* app, std::string_view spec, std::function<std::string(const std::string&)> store,
                      std::string_view help, std::string shown) {
    const auto [name, value_name] = spec_split(spec);
    CLI::Option* opt = app->add_option_function<std::string>(
        name,
        [name = name, store](const std::string& text) {
            if (std::string want = store(text); !want.empty()) fail(name, text, want);
        },
        std::string(help));
    opt->type_name(value_name);
    opt->default_str(shown);
    opt->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    return opt;
}

CLI::Option* flag(CLI::App* app, std::string_view spec, std::string* out, std::string_view help, const char* shown) {
    auto store = [out](const std::string& text) {
        if (text.empty()) return std::string("a name");
        *out = text;
        return std::string();
    };
    return flag_add(app, spec, store, help, shown ? shown : *out);
}

CLI::Option* flag_values(CLI::App* app, std::string_view spec, std::function<std::string(const std::string&)> store,
                         std::string_view help) {
    const auto [name, value_name] = spec_split(spec);
    CLI::Option* opt = app->add_option_function<std::vector<std::string>>(
        name,
        [name = name, store](const std::vector<std::string>& texts) {
            for (const std::string& text : texts)
                if (std::string want = store(text); !want.empty()) fail(name, text, want);
        },
        std::string(help));
    opt->type_name(value_name);
    return opt;
}

CLI::Option* flag_required(CLI::Option* opt) { return opt->required(); }

CLI::Option* flag_switch(CLI::App* app, std::string_view name, bool* out, std::string_view help) {
    return app->add_flag(std::string(name), *out, std::string(help));
}

void flags_check(CLI::App* app, std::function<std::string()> check) {
    app->callback([check] {
        if (std::string why = check(); !why.empty()) throw CLI::ValidationError(why);
    });
}

}  // namespace bitvote
