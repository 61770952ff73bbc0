#pragma once
/// \file The spool's record format: each spooled type's fields are listed once (`fields`), and the same
/// list writes a record (RecordWriter) and reads it back (RecordReader). A field left out of a list
/// would be lost in both directions at once; `field_count` against `aggregate_arity` (spool_test.cpp)
/// catches that for every listed type.
///
/// Encoding: unsigned integers and enums as LEB128 varints, strings and sequences as a varint length
/// and their items, optionals and booleans as one flag byte, doubles as their 8 bytes. Only this
/// process reads the records back, so a record that does not decode is a bug (PC5CHECK_ASSERT). Why
/// not a JSON library: the spool is written once and read back once per report pass, and building a
/// JSON document per result cost more than checking the trace.

#include "pc5check/checker/check.h"

#include <array>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace pc5check::checker::spool {

/// A member a list names but the record does not carry (reports never read it); counts as listed.
template <class T> struct NotSpooled {
    T* member;
};
template <class T> NotSpooled(T*) -> NotSpooled<T>;

// ---- the field lists: one per spooled type, in declaration order ----

/// `Self` is T or const T: the writer lists a const object, the reader a mutable one.
template <class Self, class T>
concept Spooled = std::same_as<std::remove_const_t<Self>, T>;

template <class Io, Spooled<trace::Position> S> void fields(Io& io, S& x) { io(x.line, x.column); }
template <class Io, Spooled<spec::ClauseRef> S> void fields(Io& io, S& x)
{
    io(x.doc, x.clause, x.release, x.note);
}
template <class Io, Spooled<Error> S> void fields(Io& io, S& x)
{
    io(x.code, x.message, x.file, x.json_pointer, x.line, x.column, x.event_index);
}
template <class Io, Spooled<trace::Expect> S> void fields(Io& io, S& x)
{
    io(x.verdict, x.rules, x.max_missing, x.timeout_ms, x.assumed, x.unverified, x.limit);
}
template <class Io, Spooled<trace::Sec> S> void fields(Io& io, S& x)
{
    io(x.kind, x.ctx, x.count, x.bearer, x.direction, x.mac, x.ciphered);
}
template <class Io, Spooled<machine::Finding> S> void fields(Io& io, S& x)
{
    io(x.rule, x.warning, x.outcome, x.event, x.position, x.msg, x.offender, x.clauses, x.rule_text,
       x.expected, x.observed, x.reason);
}
template <class Io, Spooled<machine::Conflict> S> void fields(Io& io, S& x)
{
    io(x.event, x.rule, x.what, x.clauses);
}
/// ReplayResult::steps is not spooled: no report reads it.
template <class Io, Spooled<machine::ReplayResult> S> void fields(Io& io, S& x)
{
    io(x.verdict, x.findings, x.passes, x.mac_verified_by, NotSpooled{&x.steps}, x.assumptions,
       x.state_at_first_violation, x.mode, x.note, x.explanation, x.first_failing_event, x.inserted, x.limit);
}
template <class Io, Spooled<EventSummary> S> void fields(Io& io, S& x)
{
    io(x.at, x.from, x.msg, x.sec, x.pdu_logged, x.position, x.sender_transition, x.receiver_transition);
}
template <class Io, Spooled<TraceResult> S> void fields(Io& io, S& x)
{
    io(x.file, x.line, x.title, x.spec_id, x.event_count, x.error, x.replay, x.expect, x.events);
}

// ---- writing and reading ----

/// Appends values to a record.
class RecordWriter {
  public:
    explicit RecordWriter(std::string& out) : out_(&out) {}

    template <class... T> void operator()(const T&... values) { (put(values), ...); }

  private:
    void number(std::size_t v)
    {
        while (v >= 0x80U) {
            out_->push_back(static_cast<char>((v & 0x7FU) | 0x80U));
            v >>= 7U;
        }
        out_->push_back(static_cast<char>(v));
    }
    template <class T> void put(const T& v)
    {
        if constexpr (std::is_same_v<T, bool>) {
            out_->push_back(v ? '\1' : '\0');
        } else if constexpr (std::is_enum_v<T>) {
            number(static_cast<std::size_t>(v));
        } else if constexpr (std::is_unsigned_v<T>) {
            number(v);
        } else if constexpr (std::is_same_v<T, double>) {
            std::array<char, sizeof(double)> bytes{};
            std::memcpy(bytes.data(), &v, sizeof v);
            out_->append(bytes.data(), bytes.size());
        } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>) {
            number(v.size());
            out_->append(v);
        } else if constexpr (requires { v.has_value(); }) {
            put(v.has_value());
            if (v) {
                put(*v);
            }
        } else if constexpr (requires {
                                 v.first;
                                 v.second;
                             }) {
            put(v.first);
            put(v.second);
        } else if constexpr (requires { v.member; }) {
            // NotSpooled: nothing written.
        } else if constexpr (requires {
                                 std::tuple_size<T>::value;
                                 v[0];
                             }) { // std::array: fixed length
            for (const auto& item : v) {
                put(item);
            }
        } else if constexpr (requires {
                                 v.size();
                                 v.begin();
                             }) { // vector, map
            number(v.size());
            for (const auto& item : v) {
                put(item);
            }
        } else {
            fields(*this, v);
        }
    }

    std::string* out_;
};

/// Reads values back from a record, in the order they were written.
class RecordReader {
  public:
    explicit RecordReader(std::string_view in) : in_(in) {}

    /// Forwarding references: a NotSpooled marker arrives as a temporary.
    template <class... T> void operator()(T&&... values) { (get(values), ...); }
    [[nodiscard]] bool done() const { return pos_ == in_.size(); }

  private:
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
    [[nodiscard]] std::string_view bytes(std::size_t n)
    {
        PC5CHECK_ASSERT(n <= in_.size() - pos_ && "truncated spool record");
        const std::string_view out = in_.substr(pos_, n);
        pos_ += n;
        return out;
    }
    template <class T> void get(T& v)
    {
        if constexpr (std::is_same_v<T, bool>) {
            v = bytes(1)[0] != '\0';
        } else if constexpr (std::is_enum_v<T> || std::is_unsigned_v<T>) {
            v = static_cast<T>(number());
        } else if constexpr (std::is_same_v<T, double>) {
            std::memcpy(&v, bytes(sizeof v).data(), sizeof v);
        } else if constexpr (std::is_same_v<T, std::string>) {
            const std::size_t n = number();
            v.assign(bytes(n));
        } else if constexpr (std::is_same_v<T, machine::RulePasses>) {
            // Written as a sequence of (id, count), in id order.
            v.clear();
            for (std::size_t n = number(); n != 0; --n) {
                const std::string_view id = bytes(number());
                const std::size_t count = number();
                v.append(id, count);
            }
        } else if constexpr (requires {
                                 v.has_value();
                                 v.emplace();
                             }) {
            bool present = false;
            get(present);
            v.reset();
            if (present) {
                get(v.emplace());
            }
        } else if constexpr (requires {
                                 v.first;
                                 v.second;
                             }) {
            get(v.first);
            get(v.second);
        } else if constexpr (requires { v.member; }) {
            // NotSpooled: nothing was written.
        } else if constexpr (requires {
                                 std::tuple_size<T>::value;
                                 v[0];
                             }) {
            for (auto& item : v) {
                get(item);
            }
        } else if constexpr (requires {
                                 typename T::key_type;
                                 typename T::mapped_type;
                             }) {
            v.clear();
            for (std::size_t n = number(); n != 0; --n) {
                std::pair<typename T::key_type, typename T::mapped_type> entry;
                get(entry);
                v.emplace_hint(v.end(), std::move(entry)); // written in key order
            }
        } else if constexpr (requires { v.resize(0); }) {
            v.resize(number());
            for (auto& item : v) {
                get(item);
            }
        } else {
            fields(*this, v);
        }
    }

    std::string_view in_;
    std::size_t pos_ = 0;
};

// ---- the check that no field is forgotten ----

/// Counts the members a field list names.
struct FieldCounter {
    std::size_t count = 0;
    template <class... T> void operator()(const T&...) { count += sizeof...(T); }
};

/// How many members `fields` lists for T.
template <class T> [[nodiscard]] std::size_t field_count()
{
    FieldCounter c;
    const T x{};
    fields(c, x);
    return c.count;
}

/// Converts to any member type: brace-initialising T with N of these compiles iff T has >= N members.
struct AnyMember {
    template <class U> operator U() const; // NOLINT(google-explicit-constructor): only in unevaluated use
};

/// The number of members of the aggregate T.
template <class T, class... A> [[nodiscard]] constexpr std::size_t aggregate_arity()
{
    if constexpr (requires { T{A{}..., AnyMember{}}; }) {
        return aggregate_arity<T, A..., AnyMember>();
    } else {
        return sizeof...(A);
    }
}

} // namespace pc5check::checker::spool
