#include "pc5check/trace/trace.h"

#include <doctest/doctest.h>
#include <string>
#include <string_view>

using pc5check::Error;
using pc5check::ErrorCode;
using pc5check::trace::Observer;
using pc5check::trace::parse_trace;
using pc5check::trace::Role;
using pc5check::trace::Sec;
using pc5check::trace::Trace;

namespace {

constexpr std::string_view kHead = R"({"format": "pc5-trace/1", "spec": "ts33536-r17", )";
constexpr std::string_view kLink = R"("link": {"k_nrp_id": 1, "k_nrp_sess_id": 2})";

/// A document with the given events (and link), on one line.
std::string with_events(std::string_view events, std::string_view link = kLink)
{
    return std::string(kHead) + std::string(link) + R"(, "events": [)" + std::string(events) + "]}";
}

/// A document with one event with `members` after its from/msg.
std::string with_event(std::string_view members)
{
    return with_events(R"({"from": "initiator", "msg": "DATA")" + std::string(members.empty() ? "" : ", ") +
                       std::string(members) + "}");
}

/// A document with the given link.
std::string with_link(std::string_view link_members)
{
    return with_events("", R"("link": {)" + std::string(link_members) + "}");
}

Trace parse_ok(std::string_view text)
{
    auto r = parse_trace(text, "t.json");
    REQUIRE_MESSAGE(r.has_value(), (r ? std::string() : r.error().to_string()));
    return *r;
}

Error parse_error(std::string_view text, std::size_t first_line = 1)
{
    auto r = parse_trace(text, "t.json", first_line);
    REQUIRE_MESSAGE(!r.has_value(), text);
    CHECK(r.error().file == "t.json");
    CHECK(r.error().message.find('\n') == std::string::npos);
    return r.error();
}

/// Checks code, pointer and a distinctive message fragment.
void check_error(const Error& e, const std::string& pointer, std::string_view fragment,
                 ErrorCode code = ErrorCode::bad_input)
{
    INFO(e.to_string());
    CHECK(e.code == code);
    CHECK(e.json_pointer == pointer);
    CHECK(e.message.find(fragment) != std::string::npos);
}

} // namespace

TEST_SUITE("trace")
{
    TEST_CASE("reader: the docs/trace-format.md example reads completely")
    {
        const std::string path = std::string(PC5CHECK_SOURCE_DIR) + "/tests/data/trace/example.json";
        const auto file = pc5check::trace::read_trace_file(path);
        REQUIRE_MESSAGE(file.has_value(), (file ? std::string() : file.error().to_string()));
        REQUIRE(file->size() == 1);
        REQUIRE_MESSAGE(file->front().has_value(), (file->front() ? "" : file->front().error().to_string()));
        const Trace& t = *file->front();
        CHECK(t.file == path);
        CHECK(t.line == 1);
        CHECK(t.spec == "ts33536-r17");
        CHECK(t.title == "free text");
        CHECK(t.observer == Observer::air);
        CHECK(t.link.k_nrp_id == 305419896U);
        CHECK(t.link.k_nrp_sess_id == 4660);
        CHECK(t.link.selected_nea == "NEA2");
        CHECK(t.link.selected_nia == "NIA2");
        REQUIRE(t.link.k_nrp_sess.has_value());
        REQUIRE(t.link.k_nrp_sess->size() == 32);
        for (std::size_t i = 0; i < 32; ++i) {
            CHECK((*t.link.k_nrp_sess)[i] == i); // 00 01 .. 1F, upper-case digits accepted
        }
        REQUIRE(t.link.initiator_sec_cap.has_value());
        CHECK(t.link.initiator_sec_cap->nea == std::vector<std::string>{"NEA0", "NEA2"});
        CHECK(t.link.initiator_sec_cap->nia == std::vector<std::string>{"NIA1", "NIA2"});
        REQUIRE(t.link.signalling_policy.has_value());
        CHECK(t.link.signalling_policy->integrity == "REQUIRED");
        CHECK(t.link.signalling_policy->ciphering == "PREFERRED");
        REQUIRE(t.keys.size() == 1);
        CHECK(t.keys[0].k_nrp_id == 305419896U);
        REQUIRE(t.keys[0].k_nrp.size() == 32);
        CHECK(t.keys[0].k_nrp[0] == 0xFF);
        CHECK(t.keys[0].k_nrp[15] == 0x00);

        REQUIRE(t.events.size() == 1);
        const auto& e = t.events[0];
        CHECK(e.at == 0.0);
        CHECK(e.from == Role::initiator);
        CHECK(e.msg == "REKEYING_REQUEST");
        CHECK(e.ie.to_json().at("nonce_1") == "00112233445566778899aabbccddeeff");
        CHECK(e.ie.to_json().at("msb_k_nrp_sess_id") == 171);
        CHECK(e.ie.to_json().at("reauth") == false);
        CHECK(e.ie.to_json().at("ue_sec_cap").at("nea") == nlohmann::json{"NEA0", "NEA2"});
        CHECK(e.sec.kind == Sec::Kind::protected_);
        CHECK(e.sec.ctx == 4660);
        CHECK(e.sec.count == 12U);
        CHECK(e.sec.bearer == 1);
        CHECK(e.sec.direction == 0);
        CHECK(e.sec.mac == std::array<std::uint8_t, 4>{0xDE, 0xAD, 0xBE, 0xEF});
        CHECK_FALSE(e.sec.ciphered.has_value());
        CHECK(e.pdu == pc5check::trace::Bytes{0x0a, 0x0b, 0x0c});
        CHECK(e.pointer == "/events/0");
        CHECK(e.position.line == 15);
        CHECK(e.position.column == 5);
        REQUIRE(e.ie.positions().size() == 4);
        CHECK(e.ie.find("ue_sec_cap")->position.line == 16);
        CHECK(e.ie.find("ue_sec_cap")->position.column == 27);
        CHECK(e.ie.find("nonce_1")->position.line == 17);
        CHECK(e.ie.find("nonce_1")->position.column == 24);
        CHECK(e.ie.find("reauth")->position.line == 17);
        REQUIRE(t.expect.has_value());
        CHECK(t.expect->verdict == "conforms");
        CHECK(t.expect->rules.empty());
    }

    TEST_CASE("reader: defaults of optional members")
    {
        const Trace t = parse_ok(with_events(R"({"from": "target", "msg": "RELEASE"},
            {"at": 2.5, "from": "initiator", "msg": "DATA", "sec": "none", "pdu": ""},
            {"from": "initiator", "msg": "DATA", "sec": {}, "ie": {}},
            {"at": 3, "from": "target", "msg": "REKEYING_ACCEPT", "sec": {"ciphered": true}})"));
        CHECK(t.observer == Observer::air);
        CHECK(t.title.empty());
        CHECK(t.keys.empty());
        CHECK_FALSE(t.expect.has_value());
        CHECK_FALSE(t.link.selected_nea.has_value());
        CHECK_FALSE(t.link.selected_nia.has_value());
        CHECK_FALSE(t.link.k_nrp_sess.has_value());
        CHECK_FALSE(t.link.initiator_sec_cap.has_value());
        CHECK_FALSE(t.link.signalling_policy.has_value());
        REQUIRE(t.events.size() == 4);
        CHECK(t.events[0].at == 0.0); // no previous event: 0
        CHECK(t.events[0].from == Role::target);
        CHECK(t.events[0].ie.to_json() == nlohmann::json::object());
        CHECK(t.events[0].ie.positions().empty());
        CHECK(t.events[0].sec.kind == Sec::Kind::not_logged);
        CHECK_FALSE(t.events[0].pdu.has_value());
        CHECK(t.events[1].at == 2.5);
        CHECK(t.events[1].sec.kind == Sec::Kind::none);
        REQUIRE(t.events[1].pdu.has_value());
        CHECK(t.events[1].pdu->empty());
        CHECK(t.events[2].at == 2.5); // previous event's time
        CHECK(t.events[2].sec.kind == Sec::Kind::protected_);
        CHECK_FALSE(t.events[2].sec.ctx.has_value());
        CHECK_FALSE(t.events[2].sec.mac.has_value());
        CHECK(t.events[3].at == 3.0);
        CHECK(t.events[3].sec.ciphered == true);
        CHECK(t.events[3].pointer == "/events/3");
    }

    TEST_CASE("reader: observer and title and unknown top-level keys and integer bounds")
    {
        std::string text = R"({"format": "pc5-trace/1", "spec": "x", "observer": "target", "title": "t",
            "vendor_extra": {"a": [1, 2]}, "source": 5, "expect": {"verdict": "violation", "rules": ["R1", "R2"]},
            "link": {"k_nrp_id": 4294967295, "k_nrp_sess_id": 65535, "selected_algs": {"nia": "NIA0"},
                     "initiator_sec_cap": {"nea": ["NEA0", "NEA0"], "nia": []}}, "events": [
            {"from": "target", "msg": "DATA", "sec": {"ctx": 0, "count": 4294967295, "bearer": 31, "direction": 1}}]})";
        const Trace t = parse_ok(text);
        CHECK(t.observer == Observer::target);
        CHECK(t.title == "t");
        CHECK(t.link.k_nrp_id == 4294967295U);
        CHECK(t.link.k_nrp_sess_id == 65535);
        CHECK_FALSE(t.link.selected_nea.has_value());
        CHECK(t.link.selected_nia == "NIA0");
        CHECK(t.link.initiator_sec_cap->nea == std::vector<std::string>{"NEA0", "NEA0"}); // as written
        CHECK(t.link.initiator_sec_cap->nia.empty());
        CHECK(t.expect->verdict == "violation");
        CHECK(t.expect->rules == std::vector<std::string>{"R1", "R2"});
        CHECK(t.events[0].sec.count == 4294967295U);
        CHECK(t.events[0].sec.bearer == 31);
        CHECK(t.events[0].sec.direction == 1);
    }

    TEST_CASE("reader: top-level errors")
    {
        check_error(parse_error("[1, 2]"), "",
                    "expected a JSON object (a pc5-trace/1 document), found an array");
        check_error(parse_error(R"({"spec": "x", "link": {}, "events": []})"), "",
                    "missing required key 'format'");
        check_error(parse_error(R"({"format": "pc5-trace/2", "spec": "x", "events": []})"), "/format",
                    R"(expected "pc5-trace/1", found "pc5-trace/2")");
        check_error(parse_error(R"({"format": "pc5-trace/1", "link": {}, "events": []})"), "",
                    "missing required key 'spec'");
        check_error(parse_error(R"({"format": "pc5-trace/1", "spec": "", "events": []})"), "/spec",
                    R"(expected a non-empty string (a spec id, e.g. "ts33536-r17"), found "")");
        check_error(parse_error(R"({"format": "pc5-trace/1", "spec": "x", "observer": "sky"})"), "/observer",
                    R"(expected one of air, initiator, target, found "sky")");
        check_error(parse_error(R"({"format": "pc5-trace/1", "spec": "x", "title": 5})"), "/title",
                    "expected a string (free text), found 5");
        check_error(parse_error(R"({"format": "pc5-trace/1", "spec": "x", "events": []})"), "",
                    "missing required key 'link'");
        check_error(parse_error(std::string(kHead) + std::string(kLink) + "}"), "",
                    "missing required key 'events'");
        check_error(parse_error(std::string(kHead) + std::string(kLink) + R"(, "events": {}})"), "/events",
                    "expected an array of events for events, found an object");
        check_error(parse_error(with_events("") + "x"), "", "invalid JSON");
        const Error root = parse_error(R"(  {"format": "pc5-trace/1"})");
        CHECK(root.line == 1);
        CHECK(root.column == 3); // missing keys point at the object that lacks them
        CHECK_FALSE(root.event_index.has_value());
    }

    TEST_CASE("reader: link errors")
    {
        check_error(
            parse_error(with_link(R"("k_nrp_id": 1, "k_nrp_sess_id": 2, "foo": 3)")), "/link/foo",
            "unknown key 'foo' in link; expected one of k_nrp_id, k_nrp_sess_id, selected_algs, k_nrp_sess");
        check_error(parse_error(with_link(R"("k_nrp_sess_id": 2)")), "/link",
                    "missing required key 'k_nrp_id' in link");
        check_error(parse_error(with_link(R"("k_nrp_id": 4294967296, "k_nrp_sess_id": 2)")), "/link/k_nrp_id",
                    "expected an integer 0..4294967295, found 4294967296 (out of range)");
        check_error(
            parse_error(with_link(R"("k_nrp_id": 123456789012345678901234567890, "k_nrp_sess_id": 2)")),
            "/link/k_nrp_id",
            "expected an integer 0..4294967295, found 123456789012345678901234567890 (out of range)");
        check_error(
            parse_error(with_link(R"("k_nrp_id": -123456789012345678901234567890, "k_nrp_sess_id": 2)")),
            "/link/k_nrp_id", "found -123456789012345678901234567890 (out of range)");
        check_error(parse_error(with_link(R"("k_nrp_id": 18446744073709551616, "k_nrp_sess_id": 2)")),
                    "/link/k_nrp_id", "found 18446744073709551616 (out of range)");
        check_error(parse_error(with_link(R"("k_nrp_id": 1, "k_nrp_sess_id": 65536)")), "/link/k_nrp_sess_id",
                    "expected an integer 0..65535, found 65536");
        check_error(parse_error(with_link(R"("k_nrp_id": 1.5, "k_nrp_sess_id": 2)")), "/link/k_nrp_id",
                    "found 1.5 (a JSON integer has no fraction");
        check_error(parse_error(with_link(R"("k_nrp_id": 1e3, "k_nrp_sess_id": 2)")), "/link/k_nrp_id",
                    "found 1e3 (a JSON integer has no fraction");
        check_error(parse_error(with_link(R"("k_nrp_id": 1.0, "k_nrp_sess_id": 2)")), "/link/k_nrp_id",
                    "found 1.0 (a JSON integer has no fraction");
        check_error(parse_error(with_link(R"("k_nrp_id": "1", "k_nrp_sess_id": 2)")), "/link/k_nrp_id",
                    R"(expected an integer 0..4294967295, found "1")");
        check_error(parse_error(with_link(R"("k_nrp_id": true, "k_nrp_sess_id": 2)")), "/link/k_nrp_id",
                    "expected an integer 0..4294967295, found true");
        check_error(parse_error(with_link(R"("k_nrp_id": null, "k_nrp_sess_id": 2)")), "/link/k_nrp_id",
                    "found null");
        check_error(
            parse_error(with_link(R"("k_nrp_id": 1, "k_nrp_sess_id": 2, "selected_algs": {"nea": "NIA2"})")),
            "/link/selected_algs/nea", R"(expected one of NEA0, NEA1, NEA2, NEA3, found "NIA2")");
        check_error(
            parse_error(with_link(R"("k_nrp_id": 1, "k_nrp_sess_id": 2, "selected_algs": {"nia": "NIA4"})")),
            "/link/selected_algs/nia", R"(expected one of NIA0, NIA1, NIA2, NIA3, found "NIA4")");
        check_error(
            parse_error(with_link(R"("k_nrp_id": 1, "k_nrp_sess_id": 2, "selected_algs": {"int": "NIA1"})")),
            "/link/selected_algs/int", "unknown key 'int' in selected_algs; expected one of nea, nia");
        check_error(parse_error(with_link(R"("k_nrp_id": 1, "k_nrp_sess_id": 2, "selected_algs": "NEA2")")),
                    "/link/selected_algs", R"(expected an object for selected_algs, found "NEA2")");
        check_error(
            parse_error(with_link(
                R"("k_nrp_id": 1, "k_nrp_sess_id": 2, "initiator_sec_cap": {"nea": ["NEA0", "NIA1"], "nia": []})")),
            "/link/initiator_sec_cap/nea/1", R"(expected one of NEA0, NEA1, NEA2, NEA3, found "NIA1")");
        check_error(
            parse_error(with_link(R"("k_nrp_id": 1, "k_nrp_sess_id": 2, "initiator_sec_cap": {"nea": []})")),
            "/link/initiator_sec_cap", "missing required key 'nia' in initiator_sec_cap");
        check_error(
            parse_error(with_link(
                R"("k_nrp_id": 1, "k_nrp_sess_id": 2, "initiator_sec_cap": {"nea": "NEA0", "nia": []})")),
            "/link/initiator_sec_cap/nea", "expected an array of names, each one of NEA0");
        check_error(
            parse_error(with_link(
                R"("k_nrp_id": 1, "k_nrp_sess_id": 2, "signalling_policy": {"integrity": "MAYBE", "ciphering": "REQUIRED"})")),
            "/link/signalling_policy/integrity",
            R"(expected one of REQUIRED, PREFERRED, NOT_NEEDED, found "MAYBE")");
        check_error(
            parse_error(with_link(
                R"("k_nrp_id": 1, "k_nrp_sess_id": 2, "signalling_policy": {"integrity": "REQUIRED"})")),
            "/link/signalling_policy", "missing required key 'ciphering'");
    }

    TEST_CASE("reader: hex errors")
    {
        const std::string k62(62, 'a');
        check_error(
            parse_error(with_link(R"("k_nrp_id": 1, "k_nrp_sess_id": 2, "k_nrp_sess": ")" + k62 + "\"")),
            "/link/k_nrp_sess", "expected 64 hex digits (32 octets) for k_nrp_sess, found 62 digits");
        check_error(
            parse_error(with_link(R"("k_nrp_id": 1, "k_nrp_sess_id": 2, "k_nrp_sess": ")" + k62 + "a\"")),
            "/link/k_nrp_sess", "expected 64 hex digits (32 octets) for k_nrp_sess, found 63 digits");
        check_error(
            parse_error(with_link(R"("k_nrp_id": 1, "k_nrp_sess_id": 2, "k_nrp_sess": ")" + k62 + "ag\"")),
            "/link/k_nrp_sess", "found 'g' at digit 64 (not a hex digit)");
        check_error(parse_error(with_link(R"("k_nrp_id": 1, "k_nrp_sess_id": 2, "k_nrp_sess": 5)")),
                    "/link/k_nrp_sess", "expected a string of 64 hex digits for k_nrp_sess, found 5");
        check_error(parse_error(with_event(R"("pdu": "abc")")), "/events/0/pdu",
                    "expected an even number of hex digits for pdu, found 3 digits (odd)");
        check_error(parse_error(with_event(R"("pdu": "0x12")")), "/events/0/pdu", "found a 0x prefix");
        check_error(parse_error(with_event(R"("pdu": "12 34")")), "/events/0/pdu", "found ' ' at digit 3");
        check_error(parse_error(with_event(R"("pdu": "1\u00e9")")), "/events/0/pdu",
                    "found byte 0xC3 at digit 2");
        check_error(parse_error(with_event(R"("sec": {"mac": "1234567"})")), "/events/0/sec/mac",
                    "expected 8 hex digits (4 octets) for mac, found 7 digits");
        check_error(parse_error(with_event(R"("sec": {"mac": "0123456789"})")), "/events/0/sec/mac",
                    "expected 8 hex digits (4 octets) for mac, found 10 digits");
        check_error(parse_error(with_event(R"("sec": {"mac": "0123456x"})")), "/events/0/sec/mac",
                    "found 'x' at digit 8");
        check_error(parse_error(with_events("", std::string(kLink) +
                                                    R"(, "keys": [{"k_nrp_id": 7, "k_nrp": "00"}])")),
                    "/keys/0/k_nrp", "expected 64 hex digits (32 octets) for k_nrp, found 2 digits");
        check_error(parse_error(with_events("", std::string(kLink) + R"(, "keys": [{"k_nrp": "00"}])")),
                    "/keys/0", "missing required key 'k_nrp_id' in key entry");
        check_error(parse_error(with_events("", std::string(kLink) + R"(, "keys": {})")), "/keys",
                    "expected an array of {k_nrp_id, k_nrp} for keys, found an object");
    }

    TEST_CASE("reader: event errors carry the event index")
    {
        const std::string ok = R"({"from": "initiator", "msg": "DATA"}, )";
        Error e = parse_error(
            with_events(ok + ok + ok + R"({"from": "target", "msg": "DATA", "sec": {"count": -1}})"));
        check_error(e, "/events/3/sec/count", "expected an integer 0..4294967295, found -1");
        CHECK(e.message == "expected an integer 0..4294967295, found -1 (out of range)");
        CHECK(e.event_index == 3);

        e = parse_error(with_event(R"("foo": 1)"));
        CHECK(e.message == "unknown key 'foo' in event; expected one of at, from, msg, ie, sec, pdu");
        CHECK(e.json_pointer == "/events/0/foo");
        CHECK(e.event_index == 0);
        CHECK(e.line == 1);
        CHECK(e.column == with_event(R"("foo": 1)").find("\"foo\"") + 1); // at the key itself

        e = parse_error(with_events(R"({"from": "initiator", "msg": "HELLO"})"));
        check_error(e, "/events/0/msg", "expected a message name, one of REKEYING_REQUEST, AUTH_REQUEST");
        CHECK(e.message.find("RELEASE, found \"HELLO\"") != std::string::npos);
        check_error(parse_error(with_events(R"({"from": "initiator", "msg": "rekeying_request"})")),
                    "/events/0/msg", "found \"rekeying_request\"");
        check_error(parse_error(with_events(R"({"msg": "DATA"})")), "/events/0",
                    "missing required key 'from' in event");
        check_error(parse_error(with_events(R"({"from": "initiator"})")), "/events/0",
                    "missing required key 'msg' in event");
        check_error(parse_error(with_events(R"({"from": "both", "msg": "DATA"})")), "/events/0/from",
                    R"(expected the sending role, one of initiator, target, found "both")");
        check_error(parse_error(with_events(R"([1])")), "/events/0",
                    "expected an object for event, found an array");
        check_error(parse_error(with_event(R"("at": -1)")), "/events/0/at",
                    "expected a finite number of seconds >= 0, found -1");
        check_error(parse_error(with_event(R"("at": "0")")), "/events/0/at", "found \"0\"");
        check_error(parse_error(with_event(R"("ie": [1])")), "/events/0/ie", "expected an object of IEs");
        check_error(
            parse_error(with_event(R"("sec": "protected")")), "/events/0/sec",
            R"(expected "none" or an object with ctx, count, bearer, direction, mac, ciphered for sec, found "protected")");
        check_error(parse_error(with_event(R"("sec": {"key": 1})")), "/events/0/sec/key",
                    "unknown key 'key' in sec; expected one of ctx, count, bearer, direction, mac, ciphered");
        check_error(parse_error(with_event(R"("sec": {"bearer": 32})")), "/events/0/sec/bearer",
                    "expected an integer 0..31, found 32");
        check_error(parse_error(with_event(R"("sec": {"direction": 2})")), "/events/0/sec/direction",
                    "expected an integer 0..1, found 2");
        check_error(parse_error(with_event(R"("sec": {"ctx": 70000})")), "/events/0/sec/ctx",
                    "expected an integer 0..65535, found 70000");
        check_error(parse_error(with_event(R"("sec": {"ctx": 1.5e2})")), "/events/0/sec/ctx",
                    "found 1.5e2 (a JSON integer has no fraction");
        check_error(parse_error(with_event(R"("sec": {"ciphered": "yes"})")), "/events/0/sec/ciphered",
                    R"(expected true or false, found "yes")");
    }

    TEST_CASE("reader: expect errors")
    {
        const std::string head = std::string(kHead) + std::string(kLink) + R"(, "events": [], "expect": )";
        check_error(parse_error(head + R"({"verdict": "maybe"}})"), "/expect/verdict",
                    R"(expected one of conforms, violation, inconclusive, found "maybe")");
        check_error(parse_error(head + R"({"verdict": "conforms", "rules": ["R1", 2]}})"), "/expect/rules/1",
                    "expected a non-empty string (a rule ID), found 2");
        check_error(parse_error(head + R"({"verdict": "conforms", "why": 1}})"), "/expect/why",
                    "unknown key 'why' in expect");
        check_error(parse_error(head + R"({"rules": []}})"), "/expect", "missing required key 'verdict'");
    }

    TEST_CASE("reader: duplicate keys are refused at any depth")
    {
        Error e = parse_error("{\"format\": \"pc5-trace/1\",\n  \"format\": \"pc5-trace/1\"}");
        check_error(e, "/format",
                    "duplicate key 'format'; expected each key once per object (first at line 1, column 2)");
        CHECK(e.line == 2);
        CHECK(e.column == 3);

        e = parse_error(with_events(R"({"from": "initiator", "msg": "DATA", "msg": "RELEASE"})"));
        check_error(e, "/events/0/msg", "duplicate key 'msg'");
        e = parse_error(with_event(R"("ie": {"cap": {"nea": [], "nia": [], "nea": []}})"));
        check_error(e, "/events/0/ie/cap/nea", "duplicate key 'nea'");
        // The same key spelled with an escape is the same key.
        e = parse_error(with_event(R"("ie": {"a/b": 1, "a\u002fb": 2})"));
        check_error(e, "/events/0/ie/a~1b", "duplicate key 'a/b'");
        // Equal keys in different objects are fine.
        const Trace t = parse_ok(with_event(R"("ie": {"x": {"v": 1}, "y": {"v": 2}})"));
        CHECK(t.events[0].ie.to_json().at("y").at("v") == 2);
    }

    TEST_CASE("reader: JSON syntax errors give file line:column")
    {
        const std::string text = "{\n  \"format\": \"pc5-trace/1\",\n  \"spec\" \"x\"\n}";
        Error e = parse_error(text);
        check_error(e, "", "invalid JSON: syntax error while parsing object separator");
        // Like nlohmann, the position is that of the last character read: the end of the bad token "x".
        CHECK(e.line == 3);
        CHECK(e.column == 12);
        CHECK(e.message.find("[json.exception") == std::string::npos);
        CHECK(e.message.find("line 3") == std::string::npos); // nlohmann's own position is dropped
        e = parse_error(text, 41);                            // as line 41 of a file
        CHECK(e.line == 43);
        CHECK(e.column == 12);

        e = parse_error("{\"a\": tru}");
        CHECK(e.line == 1);
        check_error(e, "", "invalid literal");
        e = parse_error("{\"a\": \"\xff\"}"); // invalid UTF-8: quoted escaped in the message
        check_error(e, "", "ill-formed UTF-8");
        CHECK(e.message.find('\xff') == std::string::npos);
        e = parse_error("{\"a\": 1");
        check_error(e, "", "unexpected end of input");
        e = parse_error("{} {}");
        check_error(e, "", "expected end of input");
        CHECK(e.column == 4);
        e = parse_error(" \n\t ", 7);
        check_error(e, "", "expected a pc5-trace/1 JSON document, found an empty document");
        CHECK(e.line == 7);
        // A NUL byte ends nlohmann's input; JSON allows none, so the text after the value is an error
        // (fuzz finding, tests/data/fuzz-regressions/fuzz_trace_json/nul-after-value.json).
        e = parse_error(std::string("{}\0x", 4));
        check_error(e, "", "invalid JSON");
        check_error(e, "", "expected end of input");
        CHECK(e.column == 3);
    }

    TEST_CASE("reader: numbers beyond double and deep nesting are clean errors")
    {
        Error e = parse_error(with_event(R"("ie": {"x": 1e999})"));
        check_error(e, "", "expected a number within the range of a double");
        CHECK(e.line == 1);
        CHECK(e.column == with_event(R"("ie": {"x": 1e999})").find("1e999") + 1);

        const std::string deep = std::string(500, '[') + std::string(500, ']');
        e = parse_error(with_event(R"("ie": {"x": )" + deep + "}"));
        check_error(e, "", "expected JSON nested at most 100 levels deep", ErrorCode::limit);
        CHECK(e.line == 1);
        CHECK(e.column > 0);
        // 90 levels inside an IE are fine.
        const Trace t =
            parse_ok(with_event(R"("ie": {"x": )" + std::string(90, '[') + std::string(90, ']') + "}"));
        CHECK(t.events[0].ie.to_json().at("x").is_array());
    }

    TEST_CASE("reader: nesting and number length limits are configurable and name their option")
    {
        pc5check::trace::Limits limits;
        const std::string ok_text = with_event(R"("ie": {"x": [[1]], "y": 123456789012345678})");
        CHECK(parse_trace(ok_text, "t.json", 1, limits).has_value());

        limits.max_nesting = 4; // root, events, event, ie: the IE's array is level 5
        auto r = parse_trace(ok_text, "t.json", 1, limits);
        REQUIRE_FALSE(r.has_value());
        check_error(r.error(), "",
                    "expected JSON nested at most 4 levels deep (limit --max-nesting), found deeper nesting",
                    ErrorCode::limit);
        CHECK(r.error().column == ok_text.find("[[1]]") + 1);
        limits.max_nesting = 200;
        const std::string deep = std::string(150, '[') + std::string(150, ']');
        CHECK(parse_trace(with_event(R"("ie": {"x": )" + deep + "}"), "t.json", 1, limits).has_value());

        limits = {};
        limits.max_number_chars = 17;
        r = parse_trace(ok_text, "t.json", 3, limits);
        REQUIRE_FALSE(r.has_value());
        check_error(r.error(), "",
                    "expected JSON numbers of at most 17 characters (limit --max-number-chars), found one of "
                    "18 characters",
                    ErrorCode::limit);
        CHECK(r.error().line == 3);
        CHECK(r.error().column == ok_text.find("123456789012345678") + 1);
        // The default refuses a number of a million digits before nlohmann reads it.
        r = parse_trace(with_event(R"("sec": {"count": )" + std::string(1'000'000, '7') + "}"), "t.json");
        REQUIRE_FALSE(r.has_value());
        check_error(r.error(), "",
                    "at most 40 characters (limit --max-number-chars), found one of 1000000 characters",
                    ErrorCode::limit);
    }

    TEST_CASE("reader: positions of events and IEs in a multi-line document")
    {
        const std::string text =
            "{\"format\": \"pc5-trace/1\", \"title\": \"\xC3\xA9t\xC3\xA9\",\n"       // line 1
            "  \"spec\": \"s\", \"link\": {\"k_nrp_id\": 1, \"k_nrp_sess_id\": 2},\n" // 2
            "  \"events\": [\n"                                                       // 3
            "    {\"from\": \"initiator\", \"msg\": \"REKEYING_REQUEST\",\n"          // 4
            "     \"ie\": {\"nonce_1\": \"00\", \"reauth\": true}},\n"                // 5
            "\t{\"from\": \"target\", \"msg\": \"DATA\"}, {\"from\": \"target\",\n"   // 6
            "  \"msg\": \"RELEASE\", \"ie\": {\"a~b\": 1, \"\xC3\xA9\": 2}}\n"        // 7
            "  ]\n"
            "}\n";
        for (const std::size_t first_line : {std::size_t{1}, std::size_t{100}}) {
            const auto r = parse_trace(text, "p.jsonl", first_line);
            REQUIRE_MESSAGE(r.has_value(), (r ? std::string() : r.error().to_string()));
            const std::size_t off = first_line - 1;
            CHECK(r->line == first_line);
            REQUIRE(r->events.size() == 3);
            CHECK(r->events[0].position.line == 4 + off);
            CHECK(r->events[0].position.column == 5);
            CHECK(r->events[0].ie.find("nonce_1")->position.line == 5 + off);
            CHECK(r->events[0].ie.find("nonce_1")->position.column == 24);
            CHECK(r->events[0].ie.find("reauth")->position.column == 40);
            CHECK(r->events[1].position.line == 6 + off);
            CHECK(r->events[1].position.column == 2); // a tab is one column
            CHECK(r->events[2].position.line == 6 + off);
            CHECK(r->events[2].position.column == 37);
            CHECK(r->events[2].ie.find("a~b")->position.line == 7 + off);
            CHECK(r->events[2].ie.find("a~b")->position.column == 35);
            CHECK(r->events[2].ie.find("\xC3\xA9")->position.column == 43); // columns count characters
        }
        // An error inside the third event points at the value, in file lines.
        std::string bad = text;
        bad.replace(bad.find("\"RELEASE\""), 9, "\"RELEASED\"");
        const Error e = parse_error(bad, 10);
        check_error(e, "/events/2/msg", "found \"RELEASED\"");
        CHECK(e.line == 16);
        CHECK(e.column == 10);
        CHECK(e.event_index == 2);
        CHECK(e.to_string() == "t.json:16:10: at /events/2/msg: " + e.message);
    }

    TEST_CASE("reader: IE positions for an empty and an overlong IE name")
    {
        const std::string long_name(600, 'n');
        const std::string text = with_event(R"("ie": {"": 1, ")" + long_name + R"(": 2})");
        const Trace t = parse_ok(text);
        const auto positions = t.events[0].ie.positions();
        REQUIRE(positions.size() == 2);
        CHECK(positions.at("").column == text.find(R"("": 1)") + 5);
        // However long the name, the position is that of its own value (the old position index stopped
        // recording pointers over 512 characters and gave the `ie` object's position instead).
        CHECK(positions.at(long_name).line == 1);
        CHECK(positions.at(long_name).column == text.find(long_name) + long_name.size() + 4);
    }

    TEST_CASE("reader: events are read as they are parsed, errors as if read after the document")
    {
        // Non-ASCII text only after the first event: positions before and after it count characters.
        const std::string line2 = R"( {"from": "target", "msg": "DATA", "ie": {"\u00e9": "\u00e9", "x": ")"
                                  "\xC3\xA9"
                                  R"(", "y": 1}},)";
        const std::string text = std::string(kHead) + std::string(kLink) +
                                 R"(, "events": [{"from": "initiator", "msg": "DATA"},)" + "\n" + line2 +
                                 "\n" + R"( {"from": "target", "msg": "DATA", "ie": {"z": 2}}]})";
        const Trace t = parse_ok(text);
        REQUIRE(t.events.size() == 3);
        CHECK(t.events[0].position.column == text.find("{\"from") + 1);
        CHECK(t.events[1].ie.find("y")->position.line == 2);
        CHECK(t.events[1].ie.find("y")->position.column == 78); // the two bytes of \xC3\xA9 are one column
        CHECK(t.events[2].ie.find("z")->position.line == 3);
        CHECK(t.events[2].ie.find("z")->position.column == 48);

        // `events` written before `link`: an error in the link still comes first (read order).
        const std::string bad_event = R"({"from": "initiator", "msg": "HELLO"})";
        const std::string events_first = std::string(kHead) + R"("events": [)" + bad_event +
                                         R"(], "link": {"k_nrp_id": -1, "k_nrp_sess_id": 2}})";
        check_error(parse_error(events_first), "/link/k_nrp_id", "found -1");
        // ... an event error before one in `expect`, which is read after the events.
        Error e = parse_error(std::string(kHead) + std::string(kLink) + R"(, "events": [)" + bad_event +
                              R"(], "expect": {"verdict": 1}})");
        check_error(e, "/events/0/msg", "found \"HELLO\"");
        // ... and a JSON error or a duplicate key anywhere after it before the event's error.
        check_error(parse_error(with_events(bad_event) + ","), "", "invalid JSON: syntax error");
        e = parse_error(with_events(bad_event + R"(, {"from": "target", "from": "target", "msg": "DATA"})"));
        check_error(e, "/events/1/from", "duplicate key 'from'");
    }

    TEST_CASE("reader: a byte order mark is ignored")
    {
        const Trace t = parse_ok("\xEF\xBB\xBF" + with_events(R"({"from": "initiator", "msg": "DATA"})"));
        CHECK(t.events[0].position.column == with_events("").find('[') + 2);
    }
}
