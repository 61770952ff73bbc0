/// \file TraceSpool: trace results written to a temporary file as MessagePack records and read back.
///
/// A record is the result's fields as JSON (converted to MessagePack), preceded by its length as 8
/// little-endian bytes. Only this file reads or writes the records, within one process.

#include "pc5check/checker/check.h"

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>

namespace pc5check::checker {

namespace {

using nlohmann::json;

json position_json(const trace::Position& p) { return json::array({p.line, p.column}); }

trace::Position position_of(const json& j)
{
    return trace::Position{j.at(0).get<std::size_t>(), j.at(1).get<std::size_t>()};
}

template <class T> json optional_json(const std::optional<T>& v) { return v ? json(*v) : json(nullptr); }

template <class T> std::optional<T> optional_of(const json& j)
{
    return j.is_null() ? std::nullopt : std::optional<T>(j.get<T>());
}

json error_json(const Error& e)
{
    return {{"c", static_cast<int>(e.code)},
            {"m", e.message},
            {"f", e.file},
            {"p", e.json_pointer},
            {"l", e.line},
            {"k", e.column},
            {"e", optional_json(e.event_index)}};
}

Error error_of(const json& j)
{
    Error e;
    e.code = static_cast<ErrorCode>(j.at("c").get<int>());
    e.message = j.at("m").get<std::string>();
    e.file = j.at("f").get<std::string>();
    e.json_pointer = j.at("p").get<std::string>();
    e.line = j.at("l").get<std::size_t>();
    e.column = j.at("k").get<std::size_t>();
    e.event_index = optional_of<std::size_t>(j.at("e"));
    return e;
}

json sec_json(const trace::Sec& s)
{
    json mac = nullptr;
    if (s.mac) {
        mac = json::array({(*s.mac)[0], (*s.mac)[1], (*s.mac)[2], (*s.mac)[3]});
    }
    return {{"k", static_cast<int>(s.kind)}, {"x", optional_json(s.ctx)},       {"n", optional_json(s.count)},
            {"b", optional_json(s.bearer)},  {"d", optional_json(s.direction)}, {"m", mac},
            {"c", optional_json(s.ciphered)}};
}

trace::Sec sec_of(const json& j)
{
    trace::Sec s;
    s.kind = static_cast<trace::Sec::Kind>(j.at("k").get<int>());
    s.ctx = optional_of<std::uint16_t>(j.at("x"));
    s.count = optional_of<std::uint32_t>(j.at("n"));
    s.bearer = optional_of<std::uint8_t>(j.at("b"));
    s.direction = optional_of<std::uint8_t>(j.at("d"));
    if (!j.at("m").is_null()) {
        s.mac = j.at("m").get<std::array<std::uint8_t, 4>>();
    }
    s.ciphered = optional_of<bool>(j.at("c"));
    return s;
}

json finding_json(const machine::Finding& f)
{
    json clauses = json::array();
    for (const auto& c : f.clauses) {
        clauses.push_back(json::array({c.doc, c.clause, c.release, c.note}));
    }
    return {{"r", f.rule},
            {"w", f.warning},
            {"o", static_cast<int>(f.outcome)},
            {"e", f.event},
            {"p", position_json(f.position)},
            {"m", f.msg},
            {"b", static_cast<int>(f.offender)},
            {"c", clauses},
            {"t", f.rule_text},
            {"x", f.expected},
            {"y", f.observed},
            {"z", f.reason}};
}

machine::Finding finding_of(const json& j)
{
    machine::Finding f;
    f.rule = j.at("r").get<std::string>();
    f.warning = j.at("w").get<bool>();
    f.outcome = static_cast<machine::Outcome>(j.at("o").get<int>());
    f.event = j.at("e").get<std::size_t>();
    f.position = position_of(j.at("p"));
    f.msg = j.at("m").get<std::string>();
    f.offender = static_cast<trace::Role>(j.at("b").get<int>());
    for (const auto& c : j.at("c")) {
        f.clauses.push_back(spec::ClauseRef{c.at(0).get<std::string>(), c.at(1).get<std::string>(),
                                            c.at(2).get<std::string>(), c.at(3).get<std::string>()});
    }
    f.rule_text = j.at("t").get<std::string>();
    f.expected = j.at("x").get<std::string>();
    f.observed = j.at("y").get<std::string>();
    f.reason = j.at("z").get<std::string>();
    return f;
}

json explanation_json(const std::vector<machine::Conflict>& explanation)
{
    json out = json::array();
    for (const auto& c : explanation) {
        json clauses = json::array();
        for (const auto& cl : c.clauses) {
            clauses.push_back(json::array({cl.doc, cl.clause, cl.release, cl.note}));
        }
        out.push_back({{"e", c.event}, {"r", c.rule}, {"w", c.what}, {"c", clauses}});
    }
    return out;
}

std::vector<machine::Conflict> explanation_of(const json& j)
{
    std::vector<machine::Conflict> out;
    for (const auto& c : j) {
        machine::Conflict x;
        x.event = c.at("e").get<std::size_t>();
        x.rule = c.at("r").get<std::string>();
        x.what = c.at("w").get<std::string>();
        for (const auto& cl : c.at("c")) {
            x.clauses.push_back({cl.at(0).get<std::string>(), cl.at(1).get<std::string>(), cl.at(2).get<std::string>(),
                                 cl.at(3).get<std::string>()});
        }
        out.push_back(std::move(x));
    }
    return out;
}

json record_json(const TraceResult& t)
{
    json j = {{"file", t.file},
              {"line", t.line},
              {"title", t.title},
              {"spec", t.spec_id},
              {"count", t.event_count}};
    if (t.error) {
        j["error"] = error_json(*t.error);
    }
    if (t.expect) {
        j["expect"] = {{"v", t.expect->verdict}, {"r", t.expect->rules}};
    }
    const auto& r = t.replay;
    json findings = json::array();
    for (const auto& f : r.findings) {
        findings.push_back(finding_json(f));
    }
    json state = json::array();
    for (const auto& [name, value] : r.state_at_first_violation) {
        state.push_back(json::array({name, value}));
    }
    j["replay"] = {{"v", static_cast<int>(r.verdict)},
                   {"f", findings},
                   {"p", r.passes},
                   {"a", r.assumptions},
                   {"s", state},
                   {"m", static_cast<int>(r.mode)},
                   {"n", r.note},
                   {"x", explanation_json(r.explanation)},
                   {"ff", r.first_failing_event},
                   {"i", r.inserted},
                   {"l", r.limit}};
    json events = json::array();
    for (const auto& e : t.events) {
        events.push_back({{"a", e.at},
                          {"f", static_cast<int>(e.from)},
                          {"m", e.msg},
                          {"s", sec_json(e.sec)},
                          {"d", e.pdu_logged},
                          {"p", position_json(e.position)},
                          {"t", e.sender_transition},
                          {"r", e.receiver_transition}});
    }
    j["events"] = events;
    return j;
}

TraceResult record_of(const json& j)
{
    TraceResult t;
    t.file = j.at("file").get<std::string>();
    t.line = j.at("line").get<std::size_t>();
    t.title = j.at("title").get<std::string>();
    t.spec_id = j.at("spec").get<std::string>();
    t.event_count = j.at("count").get<std::size_t>();
    if (const auto it = j.find("error"); it != j.end()) {
        t.error = error_of(*it);
    }
    if (const auto it = j.find("expect"); it != j.end()) {
        t.expect = trace::Expect{};
        t.expect->verdict = it->at("v").get<std::string>();
        t.expect->rules = it->at("r").get<std::vector<std::string>>();
    }
    const json& r = j.at("replay");
    t.replay.verdict = static_cast<machine::Verdict>(r.at("v").get<int>());
    for (const auto& f : r.at("f")) {
        t.replay.findings.push_back(finding_of(f));
    }
    t.replay.passes = r.at("p").get<std::map<std::string, std::size_t>>();
    t.replay.assumptions = r.at("a").get<std::vector<std::string>>();
    t.replay.mode = static_cast<machine::Mode>(r.at("m").get<int>());
    t.replay.note = r.at("n").get<std::string>();
    t.replay.explanation = explanation_of(r.at("x"));
    t.replay.first_failing_event = r.at("ff").get<std::size_t>();
    t.replay.inserted = r.at("i").get<std::size_t>();
    t.replay.limit = r.at("l").get<std::string>();
    for (const auto& kv : r.at("s")) {
        t.replay.state_at_first_violation.emplace_back(kv.at(0).get<std::string>(),
                                                       kv.at(1).get<std::string>());
    }
    for (const auto& e : j.at("events")) {
        EventSummary s;
        s.at = e.at("a").get<double>();
        s.from = static_cast<trace::Role>(e.at("f").get<int>());
        s.msg = e.at("m").get<std::string>();
        s.sec = sec_of(e.at("s"));
        s.pdu_logged = e.at("d").get<bool>();
        s.position = position_of(e.at("p"));
        s.sender_transition = e.at("t").get<std::string>();
        s.receiver_transition = e.at("r").get<std::string>();
        t.events.push_back(std::move(s));
    }
    return t;
}

} // namespace

void TraceSpool::Closer::operator()(std::FILE* f) const { (void)std::fclose(f); }

TraceSpool::TraceSpool() : file_(std::tmpfile()) {}

void TraceSpool::append(const TraceResult& result)
{
    const std::vector<std::uint8_t> bytes = json::to_msgpack(record_json(result));
    ++count_;
    if (!file_) {
        memory_.emplace_back(bytes.begin(), bytes.end());
        return;
    }
    std::array<unsigned char, 8> size{};
    for (std::size_t k = 0; k < size.size(); ++k) {
        size[k] = static_cast<unsigned char>((bytes.size() >> (8U * k)) & 0xFFU);
    }
    (void)std::fseek(file_.get(), 0, SEEK_END);
    const bool ok = std::fwrite(size.data(), 1, size.size(), file_.get()) == size.size() &&
                    std::fwrite(bytes.data(), 1, bytes.size(), file_.get()) == bytes.size();
    PC5CHECK_ASSERT(ok && "cannot write the temporary result file");
}

void TraceSpool::for_each(const std::function<void(const TraceResult&)>& visit) const
{
    if (!file_) {
        for (const auto& bytes : memory_) {
            visit(record_of(json::from_msgpack(bytes)));
        }
        return;
    }
    (void)std::fflush(file_.get());
    (void)std::fseek(file_.get(), 0, SEEK_SET);
    std::vector<std::uint8_t> bytes;
    for (std::size_t i = 0; i < count_; ++i) {
        std::array<unsigned char, 8> size{};
        bool ok = std::fread(size.data(), 1, size.size(), file_.get()) == size.size();
        std::size_t n = 0;
        for (std::size_t k = 0; k < size.size(); ++k) {
            n |= static_cast<std::size_t>(size[k]) << (8U * k);
        }
        bytes.resize(n);
        ok = ok && std::fread(bytes.data(), 1, n, file_.get()) == n;
        PC5CHECK_ASSERT(ok && "cannot read the temporary result file back");
        visit(record_of(json::from_msgpack(bytes)));
    }
}

void CheckRun::for_each_trace(const std::function<void(const TraceResult&)>& visit) const
{
    for (const auto& t : traces) {
        visit(t);
    }
    if (spool) {
        spool->for_each(visit);
    }
}

} // namespace pc5check::checker
