#include "pc5check/trace/trace.h"

#include <doctest/doctest.h>
#include <string>

using nlohmann::json;
using pc5check::trace::parse_trace;
using pc5check::trace::to_json;
using pc5check::trace::Trace;

namespace {

Trace parse_ok(const std::string& text)
{
    auto r = parse_trace(text, "w.json");
    REQUIRE_MESSAGE(r.has_value(), (r ? std::string() : r.error().to_string()));
    return *r;
}

/// All data fields equal (positions, pointers and file excluded).
void check_same_data(const Trace& a, const Trace& b)
{
    CHECK(a.spec == b.spec);
    CHECK(a.title == b.title);
    CHECK(a.observer == b.observer);
    CHECK(a.link.k_nrp_id == b.link.k_nrp_id);
    CHECK(a.link.k_nrp_sess_id == b.link.k_nrp_sess_id);
    CHECK(a.link.selected_nea == b.link.selected_nea);
    CHECK(a.link.selected_nia == b.link.selected_nia);
    CHECK(a.link.k_nrp_sess == b.link.k_nrp_sess);
    REQUIRE(a.link.initiator_sec_cap.has_value() == b.link.initiator_sec_cap.has_value());
    if (a.link.initiator_sec_cap) {
        CHECK(a.link.initiator_sec_cap->nea == b.link.initiator_sec_cap->nea);
        CHECK(a.link.initiator_sec_cap->nia == b.link.initiator_sec_cap->nia);
    }
    REQUIRE(a.link.signalling_policy.has_value() == b.link.signalling_policy.has_value());
    if (a.link.signalling_policy) {
        CHECK(a.link.signalling_policy->integrity == b.link.signalling_policy->integrity);
        CHECK(a.link.signalling_policy->ciphering == b.link.signalling_policy->ciphering);
    }
    REQUIRE(a.keys.size() == b.keys.size());
    for (std::size_t i = 0; i < a.keys.size(); ++i) {
        CHECK(a.keys[i].k_nrp_id == b.keys[i].k_nrp_id);
        CHECK(a.keys[i].k_nrp == b.keys[i].k_nrp);
    }
    REQUIRE(a.events.size() == b.events.size());
    for (std::size_t i = 0; i < a.events.size(); ++i) {
        const auto& x = a.events[i];
        const auto& y = b.events[i];
        CHECK(x.at == y.at);
        CHECK(x.from == y.from);
        CHECK(x.msg == y.msg);
        CHECK(x.ie == y.ie);
        CHECK(x.sec == y.sec); // every field of the protection
        CHECK(x.pdu == y.pdu);
    }
    REQUIRE(a.expect.has_value() == b.expect.has_value());
    if (a.expect) {
        CHECK(a.expect->verdict == b.expect->verdict);
        CHECK(a.expect->rules == b.expect->rules);
    }
}

/// A trace using every member of the format.
std::string full_trace()
{
    return R"({"format": "pc5-trace/1", "spec": "ts33536-r17", "title": "round trip",
  "observer": "initiator",
  "link": {"k_nrp_id": 305419896, "k_nrp_sess_id": 4660, "selected_algs": {"nea": "NEA2", "nia": "NIA2"},
           "k_nrp_sess": "000102030405060708090A0B0C0D0E0F101112131415161718191a1b1c1d1e1f",
           "initiator_sec_cap": {"nea": ["NEA2", "NEA0", "NEA2"], "nia": ["NIA1"]},
           "signalling_policy": {"integrity": "NOT_NEEDED", "ciphering": "REQUIRED"}},
  "keys": [{"k_nrp_id": 1, "k_nrp": "FFEEDDCCBBAA99887766554433221100ffeeddccbbaa99887766554433221100"},
           {"k_nrp_id": 4294967295, "k_nrp": "0000000000000000000000000000000000000000000000000000000000000000"}],
  "events": [
    {"at": 0.125, "from": "initiator", "msg": "REKEYING_REQUEST",
     "ie": {"ue_sec_cap": {"nea": ["NEA0"], "nia": ["NIA2"]}, "nonce_1": "00112233445566778899AABBCCDDEEFF",
            "msb_k_nrp_sess_id": 171, "big": 123456789012345678901234567890, "s": "\u00e9\n"},
     "sec": {"ctx": 4660, "count": 4294967295, "bearer": 31, "direction": 1, "mac": "DEADBEEF", "ciphered": false},
     "pdu": "0A0b0C"},
    {"from": "target", "msg": "AUTH_REQUEST", "sec": "none", "pdu": ""},
    {"at": 7, "from": "target", "msg": "DATA", "sec": {"mac": "00000000"}},
    {"from": "initiator", "msg": "RELEASE", "sec": {}}
  ],
  "expect": {"verdict": "violation", "rules": ["SMC_NEW_CONTEXT", "MAC_VALID"]}})";
}

} // namespace

TEST_SUITE("trace")
{
    TEST_CASE("writer: parse(to_json(t)) keeps every data field")
    {
        const Trace t = parse_ok(full_trace());
        const json j = to_json(t);
        const Trace back = parse_ok(j.dump(2));
        check_same_data(t, back);
        // And the writer is stable: writing the re-read trace gives the same JSON.
        CHECK(to_json(back) == j);
        // Compact output reads the same.
        check_same_data(t, parse_ok(j.dump()));
    }

    TEST_CASE("writer: contract spelling of each member")
    {
        const json j = to_json(parse_ok(full_trace()));
        CHECK(j.at("format") == "pc5-trace/1");
        CHECK(j.at("spec") == "ts33536-r17");
        CHECK(j.at("title") == "round trip");
        CHECK(j.at("observer") == "initiator");
        CHECK(j.at("link").at("k_nrp_sess") ==
              "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        CHECK(j.at("link").at("selected_algs") == json{{"nea", "NEA2"}, {"nia", "NIA2"}});
        CHECK(j.at("link").at("initiator_sec_cap").at("nea") == json{"NEA2", "NEA0", "NEA2"});
        CHECK(j.at("keys").at(0).at("k_nrp") ==
              "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100");
        const json& e0 = j.at("events").at(0);
        CHECK(e0.at("from") == "initiator");
        CHECK(e0.at("msg") == "REKEYING_REQUEST");
        CHECK(e0.at("at") == 0.125);
        CHECK(e0.at("sec").at("mac") == "deadbeef"); // lower-case
        CHECK(e0.at("sec").at("ciphered") == false);
        CHECK(e0.at("pdu") == "0a0b0c");
        CHECK(e0.at("ie").at("nonce_1") == "00112233445566778899AABBCCDDEEFF"); // IEs are kept raw
        const json& e1 = j.at("events").at(1);
        CHECK(e1.at("sec") == "none");
        CHECK(e1.at("pdu") == "");
        CHECK(e1.at("at") == 0.125); // the default is written out
        CHECK_FALSE(e1.contains("ie"));
        const json& e2 = j.at("events").at(2);
        CHECK(e2.at("sec") == json{{"mac", "00000000"}}); // present members only
        CHECK_FALSE(e2.contains("pdu"));
        CHECK(j.at("events").at(3).at("sec") == json::object());
        CHECK(j.at("expect") == json{{"verdict", "violation"}, {"rules", {"SMC_NEW_CONTEXT", "MAC_VALID"}}});
    }

    TEST_CASE("writer: optional parts are left out")
    {
        const Trace t =
            parse_ok(R"({"format": "pc5-trace/1", "spec": "s", "link": {"k_nrp_id": 0, "k_nrp_sess_id": 0},
                                     "events": [{"from": "target", "msg": "DATA"}]})");
        const json j = to_json(t);
        CHECK_FALSE(j.contains("title"));
        CHECK_FALSE(j.contains("keys"));
        CHECK_FALSE(j.contains("expect"));
        CHECK(j.at("observer") == "air");
        CHECK(j.at("link") == json{{"k_nrp_id", 0}, {"k_nrp_sess_id", 0}});
        CHECK_FALSE(j.at("events").at(0).contains("sec")); // not logged
        CHECK(j.at("events").at(0).at("at") == 0.0);
        check_same_data(t, parse_ok(j.dump()));

        Trace only_nia = t;
        only_nia.link.selected_nia = "NIA1";
        CHECK(to_json(only_nia).at("link").at("selected_algs") == json{{"nia", "NIA1"}});
        Trace empty;
        empty.spec = "s";
        CHECK(to_json(empty).at("events") == json::array());
        check_same_data(empty, parse_ok(to_json(empty).dump()));
    }
}
