#include "pc5check/checker/smt.h"
#include "z3_leaks.h"

#include <chrono>
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

std::string lint(const json& doc, const pc5check::smt::LintLimits& limits = {})
{
    auto spec = pc5check::spec::parse_spec(doc.dump(), "mini.json");
    REQUIRE_MESSAGE(spec.has_value(), (spec ? "" : spec.error().to_string()));
    auto findings = pc5check::smt::lint_expressions(*spec, limits);
    REQUIRE_MESSAGE(findings.has_value(), (findings ? "" : findings.error().to_string()));
    std::string all;
    for (const auto& f : *findings) {
        all += f.pointer + ": " + f.message + "\n";
    }
    return all;
}

/// A spec whose guard is hard for Z3 (x^3 + y^3 = z^3 in positive integers: no answer in minutes).
json hard_spec()
{
    json doc = lint_spec("target.a > 0 && target.b > 0 && target.c > 0 && "
                         "target.a * target.a * target.a + target.b * target.b * target.b == "
                         "target.c * target.c * target.c",
                         "true", "true");
    for (const char* name : {"a", "b", "c"}) {
        doc["variables"].push_back(
            {{"role", "target"}, {"name", name}, {"type", "int"}, {"init", "0"}, {"text", "t"}});
    }
    return doc;
}

std::size_t count(const std::string& text, const std::string& part)
{
    std::size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) {
        ++n;
    }
    return n;
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
        // Present: one of its four literals. (Absent, it differs from every value, as in replay and in the
        // solver's other modes: lint shares their encoding.)
        const std::string none_of = "ie.selected_algs.nia != NIA0 && ie.selected_algs.nia != NIA1 && "
                                    "ie.selected_algs.nia != NIA2 && ie.selected_algs.nia != NIA3";
        const auto out = lint(lint_spec("true", "present(ie.selected_algs.nia) && " + none_of, "true"));
        CHECK(out.find("/rules/0/checks/0/when: a check of rule R can never apply") != std::string::npos);
        CHECK(lint(lint_spec("true", none_of, "true")).empty());
    }

    TEST_CASE("a check whose assertion contradicts its condition can never pass")
    {
        const auto out = lint(lint_spec("true", "ie.nonce_2 in target.seen",
                                        "!(ie.nonce_2 in insert(target.seen, ie.nonce_2))"));
        CHECK(out.find("can never pass") != std::string::npos);
    }

    TEST_CASE("distinct byte literals differ and operators with C semantics stay abstract")
    {
        CHECK(lint(lint_spec("x\"00\" == x\"01\"", "true", "true")).find("can never fire") !=
              std::string::npos);
        // -7 / 2 is -3 in C++ but -4 in Z3's integers: '/' must not be decided by Z3's arithmetic.
        CHECK(lint(lint_spec("target.n == -7 && target.n / 2 == -3", "true", "true")).empty());
    }

    TEST_CASE("a query over --timeout-ms is inconclusive and names the limit, and ends in time")
    {
        pc5check::smt::LintLimits limits;
        limits.timeout_ms = 50;
        const auto start = std::chrono::steady_clock::now();
        const auto out = lint(hard_spec(), limits);
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
        CHECK(out == "/transitions/0/guard: transition smc: the solver gave up within 50 ms "
                     "(limit --timeout-ms; inconclusive)\n");
        // Very short limits too (Z3 4.8.12's own timer deadlocks at these); even easy queries may
        // then run out of time, and are reported so.
        limits.timeout_ms = 1;
        const auto rushed = lint(hard_spec(), limits);
        CHECK(rushed.find("/transitions/0/guard: transition smc: the solver gave up within 1 ms") == 0);
        CHECK(count(rushed, "\n") == count(rushed, "(limit --timeout-ms; inconclusive)"));
    }

    TEST_CASE("hitting --solver-memory-mb makes every remaining query inconclusive, never clean")
    {
        pc5check::smt::LintLimits limits;
        limits.memory_mb = 1; // less than Z3's context: the first query runs out
        std::string out;
        {
            [[maybe_unused]] const pc5check::test::IgnoreZ3LimitLeaks ignore;
            out = lint(lint_spec("target.n > 3", "target.n < 10", "true"), limits);
        }
        INFO(out);
        // The guard and the check's `when` (the `assert` query is not asked when `when` is unknown).
        CHECK(count(out,
                    "the solver hit its memory limit of 1 MiB (limit --solver-memory-mb) (inconclusive)") ==
              2);
        CHECK(count(out, "\n") == 2);
        // The limit is lifted afterwards: the same spec lints clean again.
        CHECK(lint(lint_spec("target.n > 3", "target.n < 10", "true")).empty());
    }
}
