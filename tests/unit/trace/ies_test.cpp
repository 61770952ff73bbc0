#include "pc5check/trace/ies.h"
#include "pc5check/trace/trace.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

using nlohmann::json;
using pc5check::trace::Ies;
using pc5check::trace::parse_trace;
using pc5check::trace::Position;
using pc5check::trace::recycle_trace;
using pc5check::trace::Trace;

namespace {

Trace parse_ok(const std::string& text)
{
    auto t = parse_trace(text, "t.json");
    REQUIRE_MESSAGE(t.has_value(), (t ? "" : t.error().message));
    return std::move(*t);
}

std::string trace_with(std::string_view events)
{
    return R"({"format": "pc5-trace/1", "spec": "ts33536-r17", "link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}, )"
           R"("events": [)" +
           std::string(events) + "]}";
}

} // namespace

TEST_SUITE("trace")
{
    TEST_CASE("ies: names and the members of objects in name order, values as nlohmann reads them")
    {
        const std::string text = trace_with(
            R"({"from": "initiator", "msg": "DATA", "ie": {"zeta": [1, -2, 3.5, 18446744073709551615, 1e3], )"
            R"("alpha": {"nia": ["NIA1"], "nea": [], "\u00e9": null}, "m\"id": "a\u0062c", "flag": true}})");
        const Trace t = parse_ok(text);
        const Ies& ies = t.events[0].ie;
        REQUIRE(ies.decoded());
        REQUIRE(ies.size() == 4);
        CHECK(ies.at(0).name == "alpha");
        CHECK(ies.at(1).name == "flag");
        CHECK(ies.at(2).name == "m\"id");
        CHECK(ies.at(3).name == "zeta");
        // Members of a nested object too, byte by byte (é is 0xC3 0xA9: after the ASCII names).
        std::vector<std::string> names;
        ies.at(0).value.for_each_member(
            [&](std::string_view n, const Ies::Value&) { names.emplace_back(n); });
        CHECK(names == std::vector<std::string>{"nea", "nia", "\xC3\xA9"});
        CHECK(ies.at(2).value.string() == "abc"); // escapes decoded
        CHECK(ies.at(1).value.boolean());
        // The same JSON (and the same number types) as nlohmann's parse of the same object.
        const json theirs = json::parse(text).at("events").at(0).at("ie");
        CHECK(ies.to_json() == theirs);
        const json ours = ies.to_json();
        for (auto it = theirs.at("zeta").begin(); it != theirs.at("zeta").end(); ++it) {
            const auto k = static_cast<std::size_t>(it - theirs.at("zeta").begin());
            CHECK(ours.at("zeta").at(k).type() == it->type());
        }
        CHECK(ies.find("zeta")->value.size() == 5);
        CHECK_FALSE(ies.find("zet").has_value());
        CHECK_FALSE(ies.contains("zetaa"));
        CHECK(ies.contains("alpha"));
    }

    TEST_CASE("ies: not decoded, empty, and the edges (assign, set, erase keep the other positions)")
    {
        const Trace t = parse_ok(trace_with(
            R"({"from": "initiator", "msg": "DATA", "ie": null}, {"from": "initiator", "msg": "DATA", "ie": {}},)"
            R"( {"from": "initiator", "msg": "DATA", "ie": {"b": 1, "a": "x"}})"));
        CHECK_FALSE(t.events[0].ie.decoded());
        CHECK(t.events[0].ie.to_json().is_null());
        CHECK(t.events[1].ie.decoded());
        CHECK(t.events[1].ie.empty());
        CHECK(t.events[1].ie.to_json() == json::object());

        Ies ies = t.events[2].ie;
        const Position a = ies.find("a")->position;
        const Position b = ies.find("b")->position;
        CHECK(a.line == 1);
        CHECK(b.column > 0);
        CHECK(a.column > b.column); // "a" is written after "b"
        ies.set("aa", json{{"nea", {"NEA0"}}});
        CHECK(ies.at(1).name == "aa");
        CHECK(ies.find("aa")->position == Position{});
        CHECK(ies.find("a")->position == a);
        CHECK(ies.find("b")->position == b);
        ies.set("a", 7); // replaced in place
        CHECK(ies.size() == 3);
        CHECK(ies.to_json().at("a") == 7);
        ies.erase("aa");
        CHECK(ies.to_json() == json{{"a", 7}, {"b", 1}});
        CHECK(ies.find("b")->position == b);
        ies.erase("nothing");
        CHECK(ies.size() == 2);

        Ies other;
        other.assign(json{{"b", 1}, {"a", 7}});
        CHECK(other == ies); // positions aside
        other.assign(nullptr);
        CHECK_FALSE(other.decoded());
        CHECK_FALSE(other == ies);
        other.set("x", true);
        CHECK(other.decoded());
        CHECK(other.to_json() == json{{"x", true}});
    }

    TEST_CASE("ies: an event read into a recycled one carries nothing of it over")
    {
        // The first trace's event has IEs, protection and a pdu; given back, its storage is reused for
        // the next trace's events, which have none of them (or other ones).
        Trace first = parse_ok(trace_with(
            R"({"at": 1.5, "from": "target", "msg": "REKEYING_REQUEST", "ie": {"nonce_1": "00112233445566778899aabbccddeeff", "reauth": true},)"
            R"( "sec": {"ctx": 2, "count": 7, "bearer": 1, "direction": 1, "mac": "01020304", "ciphered": false}, "pdu": "0a0b0c"})"));
        recycle_trace(std::move(first));
        const Trace second = parse_ok(trace_with(
            R"({"from": "initiator", "msg": "DATA"}, {"from": "initiator", "msg": "DATA", "ie": null}, )"
            R"({"from": "initiator", "msg": "DATA", "ie": {"z": 1}, "pdu": "ff"})"));
        REQUIRE(second.events.size() == 3);
        for (const auto& e : second.events) {
            CHECK(e.at == 0.0);
            CHECK(e.from == pc5check::trace::Role::initiator);
            CHECK(e.msg == "DATA");
            CHECK(e.sec.kind == pc5check::trace::Sec::Kind::not_logged);
            CHECK_FALSE(e.sec.mac.has_value());
        }
        CHECK(second.events[0].ie.decoded());
        CHECK(second.events[0].ie.empty());
        CHECK_FALSE(second.events[0].pdu.has_value());
        CHECK_FALSE(second.events[1].ie.decoded());
        CHECK_FALSE(second.events[1].pdu.has_value());
        CHECK(second.events[2].ie.to_json() == json{{"z", 1}});
        REQUIRE(second.events[2].pdu.has_value());
        CHECK(*second.events[2].pdu == pc5check::trace::Bytes{0xff});
        CHECK(second.events[2].pointer == "/events/2");
    }
}

TEST_SUITE("trace")
{
    TEST_CASE("ies: an event with a huge pdu is not kept for reuse (its memory goes with its trace)")
    {
        // Events given back keep their buffers for the next ones read on the thread, but only small ones:
        // a pdu of up to --max-hex-digits must not stay with the thread once per spare event.
        const std::string big(200000, 'a'); // 100,000 octets
        Trace first =
            parse_ok(trace_with(R"({"from": "initiator", "msg": "DATA", "pdu": ")" + big + R"("})"));
        REQUIRE(first.events[0].pdu->size() == 100000);
        recycle_trace(std::move(first));
        const Trace second = parse_ok(trace_with(R"({"from": "initiator", "msg": "DATA", "pdu": "0102"})"));
        REQUIRE(second.events[0].pdu.has_value());
        CHECK(second.events[0].pdu->size() == 2);
        CHECK(second.events[0].pdu->capacity() < 4096);
    }
}
