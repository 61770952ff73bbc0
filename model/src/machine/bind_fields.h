#pragma once
/// \file The binding of one event's fields, shared by bind_event (a name-keyed map, for the symbolic
/// checker and the tests) and the replay (values written straight into the machine's slots): one
/// implementation, so both see the same values and report the same errors.

#include "pc5check/machine/machine.h"

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace pc5check::machine::detail {

/// The fields every event binds besides its IEs (spec.h: msg, from, index, sec.*, pdu).
enum class EventField : std::uint8_t {
    msg,
    from,
    index,
    sec_logged,
    sec_protected,
    sec_ctx,
    sec_count,
    sec_bearer,
    sec_direction,
    sec_mac,
    sec_ciphered,
    pdu,
};

/// Expression names of the EventField values, in enum order.
inline constexpr std::array<std::string_view, 12> kEventFieldNames{
    "msg",       "from",       "index",         "sec.logged", "sec.protected", "sec.ctx",
    "sec.count", "sec.bearer", "sec.direction", "sec.mac",    "sec.ciphered",  "pdu"};

/// The variable of an IE a value is for: the IE itself (bytes, int, bool kinds), or the `.nea` or
/// `.nia` half of a sec_cap or algs IE (ie_field_names order).
enum class IePart : std::uint8_t { whole, nea, nia };

/// Receives the values of one event as bind_event_fields produces them.
class FieldSink {
  public:
    FieldSink() = default;
    FieldSink(const FieldSink&) = default;
    FieldSink(FieldSink&&) = default;
    FieldSink& operator=(const FieldSink&) = default;
    FieldSink& operator=(FieldSink&&) = default;
    virtual ~FieldSink() = default;
    virtual void field(EventField field, expr::Value value) = 0;
    /// IE `ie` of the message definition (index into MessageDef::ies).
    virtual void ie(std::size_t ie, IePart part, expr::Value value) = 0;
    /// A field whose value is the byte string `bytes` (the PDU, the MAC-I): field() of a new value
    /// here; a sink that keeps values from event to event copies the bytes into the storage it has.
    virtual void field_bytes(EventField f, std::span<const std::uint8_t> bytes)
    {
        field(f, expr::Value::bytes({bytes.begin(), bytes.end()}));
    }
};

/// The definition of event `index`'s message, or the error bind_event reports when the spec lacks the
/// message or the sender may not send it.
[[nodiscard]] Expected<const spec::MessageDef*> message_of(const spec::Spec& spec, const trace::Trace& trace,
                                                           const trace::Event& event, std::size_t index);

/// Index of `msg` in the spec's Msg enum (the value of the `msg` field).
[[nodiscard]] std::uint32_t message_index(const spec::Spec& spec, const std::string& msg);

/// Binds every field of event `index` (whose message definition `def` and Msg index `msg_index` were
/// looked up before) into `sink`, in bind_event's order; a bad IE is bind_event's error.
[[nodiscard]] Expected<void> bind_event_fields(const spec::Spec& spec, const trace::Trace& trace,
                                               const trace::Event& event, std::size_t index,
                                               const spec::MessageDef& def, std::uint32_t msg_index,
                                               FieldSink& sink);

} // namespace pc5check::machine::detail
