/// \file State diagrams of a spec in Graphviz DOT and Mermaid (`pc5check spec dot|mermaid`).

#include "pc5check/spec/diagram.h"

#include <cctype>
#include <set>
#include <string_view>
#include <vector>

namespace pc5check::spec {

namespace {

/// Guards longer than this (in bytes of their squeezed text) are cut and end in an ellipsis.
constexpr std::size_t kGuardMax = 40;
/// U+2026 HORIZONTAL ELLIPSIS in UTF-8 (both DOT and Mermaid read UTF-8).
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";

constexpr std::string_view kLegend = "Edge labels: !MSG = the role sends MSG, ?MSG = the role receives MSG, "
                                     "[guard] = its condition (shortened), no target state = self-loop";

/// One drawn edge: a transition from one of its source states.
struct Edge {
    std::string from;  ///< state id
    std::string to;    ///< state id
    std::string label; ///< "!MSG [guard]", unescaped
    const Transition* transition = nullptr;
};

/// One role's part of the diagram.
struct RoleGraph {
    std::string role;
    std::string id;       ///< cluster / composite-state id
    std::string start_id; ///< DOT node of the initial marker
    std::vector<std::string> states;
    std::vector<std::string> state_ids; ///< parallel to `states`
    std::vector<Edge> edges;
};

/// Whitespace runs and control characters become one space; both ends trimmed.
std::string squeeze(std::string_view text)
{
    std::string out;
    bool space = false;
    for (const char c : text) {
        if (static_cast<unsigned char>(c) <= 0x20U || c == '\x7F') {
            space = !out.empty();
            continue;
        }
        if (space) {
            out += ' ';
            space = false;
        }
        out += c;
    }
    return out;
}

/// The guard as shown on an edge: empty for "true", else cut to about kGuardMax characters.
std::string guard_summary(const Transition& t)
{
    std::string g = squeeze(t.guard_text);
    if (g.empty() || g == "true") {
        return {};
    }
    if (g.size() > kGuardMax) {
        std::size_t cut = kGuardMax - 1;
        // Never split a UTF-8 sequence (continuation bytes are 10xxxxxx).
        while (cut > 0 && (static_cast<unsigned char>(g[cut]) & 0xC0U) == 0x80U) {
            --cut;
        }
        g.resize(cut);
        while (!g.empty() && g.back() == ' ') {
            g.pop_back();
        }
        g += kEllipsis;
    }
    return g;
}

/// "!A | !B" for a send transition on A or B, "?A" for a receive transition.
std::string message_label(const Transition& t)
{
    const std::string mark = t.dir == Direction::send ? "!" : "?";
    std::string out;
    for (const auto& m : t.on) {
        out += out.empty() ? "" : " | ";
        out += mark;
        out += m;
    }
    return out;
}

/// `text` reduced to [A-Za-z0-9_] (valid in both DOT and Mermaid ids), made unique within `used`.
std::string unique_id(const std::string& text, std::set<std::string>& used)
{
    std::string base;
    for (const char c : text) {
        base += std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_';
    }
    std::string id = base;
    for (int n = 2; !used.insert(id).second; ++n) {
        id = base + "_" + std::to_string(n);
    }
    return id;
}

/// Every role with control states, in the spec's (sorted) order, with its edges in transition order.
std::vector<RoleGraph> build(const Spec& spec)
{
    std::set<std::string> used{"legend"};
    std::vector<RoleGraph> graphs;
    for (const auto& [role, states] : spec.control_states) {
        RoleGraph g;
        g.role = role;
        g.id = unique_id(role, used);
        const std::string prefix =
            std::string(1, static_cast<char>(
                               std::toupper(static_cast<unsigned char>(role.empty() ? 'R' : role[0])))) +
            "_";
        g.start_id = unique_id(prefix + "_start", used);
        g.states = states;
        for (const auto& s : states) {
            g.state_ids.push_back(unique_id(prefix + s, used));
        }
        graphs.push_back(std::move(g));
    }
    for (const auto& t : spec.transitions) {
        if (t.dir == Direction::observe) {
            continue; // link observations are not part of a role's state machine
        }
        for (auto& g : graphs) {
            if (g.role != t.role) {
                continue;
            }
            const auto id_of = [&g](const std::string& state) {
                for (std::size_t i = 0; i < g.states.size(); ++i) {
                    if (g.states[i] == state) {
                        return g.state_ids[i];
                    }
                }
                return std::string(); // the loader only admits declared states
            };
            const std::string guard = guard_summary(t);
            const std::string label = message_label(t) + (guard.empty() ? "" : " [" + guard + "]");
            const std::vector<std::string>& sources = t.from.empty() ? g.states : t.from;
            for (const auto& from : sources) {
                g.edges.push_back(Edge{id_of(from), id_of(t.to.empty() ? from : t.to), label, &t});
            }
        }
    }
    return graphs;
}

/// Contents of a DOT double-quoted string (also an escString: a backslash must be doubled).
std::string dot_quote(std::string_view text)
{
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out + "\"";
}

/// Text for a Mermaid state description or transition label. Mermaid ends a label at ':' ';' or a
/// newline, starts comments at '%%' and '#', and renders labels as HTML: those characters become
/// Mermaid entity codes (#NN; / #name;), which it decodes before drawing.
std::string mermaid_text(std::string_view text)
{
    std::string out;
    for (const char c : text) {
        switch (c) {
        case '"':
            out += "#quot;";
            break;
        case '#':
            out += "#35;";
            break;
        case '%':
            out += "#37;";
            break;
        case ':':
            out += "#58;";
            break;
        case ';':
            out += "#59;";
            break;
        case '&':
            out += "#amp;";
            break;
        case '<':
            out += "#lt;";
            break;
        case '>':
            out += "#gt;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

} // namespace

std::string to_dot(const Spec& spec)
{
    const std::vector<RoleGraph> graphs = build(spec);
    std::string out;
    out += "// " + squeeze(spec.id) + ": control states of each role (generated by `pc5check spec dot`).\n";
    out += "// " + std::string(kLegend) + ".\n";
    out += "digraph " + dot_quote(spec.id) + " {\n";
    out += "    label=" +
           dot_quote(squeeze(spec.id + (spec.title.empty() ? "" : " \xE2\x80\x94 " + spec.title))) + ";\n";
    out += "    labelloc=t;\n";
    out += "    node [shape=box, style=rounded];\n";
    out += "    \"legend\" [shape=note, style=\"\", label=\"!MSG   the role sends MSG\\l?MSG   the role "
           "receives "
           "MSG\\l[guard]   its condition (shortened)\\lno target state: self-loop\\l\"];\n";
    for (const auto& g : graphs) {
        out += "    subgraph " + dot_quote("cluster_" + g.id) + " {\n";
        out += "        label=" + dot_quote(g.role) + ";\n";
        out += "        " + dot_quote(g.start_id) + " [shape=point, width=0.15, label=\"\"];\n";
        for (std::size_t i = 0; i < g.states.size(); ++i) {
            out += "        " + dot_quote(g.state_ids[i]) + " [label=" + dot_quote(squeeze(g.states[i])) +
                   "];\n";
        }
        if (!g.state_ids.empty()) {
            out += "        " + dot_quote(g.start_id) + " -> " + dot_quote(g.state_ids.front()) + ";\n";
        }
        for (const auto& e : g.edges) {
            out += "        " + dot_quote(e.from) + " -> " + dot_quote(e.to) +
                   " [label=" + dot_quote(e.label) +
                   ", tooltip=" + dot_quote(squeeze(e.transition->id + ": " + e.transition->text)) + "];\n";
        }
        out += "    }\n";
    }
    out += "}\n";
    return out;
}

std::string to_mermaid(const Spec& spec)
{
    const std::vector<RoleGraph> graphs = build(spec);
    std::string out = "stateDiagram-v2\n";
    // Comment lines end at the newline only; squeeze() has removed every newline.
    out += "    %% " + squeeze(spec.id) +
           ": control states of each role (generated by `pc5check spec mermaid`).\n";
    out += "    %% " + std::string(kLegend) + ".\n";
    for (const auto& g : graphs) {
        out += "    state " + g.id + " {\n";
        for (std::size_t i = 0; i < g.states.size(); ++i) {
            out += "        state \"" + mermaid_text(squeeze(g.states[i])) + "\" as " + g.state_ids[i] + "\n";
        }
        if (!g.state_ids.empty()) {
            out += "        [*] --> " + g.state_ids.front() + "\n";
        }
        for (const auto& e : g.edges) {
            out += "        %% " + squeeze(e.transition->id) + "\n";
            out += "        " + e.from + " --> " + e.to + " : " + mermaid_text(e.label) + "\n";
        }
        out += "    }\n";
    }
    return out;
}

} // namespace pc5check::spec
