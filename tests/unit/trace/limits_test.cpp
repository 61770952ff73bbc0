#include "pc5check/trace/trace.h"

#include <doctest/doctest.h>
#include <string>

using pc5check::ErrorCode;
using pc5check::trace::check_limits;
using pc5check::trace::Limits;
using pc5check::trace::parse_trace;
using pc5check::trace::Trace;

namespace {

/// A trace with `events` copies of one event carrying `ies` and `pdu`.
Trace make_trace(std::size_t events, const std::string& ies, const std::string& pdu)
{
    std::string text =
        R"({"format": "pc5-trace/1", "spec": "s", "link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}, "events": [)";
    for (std::size_t i = 0; i < events; ++i) {
        text += std::string(i == 0 ? "" : ", ") + R"({"from": "initiator", "msg": "DATA", "ie": {)" + ies +
                "}" + (pdu.empty() ? "" : R"(, "pdu": ")" + pdu + "\"") + "}";
    }
    text += "]}";
    auto t = parse_trace(text, "t.json");
    REQUIRE_MESSAGE(t.has_value(), (t ? std::string() : t.error().to_string()));
    return *t;
}

} // namespace

TEST_SUITE("trace")
{
    TEST_CASE("limits: the defaults accept ordinary traces")
    {
        CHECK(check_limits(make_trace(3, R"("a": 1, "b": "00ff")", "0102"), Limits{}).has_value());
    }

    TEST_CASE("limits: events per trace (--max-events)")
    {
        Limits limits;
        limits.max_events = 2;
        CHECK(check_limits(make_trace(2, "", ""), limits).has_value());
        const auto r = check_limits(make_trace(3, "", ""), limits);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().code == ErrorCode::limit);
        CHECK(r.error().json_pointer == "/events");
        CHECK(r.error().message == "expected at most 2 events per trace (limit --max-events), found 3");
    }

    TEST_CASE("limits: IEs per event (--max-ies)")
    {
        Limits limits;
        limits.max_ies = 1;
        CHECK(check_limits(make_trace(1, R"("a": 1)", ""), limits).has_value());
        const auto r = check_limits(make_trace(2, R"("a": 1, "b": 2)", ""), limits);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().code == ErrorCode::limit);
        CHECK(r.error().json_pointer == "/events/0/ie");
        CHECK(r.error().event_index == 0);
        CHECK(r.error().message == "expected at most 1 IEs per event (limit --max-ies), found 2");
    }

    TEST_CASE("limits: hex digits of a pdu or IE value (--max-hex-digits)")
    {
        Limits limits;
        limits.max_hex_digits = 4;
        CHECK(check_limits(make_trace(1, R"("n": "abcd")", "0102"), limits).has_value());
        auto r = check_limits(make_trace(1, "", "010203"), limits);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().code == ErrorCode::limit);
        CHECK(r.error().json_pointer == "/events/0/pdu");
        CHECK(r.error().message.find("(limit --max-hex-digits), found 6") != std::string::npos);
        // Strings nested in an IE value count too.
        r = check_limits(make_trace(1, R"("caps": {"nea": ["abcde"]})", ""), limits);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().json_pointer == "/events/0/ie/caps");
        CHECK(r.error().message.find("(limit --max-hex-digits), found 5") != std::string::npos);
    }
}
