#include "pc5check/spec/changes.h"
#include "pc5check/spec/spec.h"

#include <algorithm>
#include <doctest/doctest.h>
#include <fstream>
#include <sstream>
#include <string>

namespace {

using pc5check::spec::changed_elements;
using pc5check::spec::load_spec;
using pc5check::spec::parse_spec;

const std::string kNormative = std::string(PC5CHECK_SOURCE_DIR) + "/spec/ts33536-r17.json";
const std::string kNoEcho = std::string(PC5CHECK_SOURCE_DIR) + "/tests/data/spec/ts33536-r17-no-echo.json";

std::string read(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// 1-based line and column of the first occurrence of `needle` in `text`.
std::pair<std::size_t, std::size_t> line_column_of(const std::string& text, const std::string& needle)
{
    const std::size_t at = text.find(needle);
    REQUIRE(at != std::string::npos);
    const std::size_t line_start = text.rfind('\n', at) == std::string::npos ? 0 : text.rfind('\n', at) + 1;
    return {static_cast<std::size_t>(
                std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n')) +
                1,
            at - line_start + 1};
}

} // namespace

TEST_SUITE("spec")
{
    TEST_CASE("each transition and rule and property knows where its id is written")
    {
        const auto s = load_spec(kNormative);
        REQUIRE(s);
        const std::string text = read(kNormative);
        for (const auto& p : s->properties) {
            CAPTURE(p.id);
            const auto [line, column] = line_column_of(text, "{\"id\": \"" + p.id + "\", \"kind\"");
            CHECK(p.origin.line == line);
            CHECK(p.origin.column == column + 1); // the "id" key, just after the brace
            CHECK(p.origin.pointer.rfind("/properties/", 0) == 0);
        }
        const auto* rule = s->find_rule("SMC_ECHO_CAPS");
        REQUIRE(rule != nullptr);
        CHECK(rule->origin.line == line_column_of(text, "{\"id\": \"SMC_ECHO_CAPS\"").first);
        CHECK(rule->origin.column == line_column_of(text, "{\"id\": \"SMC_ECHO_CAPS\"").second + 1);
        for (const auto& t : s->transitions) {
            CHECK(t.origin.pointer == t.pointer);
            CHECK(t.origin.line != 0);
        }
    }

    TEST_CASE("layout and key order are not a change but a rewritten or dropped or new element is")
    {
        const std::string text = R"({"format": "pc5-spec/1", "id": "mini", "title": "minimal",
          "messages": [{"id": "DATA", "senders": ["initiator"], "text": "d", "clauses": [{"doc": "TS 38.323", "clause": "5.8"}]}],
          "states": {"initiator": ["IDLE"], "target": ["IDLE"]}, "variables": [],
          "transitions": [{"id": "data", "role": "initiator", "dir": "send", "on": ["DATA"], "text": "t",
                           "clauses": [{"doc": "TS 38.323", "clause": "5.8"}]}],
          "rules": [{"id": "ORDER", "text": "t", "clauses": [{"doc": "TS 24.554", "clause": "7.2.11"}],
                     "checks": [{"on": ["*"], "offender": "sender", "assert": "enabled", "expected": "a", "observed": "{msg}"}]}],
          "properties": [{"id": "p", "kind": "invariant", "formula": "true", "text": "t", "clauses": [{"doc": "TS 24.554", "clause": "7.2.11"}]}]})";
        const auto old_spec = parse_spec(text, "old.json");
        REQUIRE(old_spec);
        std::string relaid = text;
        const std::string written = R"({"id": "data", "role": "initiator")";
        relaid.replace(relaid.find(written), written.size(),
                       "{\n  \"role\": \"initiator\",   \"id\": \"data\"");
        const auto same = parse_spec(relaid, "same.json");
        REQUIRE(same);
        CHECK(changed_elements(*old_spec, *same).empty());
        CHECK(same->transitions[0].origin.line == 5);

        std::string edited = text;
        const std::string formula = R"("formula": "true")";
        const std::string rule_id = R"("id": "ORDER")";
        edited.replace(edited.find(formula), formula.size(), R"("formula": "false")");
        edited.replace(edited.find(rule_id), rule_id.size(), R"("id": "ORDER2")");
        const auto new_spec = parse_spec(edited, "new.json");
        REQUIRE(new_spec);
        const auto changes = changed_elements(*old_spec, *new_spec);
        REQUIRE(changes.size() == 3);
        CHECK(changes[0].kind == "rule");
        CHECK(changes[0].id == "ORDER2");
        CHECK(changes[0].change == "added");
        CHECK(changes[1].id == "ORDER");
        CHECK(changes[1].change == "removed");
        CHECK(changes[1].before.line == 6);
        CHECK(changes[1].after.line == 0);
        CHECK(changes[2].kind == "property");
        CHECK(changes[2].change == "changed");
        CHECK(changes[2].after.pointer == "/properties/0");
    }

    TEST_CASE("the no-echo mutant: the initiator SMC transition rewritten and SMC_ECHO_CAPS removed")
    {
        const auto old_spec = load_spec(kNormative);
        const auto new_spec = load_spec(kNoEcho);
        REQUIRE(old_spec);
        REQUIRE(new_spec);
        const auto changes = changed_elements(*old_spec, *new_spec);
        REQUIRE(changes.size() == 2);
        CHECK(changes[0].kind == "transition");
        CHECK(changes[0].id == "i_recv_smc");
        CHECK(changes[0].change == "changed");
        CHECK(changes[1].kind == "rule");
        CHECK(changes[1].id == "SMC_ECHO_CAPS");
        CHECK(changes[1].change == "removed");
    }
}
