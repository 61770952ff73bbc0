#include "pc5check/trace/event_stream.h"

#include <doctest/doctest.h>
#include <string>

using pc5check::trace::parse_stream_event;
using pc5check::trace::parse_stream_header;
using pc5check::trace::parse_trace;

namespace {

const std::string kLink = R"("link":{"k_nrp_id":1,"k_nrp_sess_id":2})";
const std::string kHeader = R"({"format":"pc5-trace/1","spec":"ts33536-r17",)" + kLink + "}";

} // namespace

TEST_SUITE("trace")
{
    TEST_CASE("event stream: a header line reads as its trace with no events")
    {
        const auto header = parse_stream_header(kHeader, "s.jsonl", 3);
        REQUIRE(header.has_value());
        const auto whole = parse_trace(
            R"({"format":"pc5-trace/1","spec":"ts33536-r17",)" + kLink + R"(,"events":[]})", "s.jsonl", 3);
        REQUIRE(whole.has_value());
        CHECK(header->spec == whole->spec);
        CHECK(header->link.k_nrp_sess_id == 2);
        CHECK(header->line == 3);
        CHECK(header->events.empty());
    }

    TEST_CASE("event stream: a header line with events (a .jsonl line) keeps them")
    {
        const std::string line = R"({"format":"pc5-trace/1","spec":"ts33536-r17",)" + kLink +
                                 R"(,"events":[{"from":"initiator","msg":"DATA"}]})";
        const auto header = parse_stream_header(line, "s.jsonl", 1);
        REQUIRE(header.has_value());
        CHECK(header->events.size() == 1);
    }

    TEST_CASE("event stream: errors in a header line point into the line as written")
    {
        // The wrong value is at column 53 of the line: the `events` added after it moves nothing.
        const std::string line = R"({"format":"pc5-trace/1","spec":"ts33536-r17","link":7})";
        const auto header = parse_stream_header(line, "s.jsonl", 1);
        REQUIRE_FALSE(header.has_value());
        CHECK(header.error().json_pointer == "/link");
        CHECK(header.error().line == 1);
        CHECK(header.error().column == 53);
        const auto empty = parse_stream_header(" {} ", "s.jsonl", 2);
        REQUIRE_FALSE(empty.has_value());
        CHECK(empty.error().message.find("format") != std::string::npos);
        const auto broken = parse_stream_header(R"({"format":)", "s.jsonl", 2);
        REQUIRE_FALSE(broken.has_value());
        CHECK(broken.error().message.find("invalid JSON") != std::string::npos);
        CHECK(broken.error().file == "s.jsonl");
        CHECK(broken.error().line == 2);
    }

    TEST_CASE("event stream: an event line reads as an element of `events`, errors with line and pointer")
    {
        const auto ev =
            parse_stream_event(R"({"at":1.5,"from":"target","msg":"DATA"})", "s.jsonl", 9, 4, 1.0);
        REQUIRE(ev.has_value());
        CHECK(ev->pointer == "/events/4");
        CHECK(ev->position.line == 9);
        CHECK(ev->position.column == 1);
        const auto no_at = parse_stream_event(R"({"from":"target","msg":"DATA"})", "s.jsonl", 9, 4, 1.25);
        REQUIRE(no_at.has_value());
        CHECK(no_at->at == doctest::Approx(1.25));
        const auto bad =
            parse_stream_event(R"({"from":"target","msg":"DATA","colour":1})", "s.jsonl", 9, 4, 0.0);
        REQUIRE_FALSE(bad.has_value());
        CHECK(bad.error().to_string() == "s.jsonl:9:31: at /events/4/colour: " + bad.error().message);
        const auto deep = parse_stream_event(R"({"from":"target","msg":"DATA","ie":{"a":[[[1]]]}})",
                                             "s.jsonl", 1, 0, 0.0, pc5check::trace::Limits{.max_nesting = 4});
        REQUIRE_FALSE(deep.has_value());
        CHECK(deep.error().message.find("--max-nesting") != std::string::npos);
    }
}
