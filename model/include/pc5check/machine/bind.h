#pragma once
/// \file Binding a trace to a spec: each event's message, IEs and protection as the typed values the
/// expression language reads (ie.*, sec.*, pdu, msg, from), and the init.* values of its header.

#include "pc5check/common/error.h"
#include "pc5check/expr/expr.h"
#include "pc5check/spec/spec.h"
#include "pc5check/trace/trace.h"

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

namespace pc5check::machine {

/// Values of a trace event as the expression language sees them (ie.*, sec.*, pdu, msg, from).
struct BoundEvent {
    const trace::Event* event = nullptr;
    std::unordered_map<std::string, expr::Value> fields;
};

/// A trace checked against a spec's message definitions.
struct BoundTrace {
    const trace::Trace* trace = nullptr;
    /// Replay the trace's attacker_steps (check --attacker-steps); off: they are ignored.
    bool attacker_steps = false;
    std::unordered_map<std::string, expr::Value> init; ///< init.* values
    std::vector<BoundEvent> events;
};

/// The expression variables one IE binds: `ie.<name>`, or `ie.<name>.nea` and `ie.<name>.nia` for the
/// sec_cap and algs kinds.
[[nodiscard]] std::vector<std::string> ie_field_names(const spec::IeDef& def);

/// Checks every event's message and IEs against the spec and converts them to values.
/// Errors (exit 2) name the file, the JSON pointer of the IE and what was expected.
[[nodiscard]] Expected<BoundTrace> bind(const spec::Spec& spec, const trace::Trace& trace);
/// The part of bind() that needs no event: init.* from the link and keys (`events` stays empty).
[[nodiscard]] Expected<BoundTrace> bind_header(const spec::Spec& spec, const trace::Trace& trace);
/// Binds event `index` of `trace` (whose header fields label errors; its `events` are not read).
/// `event` must outlive the result.
[[nodiscard]] Expected<BoundEvent> bind_event(const spec::Spec& spec, const trace::Trace& trace,
                                              const trace::Event& event, std::size_t index);

} // namespace pc5check::machine
