/// \file The link simulator of the generator: deterministic randomness, contexts, COUNTs and real
/// MAC-Is (TS 33.536 Annex A key derivation, TS 33.401 B.2 128-NIA2, TS 33.501 D.1 NIA0).

#include "gen/sim.h"

#include "pc5check/crypto/crypto.h"
#include "pc5check/crypto/sizes.h"
#include "pc5check/protocol/protocol.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace pc5check::gen::detail {

namespace {

using nlohmann::json;

constexpr std::uint64_t kAltSalt = 0x9E3779B97F4A7C15ULL;
constexpr std::uint64_t kMaxInitialCount = 1000;
constexpr std::uint64_t kMinGapMs = 1;
constexpr std::uint64_t kMaxGapMs = 150;
constexpr std::uint64_t kMinPayload = 8;
constexpr std::uint64_t kMaxPayload = 40;
constexpr double kMsPerSecond = 1000.0;

/// Algorithm identity of "NIA2" etc.: its position among the names (spec/pc5-protocol.json).
std::uint8_t alg_number(const std::string& name)
{
    return static_cast<std::uint8_t>(protocol::index_of(protocol::kNiaNames, name).value());
}

std::uint8_t direction_of(Role r) { return r == Role::initiator ? kDirectionInitiator : kDirectionTarget; }

} // namespace

std::uint64_t Rng::below(std::uint64_t n)
{
    // Rejection sampling: uniform and fully determined by the engine's output sequence.
    const std::uint64_t limit =
        std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % n;
    std::uint64_t v = engine_();
    while (v >= limit) {
        v = engine_();
    }
    return v % n;
}

std::uint64_t Rng::between(std::uint64_t lo, std::uint64_t hi) { return lo + below(hi - lo + 1); }

bool Rng::chance(unsigned percent) { return below(100) < percent; }

Bytes Rng::bytes(std::size_t n)
{
    Bytes out(n);
    for (auto& b : out) {
        b = static_cast<std::uint8_t>(below(256));
    }
    return out;
}

Role Rng::role() { return below(2) == 0 ? Role::initiator : Role::target; }

std::string Sim::link_algorithm(const protocol::AlgorithmFamily& family, bool null) const
{
    if (null) {
        return std::string(protocol::null_algorithm(family));
    }
    return &family == &protocol::kNea ? setup_.algorithms.nea : setup_.algorithms.nia;
}

Sim::Sim(std::uint64_t seed, LinkSetup setup) : setup_(std::move(setup)), rng_(seed), alt_(seed ^ kAltSalt)
{
    trace_.spec = setup_.spec_id;
    trace_.observer = trace::Observer::air;
    const std::string nea = link_algorithm(protocol::kNea, setup_.null_algorithms);
    const std::string nia = link_algorithm(protocol::kNia, setup_.null_algorithms);

    const auto k_nrp_id =
        static_cast<trace::KNrpId>(rng_.below(protocol::value_count(protocol::kKNrpIdBits)));
    k_nrp_ = rng_.bytes(crypto::kKNrpOctets);
    prev_k_nrp_ = k_nrp_;
    Context initial;
    initial.id = static_cast<trace::KNrpSessId>(rng_.below(protocol::value_count(protocol::kKNrpSessIdBits)));
    initial.k_nrp_sess = rng_.bytes(crypto::kKNrpSessOctets);
    initial.nea = nea;
    initial.nia = nia;
    for (const std::uint8_t bearer : {kBearerSlSrb1, kBearerSlSrb2, kBearerSlDrb}) {
        for (const std::uint8_t direction : {kDirectionInitiator, kDirectionTarget}) {
            initial.next_count[{bearer, direction}] =
                static_cast<std::uint32_t>(rng_.between(0, kMaxInitialCount));
        }
    }

    trace::Link& link = trace_.link;
    link.k_nrp_id = k_nrp_id;
    link.k_nrp_sess_id = initial.id;
    link.selected_nea = nea;
    link.selected_nia = nia;
    link.k_nrp_sess = initial.k_nrp_sess;
    link.initiator_sec_cap = trace::SecCaps{
        {link_algorithm(protocol::kNea, true), link_algorithm(protocol::kNea, false)},
        setup_.null_algorithms ? std::vector<std::string>{link_algorithm(protocol::kNia, true),
                                                          link_algorithm(protocol::kNia, false)}
                               : std::vector<std::string>{link_algorithm(protocol::kNia, false)}};
    // NIA0 is only selectable when the integrity policy does not require protection.
    link.signalling_policy = setup_.null_algorithms ? trace::SignallingPolicy{"NOT_NEEDED", "NOT_NEEDED"}
                                                    : trace::SignallingPolicy{"REQUIRED", "PREFERRED"};
    trace_.keys.push_back(trace::KeyEntry{k_nrp_id, k_nrp_});
    used_ids_.insert(initial.id);
    contexts_.push_back(std::move(initial));
}

std::size_t Sim::add_context(Context c)
{
    contexts_.push_back(std::move(c));
    return contexts_.size() - 1;
}

std::size_t Sim::foreign_context()
{
    Context c;
    c.id = static_cast<trace::KNrpSessId>(alt_.below(protocol::value_count(protocol::kKNrpSessIdBits)));
    while (used_ids_.contains(c.id)) {
        c.id = static_cast<trace::KNrpSessId>(alt_.below(protocol::value_count(protocol::kKNrpSessIdBits)));
    }
    used_ids_.insert(c.id);
    c.k_nrp_sess = alt_.bytes(crypto::kKNrpSessOctets);
    c.nea = contexts_.at(current_).nea;
    c.nia = contexts_.at(current_).nia;
    return add_context(std::move(c));
}

void Sim::switch_to(std::size_t index)
{
    retired_ = current_;
    current_ = index;
}

Sim::NewKnrp Sim::new_k_nrp()
{
    NewKnrp k;
    k.key = rng_.bytes(crypto::kKNrpOctets);
    // k_nrp_by_msbs() of the spec needs the 16 MSBs to name one logged key.
    const auto msbs_taken = [&](std::uint64_t msbs) {
        return std::any_of(trace_.keys.begin(), trace_.keys.end(), [&](const trace::KeyEntry& e) {
            return protocol::k_nrp_id_msbs(e.k_nrp_id) == msbs;
        });
    };
    std::uint64_t msbs = rng_.below(protocol::value_count(protocol::kKNrpIdMsbsBits));
    while (msbs_taken(msbs)) {
        msbs = rng_.below(protocol::value_count(protocol::kKNrpIdMsbsBits));
    }
    const std::uint64_t lsbs = rng_.below(protocol::value_count(protocol::kKNrpIdLsbsBits));
    k.id = protocol::k_nrp_id_of(msbs, lsbs);
    trace_.keys.push_back(trace::KeyEntry{k.id, k.key});
    return k;
}

void Sim::install_k_nrp(const NewKnrp& k)
{
    prev_k_nrp_ = k_nrp_;
    k_nrp_ = k.key;
    had_reauth_ = true;
}

json Sim::caps_json() const
{
    const trace::SecCaps& caps = *trace_.link.initiator_sec_cap;
    return json{{"nea", caps.nea}, {"nia", caps.nia}};
}

Bytes Sim::derive_k_nrp_sess(const Bytes& k_nrp, const Bytes& nonce_1, const Bytes& nonce_2)
{
    auto k = crypto::derive_k_nrp_sess(k_nrp, nonce_1, nonce_2);
    if (!k) {
        fail(k.error());
        Bytes zero(crypto::kKNrpSessOctets, 0);
        return zero;
    }
    return *k;
}

void Sim::fail(const Error& e)
{
    if (!error_) {
        error_ = e;
        error_->code = ErrorCode::internal;
        error_->message = "trace generator: " + e.message;
    }
}

const Bytes& Sim::nrpik_of(Context& c)
{
    if (c.nrpik.empty()) {
        auto k = crypto::derive_nrpik(c.k_nrp_sess, static_cast<crypto::IntegrityAlg>(alg_number(c.nia)));
        if (!k) {
            fail(k.error());
            c.nrpik = Bytes(16, 0);
        } else {
            c.nrpik = *k;
        }
    }
    return c.nrpik;
}

protocol::MacI Sim::mac(const std::string& nia, const Bytes& key, std::uint32_t count, std::uint8_t bearer,
                        std::uint8_t direction, const Bytes& pdu)
{
    const crypto::PdcpInput in{count, bearer, direction};
    auto m = crypto::mac_i(static_cast<crypto::IntegrityAlg>(alg_number(nia)), key, in, pdu);
    if (!m) {
        fail(m.error());
        return {};
    }
    if (!m->has_value()) {
        Error e;
        e.message = nia + " is not implemented";
        fail(e);
        return {};
    }
    return **m;
}

void Sim::advance_clock() { clock_ms_ += rng_.between(kMinGapMs, kMaxGapMs); }

std::size_t Sim::send(Role from, const std::string& msg, json ie, std::size_t ctx, std::uint8_t bearer,
                      const SendOptions& options)
{
    advance_clock();
    Bytes pdu;
    if (msg == "DATA") {
        pdu.push_back(message_code(msg));
        const Bytes payload = rng_.bytes(rng_.between(kMinPayload, kMaxPayload));
        pdu.insert(pdu.end(), payload.begin(), payload.end());
    } else {
        auto encoded = encode_pdu(msg, ie);
        if (!encoded) {
            fail(encoded.error());
        } else {
            pdu = std::move(*encoded);
        }
    }
    Context& c = contexts_.at(ctx);
    const std::uint8_t direction = direction_of(from);
    std::uint32_t& next = c.next_count[{bearer, direction}];
    const std::uint32_t count = options.count ? *options.count : next++;

    trace::Event ev;
    ev.at = static_cast<double>(clock_ms_) / kMsPerSecond;
    ev.from = from;
    ev.msg = msg;
    ev.ie.assign(ie.is_null() ? json::object() : ie);
    ev.sec.kind = trace::Sec::Kind::protected_;
    ev.sec.ctx = c.id;
    ev.sec.count = count;
    ev.sec.bearer = bearer;
    ev.sec.direction = direction;
    ev.sec.mac = options.mac ? *options.mac
                             : mac(c.nia, options.mac_key ? *options.mac_key : nrpik_of(c), count, bearer,
                                   direction, pdu);
    // TS 38.323 5.8: the PDU carrying the Security Mode Command is never ciphered; everything else is
    // ciphered unless the null ciphering algorithm is in use.
    ev.sec.ciphered = msg != "SECURITY_MODE_COMMAND" && c.nea != protocol::null_algorithm(protocol::kNea);
    ev.pdu = std::move(pdu);
    ev.pointer = "/events/" + std::to_string(trace_.events.size());
    trace_.events.push_back(std::move(ev));
    return trace_.events.size() - 1;
}

std::size_t Sim::send_data(Role from, std::size_t ctx, const SendOptions& options)
{
    return send(from, "DATA", json::object(), ctx, kBearerSlDrb, options);
}

void Sim::repeat(std::size_t index)
{
    advance_clock();
    trace::Event copy = trace_.events.at(index);
    copy.at = static_cast<double>(clock_ms_) / kMsPerSecond;
    copy.pointer = "/events/" + std::to_string(trace_.events.size());
    trace_.events.push_back(std::move(copy));
}

Expected<trace::Trace> Sim::take(std::string title, trace::Expect expect)
{
    if (error_) {
        return tl::make_unexpected(*error_);
    }
    trace_.title = std::move(title);
    trace_.expect = std::move(expect);
    return std::move(trace_);
}

} // namespace pc5check::gen::detail
