#include "pc5check/spec/diagram.h"

#include <doctest/doctest.h>
#include <string>
#include <vector>

namespace {

using pc5check::spec::Direction;
using pc5check::spec::Spec;
using pc5check::spec::Transition;

Spec load(const std::string& id)
{
    auto s = pc5check::spec::load_spec(std::string(PC5CHECK_SOURCE_DIR) + "/spec/" + id + ".json");
    REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error().to_string()));
    return *s;
}

/// Concatenation without temporaries.
template <class... Parts> std::string cat(const Parts&... parts)
{
    std::string out;
    ((out += parts), ...);
    return out;
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        out.push_back(text.substr(start, end - start));
        start = end == std::string::npos ? text.size() : end + 1;
    }
    return out;
}

/// `text` without Mermaid entity codes (#35; #quot;), which Mermaid decodes before parsing.
std::string without_entity_codes(const std::string& text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '#') {
            const std::size_t end = text.find(';', i);
            if (end != std::string::npos &&
                text.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789", i + 1) == end && end > i + 1) {
                i = end;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

std::string prefix_of(const std::string& role) { return role == "initiator" ? "I_" : "T_"; }

/// The expected edge label prefix: "!A | !B" or "?A".
std::string messages_of(const Transition& t)
{
    std::string out;
    for (const auto& m : t.on) {
        out += cat(out.empty() ? "" : " | ", t.dir == Direction::send ? "!" : "?", m);
    }
    return out;
}

/// A hand-made spec whose names and guards hold every character the two formats must escape.
Spec awkward_spec()
{
    Spec s;
    s.id = "odd\"spec";
    s.title = R"(title with "quotes" and a \ backslash)";
    s.control_states["initiator"] = {"IDLE", "WAIT \"X\": A;B", "WAIT-X"};
    s.control_states["target"] = {"IDLE"};
    Transition t;
    t.id = "go";
    t.role = "initiator";
    t.dir = Direction::send;
    t.from = {"IDLE"};
    t.to = "WAIT \"X\": A;B";
    t.on = {"REKEYING_REQUEST"};
    t.guard_text = "ie.x == \"a\\b\" && n < 3; #1 %% 50%\n   >= 2 || flag";
    t.text = "says \"hi\"";
    s.transitions.push_back(t);
    Transition loop = t;
    loop.id = "loop";
    loop.from = {};
    loop.to = "";
    loop.dir = Direction::recv;
    loop.on = {"DATA", "RELEASE"};
    loop.guard_text = "true";
    s.transitions.push_back(loop);
    Transition observe = t;
    observe.id = "link_watch";
    observe.role = "link";
    observe.dir = Direction::observe;
    observe.from = {};
    observe.to = "";
    s.transitions.push_back(observe);
    return s;
}

} // namespace

TEST_SUITE("spec")
{
    TEST_CASE("diagrams draw every control state and every role transition of the shipped specs")
    {
        for (const char* id : {"ts33536-r17", "tr33847-sol"}) {
            CAPTURE(id);
            const Spec s = load(id);
            const std::string dot = pc5check::spec::to_dot(s);
            const std::string mermaid = pc5check::spec::to_mermaid(s);
            CHECK(dot.starts_with("// "));
            CHECK(contains(dot, "digraph \"" + std::string(id) + "\" {"));
            CHECK(contains(dot, "!MSG = the role sends MSG, ?MSG = the role receives MSG"));
            CHECK(mermaid.starts_with("stateDiagram-v2\n"));
            CHECK(contains(mermaid, "%% Edge labels: !MSG = the role sends MSG"));
            for (const auto& [role, states] : s.control_states) {
                CHECK(contains(dot, cat("subgraph \"cluster_", role, "\" {")));
                CHECK(contains(mermaid, cat("    state ", role, " {\n")));
                for (const auto& st : states) {
                    const std::string sid = cat(prefix_of(role), st);
                    CHECK(contains(dot, cat("\"", sid, "\" [label=\"", st, "\"];")));
                    CHECK(contains(mermaid, cat("state \"", st, "\" as ", sid, "\n")));
                }
                // The first state is the initial one.
                CHECK(contains(dot, cat("\"", prefix_of(role), "_start\" -> \"", prefix_of(role),
                                        states.front(), "\";")));
                CHECK(contains(mermaid, cat("[*] --> ", prefix_of(role), states.front(), "\n")));
            }
            std::size_t role_edges = 0;
            for (const auto& t : s.transitions) {
                CAPTURE(t.id);
                if (t.role == "link") {
                    CHECK_FALSE(contains(dot, cat("\"", t.id, ": ")));
                    CHECK_FALSE(contains(mermaid, cat("%% ", t.id, "\n")));
                    continue;
                }
                CHECK(contains(mermaid, cat("%% ", t.id, "\n")));
                const std::string p = prefix_of(t.role);
                for (const auto& from : t.from) {
                    const std::string to = t.to.empty() ? from : t.to; // no 'to': a self-loop
                    CHECK(
                        contains(dot, cat("\"", p, from, "\" -> \"", p, to, "\" [label=\"", messages_of(t))));
                    CHECK(contains(mermaid, cat(p, from, " --> ", p, to, " : ", messages_of(t))));
                    ++role_edges;
                }
            }
            std::size_t dot_edges = 0;
            std::size_t mermaid_edges = 0;
            for (const auto& line : lines_of(dot)) {
                dot_edges += contains(line, " -> ") && contains(line, "[label=") ? 1U : 0U;
            }
            for (const auto& line : lines_of(mermaid)) {
                mermaid_edges += contains(line, " --> ") && !contains(line, "[*]") ? 1U : 0U;
            }
            CHECK(dot_edges == role_edges);
            CHECK(mermaid_edges == role_edges);
        }
    }

    TEST_CASE("diagram labels show shortened guards and no 'true' guard")
    {
        const Spec s = load("ts33536-r17");
        const std::string dot = pc5check::spec::to_dot(s);
        const std::string mermaid = pc5check::spec::to_mermaid(s);
        // i_resend_request: a short guard, kept whole.
        CHECK(contains(dot,
                       "\"I_WAIT_SMC\" -> \"I_WAIT_SMC\" [label=\"!REKEYING_REQUEST [is_retransmission]\""));
        // t_recv_request: a long guard, cut with an ellipsis; '&' is an entity in Mermaid.
        CHECK(contains(dot,
                       "[label=\"?REKEYING_REQUEST [sec.protected && sec.ctx == target.cur_\xE2\x80\xA6]\""));
        CHECK(contains(mermaid, "T_LINKED --> T_REQ_RECEIVED : ?REKEYING_REQUEST [sec.protected #amp;#amp; "
                                "sec.ctx == target.cur_\xE2\x80\xA6]\n"));
        // A transition without a guard has no brackets.
        CHECK(contains(dot, "\"I_LINKED\" -> \"I_WAIT_SMC\" [label=\"!REKEYING_REQUEST\","));
        CHECK(contains(mermaid, "I_LINKED --> I_WAIT_SMC : !REKEYING_REQUEST\n"));
        CHECK_FALSE(contains(dot, "[true]"));
        CHECK_FALSE(contains(mermaid, "[true]"));
    }

    TEST_CASE("diagram output is deterministic")
    {
        for (const char* id : {"ts33536-r17", "tr33847-sol"}) {
            CAPTURE(id);
            const Spec a = load(id);
            const Spec b = load(id);
            CHECK(pc5check::spec::to_dot(a) == pc5check::spec::to_dot(b));
            CHECK(pc5check::spec::to_dot(a) == pc5check::spec::to_dot(a));
            CHECK(pc5check::spec::to_mermaid(a) == pc5check::spec::to_mermaid(b));
            CHECK(pc5check::spec::to_mermaid(a) == pc5check::spec::to_mermaid(a));
        }
        const Spec odd = awkward_spec();
        CHECK(pc5check::spec::to_dot(odd) == pc5check::spec::to_dot(awkward_spec()));
        CHECK(pc5check::spec::to_mermaid(odd) == pc5check::spec::to_mermaid(awkward_spec()));
    }

    TEST_CASE("DOT escapes quotes and backslashes in every quoted string")
    {
        const std::string dot = pc5check::spec::to_dot(awkward_spec());
        CHECK(contains(dot, "digraph \"odd\\\"spec\" {"));
        CHECK(contains(dot,
                       "label=\"odd\\\"spec \xE2\x80\x94 title with \\\"quotes\\\" and a \\\\ backslash\";"));
        // State names keep their text in the label; ids are reduced to [A-Za-z0-9_] and unique.
        CHECK(contains(dot, "\"I_WAIT__X___A_B\" [label=\"WAIT \\\"X\\\": A;B\"];"));
        CHECK(contains(dot, "\"I_WAIT_X\" [label=\"WAIT-X\"];"));
        // Guard: 40 characters at most, then an ellipsis; the quote and backslash escaped.
        CHECK(contains(
            dot, "\"I_IDLE\" -> \"I_WAIT__X___A_B\" [label=\"!REKEYING_REQUEST [ie.x == \\\"a\\\\b\\\" && n "
                 "< 3; #1 %% 50% >= 2\xE2\x80\xA6]\", tooltip=\"go: says \\\"hi\\\"\"];"));
        // No source states: drawn from every state; no target: a self-loop; observations not drawn.
        for (const char* st : {"I_IDLE", "I_WAIT__X___A_B", "I_WAIT_X"}) {
            CHECK(contains(dot, cat("\"", st, "\" -> \"", st, "\" [label=\"?DATA | ?RELEASE\",")));
        }
        CHECK_FALSE(contains(dot, "link_watch"));
        // Every quote outside comments is either a delimiter or escaped: an even number of unescaped
        // quotes per line.
        for (const auto& line : lines_of(dot)) {
            CAPTURE(line);
            if (line.starts_with("//")) {
                continue;
            }
            std::size_t quotes = 0;
            for (std::size_t i = 0; i < line.size(); ++i) {
                if (line[i] == '\\') {
                    ++i;
                } else if (line[i] == '"') {
                    ++quotes;
                }
            }
            CHECK(quotes % 2 == 0);
        }
    }

    TEST_CASE("Mermaid uses identifier state ids and escapes label text")
    {
        const std::string mermaid = pc5check::spec::to_mermaid(awkward_spec());
        CHECK(contains(mermaid, "state \"WAIT #quot;X#quot;#58; A#59;B\" as I_WAIT__X___A_B\n"));
        CHECK(contains(mermaid,
                       "I_IDLE --> I_WAIT__X___A_B : !REKEYING_REQUEST [ie.x == #quot;a\\b#quot; #amp;#amp; "
                       "n #lt; 3#59; #35;1 #37;#37; 50#37; #gt;= 2\xE2\x80\xA6]\n"));
        for (const char* st : {"I_IDLE", "I_WAIT__X___A_B", "I_WAIT_X"}) {
            CHECK(contains(mermaid, cat(st, " --> ", st, " : ?DATA | ?RELEASE\n")));
        }
        CHECK_FALSE(contains(mermaid, "link_watch"));
        CHECK(contains(
            mermaid,
            "    state target {\n        state \"IDLE\" as T_IDLE\n        [*] --> T_IDLE\n    }\n"));
        // Structure: balanced braces; every non-comment line inside a role is a state declaration,
        // the initial marker or a transition whose ids are identifiers and whose label holds none of
        // the characters that end a Mermaid label or start a comment.
        int depth = 0;
        for (const auto& line : lines_of(mermaid)) {
            CAPTURE(line);
            const std::string body = line.substr(line.find_first_not_of(' '));
            if (body.starts_with("%%") || body == "stateDiagram-v2") {
                continue;
            }
            if (body == "}") {
                --depth;
                continue;
            }
            if (body.ends_with(" {")) {
                ++depth;
                continue;
            }
            CHECK(depth == 1);
            if (body.starts_with("state \"")) {
                continue;
            }
            const auto arrow = body.find(" --> ");
            REQUIRE(arrow != std::string::npos);
            const std::string from = body.substr(0, arrow);
            const std::string rest = body.substr(arrow + 5);
            const auto colon = rest.find(" : ");
            const std::string to = rest.substr(0, colon);
            for (const std::string& id : {from, to}) {
                if (id == "[*]") {
                    continue;
                }
                CHECK(
                    id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") ==
                    std::string::npos);
            }
            if (colon != std::string::npos) {
                const std::string label = without_entity_codes(rest.substr(colon + 3));
                CHECK(label.find_first_of(":;\"%<>&#") == std::string::npos);
            }
        }
        CHECK(depth == 0);
    }
}
