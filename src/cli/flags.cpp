#include "cli/flags.h"

#include <mpi.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "base/flag_values.h"
#include "comm/error_exit.h"
#include "comm/mpi_check.h"

namespace bitvote {
namespace {

constexpr size_t help_column = 24;

std::string indented(const std::string& text, const std::string& by) {
    std::string out = by;
    for (size_t i = 0; i < text.size(); ++i) {
        out += text[i];
        if (text[i] == '\n' && i + 1 < text.size()) out += by;
    }
    return out;
}

class HelpFormatter : public CLI::Formatter {
  public:
    HelpFormatter(std::string usage, std::string about, bool expand)
        : usage_(std::move(usage)), about_(std::move(about)), expand_(expand) {
        column_width(help_column);
    }

    std::string make_help(const CLI::App* app, std::string, CLI::AppFormatMode) const override {
        std::string out = "usage: " + usage_ + "\n";
        if (!about_.empty()) out += indented(about_, "  ") + "\n";
        if (std::string flags = flag_lines(app, true); !flags.empty()) out += "\nflags:\n" + flags;
        const auto subs = app->get_subcommands([](const CLI::App* s) { return !s->get_name().empty(); });
        if (!subs.empty()) out += "\n" + subs.front()->get_group() + ":\n";
        for (const CLI::App* s : subs) {
            out += line(s->get_name(), s->get_description());
            if (expand_) out += indented(flag_lines(s, false), "  ");
        }
        if (!app->get_footer().empty()) out += "\n" + app->get_footer() + "\n";
        return out;
    }

    std::string make_option_opts(const CLI::Option* opt) const override {
        return opt->get_type_size() == 0 || opt->get_type_name().empty() ? "" : " " + opt->get_type_name();
    }

    std::string make_option_desc(const CLI::Option* opt) const override {
        std::string desc = opt->get_description();
        if (opt->get_required()) desc += " (required)";
        if (!opt->get_default_str().empty()) desc += " (default: " + opt->get_default_str() + ")";
        return desc;
    }

  private:
    std::string line(const std::string& name, const std::string& desc) const {
        std::stringstream out;
        CLI::detail::format_help(out, name, desc, column_width_);
        return out.str();
    }

    // The flags in declaration order, -h,--help last (or left out).
    std::string flag_lines(const CLI::App* app, bool with_help) const {
        std::string out;
        for (const CLI::Option* opt : app->get_options())
            if (opt != app->get_help_ptr() && opt->nonpositional()) out += make_option(opt, false);
        if (with_help && app->get_help_ptr()) out += make_option(app->get_help_ptr(), false);
        return out;
    }

    std::string usage_, about_;
    bool expand_;
};

// The chain of subcommands parsed ("data synthetic") and the innermost App.
const CLI::App* innermost(const CLI::App& bitvote, std::string* path) {
    const CLI::App* app = &bitvote;
    while (!app->get_subcommands().empty()) {
        app = app->get_subcommands().front();
        *path += (path->empty() ? "" : " ") + app->get_name();
    }
    return app;
}

// The arguments nobody took: the innermost App's first, else its parents'.
std::vector<std::string> leftovers(const CLI::App& app) {
    for (const CLI::App* a = &app; a; a = a->get_parent())
        if (std::vector<std::string> r = a->remaining(); !r.empty()) return r;
    return {};
}

}  // namespace

void help_format(CLI::App* app, std::string usage, std::string about, std::string footer, bool expand) {
    app->formatter(std::make_shared<HelpFormatter>(std::move(usage), std::move(about), expand));
    app->footer(std::move(footer));
    app->set_help_flag("-h,--help", "this text");
}

std::string flag_error_text(const CLI::App& app, const CLI::ParseError& e) {
    const std::string what = e.what();
    if (dynamic_cast<const CLI::ExtrasError*>(&e)) {
        const std::vector<std::string> extra = leftovers(app);
        const std::string first = extra.empty() ? "" : extra.front();
        return (first.rfind('-', 0) == 0 ? "unknown flag '" : "unexpected argument '") + first + "'";
    }
    if (dynamic_cast<const CLI::RequiredError*>(&e) && app.get_require_subcommand_min() > 0 &&
        app.get_subcommands().empty()) {  // "which dataset?", "unknown command 'x'"
        std::vector<std::string_view> names;
        std::string noun;
        for (const CLI::App* s : app.get_subcommands([](const CLI::App* s) { return !s->get_name().empty(); })) {
            names.push_back(s->get_name());
            noun = s->get_group();
        }
        if (!noun.empty() && noun.back() == 's') noun.pop_back();
        const std::vector<std::string> extra = app.remaining();
        if (extra.empty()) return "which " + noun + "? " + names_text(names);
        return "unknown " + noun + " '" + extra.front() + "': expected " + names_text(names);
    }
    const std::string missing = " missing";  // "--lr: 1 required LR missing"
    if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) && what.size() > missing.size() &&
        what.compare(what.size() - missing.size(), missing.size(), missing) == 0)
        return what.substr(0, what.find(':')) + ": needs a value";
    return what;
}

int flags_exit(const CLI::App& bitvote, const CLI::ParseError& e, bool mpi) {
    std::string path;
    const CLI::App* app = innermost(bitvote, &path);
    const bool help = e.get_exit_code() == 0;  // --help
    std::string text;
    if (help)
        text = bitvote.help();
    else if (path.empty())  // no command, or an unknown one: the list of commands
        text = (leftovers(bitvote).empty() ? "" : "bitvote: " + flag_error_text(bitvote, e) + "\n") + bitvote.help();
    else
        text = flag_error_text(*app, e);
    if (mpi) {
        MPI_CHECK(MPI_Init(nullptr, nullptr));
        if (!help) return usage_error_exit(path, text);
        int rank = 0;
        MPI_CHECK(MPI_Comm_rank(MPI_COMM_WORLD, &rank));
        if (rank == 0) std::fputs(text.c_str(), stdout);
        MPI_CHECK(MPI_Finalize());
        return 0;
    }
    if (help) return std::fputs(text.c_str(), stdout), 0;
    if (path.empty()) return std::fputs(text.c_str(), stderr), 2;
    std::fprintf(stderr, "bitvote %s: %s (see bitvote %s --help)\n", path.c_str(), text.c_str(), path.c_str());
    return 2;
}

}  // namespace bitvote
