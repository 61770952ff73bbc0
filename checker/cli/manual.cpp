#include "manual.h"

#include <sstream>
#include <vector>

namespace pc5check::cli {

namespace {

/// The subcommands a user sees (a hidden one has an empty group).
std::vector<const CLI::App*> visible_subcommands(const CLI::App& app)
{
    return app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); });
}

/// The options a user sees, positionals included.
std::vector<const CLI::Option*> visible_options(const CLI::App& app)
{
    return app.get_options([](const CLI::Option* o) { return !o->get_group().empty(); });
}

/// Every spelling of a named option: "-o", "--output".
std::vector<std::string> spellings(const CLI::Option& o)
{
    std::vector<std::string> out;
    for (const auto& s : o.get_snames()) {
        out.push_back("-" + s);
    }
    for (const auto& l : o.get_lnames()) {
        out.push_back("--" + l);
    }
    return out;
}

/// The fixed values of an option validated by a set ("TEXT:{text,json}" -> text json), else empty.
std::vector<std::string> choices(const CLI::Option& o)
{
    const std::string type = o.get_type_name();
    const auto open = type.find(":{");
    const auto close = type.find('}', open == std::string::npos ? 0 : open);
    std::vector<std::string> out;
    if (open == std::string::npos || close == std::string::npos) {
        return out;
    }
    std::stringstream list(type.substr(open + 2, close - open - 2));
    for (std::string item; std::getline(list, item, ',');) {
        out.push_back(item);
    }
    return out;
}

/// Text as roff prints it: a backslash doubled as \e, a line starting with '.' or '\'' escaped, and
/// '-' as \- (a hyphen would break the option names when copied from the page).
std::string roff(std::string_view text)
{
    std::string out;
    bool line_start = true;
    for (const char c : text) {
        if (line_start && (c == '.' || c == '\'')) {
            out += "\\&";
        }
        if (c == '\\') {
            out += "\\e";
        } else if (c == '-') {
            out += "\\-";
        } else {
            out += c;
        }
        line_start = c == '\n';
    }
    return out;
}

void man_options(std::ostringstream& out, const CLI::App& sub)
{
    for (const CLI::Option* o : visible_options(sub)) {
        std::string head;
        if (o->nonpositional()) {
            for (const auto& s : spellings(*o)) {
                head += (head.empty() ? "" : ", ") + std::string("\\fB") + roff(s) + "\\fR";
            }
        } else {
            head = "\\fI" + roff(o->get_name(true)) + "\\fR";
        }
        if (o->get_items_expected_max() > 0 && o->nonpositional()) {
            head += " \\fI" + roff(o->get_type_name()) + "\\fR";
        }
        out << ".TP\n" << head << "\n" << roff(o->get_description()) << "\n";
    }
}

void man_subcommand(std::ostringstream& out, const CLI::App& sub)
{
    out << ".SS \\fBpc5check " << roff(sub.get_name()) << "\\fR";
    for (const CLI::Option* o : visible_options(sub)) {
        if (!o->nonpositional()) {
            out << (o->get_required() ? " \\fI" : " [\\fI") << roff(o->get_name(true)) << "\\fR"
                << (o->get_items_expected_max() > 1 ? "..." : "") << (o->get_required() ? "" : "]");
        }
    }
    out << " [\\fIoptions\\fR]\n" << roff(sub.get_description()) << "\n";
    man_options(out, sub);
    if (const std::string footer = sub.get_footer(); !footer.empty()) {
        out << ".PP\n.nf\n" << roff(footer) << "\n.fi\n";
    }
}

/// A shell word list: "a b c".
std::string words(const std::vector<std::string>& items)
{
    std::string out;
    for (const auto& s : items) {
        out += (out.empty() ? "" : " ") + s;
    }
    return out;
}

/// Text inside zsh's single-quoted `[description]`: no quote, no bracket, no colon.
std::string zsh_text(std::string_view text)
{
    std::string out;
    for (const char c : text) {
        const bool special = c == '\'' || c == '[' || c == ']' || c == ':' || c == '\\' || c == '\n';
        out += special ? ' ' : c;
    }
    return out;
}

/// The description without a leading "pc5check — " (NAME already names the program).
std::string summary(const std::string& description)
{
    const std::string_view dash = " \u2014 ";
    const auto at = description.find(dash);
    return description.starts_with("pc5check") && at != std::string::npos
               ? description.substr(at + dash.size())
               : description;
}

} // namespace

std::string man_page(const CLI::App& app, std::string_view version)
{
    std::ostringstream out;
    out << ".TH PC5CHECK 1 \"\" \"pc5check " << roff(version) << "\" \"User Commands\"\n"
        << ".SH NAME\npc5check \\- " << roff(summary(app.get_description())) << "\n"
        << ".SH SYNOPSIS\n\\fBpc5check\\fR \\fIcommand\\fR [\\fIoptions\\fR] [\\fIarguments\\fR]\n"
        << ".br\n\\fBpc5check \\-\\-version\\fR\n"
        << ".SH DESCRIPTION\n"
        << "pc5check replays captured PC5 re\\-keying message traces (pc5\\-trace/1) against an executable "
           "model of the procedure and checks the model's properties with the Z3 solver. Each command "
           "below is documented by its own \\fB\\-\\-help\\fR, from which this page is generated.\n"
        << ".SH COMMANDS\n";
    for (const CLI::App* sub : visible_subcommands(app)) {
        man_subcommand(out, *sub);
    }
    out << ".SH EXIT STATUS\n"
        << roff(app.get_footer()) << "\n"
        << ".SH ENVIRONMENT\n.TP\n\\fBPC5CHECK_SPEC_PATH\\fR\n"
        << "colon\\-separated directories searched for \\fI<spec id>\\fR.json before the shipped specs\n"
        << ".TP\n\\fBNO_COLOR\\fR\nwhen set, no ANSI colours\n"
        << ".SH FILES\n.TP\n\\fI<prefix>/share/pc5check/spec/\\fR\n"
        << "the shipped spec variants and JSON schemas, found relative to the binary\n"
        << ".TP\n\\fI<prefix>/share/doc/pc5check/\\fR\nthe trace format, CLI, rules and properties\n";
    return out.str();
}

std::string bash_completion(const CLI::App& app)
{
    std::ostringstream out;
    std::vector<std::string> names;
    for (const CLI::App* sub : visible_subcommands(app)) {
        names.push_back(sub->get_name());
    }
    out << "# bash completion for pc5check (generated by `pc5check manual bash`)\n"
        << "_pc5check()\n{\n"
        << "    local cur prev cmd\n"
        << "    cur=\"${COMP_WORDS[COMP_CWORD]}\"\n"
        << "    prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
        << "    cmd=\"${COMP_WORDS[1]}\"\n"
        << "    if [[ $COMP_CWORD -eq 1 ]]; then\n"
        << "        COMPREPLY=($(compgen -W \"" << words(names) << " --help --version\" -- \"$cur\"))\n"
        << "        return\n    fi\n"
        << "    case \"$cmd\" in\n";
    for (const CLI::App* sub : visible_subcommands(app)) {
        std::vector<std::string> opts;
        std::string values; // `case "$prev"` arms: an option with a fixed set of values offers them
        for (const CLI::Option* o : visible_options(*sub)) {
            const auto s = spellings(*o);
            opts.insert(opts.end(), s.begin(), s.end());
            if (const auto c = choices(*o); !c.empty() && o->nonpositional()) {
                std::string pattern;
                for (const auto& spelled : s) {
                    pattern += (pattern.empty() ? "" : "|") + spelled;
                }
                values += "            " + pattern + ") COMPREPLY=($(compgen -W \"" + words(c) +
                          "\" -- \"$cur\")); return ;;\n";
            }
        }
        out << "    " << sub->get_name() << ")\n"
            << "        case \"$prev\" in\n"
            << values << "        esac\n"
            << "        if [[ \"$cur\" == -* ]]; then\n"
            << "            COMPREPLY=($(compgen -W \"" << words(opts) << "\" -- \"$cur\"))\n"
            << "        else\n"
            << "            COMPREPLY=($(compgen -f -- \"$cur\"))\n"
            << "        fi\n        ;;\n";
    }
    out << "    esac\n}\ncomplete -o filenames -F _pc5check pc5check\n";
    return out.str();
}

std::string zsh_completion(const CLI::App& app)
{
    std::ostringstream out;
    out << "#compdef pc5check\n# zsh completion for pc5check (generated by `pc5check manual zsh`)\n\n"
        << "_pc5check() {\n  local -a commands\n  commands=(\n";
    for (const CLI::App* sub : visible_subcommands(app)) {
        out << "    '" << sub->get_name() << ":" << zsh_text(sub->get_description()) << "'\n";
    }
    out << "  )\n  if (( CURRENT == 2 )); then\n    _describe 'command' commands\n    return\n  fi\n"
        << "  local cmd=${words[2]}\n  shift words\n  (( CURRENT-- ))\n  case $cmd in\n";
    for (const CLI::App* sub : visible_subcommands(app)) {
        out << "  " << sub->get_name() << ")\n    _arguments -s \\\n";
        for (const CLI::Option* o : visible_options(*sub)) {
            if (!o->nonpositional()) {
                out << "      '*:" << zsh_text(o->get_name(true)) << ":_files' \\\n";
                continue;
            }
            const auto c = choices(*o);
            const std::string action = o->get_items_expected_max() == 0 ? ""
                                       : c.empty()                      ? ":value:_files"
                                                                        : ":value:(" + words(c) + ")";
            for (const auto& s : spellings(*o)) {
                out << "      '" << s << "[" << zsh_text(o->get_description()) << "]" << action << "' \\\n";
            }
        }
        out << "    ;;\n";
    }
    out << "  esac\n}\n\n_pc5check \"$@\"\n";
    return out.str();
}

CLI::App* add_manual_command(CLI::App& app, std::string& format)
{
    auto* cmd = app.add_subcommand("manual", "Print the manual page or a shell completion script");
    cmd->group(""); // hidden: the build runs it
    cmd->add_option("format", format, "man | bash | zsh")
        ->required()
        ->check(CLI::IsMember({"man", "bash", "zsh"}));
    return cmd;
}

} // namespace pc5check::cli
