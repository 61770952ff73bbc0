#include "corpus.h"

#include "pc5check/checker/gen.h"
#include "pc5check/crypto/crypto.h"
#include "pc5check/protocol/protocol.h"

#include <array>
#include <optional>
#include <random>
#include <string_view>
#include <utility>

namespace pc5check::bench {

namespace {

/// Payload sizes of the DATA events, in octets (after the message code), as in the generator.
constexpr std::size_t kMinPayload = 8;
constexpr std::size_t kMaxPayload = 40;
/// Time between two events, in seconds.
constexpr double kGapSeconds = 0.001;

/// Integrity algorithm of the link, from its name (spec/pc5-protocol.json), if the crypto computes it.
[[nodiscard]] Expected<crypto::IntegrityAlg> integrity_alg(const std::optional<std::string>& name)
{
    const std::optional<std::size_t> i = name ? protocol::index_of(protocol::kNiaNames, *name) : std::nullopt;
    if (i && crypto::computes(static_cast<crypto::IntegrityAlg>(*i))) {
        return static_cast<crypto::IntegrityAlg>(*i);
    }
    return make_error(ErrorCode::internal,
                      "expected a link under an integrity algorithm the crypto computes, found " +
                          name.value_or("no algorithm"));
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

namespace {

/// The events of make_data_trace, one at a time, so a long trace can be written without holding it.
class DataEvents {
  public:
    /// The link and keys of make_random_trace(seed, "none"), title and expect of `events` DATA events.
    [[nodiscard]] static Expected<DataEvents> start(std::size_t events, std::uint64_t seed)
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
        t->events.clear();
        t->title = "bench: " + std::to_string(events) + " DATA events under the initial context (seed " +
                   std::to_string(seed) + ")";
        t->expect = trace::Expect{};
        t->expect->verdict = "conforms";
        return DataEvents(std::move(*t), *alg, *nrpik, seed);
    }

    /// The trace without events.
    [[nodiscard]] const trace::Trace& header() const { return header_; }

    /// Event `i` (called for i = 0, 1, ... in order).
    [[nodiscard]] Expected<trace::Event> next(std::size_t i)
    {
        trace::Event ev;
        ev.at = static_cast<double>(i + 1) * kGapSeconds;
        ev.from = i % 2 == 0 ? trace::Role::initiator : trace::Role::target;
        ev.msg = "DATA";
        const std::uint8_t direction = i % 2 == 0 ? gen::kDirectionInitiator : gen::kDirectionTarget;
        trace::Bytes pdu{gen::message_code("DATA")};
        const std::size_t payload = kMinPayload + rng_() % (kMaxPayload - kMinPayload + 1);
        for (std::size_t b = 0; b < payload; ++b) {
            pdu.push_back(static_cast<std::uint8_t>(rng_()));
        }
        const crypto::PdcpInput in{next_count_.at(direction)++, gen::kBearerSlDrb, direction};
        const auto mac = crypto::mac_i(alg_, nrpik_, in, pdu);
        if (!mac) {
            return tl::make_unexpected(mac.error());
        }
        if (!mac->has_value()) {
            return make_error(ErrorCode::internal, "expected a MAC-I for the link's integrity algorithm");
        }
        ev.sec.kind = trace::Sec::Kind::protected_;
        ev.sec.ctx = header_.link.k_nrp_sess_id;
        ev.sec.count = in.count;
        ev.sec.bearer = in.bearer;
        ev.sec.direction = in.direction;
        ev.sec.mac = **mac;
        ev.sec.ciphered = header_.link.selected_nea != protocol::null_algorithm(protocol::kNea);
        ev.pdu = std::move(pdu);
        ev.pointer = "/events/" + std::to_string(i);
        return ev;
    }

  private:
    DataEvents(trace::Trace header, crypto::IntegrityAlg alg, trace::Bytes nrpik, std::uint64_t seed)
        : header_(std::move(header)), alg_(alg), nrpik_(std::move(nrpik)), rng_(seed)
    {
    }

    trace::Trace header_;
    crypto::IntegrityAlg alg_;
    trace::Bytes nrpik_;
    std::mt19937_64 rng_;
    std::array<std::uint32_t, 2> next_count_{0, 0}; // per DIRECTION
};

} // namespace

Expected<trace::Trace> make_data_trace(std::size_t events, std::uint64_t seed)
{
    auto data = DataEvents::start(events, seed);
    if (!data) {
        return tl::make_unexpected(data.error());
    }
    trace::Trace t = data->header();
    t.events.reserve(events);
    for (std::size_t i = 0; i < events; ++i) {
        auto ev = data->next(i);
        if (!ev) {
            return tl::make_unexpected(ev.error());
        }
        t.events.push_back(std::move(*ev));
    }
    return t;
}

namespace {

/// Writes the `events` events of `data`, each as its JSON text (as an element of `events`), the
/// separator `between` before every one but the first.
[[nodiscard]] Expected<void> write_events(std::ostream& out, DataEvents& data, std::size_t events,
                                          std::string_view between)
{
    trace::Trace one = data.header();
    for (std::size_t i = 0; i < events; ++i) {
        auto ev = data.next(i);
        if (!ev) {
            return tl::make_unexpected(ev.error());
        }
        one.events.clear();
        one.events.push_back(std::move(*ev));
        out << (i == 0 ? "" : between) << trace::to_json(one).at("events").at(0).dump();
    }
    return {};
}

} // namespace

Expected<void> write_data_trace(std::ostream& out, std::size_t events, std::uint64_t seed)
{
    auto data = DataEvents::start(events, seed);
    if (!data) {
        return tl::make_unexpected(data.error());
    }
    // The line to_line(make_data_trace()) gives, written around an empty `events`.
    const std::string header = to_line(data->header());
    constexpr std::string_view kEmpty = R"("events":[])";
    const std::size_t cut = header.find(kEmpty);
    if (cut == std::string::npos) {
        return make_error(ErrorCode::internal, "expected \"events\":[] in the written header");
    }
    out << header.substr(0, cut + kEmpty.size() - 1);
    if (auto written = write_events(out, *data, events, ","); !written) {
        return written;
    }
    out << header.substr(cut + kEmpty.size() - 1) << '\n';
    return {};
}

Expected<void> write_data_stream(std::ostream& out, std::size_t events, std::uint64_t seed)
{
    auto data = DataEvents::start(events, seed);
    if (!data) {
        return tl::make_unexpected(data.error());
    }
    out << to_line(data->header()) << '\n'; // with an empty `events`: the stream's events follow
    if (auto written = write_events(out, *data, events, "\n"); !written) {
        return written;
    }
    out << '\n';
    return {};
}

} // namespace pc5check::bench
