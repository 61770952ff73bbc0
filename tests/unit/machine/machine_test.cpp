#include "pc5check/machine/machine.h"

#include <doctest/doctest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace {

using nlohmann::json;
using pc5check::machine::Outcome;
using pc5check::machine::Verdict;

/// A two-message toy procedure: the initiator asks (REKEYING_REQUEST with a counter IE), the target
/// answers (REKEYING_RESPONSE). Rules use the counter, the MAC field and the control state.
const char* kToySpec = R"({
  "format": "pc5-spec/1", "id": "toy", "title": "toy",
  "messages": [
    {"id": "REKEYING_REQUEST", "senders": ["initiator"], "text": "t", "clauses": [{"doc": "TS 24.554", "clause": "7.2.11.2"}],
     "ies": [{"name": "msb_k_nrp_sess_id", "kind": "int", "min": 0, "max": 255}, {"name": "reauth", "kind": "bool"}]},
    {"id": "REKEYING_RESPONSE", "senders": ["target"], "text": "t", "clauses": [{"doc": "TS 24.554", "clause": "7.2.11.3"}]}
  ],
  "states": {"initiator": ["IDLE", "WAIT"], "target": ["IDLE", "GOT"]},
  "variables": [
    {"role": "initiator", "name": "a", "type": "int", "init": "1", "text": "t"},
    {"role": "initiator", "name": "b", "type": "int", "init": "2", "text": "t"},
    {"role": "target", "name": "last", "type": "int", "init": "-1", "text": "t"},
    {"role": "target", "name": "key", "type": "bytes", "init": "init.k_nrp_sess", "text": "t"}
  ],
  "transitions": [
    {"id": "ask", "role": "initiator", "dir": "send", "from": ["IDLE"], "to": "WAIT", "on": ["REKEYING_REQUEST"],
     "effects": {"initiator.a": "initiator.b", "initiator.b": "initiator.a"}, "text": "swap", "clauses": [{"doc": "X", "clause": "1"}]},
    {"id": "hear", "role": "target", "dir": "recv", "from": ["IDLE"], "to": "GOT", "on": ["REKEYING_REQUEST"],
     "guard": "len(target.key) == 32", "effects": {"target.last": "ie.msb_k_nrp_sess_id"}, "text": "t", "clauses": [{"doc": "X", "clause": "1"}]},
    {"id": "answer", "role": "target", "dir": "send", "from": ["GOT"], "to": "IDLE", "on": ["REKEYING_RESPONSE"], "text": "t", "clauses": [{"doc": "X", "clause": "1"}]},
    {"id": "done", "role": "initiator", "dir": "recv", "from": ["WAIT"], "to": "IDLE", "on": ["REKEYING_RESPONSE"], "text": "t", "clauses": [{"doc": "X", "clause": "1"}]}
  ],
  "rules": [
    {"id": "ORDER", "text": "t", "clauses": [{"doc": "X", "clause": "1"}],
     "checks": [{"on": ["*"], "offender": "sender", "assert": "enabled", "expected": "allowed in {initiator.state}", "observed": "{msg}"}]},
    {"id": "SMALL", "text": "t", "clauses": [{"doc": "X", "clause": "2"}],
     "checks": [{"on": ["REKEYING_REQUEST"], "offender": "initiator", "assert": "ie.msb_k_nrp_sess_id < 100",
                 "expected": "below 100", "observed": "{ie.msb_k_nrp_sess_id}"}]},
    {"id": "MAC_SEEN", "text": "t", "clauses": [{"doc": "X", "clause": "3"}],
     "checks": [{"on": ["REKEYING_RESPONSE"], "offender": "target", "assert": "sec.mac != x\"00000000\"",
                 "expected": "a non-zero MAC", "observed": "{sec.mac}"}]}
  ]
})";

json toy_trace()
{
    return json::parse(R"({
      "format": "pc5-trace/1", "spec": "toy", "link": {"k_nrp_id": 1, "k_nrp_sess_id": 2},
      "events": [
        {"from": "initiator", "msg": "REKEYING_REQUEST", "ie": {"msb_k_nrp_sess_id": 7}, "sec": "none"},
        {"from": "target", "msg": "REKEYING_RESPONSE", "sec": {"ctx": 2, "count": 0, "bearer": 2, "direction": 1, "mac": "0a0b0c0d"}}
      ]})");
}

pc5check::spec::Spec toy_spec()
{
    auto s = pc5check::spec::parse_spec(kToySpec, "toy.json");
    REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error().to_string()));
    return std::move(*s);
}

pc5check::machine::ReplayResult run(const pc5check::spec::Spec& spec, const json& doc)
{
    auto t = pc5check::trace::parse_trace(doc.dump(), "toy-trace.json");
    REQUIRE_MESSAGE(t.has_value(), (t ? "" : t.error().to_string()));
    auto r = pc5check::machine::replay(spec, *t);
    REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().to_string()));
    return std::move(*r);
}

/// The values of `names` after each event of `doc`, stepped one by one on a machine of `spec`.
std::vector<std::vector<pc5check::expr::Value>>
values_after(const pc5check::spec::Spec& spec, const json& doc, const std::vector<std::string>& names)
{
    auto t = pc5check::trace::parse_trace(doc.dump(), "toy-trace.json");
    REQUIRE(t.has_value());
    auto bound = pc5check::machine::bind(spec, *t);
    REQUIRE(bound.has_value());
    pc5check::machine::Machine m(spec, *bound);
    std::vector<pc5check::machine::Finding> findings;
    pc5check::machine::RulePasses passes;
    std::vector<std::vector<pc5check::expr::Value>> out;
    for (std::size_t i = 0; i < t->events.size(); ++i) {
        (void)m.step(i, findings, passes);
        auto& values = out.emplace_back();
        for (const std::string& name : names) {
            values.push_back(m.value_of(name));
        }
    }
    return out;
}

} // namespace

TEST_SUITE("machine")
{
    TEST_CASE("a trace that follows the toy procedure conforms and unknown guards become assumptions")
    {
        const auto spec = toy_spec();
        const auto r = run(spec, toy_trace());
        CHECK(r.verdict == Verdict::conforms);
        CHECK(r.violated_rules().empty());
        CHECK(r.passes.at("ORDER") == 2);
        CHECK(r.passes.at("SMALL") == 1);
        REQUIRE(r.steps.size() == 2);
        CHECK(r.steps[0].sender_transition == "ask");
        // The target's guard reads link.k_nrp_sess, which the trace did not log.
        CHECK(r.steps[0].receiver_transition == "hear");
        REQUIRE(r.assumptions.size() == 1);
        CHECK(r.assumptions[0].find("guard of hear assumed true") != std::string::npos);
        CHECK(r.assumptions[0].find("k_nrp_sess not logged") != std::string::npos);
    }

    TEST_CASE("violations name rule, event, offender, expected and observed")
    {
        const auto spec = toy_spec();
        auto doc = toy_trace();
        doc["events"][0]["ie"]["msb_k_nrp_sess_id"] = 200;
        const auto r = run(spec, doc);
        CHECK(r.verdict == Verdict::violation);
        REQUIRE(r.violated_rules() == std::vector<std::string>{"SMALL"});
        const auto& f = r.findings.front();
        CHECK(f.event == 0);
        CHECK(f.offender == pc5check::trace::Role::initiator);
        CHECK(f.expected == "below 100");
        CHECK(f.observed == "200");
        CHECK(f.clauses.front().clause == "2");
        // The state before the violating event is kept for reports.
        bool found = false;
        for (const auto& [name, value] : r.state_at_first_violation) {
            if (name == "initiator.state") {
                CHECK(value == "IDLE");
                found = true;
            }
        }
        CHECK(found);
    }

    TEST_CASE("a message not allowed in the sender's state breaks ORDER, and the state does not move")
    {
        const auto spec = toy_spec();
        auto doc = toy_trace();
        doc["events"].push_back(doc["events"][1]);
        const auto r = run(spec, doc);
        CHECK(r.violated_rules() == std::vector<std::string>{"ORDER"});
        CHECK(r.findings.back().event == 2);
        CHECK(r.findings.back().offender == pc5check::trace::Role::target);
        CHECK(r.steps[2].sender_transition.empty());
    }

    TEST_CASE("a check that reads unlogged data is unverified, never passed")
    {
        const auto spec = toy_spec();
        auto doc = toy_trace();
        doc["events"][1].erase("sec");
        const auto r = run(spec, doc);
        CHECK(r.verdict == Verdict::conforms);
        REQUIRE(r.findings.size() == 1);
        CHECK(r.findings[0].rule == "MAC_SEEN");
        CHECK(r.findings[0].outcome == Outcome::unverified);
        CHECK(r.findings[0].reason.find("not logged") != std::string::npos);
        CHECK(r.passes.count("MAC_SEEN") == 0);
    }

    TEST_CASE("effects read the state before the event (simultaneous assignment)")
    {
        const auto spec = toy_spec();
        const auto values = values_after(spec, toy_trace(), {"initiator.a", "initiator.b", "target.last"});
        REQUIRE(!values.empty());
        const auto& after_first = values[0];
        CHECK(after_first[0] == pc5check::expr::Value::integer(2));
        CHECK(after_first[1] == pc5check::expr::Value::integer(1));
        CHECK(after_first[2] == pc5check::expr::Value::integer(7));
    }

    TEST_CASE("binding rejects IEs the message does not define, with the pointer")
    {
        const auto spec = toy_spec();
        auto doc = toy_trace();
        doc["events"][1]["ie"] = {{"nonce_2", "00"}};
        auto t = pc5check::trace::parse_trace(doc.dump(), "toy-trace.json");
        REQUIRE(t.has_value());
        auto r = pc5check::machine::replay(spec, *t);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().json_pointer == "/events/1/ie/nonce_2");
        CHECK(r.error().message.find("unknown IE 'nonce_2' in REKEYING_RESPONSE") != std::string::npos);
        CHECK(r.error().event_index == 1U);
    }

    // Fuzz regression (fuzz_spec): a bool-typed guard, `when` or `assert` reading a bool IE the message
    // does not carry evaluates to absent; the machine read it with std::get<bool> and aborted on
    // std::bad_variant_access. Absent is now unknown there, like any other use of absent (expr.h).
    TEST_CASE("a transition or property that reads `enabled` is refused when the spec loads")
    {
        // `enabled` is computed from the transitions, so only rule checks may read it; the symbolic
        // engine met it undefined in a guard and stopped on an internal assertion.
        json doc = json::parse(kToySpec);
        doc["defs"] = json::parse(R"({"allowed": "enabled"})");
        doc["transitions"][1]["guard"] = "!allowed || true";
        auto spec = pc5check::spec::parse_spec(doc.dump(), "toy-guard.json");
        REQUIRE_FALSE(spec.has_value());
        CHECK(spec.error().message.find("reads 'enabled', which is defined only in rule checks") !=
              std::string::npos);
        CHECK(spec.error().json_pointer == "/transitions/1");
    }

    TEST_CASE("a def that reads `enabled` is evaluated again once the transitions are chosen")
    {
        // ORDER's check reads `allowed` after the sender's transition fired; the def cache must not keep
        // a value computed before `enabled` was set.
        json doc = json::parse(kToySpec);
        doc["defs"] = json::parse(R"({"allowed": "enabled", "plus": "initiator.a + 1"})");
        doc["transitions"][1]["guard"] = "plus > 0";
        doc["rules"][0]["checks"][0]["assert"] = "allowed && plus > 0";
        auto spec = pc5check::spec::parse_spec(doc.dump(), "toy-defs.json");
        REQUIRE_MESSAGE(spec.has_value(), (spec ? "" : spec.error().to_string()));
        REQUIRE(spec->slots_verified); // the machine keeps def values only then

        const auto r = run(*spec, toy_trace());
        CHECK(r.verdict == Verdict::conforms);
        CHECK(r.steps[0].receiver_transition == "hear");
        CHECK(r.passes.at("ORDER") == 2);

        // A message the sender may not send now: `allowed` stays false and ORDER breaks.
        auto early = toy_trace();
        early["events"].erase(0);
        const auto v = run(*spec, early);
        CHECK(v.violated_rules() == std::vector<std::string>{"ORDER"});
    }

    TEST_CASE("a guard, when or assert that evaluates to absent is unknown, never a crash")
    {
        json doc = json::parse(kToySpec);
        doc["transitions"][0]["guard"] = "ie.reauth";
        doc["transitions"].push_back(json::parse(R"({"id": "seen", "role": "link", "dir": "observe",
            "on": ["REKEYING_REQUEST"], "guard": "ie.reauth", "text": "t", "clauses": [{"doc": "X", "clause": "1"}]})"));
        doc["rules"].push_back(
            json::parse(R"({"id": "REAUTH_SET", "text": "t", "clauses": [{"doc": "X", "clause": "4"}],
            "checks": [{"on": ["REKEYING_REQUEST"], "offender": "initiator", "assert": "ie.reauth",
                        "expected": "reauth", "observed": "{ie.reauth}"},
                       {"on": ["REKEYING_REQUEST"], "offender": "initiator", "when": "ie.reauth", "assert": "false",
                        "expected": "no reauth", "observed": "{ie.reauth}"}]})"));
        auto spec = pc5check::spec::parse_spec(doc.dump(), "toy-absent.json");
        REQUIRE_MESSAGE(spec.has_value(), (spec ? "" : spec.error().to_string()));

        const auto r = run(*spec, toy_trace()); // the request carries no reauth IE
        CHECK(r.verdict == Verdict::conforms);
        CHECK(r.steps[0].sender_transition == "ask");
        REQUIRE(r.assumptions.size() == 2);
        CHECK(r.assumptions[0].find("guard of ask assumed true (the condition is absent)") !=
              std::string::npos);
        std::size_t unverified = 0;
        for (const auto& f : r.findings) {
            CHECK(f.rule == "REAUTH_SET");
            CHECK(f.outcome == Outcome::unverified);
            CHECK(f.reason == "the condition is absent");
            ++unverified;
        }
        CHECK(unverified == 2);
        CHECK(r.passes.count("REAUTH_SET") == 0);

        auto with_reauth = toy_trace();
        with_reauth["events"][0]["ie"]["reauth"] = true;
        const auto r2 = run(*spec, with_reauth);
        CHECK(r2.steps[0].sender_transition == "ask");
        CHECK(r2.violated_rules() == std::vector<std::string>{"REAUTH_SET"}); // the `when: reauth` check
        CHECK(r2.passes.at("REAUTH_SET") == 1);
    }
}

namespace {

/// Replays `doc` twice: each event bound to a BoundEvent (bind_event, name-keyed fields) and stepped,
/// and each event stepped unbound (values straight into the slot table, as Replayer::feed does).
/// Returns both runs' findings rendered, or the error of the first event that does not bind.
std::pair<std::string, std::string> both_ways(const pc5check::spec::Spec& spec, const json& doc)
{
    using namespace pc5check::machine;
    auto t = pc5check::trace::parse_trace(doc.dump(), "toy-trace.json");
    REQUIRE_MESSAGE(t.has_value(), (t ? "" : t.error().to_string()));
    const auto render = [](const std::vector<Finding>& findings, const RulePasses& passes,
                           const std::vector<StepRecord>& steps) {
        std::string out;
        for (const auto& f : findings) {
            out += f.rule + "@" + std::to_string(f.event) + ":" +
                   std::to_string(static_cast<int>(f.outcome)) + ":" + f.expected + "|" + f.observed + "|" +
                   f.reason + ";";
        }
        for (const auto& [rule, n] : passes) {
            out += std::string(rule) + "=" + std::to_string(n) + ";";
        }
        for (const auto& s : steps) {
            out += s.sender_transition + "/" + s.receiver_transition + ";";
            for (const auto& a : s.assumptions) {
                out += a + ";";
            }
        }
        return out;
    };
    // One replay; `step(machine, i, findings, passes)` steps event i its way.
    const auto replay_with = [&](const auto& step) {
        auto header = bind_header(spec, *t);
        REQUIRE(header.has_value());
        Machine m(spec, *header);
        std::vector<Finding> findings;
        pc5check::machine::RulePasses passes;
        std::vector<StepRecord> steps;
        for (std::size_t i = 0; i < t->events.size(); ++i) {
            pc5check::Expected<StepRecord> s = step(m, i, findings, passes);
            if (!s) {
                return "error: " + s.error().to_string();
            }
            steps.push_back(std::move(*s));
        }
        return render(findings, passes, steps);
    };
    const std::string by_name = replay_with([&](Machine& m, std::size_t i, std::vector<Finding>& findings,
                                                RulePasses& passes) -> pc5check::Expected<StepRecord> {
        auto be = bind_event(spec, *t, t->events[i], i);
        if (!be) {
            return tl::make_unexpected(be.error());
        }
        return m.step(*be, i, findings, passes);
    });
    const std::string by_slot =
        replay_with([&](Machine& m, std::size_t i, std::vector<Finding>& findings, RulePasses& passes) {
            return m.step(t->events[i], i, findings, passes);
        });
    return {by_name, by_slot};
}

} // namespace

TEST_SUITE("machine")
{
    TEST_CASE("stepping an event bound by name and stepping it unbound agree, errors included")
    {
        const auto spec = toy_spec();
        std::vector<json> docs;
        docs.push_back(toy_trace());
        auto big = toy_trace();
        big["events"][0]["ie"]["msb_k_nrp_sess_id"] = 200; // SMALL violated
        docs.push_back(big);
        auto undecoded = toy_trace();
        undecoded["events"][0]["ie"] = nullptr; // every IE unknown
        docs.push_back(undecoded);
        auto null_ie = toy_trace();
        null_ie["events"][0]["ie"]["msb_k_nrp_sess_id"] = nullptr; // one IE not decoded
        docs.push_back(null_ie);
        auto unlogged = toy_trace();
        unlogged["events"][1].erase("sec");
        docs.push_back(unlogged);
        auto unknown_ie = toy_trace();
        unknown_ie["events"][1]["ie"] = {{"nonce_2", "00"}};
        docs.push_back(unknown_ie);
        auto bad_value = toy_trace();
        bad_value["events"][0]["ie"]["msb_k_nrp_sess_id"] = 256;
        docs.push_back(bad_value);
        auto wrong_sender = toy_trace();
        wrong_sender["events"][1]["from"] = "initiator";
        docs.push_back(wrong_sender);
        auto not_in_spec = toy_trace();
        not_in_spec["events"][1]["msg"] = "DATA";
        docs.push_back(not_in_spec);
        for (const auto& doc : docs) {
            const auto [by_name, by_slot] = both_ways(spec, doc);
            INFO(doc.dump());
            CHECK(!by_name.empty());
            CHECK(by_name == by_slot);
        }
        // The error cases are errors, with bind_event's messages.
        CHECK(both_ways(spec, unknown_ie).second.find("unknown IE 'nonce_2' in REKEYING_RESPONSE") !=
              std::string::npos);
        CHECK(both_ways(spec, wrong_sender).second.find("the initiator cannot send REKEYING_RESPONSE") !=
              std::string::npos);
        CHECK(both_ways(spec, not_in_spec).second.find("message DATA is not part of spec toy") !=
              std::string::npos);
        CHECK(both_ways(spec, big).second.find("SMALL@0") != std::string::npos);
    }
}

namespace {

/// The toy spec with a map of the initiator and a set of the link, updated by put()/insert() of the
/// variable itself; two link observations update the set at one event (with `guarded`, a third after
/// them: `if ie.msb_k_nrp_sess_id > 100 then insert(link.s, 9) else link.s`).
pc5check::spec::Spec collections_spec(bool guarded = false)
{
    json doc = json::parse(kToySpec);
    doc["variables"].push_back(json::parse(
        R"j({"role": "initiator", "name": "m", "type": "map", "init": "empty_map()", "text": "t"})j"));
    doc["variables"].push_back(
        json::parse(R"j({"role": "link", "name": "s", "type": "set<int>", "init": "{}", "text": "t"})j"));
    doc["transitions"][0]["effects"]["initiator.m"] = "put(initiator.m, 1, 10)";            // ask
    doc["transitions"][3]["effects"] = {{"initiator.m", "put(initiator.m, sec.count, 1)"}}; // done
    for (const char* element : {"3", "ie.msb_k_nrp_sess_id"}) {
        json seen = json::parse(R"j({"role": "link", "dir": "observe", "on": ["REKEYING_REQUEST"],
            "text": "t", "clauses": [{"doc": "X", "clause": "1"}]})j");
        seen["id"] = std::string("seen_") + (element[0] == '3' ? "3" : "ie");
        seen["effects"] = {{"link.s", std::string("insert(link.s, ") + element + ")"}};
        doc["transitions"].push_back(seen);
    }
    if (guarded) {
        json seen = doc["transitions"].back();
        seen["id"] = "seen_guarded";
        seen["effects"] = {{"link.s", "if ie.msb_k_nrp_sess_id > 100 then insert(link.s, 9) else link.s"}};
        doc["transitions"].push_back(seen);
    }
    auto spec = pc5check::spec::parse_spec(doc.dump(), "toy-collections.json");
    REQUIRE_MESSAGE(spec.has_value(), (spec ? "" : spec.error().to_string()));
    return std::move(*spec);
}

/// initiator.m and link.s after each event of `doc`.
std::vector<std::pair<pc5check::expr::Value, pc5check::expr::Value>>
collections_after(const pc5check::spec::Spec& spec, const json& doc)
{
    std::vector<std::pair<pc5check::expr::Value, pc5check::expr::Value>> out;
    for (const auto& values : values_after(spec, doc, {"initiator.m", "link.s"})) {
        out.emplace_back(values[0], values[1]);
    }
    return out;
}

} // namespace

TEST_SUITE("machine")
{
    // put/insert of the variable itself is applied in place (no copy of the map or set); the result
    // must be what assigning the evaluated right-hand side gave.
    TEST_CASE("put and insert into the variable itself: the later update wins, unknowns as before")
    {
        using pc5check::expr::MapValue;
        using pc5check::expr::Value;
        const auto spec = collections_spec();

        // Event 0: the first observation's insert(s, 3) is overridden by the second's insert(s, 7), both
        // from the state before the event; event 1 puts into the map event 0 left.
        const auto known = collections_after(spec, toy_trace());
        REQUIRE(known.size() == 2);
        CHECK(known[0].first == Value::map(MapValue{{{1, 10}}}));
        CHECK(known[0].second == Value::set({Value::integer(7)}));
        CHECK(known[1].first == Value::map(MapValue{{{0, 1}, {1, 10}}}));
        CHECK(known[1].second == Value::set({Value::integer(7)}));

        // An absent element, and an unknown key: the unknowns the expression gives, and they stay.
        auto open = toy_trace();
        open["events"][0]["ie"].erase("msb_k_nrp_sess_id");
        open["events"][1].erase("sec");
        const auto unknown = collections_after(spec, open);
        REQUIRE(unknown.size() == 2);
        CHECK(unknown[0].first == Value::map(MapValue{{{1, 10}}}));
        REQUIRE(unknown[0].second.is_unknown());
        CHECK(unknown[0].second.unknown_reason() == "ie.msb_k_nrp_sess_id is absent");
        REQUIRE(unknown[1].first.is_unknown());
        CHECK(unknown[1].first.unknown_reason() == "protection not logged");
        CHECK(unknown[1].second.unknown_reason() == "ie.msb_k_nrp_sess_id is absent");
    }

    // `V = if c then insert(V, x) else V` is applied in place too; a false c keeps V's value from before
    // the event, which, as the event's last update of V, also undoes the earlier observations' inserts.
    TEST_CASE("an insert under `if ... else V`: the condition decides, the later update wins, unknowns as "
              "before")
    {
        using pc5check::expr::Value;
        const auto spec = collections_spec(true);

        const auto small = collections_after(spec, toy_trace()); // msb 7: the condition is false
        REQUIRE(small.size() == 2);
        CHECK(small[0].second == Value::set({}));

        auto big = toy_trace();
        big["events"][0]["ie"]["msb_k_nrp_sess_id"] = 200;
        const auto large = collections_after(spec, big);
        REQUIRE(large.size() == 2);
        CHECK(large[0].second == Value::set({Value::integer(9)}));

        // An absent IE: the condition is unknown and the branches differ, so the value is the condition's.
        auto open = toy_trace();
        open["events"][0]["ie"].erase("msb_k_nrp_sess_id");
        const auto unknown = collections_after(spec, open);
        REQUIRE(unknown.size() == 2);
        REQUIRE(unknown[0].second.is_unknown());
        CHECK(unknown[0].second.unknown_reason() == "ie.msb_k_nrp_sess_id is absent");
    }

    // Initialisers: a literal; one of parameters and builtins only (computed once for the program and
    // copied into every trace's state); one reading the trace (compiled, evaluated per trace).
    TEST_CASE("initialisers: constants computed once, the rest per trace, each giving what evaluate() gives")
    {
        using pc5check::expr::Value;
        json doc = json::parse(kToySpec);
        doc["parameters"] = json::parse(R"j([{"id": "limit", "type": "int", "default": 3, "confirmed": false,
            "text": "t", "clauses": [{"doc": "X", "clause": "1"}]}])j");
        doc["variables"].push_back(json::parse(
            R"j({"role": "initiator", "name": "bound", "type": "int", "init": "param.limit * 2 - 1", "text": "t"})j"));
        doc["variables"].push_back(json::parse(
            R"j({"role": "link", "name": "ids", "type": "set<int>", "init": "insert({}, -(param.limit))", "text": "t"})j"));
        doc["variables"].push_back(json::parse(
            R"j({"role": "link", "name": "keyed", "type": "bool", "init": "known(init.k_nrp_sess) && param.limit > 2", "text": "t"})j"));
        auto spec = pc5check::spec::parse_spec(doc.dump(), "toy-init.json");
        REQUIRE_MESSAGE(spec.has_value(), (spec ? "" : spec.error().to_string()));
        const std::vector<std::string> names{"initiator.bound", "link.ids", "link.keyed", "target.last"};
        // Two traces in turn on one thread (the second machine takes over the first one's buffers).
        auto keyed = toy_trace();
        keyed["link"]["k_nrp_sess"] = std::string(64, 'a');
        for (const auto& [trace, known] : {std::pair{toy_trace(), false}, std::pair{keyed, true}}) {
            const auto values = values_after(*spec, trace, names);
            REQUIRE(!values.empty());
            CHECK(values[0][0] == Value::integer(5));
            CHECK(values[0][1] == Value::set({Value::integer(-3)}));
            CHECK(values[0][2] == Value::boolean(known));
        }
        // With the parameter overridden, the constant follows it.
        auto five = pc5check::spec::parse_spec(doc.dump(), "toy-init.json", {{"limit", "5"}});
        REQUIRE_MESSAGE(five.has_value(), (five ? "" : five.error().to_string()));
        const auto values = values_after(*five, toy_trace(), names);
        REQUIRE(!values.empty());
        CHECK(values[0][0] == Value::integer(9));
        CHECK(values[0][1] == Value::set({Value::integer(-5)}));
    }

    TEST_CASE("a Program shared by several replays gives what a replay building its own gives")
    {
        const auto spec = toy_spec();
        const auto program = std::make_shared<const pc5check::machine::Program>(spec);
        auto big = toy_trace();
        big["events"][0]["ie"]["msb_k_nrp_sess_id"] = 200;
        auto not_in_spec = toy_trace();
        not_in_spec["events"][1]["msg"] = "DATA";
        for (const auto& doc : {toy_trace(), big, not_in_spec, toy_trace()}) {
            auto t = pc5check::trace::parse_trace(doc.dump(), "toy-trace.json");
            REQUIRE(t.has_value());
            const auto own = pc5check::machine::replay(spec, *t);
            const auto shared = pc5check::machine::replay(program, *t);
            REQUIRE(own.has_value() == shared.has_value());
            if (!own) {
                CHECK(own.error().to_string() == shared.error().to_string());
                continue;
            }
            CHECK(own->verdict == shared->verdict);
            CHECK(own->violated_rules() == shared->violated_rules());
            CHECK(own->passes == shared->passes);
            CHECK(own->state_at_first_violation == shared->state_at_first_violation);
        }
    }

    TEST_CASE("machines of one program on one thread: each is bound to its own trace's keys")
    {
        // Machine takes over the functions of the program's previous machine on the thread: the key
        // look-up must then answer with this trace's K_NRP, never the previous one's.
        std::string text = kToySpec;
        const std::string rules = R"("rules": [)";
        text.replace(text.find(rules), rules.size(),
                     rules + R"({"id": "KEY", "text": "t", "clauses": [{"doc": "X", "clause": "4"}],
                     "checks": [{"on": ["REKEYING_REQUEST"], "offender": "initiator",
                                 "assert": "k_nrp_of(1) == x\"1111111111111111111111111111111111111111111111111111111111111111\"",
                                 "expected": "the first key", "observed": "another"}]},)");
        auto spec = pc5check::spec::parse_spec(text, "toy.json");
        REQUIRE_MESSAGE(spec.has_value(), (spec ? "" : spec.error().to_string()));
        const auto program = std::make_shared<const pc5check::machine::Program>(*spec);
        const auto with_key = [](char digit) {
            auto doc = toy_trace();
            doc["keys"] = json::array({{{"k_nrp_id", 1}, {"k_nrp", std::string(64, digit)}}});
            return doc;
        };
        for (const char digit : {'1', '2', '1', '2', '2', '1'}) {
            auto t = pc5check::trace::parse_trace(with_key(digit).dump(), "toy-trace.json");
            REQUIRE(t.has_value());
            const auto r = pc5check::machine::replay(program, *t);
            REQUIRE(r.has_value());
            INFO("key digit " << std::string(1, digit));
            const std::vector<std::string> expected =
                digit == '1' ? std::vector<std::string>{} : std::vector<std::string>{"KEY"};
            CHECK(r->violated_rules() == expected);
        }
    }
}

TEST_SUITE("machine")
{
    TEST_CASE("machines of one program in a row on one thread give what machines of their own give")
    {
        // A machine leaves its functions, memos and buffers (field values, updates, def values, state)
        // to the next machine of its program on the thread, which writes over them: the corpus's traces,
        // of every length and message, replayed in a row (twice) give what each gives replayed alone.
        const std::string root = PC5CHECK_SOURCE_DIR;
        const auto spec = pc5check::spec::load_spec(root + "/spec/ts33536-r17.json");
        REQUIRE(spec.has_value());
        const auto files = pc5check::trace::collect_trace_files({root + "/traces/ts33536-r17"});
        REQUIRE(files.has_value());
        std::vector<pc5check::trace::Trace> traces;
        for (const auto& file : *files) {
            auto docs = pc5check::trace::read_trace_file(file);
            REQUIRE(docs.has_value());
            for (auto& doc : *docs) {
                if (doc && doc->spec == spec->id) {
                    traces.push_back(std::move(*doc));
                }
            }
        }
        REQUIRE(traces.size() > 20);
        std::vector<pc5check::Expected<pc5check::machine::ReplayResult>> alone;
        for (const auto& t : traces) {
            alone.push_back(pc5check::machine::replay(*spec, t)); // a program of its own: nothing kept
        }
        const auto program = std::make_shared<const pc5check::machine::Program>(*spec);
        for (int round = 0; round < 2; ++round) {
            for (std::size_t k = 0; k < traces.size(); ++k) {
                CAPTURE(traces[k].file);
                const auto shared = pc5check::machine::replay(program, traces[k]);
                REQUIRE(shared.has_value() == alone[k].has_value());
                if (shared) {
                    CHECK(*shared == *alone[k]);
                } else {
                    CHECK(shared.error().to_string() == alone[k].error().to_string());
                }
            }
        }
    }
}
