/// \file `pc5check shrink` (pc5check/checker/shrink.h): ddmin over a trace's events, then one IE at a
/// time over the events kept, with `pdu` and MAC-I kept real.

#include "pc5check/checker/shrink.h"

#include "pc5check/checker/gen.h"
#include "pc5check/crypto/crypto.h"
#include "pc5check/machine/machine.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <iterator>
#include <string_view>
#include <utility>

namespace pc5check::checker {

namespace {

/// `trace` with only the events at `keep` (increasing indices); its attacker steps follow their events.
trace::Trace with_events(const trace::Trace& trace, const std::vector<std::size_t>& keep)
{
    trace::Trace out;
    out.file = trace.file;
    out.line = trace.line;
    out.spec = trace.spec;
    out.title = trace.title;
    out.observer = trace.observer;
    out.link = trace.link;
    out.keys = trace.keys;
    out.expect = trace.expect;
    out.events.reserve(keep.size());
    for (std::size_t i = 0; i < keep.size(); ++i) {
        out.events.push_back(trace.events[keep[i]]);
        out.events.back().pointer = "/events/" + std::to_string(i);
        for (const trace::AttackerStep& step : trace.attacker_steps) {
            if (step.event == keep[i]) {
                out.attacker_steps.push_back(trace::AttackerStep{i, step.injected});
            }
        }
    }
    return out;
}

/// `n` parts of `events` as equal in size as can be (n <= events.size()).
std::vector<std::vector<std::size_t>> split(const std::vector<std::size_t>& events, std::size_t n)
{
    std::vector<std::vector<std::size_t>> parts(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto from = static_cast<std::ptrdiff_t>(i * events.size() / n);
        const auto to = static_cast<std::ptrdiff_t>((i + 1) * events.size() / n);
        parts[i].assign(events.begin() + from, events.begin() + to);
    }
    return parts;
}

/// `events` without `part` (both increasing).
std::vector<std::size_t> without(const std::vector<std::size_t>& events, const std::vector<std::size_t>& part)
{
    std::vector<std::size_t> out;
    std::set_difference(events.begin(), events.end(), part.begin(), part.end(), std::back_inserter(out));
    return out;
}

/// An IE a message may leave out in 3GPP's message definitions (an optional or conditional IE): only
/// those are removed. A mandatory IE stays even when the rule would still break without it: without the
/// echoed capabilities an SMC_ECHO_CAPS violation would be another one (no echo, not a wrong echo).
struct OptionalIe {
    std::string_view msg;
    std::string_view ie;
};
constexpr std::array<OptionalIe, 4> kOptionalIes{{
    // Ref: TS 24.554 7.2.11.2, 11.3.24 (Re-authentication indication, absent = no re-authentication);
    // TR 33.847 6.7 (the seed's optional Re-auth flag).
    {"REKEYING_REQUEST", "reauth"},
    // Ref: TS 24.554 7.2.10.2: the MSBs of the K_NRP ID and the Key establishment information container
    // only when a new K_NRP was established.
    {"SECURITY_MODE_COMMAND", "msbs_k_nrp_id"},
    {"SECURITY_MODE_COMMAND", "key_est_info"},
    // Ref: TS 24.554 7.2.10.3: the LSBs of the K_NRP ID only when a new K_NRP was established.
    {"SECURITY_MODE_COMPLETE", "lsbs_k_nrp_id"},
}};

/// Whether IE `ie` is optional in message `msg` (kOptionalIes).
bool optional_ie(const std::string& msg, const std::string& ie)
{
    return std::any_of(kOptionalIes.begin(), kOptionalIes.end(),
                       [&](const OptionalIe& o) { return o.msg == msg && o.ie == ie; });
}

/// The integrity algorithm and NRPIK under which an event's logged MAC-I was computed.
struct MacKey {
    crypto::IntegrityAlg alg = crypto::IntegrityAlg::nia0;
    crypto::Bytes nrpik;
};

/// The PDCP input of a protected event, when its COUNT, BEARER and DIRECTION were logged.
std::optional<crypto::PdcpInput> pdcp_input(const trace::Sec& sec)
{
    if (sec.kind != trace::Sec::Kind::protected_ || !sec.count || !sec.bearer || !sec.direction) {
        return std::nullopt;
    }
    return crypto::PdcpInput{*sec.count, *sec.bearer, *sec.direction};
}

/// Adds every 32-octet value of the machine's state (the K_NRP-sess of each context it knows) to `out`.
void add_session_keys(const machine::Machine& m, std::vector<crypto::Bytes>& out)
{
    for (const auto& variable : m.snapshot()) {
        const expr::Value v = m.value_of(variable.first);
        const auto* bytes = std::get_if<std::vector<std::uint8_t>>(&v.data);
        if (bytes != nullptr && bytes->size() == 32 &&
            std::find(out.begin(), out.end(), *bytes) == out.end()) {
            out.push_back(*bytes);
        }
    }
}

/// The key that validates the logged MAC-I of `ev` among `session_keys`, or nullopt (no pdu, no MAC,
/// no key the replay knows computes it: the MAC-I cannot be recomputed).
/// Ref: TS 33.536 Annex A (NRPIK from K_NRP-sess and the algorithm identity); TS 33.501 D.3.1 (NIA1-3).
std::optional<MacKey> validating_key(const trace::Event& ev, const std::vector<crypto::Bytes>& session_keys)
{
    const std::optional<crypto::PdcpInput> in = pdcp_input(ev.sec);
    if (!in || !ev.sec.mac || !ev.pdu) {
        return std::nullopt;
    }
    if (*ev.sec.mac == protocol::MacI{}) {
        return MacKey{}; // NIA0: 32 zero bits whatever the key (TS 33.501 D.1)
    }
    for (const crypto::Bytes& ksess : session_keys) {
        for (const auto alg :
             {crypto::IntegrityAlg::nia1, crypto::IntegrityAlg::nia2, crypto::IntegrityAlg::nia3}) {
            auto nrpik = crypto::derive_nrpik(ksess, alg);
            if (!nrpik) {
                continue;
            }
            auto mac = crypto::mac_i(alg, *nrpik, *in, *ev.pdu);
            if (mac && *mac && **mac == *ev.sec.mac) {
                return MacKey{alg, std::move(*nrpik)};
            }
        }
    }
    return std::nullopt;
}

/// Per event of `trace`, the key of its logged MAC-I (validating_key) among the session keys the
/// reference machine holds before and after the event (an SMC's new context exists only after it).
std::vector<std::optional<MacKey>> mac_keys(const trace::Trace& trace, const spec::Spec& spec,
                                            const std::shared_ptr<const machine::Program>& program,
                                            bool attacker_steps)
{
    std::vector<std::optional<MacKey>> out(trace.events.size());
    auto bound = machine::bind_header(spec, trace);
    if (!bound) {
        return out;
    }
    bound->attacker_steps = attacker_steps;
    machine::Machine m(program != nullptr ? program : std::make_shared<const machine::Program>(spec), *bound);
    std::vector<crypto::Bytes> keys;
    if (trace.link.k_nrp_sess) {
        keys.push_back(*trace.link.k_nrp_sess);
    }
    std::vector<machine::Finding> findings;
    machine::PassCounts passes;
    for (std::size_t i = 0; i < trace.events.size(); ++i) {
        add_session_keys(m, keys);
        auto stepped = m.step(trace.events[i], i, findings, passes);
        if (!stepped) {
            break; // bad input from here: no key is known for the rest
        }
        add_session_keys(m, keys);
        out[i] = validating_key(trace.events[i], keys);
    }
    return out;
}

/// `trace` with IE `name` of event `i` removed, its pdu re-encoded and its MAC-I recomputed under
/// `key` when the pdu changes; nullopt when that cannot be done and the pdu would stop being real: the
/// pdu is not our encoding of the IEs (a vendor's), or no key validated the logged MAC-I.
std::optional<trace::Trace> without_ie(const trace::Trace& trace, std::size_t i, const std::string& name,
                                       const std::optional<MacKey>& key)
{
    trace::Trace out = trace;
    trace::Event& ev = out.events[i];
    const nlohmann::json before = ev.ie.to_json();
    ev.ie.erase(name);
    if (!ev.pdu) {
        return out; // nothing the MAC-I covers changes
    }
    auto encoded = gen::encode_pdu(ev.msg, before);
    auto rebuilt = gen::encode_pdu(ev.msg, ev.ie.to_json());
    if (!encoded || *encoded != *ev.pdu || !rebuilt) {
        return std::nullopt;
    }
    ev.pdu = std::move(*rebuilt);
    if (ev.sec.kind != trace::Sec::Kind::protected_ || !ev.sec.mac) {
        return out;
    }
    const std::optional<crypto::PdcpInput> in = pdcp_input(ev.sec);
    if (!key || !in) {
        return std::nullopt;
    }
    if (key->alg == crypto::IntegrityAlg::nia0) {
        ev.sec.mac = protocol::MacI{}; // TS 33.501 D.1
        return out;
    }
    auto mac = crypto::mac_i(key->alg, key->nrpik, *in, *ev.pdu);
    if (!mac || !*mac) {
        return std::nullopt;
    }
    ev.sec.mac = **mac;
    return out;
}

/// Checks candidates of one trace against one spec: does a part of it still break the rule, by the
/// same offender?
class Shrinker {
  public:
    Shrinker(const trace::Trace& trace, std::string rule, const CheckOptions& options, SpecCache& specs)
        : trace_(trace), rule_(std::move(rule)), options_(options), spec_(specs.get(trace.spec)),
          program_(specs.program(trace.spec))
    {
    }

    [[nodiscard]] const Expected<const spec::Spec*>& spec() const { return spec_; }
    [[nodiscard]] std::size_t checks() const { return checks_; }
    [[nodiscard]] const std::shared_ptr<const machine::Program>& program() const { return program_; }

    /// What `check` says of `candidate`.
    [[nodiscard]] TraceResult check(const trace::Trace& candidate)
    {
        ++checks_;
        return check_trace(candidate, spec_, options_, program_);
    }

    /// The offender of the first violation of the rule in the whole trace; false when there is none.
    [[nodiscard]] bool find_offender()
    {
        const TraceResult r = check(trace_);
        if (r.error) {
            return false;
        }
        const auto first =
            std::find_if(r.replay.findings.begin(), r.replay.findings.end(), [&](const machine::Finding& f) {
                return f.rule == rule_ && f.outcome == machine::Outcome::violation;
            });
        if (first == r.replay.findings.end()) {
            return false;
        }
        offender_ = first->offender;
        return true;
    }
    [[nodiscard]] trace::Role offender() const { return offender_; }

    /// Whether `candidate` still breaks the rule by the same offender (and is not bad input).
    [[nodiscard]] bool breaks(const trace::Trace& candidate)
    {
        const TraceResult r = check(candidate);
        return !r.error && std::any_of(r.replay.findings.begin(), r.replay.findings.end(),
                                       [&](const machine::Finding& f) {
                                           return f.rule == rule_ && f.offender == offender_ &&
                                                  f.outcome == machine::Outcome::violation;
                                       });
    }
    [[nodiscard]] bool breaks(const std::vector<std::size_t>& keep)
    {
        return breaks(with_events(trace_, keep));
    }

    /// ddmin: try each part, then each complement, at a finer split when neither breaks the rule.
    [[nodiscard]] std::vector<std::size_t> minimise(std::vector<std::size_t> events)
    {
        std::size_t n = 2;
        while (events.size() >= 2) {
            const auto parts = split(events, n);
            const auto part =
                std::find_if(parts.begin(), parts.end(), [&](const auto& p) { return breaks(p); });
            if (part != parts.end()) {
                events = *part;
                n = 2;
                continue;
            }
            bool reduced = false;
            for (const auto& p : parts) {
                if (auto rest = without(events, p); breaks(rest)) {
                    events = std::move(rest);
                    n = std::max<std::size_t>(n - 1, 2);
                    reduced = true;
                    break;
                }
            }
            if (!reduced) {
                if (n >= events.size()) {
                    break; // every single event is needed: 1-minimal
                }
                n = std::min(2 * n, events.size());
            }
        }
        return events;
    }

    /// Removes IEs one at a time from `t` while it still breaks the rule, until none can go; counts in
    /// `kept_for_mac` the IEs that could have gone but for a MAC-I that cannot be recomputed.
    [[nodiscard]] trace::Trace minimise_ies(trace::Trace t, std::size_t& kept_for_mac)
    {
        const auto keys = mac_keys(t, **spec_, program_, options_.attacker_steps);
        for (bool removed = true; removed;) {
            removed = false;
            kept_for_mac = 0;
            for (std::size_t i = 0; i < t.events.size(); ++i) {
                if (!t.events[i].ie.decoded()) {
                    continue; // not decoded: nothing to remove
                }
                std::vector<std::string> names;
                for (std::size_t k = 0; k < t.events[i].ie.size(); ++k) {
                    std::string name(t.events[i].ie.at(k).name);
                    if (optional_ie(t.events[i].msg, name)) {
                        names.push_back(std::move(name));
                    }
                }
                for (const std::string& name : names) {
                    auto candidate = without_ie(t, i, name, keys[i]);
                    if (!candidate) {
                        trace::Trace same_pdu = t; // would the violation survive with the pdu as it was?
                        same_pdu.events[i].ie.erase(name);
                        if (breaks(same_pdu)) {
                            ++kept_for_mac;
                        }
                        continue;
                    }
                    if (breaks(*candidate)) {
                        t = std::move(*candidate);
                        removed = true;
                    }
                }
            }
        }
        return t;
    }

  private:
    const trace::Trace& trace_;
    std::string rule_;
    const CheckOptions& options_;
    Expected<const spec::Spec*> spec_;
    std::shared_ptr<const machine::Program> program_;
    trace::Role offender_ = trace::Role::initiator;
    std::size_t checks_ = 0;
};

/// "viol-smc-echo-caps.json" (":7" for a trace of a .jsonl file starting on line 7).
std::string original_name(const trace::Trace& trace)
{
    const std::string base = std::filesystem::path(trace.file).filename().string();
    return (base.empty() ? trace.file : base) + (trace.line > 1 ? ":" + std::to_string(trace.line) : "");
}

} // namespace

std::size_t count_ies(const trace::Trace& trace)
{
    std::size_t n = 0;
    for (const trace::Event& ev : trace.events) {
        n += ev.ie.size(); // none when not decoded
    }
    return n;
}

Expected<std::optional<ShrinkResult>> shrink(const trace::Trace& trace, const std::string& rule,
                                             const CheckOptions& options)
{
    SpecCache specs(options);
    Shrinker shrinker(trace, rule, options, specs);
    if (!shrinker.spec()) {
        Error e = shrinker.spec().error();
        if (e.file.empty()) {
            e.file = trace.file;
            e.json_pointer = "/spec";
        }
        return tl::make_unexpected(std::move(e));
    }
    if (!shrinker.find_offender()) {
        return std::optional<ShrinkResult>(); // nothing to shrink
    }
    std::vector<std::size_t> all(trace.events.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
        all[i] = i;
    }
    const std::vector<std::size_t> kept = shrinker.minimise(all);
    ShrinkResult out;
    out.offender = shrinker.offender();
    out.original_events = trace.events.size();
    out.original_ies = count_ies(trace);
    out.trace = shrinker.minimise_ies(with_events(trace, kept), out.ies_kept_for_mac);
    out.ies = count_ies(out.trace);
    const TraceResult final_check = shrinker.check(out.trace);
    out.trace.expect = trace::Expect{};
    out.trace.expect->verdict = machine::to_string(final_check.replay.verdict);
    out.trace.expect->rules = final_check.replay.violated_rules();
    out.trace.title =
        "shrunk from " + original_name(trace) + (trace.title.empty() ? "" : " (" + trace.title + ")") + ": " +
        std::to_string(kept.size()) + " of " + std::to_string(trace.events.size()) + " events, " +
        std::to_string(out.ies) + " of " + std::to_string(out.original_ies) + " IEs, still breaking " + rule +
        " (offender: the " + trace::to_string(out.offender) + ")";
    out.checks = shrinker.checks();
    return std::optional<ShrinkResult>(std::move(out));
}

} // namespace pc5check::checker
