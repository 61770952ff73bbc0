#include "pc5check/spec/spec.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <string>

namespace {

using nlohmann::json;
using pc5check::ErrorCode;
using pc5check::spec::Limits;
using pc5check::spec::load_spec;
using pc5check::spec::parse_spec;

/// A small but complete spec; tests break one thing at a time.
json minimal_spec()
{
    return json::parse(R"({
      "format": "pc5-spec/1", "id": "mini", "title": "minimal",
      "parameters": [{"id": "limit", "type": "int", "default": 3, "confirmed": false, "text": "t",
                      "clauses": [{"doc": "TS 24.554", "clause": "7.2.11"}]}],
      "messages": [
        {"id": "REKEYING_REQUEST", "senders": ["initiator"], "text": "req", "clauses": [{"doc": "TS 24.554", "clause": "7.2.11.2"}],
         "ies": [{"name": "nonce_1", "kind": "bytes"}, {"name": "msb_k_nrp_sess_id", "kind": "int", "min": 0, "max": 255}]},
        {"id": "DATA", "senders": ["initiator", "target"], "text": "data", "clauses": [{"doc": "TS 38.323", "clause": "5.8"}]}
      ],
      "states": {"initiator": ["IDLE", "BUSY"], "target": ["IDLE"]},
      "variables": [{"role": "initiator", "name": "n", "type": "int", "init": "0", "text": "counter"}],
      "defs": {"bumped": "initiator.n + 1"},
      "transitions": [
        {"id": "go", "role": "initiator", "dir": "send", "from": ["IDLE"], "to": "BUSY", "on": ["REKEYING_REQUEST"],
         "guard": "initiator.n < param.limit", "effects": {"initiator.n": "bumped"}, "text": "t",
         "clauses": [{"doc": "TS 24.554", "clause": "7.2.11.2"}]},
        {"id": "data", "role": "initiator", "dir": "send", "on": ["DATA"], "text": "t", "clauses": [{"doc": "TS 38.323", "clause": "5.8"}]},
        {"id": "tdata", "role": "target", "dir": "send", "on": ["DATA"], "text": "t", "clauses": [{"doc": "TS 38.323", "clause": "5.8"}]}
      ],
      "rules": [{"id": "ORDER", "text": "t", "clauses": [{"doc": "TS 24.554", "clause": "7.2.11"}],
                 "checks": [{"on": ["*"], "offender": "sender", "assert": "enabled", "expected": "allowed", "observed": "{msg}"}]}]
    })");
}

pc5check::Error load_error(const json& doc)
{
    auto r = parse_spec(doc.dump(), "mini.json");
    REQUIRE_FALSE(r.has_value());
    return r.error();
}

} // namespace

TEST_SUITE("spec")
{
    TEST_CASE("the shipped spec variants load and type-check")
    {
        for (const char* id : {"ts33536-r17", "tr33847-sol"}) {
            auto s = pc5check::spec::load_spec(std::string(PC5CHECK_SOURCE_DIR) + "/spec/" + id + ".json");
            REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error().to_string()));
            CHECK(s->id == id);
            CHECK(pc5check::spec::lint_structure(*s).empty());
        }
    }

    TEST_CASE("the normative spec carries every rule ID of the catalogue")
    {
        auto s = pc5check::spec::load_spec(std::string(PC5CHECK_SOURCE_DIR) + "/spec/ts33536-r17.json");
        REQUIRE(s.has_value());
        for (const char* id :
             {"REQ_OLD_CONTEXT", "REQ_CONTENTS", "REAUTH_FORCES_AUTH", "SMC_NEW_CONTEXT", "SMC_ECHO_CAPS",
              "ALGS_ALLOWED", "ACTIVATION_UNCHANGED", "SESS_ID_CONFLICT", "COMPLETE_NEW_CONTEXT",
              "RESPONSE_NEW_CONTEXT", "ORDER", "REJECT_CAUSE", "REJECT_ABORTS", "OLD_CONTEXT_RETIRED",
              "REPLAY", "NONCE_REUSE", "KNRP_ID_UPDATE", "NULL_INTEGRITY_REKEY"}) {
            const auto* rule = s->find_rule(id);
            REQUIRE_MESSAGE(rule != nullptr, id);
            CHECK_FALSE(rule->clauses.empty());
        }
        CHECK(s->find_rule("NULL_INTEGRITY_REKEY")->warning);
        CHECK_FALSE(s->find_parameter("other_reject_causes")->confirmed);
    }

    TEST_CASE("the minimal spec loads")
    {
        auto s = parse_spec(minimal_spec().dump(), "mini.json");
        REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error().to_string()));
        CHECK(s->transitions.size() == 3);
        CHECK(s->scope.variables.count("ie.nonce_1") == 1);
    }

    TEST_CASE("a type error in a guard names the guard's pointer")
    {
        auto doc = minimal_spec();
        doc["transitions"][0]["guard"] = "initiator.n && true";
        const auto e = load_error(doc);
        CHECK(e.code == ErrorCode::bad_spec);
        CHECK(e.file == "mini.json");
        CHECK(e.json_pointer == "/transitions/0/guard");
        CHECK(e.message.find("bool") != std::string::npos);
    }

    TEST_CASE("a property may read the link set-up values init.*, a guard may not")
    {
        auto doc = minimal_spec();
        doc["properties"] = json::array({{{"id", "same_key"},
                                          {"kind", "lemma"},
                                          {"min_depth", 1},
                                          {"formula", "init.k_nrp_id >= 0"},
                                          {"text", "t"},
                                          {"clauses", {{{"doc", "TS 24.554"}, {"clause", "7.2.11"}}}}}});
        auto s = parse_spec(doc.dump(), "mini.json");
        REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error().to_string()));
        CHECK(s->property_scope.variables.count("init.k_nrp") == 1);
        CHECK(s->scope.variables.count("init.k_nrp") == 0); // guards, effects and checks do not see it

        doc["transitions"][0]["guard"] = "init.k_nrp_id >= 0";
        const auto e = load_error(doc);
        CHECK(e.json_pointer == "/transitions/0/guard");
        CHECK(e.message.find("init.k_nrp_id") != std::string::npos);
    }

    TEST_CASE("a cyclic definition is rejected")
    {
        auto doc = minimal_spec();
        doc["defs"] = {{"a", "b + 1"}, {"b", "a + 1"}};
        const auto e = load_error(doc);
        CHECK(e.json_pointer.rfind("/defs/", 0) == 0);
        CHECK(e.message.find("cyclic") != std::string::npos);
    }

    TEST_CASE("structural errors name the pointer and what was expected")
    {
        SUBCASE("unknown top-level key")
        {
            auto doc = minimal_spec();
            doc["extra"] = 1;
            CHECK(load_error(doc).json_pointer == "/extra");
        }
        SUBCASE("unknown message in a transition")
        {
            auto doc = minimal_spec();
            doc["transitions"][0]["on"] = {"SECURITY_MODE_COMMAND"};
            const auto e = load_error(doc);
            CHECK(e.json_pointer == "/transitions/0/on");
            CHECK(e.message.find("unknown message") != std::string::npos);
        }
        SUBCASE("a role sending a message it cannot send")
        {
            auto doc = minimal_spec();
            doc["transitions"][0]["role"] = "target";
            doc["transitions"][0]["from"] = {"IDLE"};
            doc["transitions"][0]["to"] = "IDLE";
            doc["transitions"][0]["effects"] = json::object();
            doc["transitions"][0]["guard"] = "true";
            const auto e = load_error(doc);
            CHECK_MESSAGE(e.message.find("target cannot send REKEYING_REQUEST") != std::string::npos,
                          e.message);
        }
        SUBCASE("missing clauses")
        {
            auto doc = minimal_spec();
            doc["rules"][0].erase("clauses");
            CHECK(load_error(doc).message.find("clauses") != std::string::npos);
        }
        SUBCASE("duplicate rule id")
        {
            auto doc = minimal_spec();
            doc["rules"].push_back(doc["rules"][0]);
            CHECK(load_error(doc).message.find("duplicate rule id") != std::string::npos);
        }
        SUBCASE("parameter default of the wrong type")
        {
            auto doc = minimal_spec();
            doc["parameters"][0]["default"] = "three";
            CHECK(load_error(doc).json_pointer == "/parameters/0/default");
        }
        SUBCASE("effect on another role's variable")
        {
            auto doc = minimal_spec();
            doc["transitions"][2]["effects"] = {{"initiator.n", "1"}};
            CHECK(load_error(doc).message.find("may only assign target.") != std::string::npos);
        }
        SUBCASE("unknown control state")
        {
            auto doc = minimal_spec();
            doc["transitions"][0]["to"] = "NOWHERE";
            CHECK(load_error(doc).json_pointer == "/transitions/0/to");
        }
        SUBCASE("'sees' only on a link transition, and only sent or air")
        {
            auto doc = minimal_spec();
            doc["transitions"][0]["sees"] = "air";
            auto e = load_error(doc);
            CHECK(e.json_pointer == "/transitions/0/sees");
            CHECK_MESSAGE(e.message.find("only a link transition has 'sees'") != std::string::npos,
                          e.message);
            doc = minimal_spec();
            doc["transitions"].push_back(json::parse(
                R"({"id": "books", "role": "link", "dir": "observe", "on": ["DATA"], "sees": "everything",
                    "text": "t", "clauses": [{"doc": "TS 38.323", "clause": "5.8"}]})"));
            e = load_error(doc);
            CHECK(e.json_pointer == "/transitions/3/sees");
            CHECK_MESSAGE(e.message.find("expected sent or air, found 'everything'") != std::string::npos,
                          e.message);
            doc["transitions"][3]["sees"] = "air";
            const auto ok = parse_spec(doc.dump(), "mini.json");
            REQUIRE_MESSAGE(ok.has_value(), ok.error().message);
            CHECK(ok->transitions.back().sees_injected);
            CHECK_FALSE(ok->transitions.front().sees_injected);
        }
        SUBCASE("invalid JSON gives line and column")
        {
            auto r = parse_spec("{\n  \"format\": \"pc5-spec/1\",\n  oops\n}", "broken.json");
            REQUIRE_FALSE(r.has_value());
            CHECK(r.error().line == 3);
            CHECK(r.error().column > 0);
        }
    }

    TEST_CASE("parameter overrides are typed")
    {
        auto ok = parse_spec(minimal_spec().dump(), "mini.json", {{"limit", "7"}});
        REQUIRE(ok.has_value());
        CHECK(ok->find_parameter("limit")->value == pc5check::expr::Value::integer(7));
        auto bad = parse_spec(minimal_spec().dump(), "mini.json", {{"limit", "seven"}});
        REQUIRE_FALSE(bad.has_value());
        CHECK(bad.error().code == ErrorCode::usage);
        auto unknown = parse_spec(minimal_spec().dump(), "mini.json", {{"nope", "1"}});
        REQUIRE_FALSE(unknown.has_value());
        CHECK(unknown.error().message.find("no parameter 'nope'") != std::string::npos);
    }

    TEST_CASE("lint finds unreachable states, dead transitions and unread variables")
    {
        auto doc = minimal_spec();
        doc["states"]["initiator"] = {"IDLE", "BUSY", "LIMBO"};
        doc["transitions"].push_back(
            json::parse(R"({"id": "dead", "role": "initiator", "dir": "send", "from": ["LIMBO"],
            "on": ["DATA"], "text": "t", "clauses": [{"doc": "TS 38.323", "clause": "5.8"}]})"));
        doc["variables"].push_back(json::parse(
            R"({"role": "target", "name": "unused", "type": "bool", "init": "false", "text": "t"})"));
        auto s = parse_spec(doc.dump(), "mini.json");
        REQUIRE(s.has_value());
        const auto findings = pc5check::spec::lint_structure(*s);
        std::string all;
        for (const auto& f : findings) {
            all += f.message + "\n";
        }
        CHECK(all.find("LIMBO of the initiator is unreachable") != std::string::npos);
        CHECK(all.find("transition dead can never fire") != std::string::npos);
        CHECK(all.find("target.unused is never read") != std::string::npos);
    }

    // Fuzz regression (fuzz_spec): nlohmann reports a number overflowing a double with out_of_range
    // 406, not parse_error; parse_spec let it escape, so `spec lint` on such a file terminated.
    TEST_CASE("a number overflowing a double is an Error, not an exception")
    {
        auto r = parse_spec(R"({"format": 1e400})", "overflow.json");
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().code == ErrorCode::bad_spec);
        CHECK(r.error().file == "overflow.json");
        CHECK_MESSAGE(r.error().message.find("expected a number within the range of a double") !=
                          std::string::npos,
                      r.error().message);
    }

    TEST_CASE("JSON nested deeper than 100 levels is refused before it is parsed, as in the trace reader")
    {
        const auto nested = [](std::size_t levels) {
            return "{\"format\": \"pc5-spec/1\",\n \"x\": " + std::string(levels - 1, '[') +
                   std::string(levels - 1, ']') + "}";
        };
        auto deep = parse_spec(nested(101), "deep.json");
        REQUIRE_FALSE(deep.has_value());
        CHECK(deep.error().code == ErrorCode::limit);
        CHECK(deep.error().message ==
              "expected JSON nested at most 100 levels deep (limit --max-nesting), found deeper nesting");
        CHECK(deep.error().line == 2);
        CHECK(deep.error().column == 106); // the 100th bracket, at level 101
        // 100 levels are read (and rejected for what they hold); brackets inside strings do not count.
        auto ok_depth = parse_spec(nested(100), "deep.json");
        REQUIRE_FALSE(ok_depth.has_value());
        CHECK(ok_depth.error().code == ErrorCode::bad_spec);
        auto in_string = parse_spec("{\"title\": \"" + std::string(200, '[') + "\"}", "strings.json");
        REQUIRE_FALSE(in_string.has_value());
        CHECK(in_string.error().code == ErrorCode::bad_spec);
    }

    TEST_CASE("spec limits: each is configurable, and hitting one is a limit error naming its option")
    {
        const std::string text = minimal_spec().dump();
        const auto limit_error = [](const pc5check::Expected<pc5check::spec::Spec>& r,
                                    const std::string& fragment) {
            REQUIRE_FALSE(r.has_value());
            INFO(r.error().to_string());
            CHECK(r.error().code == ErrorCode::limit);
            CHECK(r.error().message.find(fragment) != std::string::npos);
        };
        Limits limits;
        auto r = parse_spec(text, "mini.json", {}, limits);
        CHECK(r.has_value());

        limits.max_spec_bytes = text.size() - 1;
        limit_error(parse_spec(text, "mini.json", {}, limits),
                    "expected a spec file of at most " + std::to_string(text.size() - 1) +
                        " bytes (limit --max-spec-bytes), found " + std::to_string(text.size()) + " bytes");

        limits = {};
        limits.max_nesting = 3; // root, messages, a message, its ies: 4
        limit_error(parse_spec(text, "mini.json", {}, limits),
                    "nested at most 3 levels deep (limit --max-nesting)");

        limits = {};
        json big_number = minimal_spec();
        big_number["parameters"][0]["default"] = json::parse("12345678901234567");
        limits.max_number_chars = 16;
        limit_error(parse_spec(big_number.dump(), "mini.json", {}, limits),
                    "expected JSON numbers of at most 16 characters (limit --max-number-chars), found one of "
                    "17 characters");
        limits.max_number_chars = 17;
        CHECK(parse_spec(big_number.dump(), "mini.json", {}, limits).has_value());

        // Expressions: the initialiser, the def, three guards (two default "true"), the effect, the
        // check's when (default) and assert, the hole of its template: 9.
        limits = {};
        limits.max_expressions = 9;
        CHECK(parse_spec(text, "mini.json", {}, limits).has_value());
        limits.max_expressions = 8;
        r = parse_spec(text, "mini.json", {}, limits);
        limit_error(r, "expected at most 8 expressions in a spec (limit --max-spec-expressions), found more");
        CHECK(r.error().json_pointer == "/rules/0/checks/0/observed");

        limits = {};
        json deep_guard = minimal_spec();
        deep_guard["transitions"][0]["guard"] = std::string(30, '(') + "true" + std::string(30, ')');
        CHECK(parse_spec(deep_guard.dump(), "mini.json", {}, limits).has_value());
        limits.max_expr_depth = 29;
        r = parse_spec(deep_guard.dump(), "mini.json", {}, limits);
        limit_error(r, "expression nested deeper than 29 (limit --max-expr-depth)");
        CHECK(r.error().json_pointer == "/transitions/0/guard");
        // A def is parsed with the same bound, also where it is expanded.
        json deep_def = minimal_spec();
        deep_def["defs"]["bumped"] = std::string(30, '(') + "initiator.n + 1" + std::string(30, ')');
        limit_error(parse_spec(deep_def.dump(), "mini.json", {}, limits), "(limit --max-expr-depth)");
        limits.max_expr_depth = 31;
        CHECK(parse_spec(deep_def.dump(), "mini.json", {}, limits).has_value());
    }

    TEST_CASE("spec limits: load_spec refuses a file over --max-spec-bytes without reading it whole")
    {
        const std::string path = std::string(PC5CHECK_SOURCE_DIR) + "/spec/ts33536-r17.json";
        CHECK(load_spec(path).has_value());
        Limits limits;
        limits.max_spec_bytes = 1000;
        auto r = load_spec(path, {}, limits);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().code == ErrorCode::limit);
        CHECK(r.error().file == path);
        CHECK(r.error().message.find(
                  "expected a spec file of at most 1000 bytes (limit --max-spec-bytes), found ") == 0);
    }
}

TEST_SUITE("spec")
{
    // The machine reads the shipped specs' variables by slot without comparing names: the loader must
    // have found every slot in agreement with the scope (Spec::slots_verified).
    TEST_CASE("the shipped spec variants have their expression slots verified")
    {
        for (const char* id : {"ts33536-r17", "tr33847-sol"}) {
            auto s = pc5check::spec::load_spec(std::string(PC5CHECK_SOURCE_DIR) + "/spec/" + id + ".json");
            REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error().to_string()));
            CHECK(s->slots_verified);
        }
        auto mini = parse_spec(minimal_spec().dump(), "mini.json");
        REQUIRE(mini.has_value());
        CHECK(mini->slots_verified);
        CHECK_FALSE(pc5check::spec::Spec{}.slots_verified); // a spec not from the loader compares names
    }
}
