#include "corpus.h"

#include "pc5check/checker/gen.h"
#include "pc5check/crypto/crypto.h"

#include <array>
#include <optional>
#include <random>
#include <utility>

namespace pc5check::bench {

namespace {

/// Payload sizes of the DATA events, in octets (after the message code), as in the generator.
constexpr std::size_t kMinPayload = 8;
constexpr std::size_t kMaxPayload = 40;
/// Time between two events, in seconds.
constexpr double kGapSeconds = 0.001;

/// Integrity algorithm of the link, from its "NIA<n>" name.
[[nodiscard]] Expected<crypto::IntegrityAlg> integrity_alg(const std::optional<std::string>& name)
{
    if (name == "NIA0") {
        return crypto::IntegrityAlg::nia0;
    }
    if (name == "NIA2") {
        return crypto::IntegrityAlg::nia2;
    }
    return make_error(ErrorCode::internal,
                      "expected a link under NIA0 or NIA2, found " + name.value_or("no algorithm"));
}

} // namespace

std::string spec_path() { return std::string(PC5CHECK_SPEC_DIR) + "/" + gen::kNormativeSpecId + ".json"; }

std::string to_line(const trace::Trace& trace) { return trace::to_json(trace).dump(); }

Expected<Corpus> make_corpus(std::size_t traces)
{
    Corpus corpus;
    corpus.lines.reserve(traces);
    for (std::size_t seed = 1; seed <= traces; ++seed) {
        auto t = gen::make_random_trace(gen::kNormativeSpecId, seed, "");
        if (!t) {
            return tl::make_unexpected(t.error());
        }
        for (const auto& e : t->events) {
            corpus.events += 1;
            const bool has_input = e.sec.count && e.sec.bearer && e.sec.direction && e.pdu;
            if (e.sec.kind == trace::Sec::Kind::protected_ && has_input) {
                corpus.protected_events += 1;
            }
        }
        if (t->expect && t->expect->verdict == "conforms") {
            corpus.conforming += 1;
        }
        corpus.lines.push_back(to_line(*t));
        corpus.bytes += corpus.lines.back().size() + 1;
    }
    return corpus;
}

Expected<trace::Trace> make_data_trace(std::size_t events, std::uint64_t seed)
{
    auto t = gen::make_random_trace(gen::kNormativeSpecId, seed, "none");
    if (!t) {
        return tl::make_unexpected(t.error());
    }
    const auto alg = integrity_alg(t->link.selected_nia);
    if (!alg) {
        return tl::make_unexpected(alg.error());
    }
    if (!t->link.k_nrp_sess) {
        return make_error(ErrorCode::internal, "expected the generator to log link.k_nrp_sess");
    }
    const auto nrpik = crypto::derive_nrpik(*t->link.k_nrp_sess, *alg);
    if (!nrpik) {
        return tl::make_unexpected(nrpik.error());
    }
    std::mt19937_64 rng(seed);
    std::array<std::uint32_t, 2> next_count{0, 0}; // per DIRECTION
    t->events.clear();
    t->events.reserve(events);
    for (std::size_t i = 0; i < events; ++i) {
        trace::Event ev;
        ev.at = static_cast<double>(i + 1) * kGapSeconds;
        ev.from = i % 2 == 0 ? trace::Role::initiator : trace::Role::target;
        ev.msg = "DATA";
        const std::uint8_t direction = i % 2 == 0 ? gen::kDirectionInitiator : gen::kDirectionTarget;
        trace::Bytes pdu{gen::message_code("DATA")};
        const std::size_t payload = kMinPayload + rng() % (kMaxPayload - kMinPayload + 1);
        for (std::size_t b = 0; b < payload; ++b) {
            pdu.push_back(static_cast<std::uint8_t>(rng()));
        }
        const crypto::PdcpInput in{next_count.at(direction)++, gen::kBearerSlDrb, direction};
        const auto mac = crypto::mac_i(*alg, *nrpik, in, pdu);
        if (!mac) {
            return tl::make_unexpected(mac.error());
        }
        if (!mac->has_value()) {
            return make_error(ErrorCode::internal, "expected a MAC-I for the link's integrity algorithm");
        }
        ev.sec.kind = trace::Sec::Kind::protected_;
        ev.sec.ctx = t->link.k_nrp_sess_id;
        ev.sec.count = in.count;
        ev.sec.bearer = in.bearer;
        ev.sec.direction = in.direction;
        ev.sec.mac = **mac;
        ev.sec.ciphered = t->link.selected_nea != "NEA0";
        ev.pdu = std::move(pdu);
        ev.pointer = "/events/" + std::to_string(i);
        t->events.push_back(std::move(ev));
    }
    t->title = "bench: " + std::to_string(events) + " DATA events under the initial context (seed " +
               std::to_string(seed) + ")";
    t->expect = trace::Expect{"conforms", {}};
    return t;
}

} // namespace pc5check::bench
