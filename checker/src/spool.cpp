/// \file TraceSpool: trace results written to a temporary file as compact binary records and read back.
///
/// A record is a TraceResult's fields in declaration order: unsigned integers as LEB128 varints,
/// strings as a varint length and their bytes, optionals and booleans as one flag byte, doubles as
/// their 8 bytes; the record itself is preceded by its length as 8 little-endian bytes. Only this
/// file reads or writes the records, within one process, so a record that does not decode is a bug
/// (PC5CHECK_ASSERT). Why not a JSON library: the spool is written once and read back once per report
/// pass, and building a JSON document per result cost more than checking the trace (#6 profile).

#include "pc5check/checker/check.h"

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace pc5check::checker {

namespace {

/// Appends values to a record.
class RecordWriter {
  public:
    explicit RecordWriter(std::string& out) : out_(&out) {}

    void put(std::size_t v)
    {
        while (v >= 0x80U) {
            out_->push_back(static_cast<char>((v & 0x7FU) | 0x80U));
            v >>= 7U;
        }
        out_->push_back(static_cast<char>(v));
    }
    void put(bool b) { out_->push_back(b ? '\1' : '\0'); }
    void put(double d)
    {
        std::array<char, sizeof(double)> bytes{};
        std::memcpy(bytes.data(), &d, sizeof d);
        out_->append(bytes.data(), bytes.size());
    }
    void put(std::string_view s)
    {
        put(s.size());
        out_->append(s);
    }
    template <class E>
    requires std::is_enum_v<E>
    void put(E e) { put(static_cast<std::size_t>(e)); }
    template <class T> void put(const std::optional<T>& v)
    {
        put(v.has_value());
        if (v) {
            put_value(*v);
        }
    }
    template <class T> void put(const std::vector<T>& items)
    {
        put(items.size());
        for (const auto& item : items) {
            put_value(item);
        }
    }
    template <class T> void put_value(const T& v)
    {
        if constexpr (std::is_unsigned_v<T> && !std::is_same_v<T, bool>) {
            const std::size_t widened = v;
            put(widened);
        } else if constexpr (std::is_same_v<T, std::string>) {
            put(std::string_view(v));
        } else {
            put(v);
        }
    }

  private:
    std::string* out_;
};

/// Reads values back from a record, in the order they were put.
class RecordReader {
  public:
    explicit RecordReader(std::string_view in) : in_(in) {}

    [[nodiscard]] std::size_t number()
    {
        std::size_t v = 0;
        for (unsigned shift = 0;; shift += 7U) {
            PC5CHECK_ASSERT(pos_ < in_.size() && shift < 64U && "truncated spool record");
            const auto byte = static_cast<unsigned char>(in_[pos_++]);
            v |= static_cast<std::size_t>(byte & 0x7FU) << shift;
            if ((byte & 0x80U) == 0) {
                return v;
            }
        }
    }
    template <class T> [[nodiscard]] T get()
    {
        if constexpr (std::is_same_v<T, bool>) {
            return bytes(1)[0] != '\0';
        } else if constexpr (std::is_same_v<T, std::size_t>) {
            return number();
        } else if constexpr (std::is_enum_v<T> || std::is_unsigned_v<T>) {
            return static_cast<T>(number());
        } else if constexpr (std::is_same_v<T, double>) {
            double d = 0;
            std::memcpy(&d, bytes(sizeof d).data(), sizeof d);
            return d;
        } else {
            static_assert(std::is_same_v<T, std::string>);
            const auto n = number();
            return std::string(bytes(n));
        }
    }
    template <class T> [[nodiscard]] std::optional<T> optional()
    {
        return get<bool>() ? std::optional<T>(get<T>()) : std::nullopt;
    }
    template <class T> [[nodiscard]] std::vector<T> vector()
    {
        std::vector<T> out(number());
        for (auto& item : out) {
            item = get<T>();
        }
        return out;
    }
    [[nodiscard]] bool done() const { return pos_ == in_.size(); }

  private:
    [[nodiscard]] std::string_view bytes(std::size_t n)
    {
        PC5CHECK_ASSERT(n <= in_.size() - pos_ && "truncated spool record");
        const std::string_view out = in_.substr(pos_, n);
        pos_ += n;
        return out;
    }

    std::string_view in_;
    std::size_t pos_ = 0;
};

void put_position(RecordWriter& w, const trace::Position& p)
{
    w.put_value(p.line);
    w.put_value(p.column);
}

trace::Position get_position(RecordReader& r)
{
    trace::Position p;
    p.line = r.get<std::size_t>();
    p.column = r.get<std::size_t>();
    return p;
}

void put_clauses(RecordWriter& w, const std::vector<spec::ClauseRef>& clauses)
{
    w.put(clauses.size());
    for (const auto& c : clauses) {
        w.put(std::string_view(c.doc));
        w.put(std::string_view(c.clause));
        w.put(std::string_view(c.release));
        w.put(std::string_view(c.note));
    }
}

std::vector<spec::ClauseRef> get_clauses(RecordReader& r)
{
    std::vector<spec::ClauseRef> clauses(r.number());
    for (auto& c : clauses) {
        c.doc = r.get<std::string>();
        c.clause = r.get<std::string>();
        c.release = r.get<std::string>();
        c.note = r.get<std::string>();
    }
    return clauses;
}

void put_error(RecordWriter& w, const Error& e)
{
    w.put(e.code);
    w.put(std::string_view(e.message));
    w.put(std::string_view(e.file));
    w.put(std::string_view(e.json_pointer));
    w.put_value(e.line);
    w.put_value(e.column);
    w.put(e.event_index);
}

Error get_error(RecordReader& r)
{
    Error e;
    e.code = r.get<ErrorCode>();
    e.message = r.get<std::string>();
    e.file = r.get<std::string>();
    e.json_pointer = r.get<std::string>();
    e.line = r.get<std::size_t>();
    e.column = r.get<std::size_t>();
    e.event_index = r.optional<std::size_t>();
    return e;
}

void put_expect(RecordWriter& w, const trace::Expect& x)
{
    w.put(std::string_view(x.verdict));
    w.put(x.rules);
    w.put(x.max_missing);
    w.put(x.timeout_ms);
    w.put(x.assumed);
    w.put(x.unverified);
    w.put(std::string_view(x.limit));
}

trace::Expect get_expect(RecordReader& r)
{
    trace::Expect x;
    x.verdict = r.get<std::string>();
    x.rules = r.vector<std::string>();
    x.max_missing = r.optional<unsigned>();
    x.timeout_ms = r.optional<unsigned>();
    x.assumed = r.vector<std::string>();
    x.unverified = r.vector<std::string>();
    x.limit = r.get<std::string>();
    return x;
}

void put_finding(RecordWriter& w, const machine::Finding& f)
{
    w.put(std::string_view(f.rule));
    w.put(f.warning);
    w.put(f.outcome);
    w.put_value(f.event);
    put_position(w, f.position);
    w.put(std::string_view(f.msg));
    w.put(f.offender);
    put_clauses(w, f.clauses);
    w.put(std::string_view(f.rule_text));
    w.put(std::string_view(f.expected));
    w.put(std::string_view(f.observed));
    w.put(std::string_view(f.reason));
}

machine::Finding get_finding(RecordReader& r)
{
    machine::Finding f;
    f.rule = r.get<std::string>();
    f.warning = r.get<bool>();
    f.outcome = r.get<machine::Outcome>();
    f.event = r.get<std::size_t>();
    f.position = get_position(r);
    f.msg = r.get<std::string>();
    f.offender = r.get<trace::Role>();
    f.clauses = get_clauses(r);
    f.rule_text = r.get<std::string>();
    f.expected = r.get<std::string>();
    f.observed = r.get<std::string>();
    f.reason = r.get<std::string>();
    return f;
}

void put_string_pairs(RecordWriter& w, const std::vector<std::pair<std::string, std::string>>& pairs)
{
    w.put(pairs.size());
    for (const auto& [first, second] : pairs) {
        w.put(std::string_view(first));
        w.put(std::string_view(second));
    }
}

std::vector<std::pair<std::string, std::string>> get_string_pairs(RecordReader& r)
{
    std::vector<std::pair<std::string, std::string>> pairs(r.number());
    for (auto& [first, second] : pairs) {
        first = r.get<std::string>();
        second = r.get<std::string>();
    }
    return pairs;
}

void put_sec(RecordWriter& w, const trace::Sec& s)
{
    w.put(s.kind);
    w.put(s.ctx);
    w.put(s.count);
    w.put(s.bearer);
    w.put(s.direction);
    w.put(s.mac.has_value());
    if (s.mac) {
        for (const std::uint8_t b : *s.mac) {
            w.put_value(b);
        }
    }
    w.put(s.ciphered);
}

trace::Sec get_sec(RecordReader& r)
{
    trace::Sec s;
    s.kind = r.get<trace::Sec::Kind>();
    s.ctx = r.optional<std::uint16_t>();
    s.count = r.optional<std::uint32_t>();
    s.bearer = r.optional<std::uint8_t>();
    s.direction = r.optional<std::uint8_t>();
    if (r.get<bool>()) {
        s.mac.emplace();
        for (auto& b : *s.mac) {
            b = r.get<std::uint8_t>();
        }
    }
    s.ciphered = r.optional<bool>();
    return s;
}

/// The replay's fields that reports read (ReplayResult::steps is not kept: no report reads it).
void put_replay(RecordWriter& w, const machine::ReplayResult& r)
{
    w.put(r.verdict);
    w.put(r.findings.size());
    for (const auto& f : r.findings) {
        put_finding(w, f);
    }
    w.put(r.passes.size());
    for (const auto& [rule, n] : r.passes) {
        w.put(std::string_view(rule));
        w.put_value(n);
    }
    w.put(r.assumptions);
    put_string_pairs(w, r.state_at_first_violation);
    w.put(r.mode);
    w.put(std::string_view(r.note));
    w.put(r.explanation.size());
    for (const auto& c : r.explanation) {
        w.put_value(c.event);
        w.put(std::string_view(c.rule));
        w.put(std::string_view(c.what));
        put_clauses(w, c.clauses);
    }
    w.put_value(r.first_failing_event);
    w.put_value(r.inserted);
    w.put(std::string_view(r.limit));
}

machine::ReplayResult get_replay(RecordReader& r)
{
    machine::ReplayResult out;
    out.verdict = r.get<machine::Verdict>();
    out.findings.resize(r.number());
    for (auto& f : out.findings) {
        f = get_finding(r);
    }
    for (auto n = r.number(); n != 0; --n) {
        auto rule = r.get<std::string>();
        // Written in key order: each goes at the end.
        out.passes.emplace_hint(out.passes.end(), std::move(rule), r.get<std::size_t>());
    }
    out.assumptions = r.vector<std::string>();
    out.state_at_first_violation = get_string_pairs(r);
    out.mode = r.get<machine::Mode>();
    out.note = r.get<std::string>();
    out.explanation.resize(r.number());
    for (auto& c : out.explanation) {
        c.event = r.get<std::size_t>();
        c.rule = r.get<std::string>();
        c.what = r.get<std::string>();
        c.clauses = get_clauses(r);
    }
    out.first_failing_event = r.get<std::size_t>();
    out.inserted = r.get<std::size_t>();
    out.limit = r.get<std::string>();
    return out;
}

void put_event(RecordWriter& w, const EventSummary& e)
{
    w.put(e.at);
    w.put(e.from);
    w.put(std::string_view(e.msg));
    put_sec(w, e.sec);
    w.put(e.pdu_logged);
    put_position(w, e.position);
    w.put(std::string_view(e.sender_transition));
    w.put(std::string_view(e.receiver_transition));
}

EventSummary get_event(RecordReader& r)
{
    EventSummary e;
    e.at = r.get<double>();
    e.from = r.get<trace::Role>();
    e.msg = r.get<std::string>();
    e.sec = get_sec(r);
    e.pdu_logged = r.get<bool>();
    e.position = get_position(r);
    e.sender_transition = r.get<std::string>();
    e.receiver_transition = r.get<std::string>();
    return e;
}

void put_record(RecordWriter& w, const TraceResult& t)
{
    w.put(std::string_view(t.file));
    w.put_value(t.line);
    w.put(std::string_view(t.title));
    w.put(std::string_view(t.spec_id));
    w.put_value(t.event_count);
    w.put(t.error.has_value());
    if (t.error) {
        put_error(w, *t.error);
    }
    put_replay(w, t.replay);
    w.put(t.expect.has_value());
    if (t.expect) {
        put_expect(w, *t.expect);
    }
    w.put(t.events.size());
    for (const auto& e : t.events) {
        put_event(w, e);
    }
}

TraceResult get_record(RecordReader& r)
{
    TraceResult t;
    t.file = r.get<std::string>();
    t.line = r.get<std::size_t>();
    t.title = r.get<std::string>();
    t.spec_id = r.get<std::string>();
    t.event_count = r.get<std::size_t>();
    if (r.get<bool>()) {
        t.error = get_error(r);
    }
    t.replay = get_replay(r);
    if (r.get<bool>()) {
        t.expect = get_expect(r);
    }
    t.events.resize(r.number());
    for (auto& e : t.events) {
        e = get_event(r);
    }
    PC5CHECK_ASSERT(r.done() && "spool record longer than its fields");
    return t;
}

} // namespace

void ResultTally::add(const TraceResult& result)
{
    if (result.error) {
        ++bad;
        return;
    }
    switch (result.replay.verdict) {
    case machine::Verdict::conforms:
        ++conforms;
        break;
    case machine::Verdict::violation:
        ++violations;
        break;
    case machine::Verdict::inconclusive:
        ++inconclusive;
        break;
    }
}

void TraceSpool::Closer::operator()(std::FILE* f) const { (void)std::fclose(f); }

TraceSpool::TraceSpool(Storage storage)
    : TraceSpool(storage == Storage::temporary_file ? std::tmpfile() : nullptr)
{
}

TraceSpool::TraceSpool(std::FILE* file) : file_(file) {}

void TraceSpool::append(const TraceResult& result)
{
    ++count_;
    tally_.add(result);
    if (!write_error_.empty()) {
        return;
    }
    record_.clear();
    RecordWriter writer(record_);
    put_record(writer, result);
    if (!file_) {
        memory_.push_back(record_);
        return;
    }
    std::array<unsigned char, 8> size{};
    for (std::size_t k = 0; k < size.size(); ++k) {
        size[k] = static_cast<unsigned char>((record_.size() >> (8U * k)) & 0xFFU);
    }
    errno = 0;
    const bool ok = std::fseek(file_.get(), 0, SEEK_END) == 0 &&
                    std::fwrite(size.data(), 1, size.size(), file_.get()) == size.size() &&
                    std::fwrite(record_.data(), 1, record_.size(), file_.get()) == record_.size();
    if (!ok) {
        write_error_ = std::generic_category().message(errno);
    }
}

Expected<void> TraceSpool::finish()
{
    errno = 0;
    if (write_error_.empty() && file_ && std::fflush(file_.get()) != 0) {
        write_error_ = std::generic_category().message(errno);
    }
    if (!write_error_.empty()) {
        // tmpfile() makes it in /tmp (glibc's P_tmpdir; TMPDIR is not consulted).
        return make_error(ErrorCode::io,
                          "cannot write the temporary file in /tmp that keeps the results: " + write_error_);
    }
    return {};
}

void TraceSpool::for_each(const std::function<void(const TraceResult&)>& visit) const
{
    if (!file_) {
        for (const auto& bytes : memory_) {
            RecordReader reader(bytes);
            visit(get_record(reader));
        }
        return;
    }
    PC5CHECK_ASSERT(write_error_.empty() && "results read back after a failed write");
    (void)std::fflush(file_.get());
    (void)std::fseek(file_.get(), 0, SEEK_SET);
    std::string bytes;
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
        RecordReader reader(bytes);
        visit(get_record(reader));
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

ResultTally CheckRun::tally() const
{
    ResultTally out = spool ? spool->tally() : ResultTally{};
    for (const auto& t : traces) {
        out.add(t);
    }
    return out;
}

} // namespace pc5check::checker
