// TraceSpool: results written as binary records come back equal, field by field, in order; the tally
// counts them as they come.

#include "pc5check/checker/check.h"
#include "spool_record.h"

#include <array>
#include <cstdio>
#include <doctest/doctest.h>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace pc5check;

/// Every field of a TraceResult set to something other than its default.
checker::TraceResult rich_result()
{
    checker::TraceResult t;
    t.file = "traces/x.jsonl";
    t.line = 300;
    t.title = "every field \xE2\x80\x94 with UTF-8, a \"quote\" and a\nnewline";
    t.spec_id = "ts33536-r17";
    t.event_count = 1'000'000'000'000ULL; // needs more than four varint bytes
    t.expect = trace::Expect{
        "violation", {"SMC_NEW_CONTEXT", "ORDER"}, 2U, 5000U, {"MAC of event 4"}, {"REPLAY"}, "timeout"};
    const spec::ClauseRef clause{"TS 33.536", "5.3.3.1.4.3", "Rel-17", "UNCONFIRMED: derived"};
    machine::Finding f;
    f.rule = "SMC_NEW_CONTEXT";
    f.warning = true;
    f.outcome = machine::Outcome::unverified;
    f.event = 4;
    f.position = {17, 3};
    f.msg = "SECURITY_MODE_COMMAND";
    f.offender = trace::Role::target;
    f.clauses = {clause, spec::ClauseRef{"TS 24.554", "7.2.10.2", "", ""}};
    f.rule_text = "the SMC is protected under the new context";
    f.expected = "ctx 0x12ab";
    f.observed = "ctx 0x1234";
    f.reason = "no key";
    auto& r = t.replay;
    r.verdict = machine::Verdict::inconclusive;
    r.findings = {f, machine::Finding{}};
    r.passes = {{"ORDER", 7}, {"REAUTH_FORCES_AUTH", 1}, {"REPLAY", 123'456}};
    r.assumptions = {"MAC of event 4 assumed valid: no key", ""};
    r.state_at_first_violation = {{"initiator.state", "WAIT_SMC"}, {"target.ctx", "0x1234"}};
    r.mode = machine::Mode::symbolic;
    r.note = "checked symbolically: one UE's log";
    r.explanation = {machine::Conflict{3, "", "event 3: SECURITY_MODE_COMMAND from target (observed)", {}},
                     machine::Conflict{4, "SMC_ECHO_CAPS", "rule", {clause}}};
    r.first_failing_event = 3;
    r.inserted = 2;
    r.limit = "timeout 5000 ms";
    checker::EventSummary e;
    e.at = -0.125;
    e.from = trace::Role::target;
    e.msg = "DATA";
    e.sec.kind = trace::Sec::Kind::protected_;
    e.sec.ctx = 0xFFFF;
    e.sec.count = 0xFFFF'FFFFU;
    e.sec.bearer = 31;
    e.sec.direction = 1;
    e.sec.mac = std::array<std::uint8_t, 4>{0x00, 0x80, 0x7F, 0xFF};
    e.sec.ciphered = false;
    e.pdu_logged = true;
    e.position = {9, 1};
    e.sender_transition = "T_SEND_DATA";
    e.receiver_transition = "";
    checker::EventSummary unlogged;
    unlogged.sec.kind = trace::Sec::Kind::none;
    t.events = {e, unlogged};
    return t;
}

checker::TraceResult bad_result()
{
    checker::TraceResult t;
    t.file = "traces/bad.json";
    Error err;
    err.code = ErrorCode::bad_input;
    err.message = "expected a JSON integer";
    err.file = t.file;
    err.json_pointer = "/events/2/sec/count";
    err.line = 12;
    err.column = 30;
    err.event_index = 2;
    t.error = err;
    return t;
}

std::vector<checker::TraceResult> read_back(const checker::TraceSpool& spool)
{
    std::vector<checker::TraceResult> out;
    spool.for_each([&](const checker::TraceResult& t) { out.push_back(t); });
    return out;
}

constexpr std::array kStorages{checker::TraceSpool::Storage::temporary_file,
                               checker::TraceSpool::Storage::memory};

} // namespace

TEST_SUITE("checker")
{
    TEST_CASE("spool: every field of a result comes back equal, in order, in both storages")
    {
        const std::vector<checker::TraceResult> in = {rich_result(), bad_result(), checker::TraceResult{}};
        for (const auto storage : kStorages) {
            CAPTURE(static_cast<int>(storage));
            checker::TraceSpool spool(storage);
            for (const auto& t : in) {
                spool.append(t);
            }
            CHECK(spool.size() == in.size());
            const auto out = read_back(spool);
            REQUIRE(out.size() == in.size());
            for (std::size_t i = 0; i < in.size(); ++i) {
                CAPTURE(i);
                CHECK(out[i] == in[i]);
            }
            // A spool is read any number of times, and appended to after a read.
            spool.append(rich_result());
            const auto again = read_back(spool);
            REQUIRE(again.size() == in.size() + 1);
            CHECK(again.front() == in.front());
            CHECK(again.back() == rich_result());
        }
    }

    TEST_CASE("spool: every member of every spooled type is in its field list (a forgotten one fails here)")
    {
        using checker::spool::aggregate_arity;
        using checker::spool::field_count;
        // The member count itself: a struct of the member kinds the records hold.
        struct Probe {
            std::string s;
            std::optional<std::uint32_t> o;
            std::vector<std::string> v;
            std::array<std::uint8_t, 4> a{};
            trace::Role e = trace::Role::initiator;
            std::map<std::string, std::size_t> m;
        };
        CHECK(aggregate_arity<Probe>() == 6);
        CHECK(field_count<trace::Position>() == aggregate_arity<trace::Position>());
        CHECK(field_count<spec::ClauseRef>() == aggregate_arity<spec::ClauseRef>());
        CHECK(field_count<Error>() == aggregate_arity<Error>());
        CHECK(field_count<trace::Expect>() == aggregate_arity<trace::Expect>());
        CHECK(field_count<trace::Sec>() == aggregate_arity<trace::Sec>());
        CHECK(field_count<machine::Finding>() == aggregate_arity<machine::Finding>());
        CHECK(field_count<machine::Conflict>() == aggregate_arity<machine::Conflict>());
        CHECK(field_count<machine::ReplayResult>() == aggregate_arity<machine::ReplayResult>());
        CHECK(field_count<checker::EventSummary>() == aggregate_arity<checker::EventSummary>());
        CHECK(field_count<checker::TraceResult>() == aggregate_arity<checker::TraceResult>());
    }

    TEST_CASE("spool: a changed field makes the comparison fail (the round trip test can fail)")
    {
        checker::TraceResult changed = rich_result();
        changed.events[0].sec.mac = std::array<std::uint8_t, 4>{0x00, 0x80, 0x7F, 0xFE};
        CHECK_FALSE(changed == rich_result());
        changed = rich_result();
        changed.replay.passes["REPLAY"] = 123'457;
        CHECK_FALSE(changed == rich_result());
    }

    TEST_CASE("spool: the corpus's results survive the round trip, and the tally counts them")
    {
        checker::CheckOptions options;
        options.spec_dirs = {std::string(PC5CHECK_SOURCE_DIR) + "/spec"};
        const checker::CheckRun run =
            checker::check_paths({std::string(PC5CHECK_SOURCE_DIR) + "/traces"}, options);
        REQUIRE(run.traces.size() > 100);
        checker::TraceSpool spool;
        checker::ResultTally tally;
        for (const auto& t : run.traces) {
            spool.append(t);
            tally.add(t);
        }
        const auto out = read_back(spool);
        REQUIRE(out.size() == run.traces.size());
        std::size_t symbolic = 0;
        std::size_t with_events = 0;
        for (std::size_t i = 0; i < out.size(); ++i) {
            checker::TraceResult expected = run.traces[i];
            expected.replay.steps.clear(); // not kept: no report reads them
            CAPTURE(expected.file);
            CHECK(out[i] == expected);
            symbolic += expected.replay.mode == machine::Mode::symbolic ? 1U : 0U;
            with_events += expected.events.empty() ? 0U : 1U;
        }
        CHECK(symbolic > 0);
        CHECK(with_events > 0);

        const checker::ResultTally& counted = spool.tally();
        CHECK(counted.conforms == tally.conforms);
        CHECK(counted.violations == tally.violations);
        CHECK(counted.inconclusive == tally.inconclusive);
        CHECK(counted.bad == tally.bad);
        CHECK(counted.conforms + counted.violations + counted.inconclusive + counted.bad == out.size());
        CHECK(counted.conforms > 0);
        CHECK(counted.violations > 0);
    }

    TEST_CASE("spool: the run's tally and exit code count the spool's results and the in-memory ones")
    {
        checker::CheckRun run;
        CHECK(checker::exit_code(run) == 0);
        auto spool = std::make_shared<checker::TraceSpool>();
        checker::TraceResult conforming;
        spool->append(conforming);
        run.spool = spool;
        CHECK(checker::exit_code(run) == 0);

        checker::TraceResult inconclusive;
        inconclusive.replay.verdict = machine::Verdict::inconclusive;
        spool->append(inconclusive);
        CHECK(run.tally().inconclusive == 1);
        CHECK(checker::exit_code(run) == 1); // a solver limit is never a pass

        run.traces.push_back(bad_result());
        const checker::ResultTally tally = run.tally();
        CHECK(tally.conforms == 1);
        CHECK(tally.inconclusive == 1);
        CHECK(tally.bad == 1);
        CHECK(checker::exit_code(run) == 2);

        run.traces.clear();
        run.errors.push_back(bad_result().error.value());
        CHECK(checker::exit_code(run) == 2);
    }
}

TEST_SUITE("checker")
{
    TEST_CASE("spool: a full disk is an io error from finish(), not a crash")
    {
        // Writes to /dev/full fail with ENOSPC once the stream's buffer is flushed.
        std::FILE* full = std::fopen("/dev/full", "w+");
        REQUIRE(full != nullptr);
        checker::TraceSpool spool(full);
        for (int i = 0; i < 1000; ++i) { // several stdio buffers' worth
            spool.append(rich_result());
        }
        CHECK(spool.size() == 1000);
        CHECK(spool.tally().inconclusive == 1000);
        const auto written = spool.finish();
        REQUIRE_FALSE(written.has_value());
        CHECK(written.error().code == ErrorCode::io);
        CHECK(written.error().message.find("No space left on device") != std::string::npos);
    }

    TEST_CASE("spool: finish() succeeds on a writable file and in memory, and the results read back")
    {
        for (const auto storage : kStorages) {
            checker::TraceSpool spool(storage);
            spool.append(rich_result());
            REQUIRE(spool.finish().has_value());
            CHECK(read_back(spool).at(0) == rich_result());
        }
    }
}
