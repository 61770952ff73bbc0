#include "pc5check/checker/smt.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <string>

namespace {

using nlohmann::json;

json lint_spec(const std::string& guard, const std::string& when, const std::string& assertion)
{
    json doc = json::parse(R"({
      "format": "pc5-spec/1", "id": "mini", "title": "mini",
      "messages": [{"id": "SECURITY_MODE_COMMAND", "senders": ["target"], "text": "t", "clauses": [{"doc": "TS 24.554", "clause": "7.2.10"}],
                    "ies": [{"name": "selected_algs", "kind": "algs"}, {"name": "nonce_2", "kind": "bytes"}]}],
      "states": {"initiator": ["IDLE"], "target": ["IDLE"]},
      "variables": [{"role": "target", "name": "n", "type": "int", "init": "0", "text": "t"},
                    {"role": "target", "name": "seen", "type": "set<bytes>", "init": "{}", "text": "t"}],
      "transitions": [{"id": "smc", "role": "target", "dir": "send", "on": ["SECURITY_MODE_COMMAND"], "text": "t",
                       "clauses": [{"doc": "TS 24.554", "clause": "7.2.10"}]}],
      "rules": [{"id": "R", "text": "t", "clauses": [{"doc": "TS 24.554", "clause": "7.2.10"}],
                 "checks": [{"on": ["*"], "offender": "sender", "expected": "x"}]}]
    })");
    doc["transitions"][0]["guard"] = guard;
    doc["rules"][0]["checks"][0]["when"] = when;
    doc["rules"][0]["checks"][0]["assert"] = assertion;
    return doc;
}

std::string lint(const json& doc)
{
    auto spec = pc5check::spec::parse_spec(doc.dump(), "mini.json");
    REQUIRE_MESSAGE(spec.has_value(), (spec ? "" : spec.error().to_string()));
    auto findings = pc5check::smt::lint_expressions(*spec);
    REQUIRE_MESSAGE(findings.has_value(), (findings ? "" : findings.error().to_string()));
    std::string all;
    for (const auto& f : *findings) {
        all += f.pointer + ": " + f.message + "\n";
    }
    return all;
}

} // namespace

TEST_SUITE("checker")
{
    TEST_CASE("satisfiable guards and checks give no solver finding")
    {
        CHECK(lint(lint_spec("target.n > 3", "target.n < 10", "ie.selected_algs.nia == NIA2")).empty());
    }

    TEST_CASE("an unsatisfiable guard is a transition that can never fire")
    {
        const auto out = lint(lint_spec("target.n > 5 && target.n < 3", "true", "true"));
        CHECK(out.find("/transitions/0/guard: transition smc can never fire") != std::string::npos);
    }

    TEST_CASE("enum values are confined to their literals")
    {
        const auto out = lint(lint_spec("true", "ie.selected_algs.nia != NIA0 && ie.selected_algs.nia != NIA1 && "
                                                "ie.selected_algs.nia != NIA2 && ie.selected_algs.nia != NIA3",
                                         "true"));
        CHECK(out.find("/rules/0/checks/0/when: a check of rule R can never apply") != std::string::npos);
    }

    TEST_CASE("a check whose assertion contradicts its condition can never pass")
    {
        const auto out = lint(lint_spec("true", "ie.nonce_2 in target.seen", "!(ie.nonce_2 in insert(target.seen, ie.nonce_2))"));
        CHECK(out.find("can never pass") != std::string::npos);
    }

    TEST_CASE("distinct byte literals differ and operators with C semantics stay abstract")
    {
        CHECK(lint(lint_spec("x\"00\" == x\"01\"", "true", "true")).find("can never fire") != std::string::npos);
        // -7 / 2 is -3 in C++ but -4 in Z3's integers: '/' must not be decided by Z3's arithmetic.
        CHECK(lint(lint_spec("target.n == -7 && target.n / 2 == -3", "true", "true")).empty());
    }
}
