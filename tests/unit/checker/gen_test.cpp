/// Tests of the trace generator (checker/src/gen). The MAC-I check re-derives every key from what the
/// trace itself logs (link, keys, IEs) with the crypto API: an independent path from the generator's
/// internal state.

#include "pc5check/checker/gen.h"
#include "pc5check/crypto/crypto.h"
#include "pc5check/trace/trace.h"

#include <algorithm>
#include <cstdint>
#include <doctest/doctest.h>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace {

using namespace pc5check;
using nlohmann::json;

constexpr const char* kSpec = gen::kNormativeSpecId;
constexpr const char* kSeed = gen::kSeedSpecId;

trace::Trace build(const std::string& spec, const std::string& name, std::uint64_t seed)
{
    auto t = gen::make_trace(spec, name, seed);
    REQUIRE_MESSAGE(t.has_value(), name << ": " << (t ? std::string() : t.error().to_string()));
    return *t;
}

std::string dump(const trace::Trace& t) { return trace::to_json(t).dump(); }

crypto::Bytes hex_bytes(const json& j)
{
    auto b = crypto::from_hex(j.get<std::string>());
    REQUIRE(b.has_value());
    return *b;
}

crypto::IntegrityAlg nia_of(const std::string& name)
{
    return static_cast<crypto::IntegrityAlg>(name.at(3) - '0');
}

std::vector<gen::Scenario> catalogue(const std::string& spec)
{
    auto s = gen::scenarios(spec);
    REQUIRE(s.has_value());
    return *s;
}

bool conforming_flow(const gen::Scenario& s)
{
    return s.mutate_rule.empty() || s.mutate_rule == "NULL_INTEGRITY_REKEY";
}

/// A context as the trace reveals it.
struct SeenContext {
    std::uint16_t id = 0;
    crypto::Bytes nrpik;
    std::string nia;
};

SeenContext context_from(std::uint16_t id, const crypto::Bytes& k_nrp_sess, const std::string& nia)
{
    auto nrpik = crypto::derive_nrpik(k_nrp_sess, nia_of(nia));
    REQUIRE(nrpik.has_value());
    return SeenContext{id, *nrpik, nia};
}

const crypto::Bytes& key_with_id(const trace::Trace& t, std::uint32_t id)
{
    const auto it = std::find_if(t.keys.begin(), t.keys.end(),
                                 [&](const trace::KeyEntry& k) { return k.k_nrp_id == id; });
    REQUIRE_MESSAGE(it != t.keys.end(), "no logged K_NRP with ID " << id);
    return it->k_nrp;
}

const crypto::Bytes& key_with_msbs(const trace::Trace& t, std::uint32_t msbs)
{
    const auto n = std::count_if(t.keys.begin(), t.keys.end(),
                                 [&](const trace::KeyEntry& k) { return (k.k_nrp_id >> 16U) == msbs; });
    REQUIRE_MESSAGE(n == 1, "expected one logged K_NRP with ID MSBs " << msbs);
    return std::find_if(t.keys.begin(), t.keys.end(),
                        [&](const trace::KeyEntry& k) { return (k.k_nrp_id >> 16U) == msbs; })
        ->k_nrp;
}

void check_mac(const trace::Event& e, const SeenContext& c, std::size_t index)
{
    CAPTURE(index);
    CAPTURE(e.msg);
    REQUIRE(e.sec.kind == trace::Sec::Kind::protected_);
    REQUIRE(e.pdu.has_value());
    CHECK(*e.sec.ctx == c.id);
    const crypto::PdcpInput in{*e.sec.count, *e.sec.bearer, *e.sec.direction};
    auto mac = crypto::mac_i(nia_of(c.nia), c.nrpik, in, *e.pdu);
    REQUIRE(mac.has_value());
    REQUIRE(mac->has_value());
    CHECK(**mac == *e.sec.mac);
}

/// Replays a conforming normative trace from its own logged keys and IEs: every event must be
/// protected under the context the procedure prescribes, with a MAC-I that recomputes.
void verify_macs(const trace::Trace& t)
{
    CAPTURE(t.title);
    SeenContext cur = context_from(t.link.k_nrp_sess_id, *t.link.k_nrp_sess, *t.link.selected_nia);
    crypto::Bytes k_nrp = key_with_id(t, t.link.k_nrp_id);
    std::optional<SeenContext> pending;
    // -1: absent (std::optional<std::uint32_t> trips a GCC 12 -Wmaybe-uninitialized false positive).
    std::int64_t pending_msbs = -1;
    std::int64_t pending_lsbs = -1;
    crypto::Bytes nonce_1;
    std::uint32_t msb = 0;
    for (std::size_t i = 0; i < t.events.size(); ++i) {
        const trace::Event& e = t.events[i];
        if (e.msg == "REKEYING_REQUEST") {
            nonce_1 = hex_bytes(e.ie.to_json().at("nonce_1"));
            msb = e.ie.to_json().at("msb_k_nrp_sess_id").get<std::uint32_t>();
            check_mac(e, cur, i);
        } else if (e.msg == "SECURITY_MODE_COMMAND") {
            pending_msbs = -1;
            crypto::Bytes k = k_nrp;
            if (e.ie.contains("msbs_k_nrp_id")) {
                pending_msbs = e.ie.to_json().at("msbs_k_nrp_id").get<std::int64_t>();
                k = key_with_msbs(t, static_cast<std::uint32_t>(pending_msbs));
            }
            auto k_sess = crypto::derive_k_nrp_sess(k, nonce_1, hex_bytes(e.ie.to_json().at("nonce_2")));
            REQUIRE(k_sess.has_value());
            const auto id = static_cast<std::uint16_t>(
                (msb << 8U) | e.ie.to_json().at("lsb_k_nrp_sess_id").get<std::uint32_t>());
            pending =
                context_from(id, *k_sess, e.ie.to_json().at("selected_algs").at("nia").get<std::string>());
            check_mac(e, *pending, i);
        } else if (e.msg == "SECURITY_MODE_COMPLETE") {
            REQUIRE(pending.has_value());
            pending_lsbs = -1;
            if (e.ie.contains("lsbs_k_nrp_id")) {
                pending_lsbs = e.ie.to_json().at("lsbs_k_nrp_id").get<std::int64_t>();
            }
            CHECK((pending_lsbs >= 0) == (pending_msbs >= 0));
            check_mac(e, *pending, i);
        } else if (e.msg == "REKEYING_RESPONSE") {
            REQUIRE(pending.has_value());
            check_mac(e, *pending, i);
            cur = *pending;
            pending.reset();
            if (pending_msbs >= 0) {
                REQUIRE(pending_lsbs >= 0);
                k_nrp = key_with_id(t, static_cast<std::uint32_t>((pending_msbs << 16U) | pending_lsbs));
            }
        } else if (e.msg == "SECURITY_MODE_REJECT") {
            check_mac(e, cur, i);
            pending.reset();
        } else {
            check_mac(e, cur, i); // DATA, AUTH_*, RELEASE: the context in force
        }
    }
}

void verify_counts(const trace::Trace& t)
{
    CAPTURE(t.title);
    std::map<std::tuple<std::uint16_t, std::uint8_t, std::uint8_t>, std::uint32_t> last;
    for (std::size_t i = 0; i < t.events.size(); ++i) {
        const trace::Sec& s = t.events[i].sec;
        REQUIRE(s.kind == trace::Sec::Kind::protected_);
        const auto key = std::make_tuple(*s.ctx, *s.bearer, *s.direction);
        CAPTURE(i);
        if (const auto it = last.find(key); it != last.end()) {
            CHECK(*s.count == it->second + 1);
        } else if (*s.ctx != t.link.k_nrp_sess_id) {
            CHECK(*s.count == 0); // a context made by re-keying starts at 0
        } else {
            CHECK(*s.count <= 1000);
        }
        last[key] = *s.count;
    }
}

void flatten(const json& j, const std::string& prefix, std::map<std::string, json>& out)
{
    if (j.is_object() && !j.empty()) {
        for (const auto& [k, v] : j.items()) {
            std::string path = prefix;
            if (!path.empty()) {
                path += "/";
            }
            path += k;
            flatten(v, path, out);
        }
    } else {
        out[prefix] = j;
    }
}

/// Indices of the events carrying `msg`, in trace order.
std::vector<std::size_t> events_of(const trace::Trace& t, const std::string& msg)
{
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < t.events.size(); ++i) {
        if (t.events[i].msg == msg) {
            out.push_back(i);
        }
    }
    return out;
}

/// The cause of the only SECURITY_MODE_REJECT of a trace.
int reject_cause(const trace::Trace& t)
{
    const auto rejects = events_of(t, "SECURITY_MODE_REJECT");
    REQUIRE(rejects.size() == 1);
    return t.events[rejects.front()].ie.to_json().at("cause").get<int>();
}

std::set<std::string> differing_fields(const json& a, const json& b)
{
    std::map<std::string, json> fa;
    std::map<std::string, json> fb;
    flatten(a, "", fa);
    flatten(b, "", fb);
    std::set<std::string> out;
    for (const auto& [k, v] : fa) {
        if (!fb.contains(k) || fb.at(k) != v) {
            out.insert(k);
        }
    }
    for (const auto& [k, v] : fb) {
        if (!fa.contains(k)) {
            out.insert(k);
        }
    }
    return out;
}

} // namespace

TEST_SUITE("checker")
{
    TEST_CASE("gen: the catalogue covers every rule of docs/rules.md and the conforming flows")
    {
        const std::vector<std::string> rules{"REQ_OLD_CONTEXT",
                                             "REQ_CONTENTS",
                                             "REAUTH_FORCES_AUTH",
                                             "SMC_NEW_CONTEXT",
                                             "SMC_ECHO_CAPS",
                                             "ALGS_ALLOWED",
                                             "ACTIVATION_UNCHANGED",
                                             "SESS_ID_CONFLICT",
                                             "COMPLETE_NEW_CONTEXT",
                                             "RESPONSE_NEW_CONTEXT",
                                             "ORDER",
                                             "REJECT_CAUSE",
                                             "REJECT_ABORTS",
                                             "OLD_CONTEXT_RETIRED",
                                             "REPLAY",
                                             "NONCE_REUSE",
                                             "KNRP_ID_UPDATE",
                                             "NULL_INTEGRITY_REKEY"};
        const auto all = catalogue(kSpec);
        std::vector<std::string> names;
        names.reserve(all.size());
        for (const auto& s : all) {
            names.push_back(s.name);
        }
        CHECK(gen::scenario_names(kSpec) == names);
        CHECK(std::set<std::string>(names.begin(), names.end()).size() == names.size());
        for (const char* n :
             {"conform-plain", "conform-reauth", "conform-two-rekeys", "conform-reject-then-success",
              "conform-auth-without-flag", "conform-retransmit", "conform-reauth-then-rekey",
              "conform-release", "stress-mixed"}) {
            CHECK_MESSAGE(std::find(names.begin(), names.end(), n) != names.end(), n);
        }
        for (const auto& r : rules) {
            CHECK_MESSAGE(std::any_of(all.begin(), all.end(),
                                      [&](const gen::Scenario& s) { return s.mutate_rule == r; }),
                          r);
        }
        auto mutable_rules = gen::mutable_rules(kSpec);
        std::sort(mutable_rules.begin(), mutable_rules.end());
        auto sorted_rules = rules;
        std::sort(sorted_rules.begin(), sorted_rules.end());
        CHECK(mutable_rules == sorted_rules);
        for (const auto& s : all) {
            CAPTURE(s.name);
            if (s.mutate_rule.empty()) {
                CHECK(s.expect.verdict == "conforms");
                CHECK(s.expect.rules.empty());
            } else if (s.mutate_rule == "NULL_INTEGRITY_REKEY") {
                CHECK(s.expect.verdict == "conforms");
                CHECK(s.expect.rules == std::vector<std::string>{"NULL_INTEGRITY_REKEY"});
            } else {
                CHECK(s.expect.verdict == "violation");
                // One rule per scenario, except fool-* mutations that break several rules at once.
                CHECK(std::find(s.expect.rules.begin(), s.expect.rules.end(), s.mutate_rule) !=
                      s.expect.rules.end());
                CHECK(std::is_sorted(s.expect.rules.begin(), s.expect.rules.end()));
                CHECK(std::adjacent_find(s.expect.rules.begin(), s.expect.rules.end()) ==
                      s.expect.rules.end());
                if (s.name.rfind("fool-", 0) != 0) {
                    CHECK(s.expect.rules == std::vector<std::string>{s.mutate_rule});
                }
            }
        }

        CHECK(gen::scenario_names("no-such-spec").empty());
        CHECK_FALSE(gen::scenarios("no-such-spec").has_value());
        const auto bad_spec = gen::make_trace("no-such-spec", "conform-plain", 1);
        REQUIRE_FALSE(bad_spec.has_value());
        CHECK(bad_spec.error().code == ErrorCode::usage);
        const auto bad_name = gen::make_trace(kSpec, "no-such-scenario", 1);
        REQUIRE_FALSE(bad_name.has_value());
        CHECK(bad_name.error().code == ErrorCode::usage);
        const auto bad_rule = gen::make_random_trace(kSpec, 1, "NO_SUCH_RULE");
        REQUIRE_FALSE(bad_rule.has_value());
        CHECK(bad_rule.error().code == ErrorCode::usage);
    }

    TEST_CASE("gen: every scenario builds, carries its oracle and round-trips through the trace reader")
    {
        for (const char* spec : {kSpec, kSeed}) {
            for (const auto& s : catalogue(spec)) {
                for (const std::uint64_t seed : {1ULL, 2ULL, 0xFFFFFFFFFFFFFFFFULL}) {
                    CAPTURE(s.name);
                    CAPTURE(seed);
                    const trace::Trace t = build(spec, s.name, seed);
                    CHECK(t.spec == spec);
                    CHECK(t.observer == trace::Observer::air);
                    CHECK(t.title.rfind(s.name + " (seed ", 0) == 0);
                    REQUIRE(t.expect.has_value());
                    CHECK(t.expect->verdict == s.expect.verdict);
                    CHECK(t.expect->rules == s.expect.rules);
                    REQUIRE_FALSE(t.events.empty());
                    const auto parsed = trace::parse_trace(dump(t), s.name + ".json");
                    REQUIRE_MESSAGE(parsed.has_value(),
                                    (parsed ? std::string() : parsed.error().to_string()));
                    CHECK(dump(*parsed) == dump(t));
                    for (std::size_t i = 1; i < t.events.size(); ++i) {
                        CHECK(t.events[i].at > t.events[i - 1].at);
                    }
                }
            }
        }
    }

    TEST_CASE("gen: the same seed gives a byte-identical trace, another seed another trace")
    {
        for (const char* spec : {kSpec, kSeed}) {
            for (const auto& name : gen::scenario_names(spec)) {
                CAPTURE(name);
                CHECK(dump(build(spec, name, 42)) == dump(build(spec, name, 42)));
                CHECK(dump(build(spec, name, 42)) != dump(build(spec, name, 43)));
            }
            for (const char* rule : {"", "none", "REPLAY"}) {
                const auto a = gen::make_random_trace(spec, 9, rule);
                const auto b = gen::make_random_trace(spec, 9, rule);
                const auto c = gen::make_random_trace(spec, 10, rule);
                REQUIRE(a.has_value());
                REQUIRE(b.has_value());
                REQUIRE(c.has_value());
                CHECK(dump(*a) == dump(*b));
                CHECK(dump(*a) != dump(*c));
            }
        }
    }

    TEST_CASE("gen: MAC-Is of conforming traces recompute from the logged keys and IEs")
    {
        for (const auto& s : catalogue(kSpec)) {
            if (!conforming_flow(s)) {
                continue;
            }
            for (std::uint64_t seed = 1; seed <= 5; ++seed) {
                verify_macs(build(kSpec, s.name, seed));
            }
        }
        for (std::uint64_t seed = 1; seed <= 40; ++seed) {
            const auto t = gen::make_random_trace(kSpec, seed, "none");
            REQUIRE(t.has_value());
            verify_macs(*t);
        }
    }

    TEST_CASE("gen: another algorithm pair protects the link and every SMC, and its MAC-Is recompute")
    {
        const std::vector<gen::LinkAlgorithms> pairs{{"NEA1", "NIA1"}, {"NEA3", "NIA3"}, {"NEA2", "NIA3"}};
        for (const gen::LinkAlgorithms& algs : pairs) {
            CAPTURE(algs.nea);
            CAPTURE(algs.nia);
            for (const auto& s : catalogue(kSpec)) {
                if (!conforming_flow(s) || s.mutate_rule == "NULL_INTEGRITY_REKEY") {
                    continue;
                }
                const auto t = gen::make_trace(kSpec, s.name, 1, algs);
                REQUIRE(t.has_value());
                CHECK(t->link.selected_nea == algs.nea);
                CHECK(t->link.selected_nia == algs.nia);
                for (const trace::Event& e : t->events) {
                    if (e.msg == "SECURITY_MODE_COMMAND") {
                        CHECK(e.ie.to_json().at("selected_algs") ==
                              json{{"nea", algs.nea}, {"nia", algs.nia}});
                    }
                }
                verify_macs(*t);
            }
            const auto random = gen::make_random_trace(kSpec, 3, "none", algs);
            REQUIRE(random.has_value());
            verify_macs(*random);
        }
    }

    TEST_CASE("gen: an algorithm pair with a null or unknown algorithm is refused")
    {
        const std::vector<std::pair<gen::LinkAlgorithms, std::string>> refused{
            {{"NEA0", "NIA2"}, "expected a NEA the crypto computes (NEA1, NEA2, NEA3), found 'NEA0'"},
            {{"NEA2", "NIA0"}, "expected a NIA the crypto computes (NIA1, NIA2, NIA3), found 'NIA0'"},
            {{"NEA2", "NIA4"}, "expected a NIA the crypto computes (NIA1, NIA2, NIA3), found 'NIA4'"},
            {{"nea2", "NIA2"}, "expected a NEA the crypto computes (NEA1, NEA2, NEA3), found 'nea2'"},
        };
        for (const auto& [algs, message] : refused) {
            const auto t = gen::make_trace(kSpec, "conform-plain", 1, algs);
            REQUIRE_FALSE(t.has_value());
            CHECK(t.error().code == ErrorCode::usage);
            CHECK(t.error().message == message);
            CHECK_FALSE(gen::make_random_trace(kSpec, 1, "none", algs).has_value());
        }
    }

    TEST_CASE("gen: COUNT rises by one per context, bearer and direction in conforming traces")
    {
        for (const char* spec : {kSpec, kSeed}) {
            for (const auto& s : catalogue(spec)) {
                if (conforming_flow(s)) {
                    verify_counts(build(spec, s.name, 3));
                }
            }
            for (std::uint64_t seed = 1; seed <= 20; ++seed) {
                const auto t = gen::make_random_trace(spec, seed, "none");
                REQUIRE(t.has_value());
                verify_counts(*t);
            }
        }
    }

    TEST_CASE("gen: a mutated scenario differs from its conforming counterpart first in the intended field")
    {
        struct Intent {
            const char* name;
            const char* counterpart;
            const char* msg;                ///< message of the first differing event in the mutated trace
            const char* counterpart_msg;    ///< and in the counterpart
            std::set<std::string> required; ///< fields that must differ there
            std::set<std::string> allowed;  ///< fields that may differ there (empty: any)
        };
        const std::set<std::string> resent{"sec/ctx", "sec/count", "sec/mac"};
        const std::vector<Intent> intents{
            {"viol-req-old-context",
             "conform-plain",
             "REKEYING_REQUEST",
             "REKEYING_REQUEST",
             {"sec/mac"},
             {"sec/mac"}},
            {"viol-req-old-context-unknown-id",
             "conform-plain",
             "REKEYING_REQUEST",
             "REKEYING_REQUEST",
             {"sec/ctx"},
             resent},
            {"viol-req-contents",
             "conform-plain",
             "REKEYING_REQUEST",
             "REKEYING_REQUEST",
             {"ie/nonce_1"},
             {"ie/nonce_1", "pdu", "sec/mac"}},
            {"viol-req-contents-short-nonce",
             "conform-plain",
             "REKEYING_REQUEST",
             "REKEYING_REQUEST",
             {"ie/nonce_1"},
             {"ie/nonce_1", "pdu", "sec/mac"}},
            {"viol-reauth-forces-auth",
             "conform-reauth",
             "SECURITY_MODE_COMMAND",
             "AUTH_REQUEST",
             {"msg"},
             {}},
            {"viol-smc-new-context",
             "conform-plain",
             "SECURITY_MODE_COMMAND",
             "SECURITY_MODE_COMMAND",
             {"sec/ctx"},
             resent},
            {"viol-smc-echo-caps",
             "conform-plain",
             "SECURITY_MODE_COMMAND",
             "SECURITY_MODE_COMMAND",
             {"ie/ue_sec_cap/nea"},
             {"ie/ue_sec_cap/nea", "pdu", "sec/mac"}},
            {"viol-algs-allowed",
             "conform-plain",
             "SECURITY_MODE_COMMAND",
             "SECURITY_MODE_COMMAND",
             {"ie/selected_algs/nea"},
             {"ie/selected_algs/nea", "pdu", "sec/mac"}},
            {"viol-activation-unchanged",
             "conform-plain",
             "SECURITY_MODE_COMMAND",
             "SECURITY_MODE_COMMAND",
             {"ie/selected_algs/nea"},
             {"ie/selected_algs/nea", "pdu", "sec/mac"}},
            {"viol-sess-id-conflict",
             "conform-plain",
             "REKEYING_REQUEST",
             "REKEYING_REQUEST",
             {"ie/msb_k_nrp_sess_id"},
             {"ie/msb_k_nrp_sess_id", "pdu", "sec/mac"}},
            {"viol-complete-new-context",
             "conform-plain",
             "SECURITY_MODE_COMPLETE",
             "SECURITY_MODE_COMPLETE",
             {"sec/ctx"},
             resent},
            {"viol-response-new-context",
             "conform-plain",
             "REKEYING_RESPONSE",
             "REKEYING_RESPONSE",
             {"sec/ctx"},
             resent},
            {"viol-order",
             "conform-plain",
             "REKEYING_RESPONSE",
             "SECURITY_MODE_COMPLETE",
             {"msg", "from"},
             {}},
            {"viol-reject-cause",
             "conform-reject-then-success",
             "SECURITY_MODE_REJECT",
             "SECURITY_MODE_REJECT",
             {"ie/cause"},
             {"ie/cause", "pdu", "sec/mac"}},
            {"viol-reject-aborts", "conform-reject-then-success", "DATA", "DATA", {"sec/ctx"}, resent},
            {"viol-old-context-retired", "conform-plain", "DATA", "DATA", {"sec/ctx"}, resent},
            {"viol-nonce-reuse",
             "conform-two-rekeys",
             "REKEYING_REQUEST",
             "REKEYING_REQUEST",
             {"ie/nonce_1"},
             {"ie/nonce_1", "pdu", "sec/mac"}},
            {"viol-knrp-id-update",
             "conform-reauth-then-rekey",
             "SECURITY_MODE_COMMAND",
             "SECURITY_MODE_COMMAND",
             {"sec/mac"},
             {"sec/mac"}},
            {"fool-mac-copied",
             "conform-plain",
             "SECURITY_MODE_COMPLETE",
             "SECURITY_MODE_COMPLETE",
             {"sec/mac"},
             {"sec/mac"}},
            {"fool-smc-old-key-new-ctx",
             "conform-plain",
             "SECURITY_MODE_COMMAND",
             "SECURITY_MODE_COMMAND",
             {"sec/mac"},
             {"sec/mac"}},
            {"fool-smc-valid-old-mac",
             "conform-reauth",
             "SECURITY_MODE_COMMAND",
             "SECURITY_MODE_COMMAND",
             {"sec/mac"},
             {"sec/mac"}},
            {"fool-nonce-pair-reuse",
             "conform-two-rekeys",
             "REKEYING_REQUEST",
             "REKEYING_REQUEST",
             {"ie/nonce_1"},
             {"ie/nonce_1", "pdu", "sec/mac"}},
            {"fool-smc-replayed",
             "conform-two-rekeys",
             "SECURITY_MODE_COMMAND",
             "SECURITY_MODE_COMMAND",
             {"ie/nonce_2", "sec/ctx", "sec/mac", "pdu"},
             {"ie/nonce_2", "ie/lsb_k_nrp_sess_id", "sec/ctx", "sec/mac", "pdu"}},
            {"fool-echo-duplicates",
             "conform-plain",
             "SECURITY_MODE_COMMAND",
             "SECURITY_MODE_COMMAND",
             {"ie/ue_sec_cap/nea", "pdu", "sec/mac"},
             {"ie/ue_sec_cap/nea", "pdu", "sec/mac"}},
            {"fool-echo-reordered",
             "conform-plain",
             "SECURITY_MODE_COMMAND",
             "SECURITY_MODE_COMMAND",
             {"ie/ue_sec_cap/nea"},
             {"ie/ue_sec_cap/nea"}},
            {"fool-count-reset-old-ctx",
             "conform-two-rekeys",
             "DATA",
             "DATA",
             {"sec/count", "sec/mac"},
             {"sec/count", "sec/mac"}},
            {"fool-response-copied-mac",
             "conform-plain",
             "REKEYING_RESPONSE",
             "REKEYING_RESPONSE",
             {"sec/mac"},
             {"sec/mac"}},
        };
        const auto all = catalogue(kSpec);
        for (const auto& s : all) {
            if (s.name.rfind("fool-", 0) == 0) {
                CHECK_MESSAGE(std::any_of(intents.begin(), intents.end(),
                                          [&](const Intent& x) { return x.name == s.name; }),
                              s.name);
            }
        }
        for (const Intent& intent : intents) {
            const auto s = std::find_if(all.begin(), all.end(),
                                        [&](const gen::Scenario& x) { return x.name == intent.name; });
            REQUIRE_MESSAGE(s != all.end(), intent.name);
            CHECK(s->counterpart == intent.counterpart);
            for (std::uint64_t seed = 1; seed <= 3; ++seed) {
                CAPTURE(intent.name);
                CAPTURE(seed);
                const json mutated = trace::to_json(build(kSpec, intent.name, seed));
                const json honest = trace::to_json(build(kSpec, intent.counterpart, seed));
                CHECK(mutated.at("link") == honest.at("link"));
                const json& me = mutated.at("events");
                const json& he = honest.at("events");
                std::size_t i = 0;
                while (i < me.size() && i < he.size() && me[i] == he[i]) {
                    ++i;
                }
                REQUIRE(i < me.size());
                REQUIRE(i < he.size());
                CHECK(me[i].at("msg") == intent.msg);
                CHECK(he[i].at("msg") == intent.counterpart_msg);
                const auto fields = differing_fields(me[i], he[i]);
                for (const auto& f : intent.required) {
                    CHECK_MESSAGE(fields.contains(f), f);
                }
                if (!intent.allowed.empty()) {
                    for (const auto& f : fields) {
                        CHECK_MESSAGE(intent.allowed.contains(f), f);
                    }
                }
            }
        }
    }

    TEST_CASE("gen: REAUTH_FORCES_AUTH and KNRP_ID_UPDATE mutate the key material, not the IDs")
    {
        const trace::Trace reauth = build(kSpec, "viol-reauth-forces-auth", 5);
        const auto smc = std::find_if(reauth.events.begin(), reauth.events.end(),
                                      [](const trace::Event& e) { return e.msg == "SECURITY_MODE_COMMAND"; });
        REQUIRE(smc != reauth.events.end());
        CHECK_FALSE(smc->ie.contains("msbs_k_nrp_id"));
        CHECK_FALSE(smc->ie.contains("key_est_info"));
        CHECK(reauth.events.back().msg == "DATA");
        CHECK(std::any_of(reauth.events.begin(), reauth.events.end(), [](const trace::Event& e) {
            return e.msg == "SECURITY_MODE_REJECT" && e.ie.to_json().at("cause") == 111;
        }));
        // With the keys of the link in force (no re-authentication ran) the MAC-Is all recompute.
        verify_macs(reauth);

        const trace::Trace knrp = build(kSpec, "viol-knrp-id-update", 5);
        REQUIRE(knrp.keys.size() == 2);
        CHECK(std::any_of(knrp.events.begin(), knrp.events.end(), [](const trace::Event& e) {
            return e.msg == "SECURITY_MODE_REJECT" && e.ie.to_json().at("cause") == 7;
        }));
    }

    TEST_CASE(
        "gen: a copied MAC-I of a fool scenario is the valid MAC-I of another message of the same context")
    {
        for (std::uint64_t seed = 1; seed <= 5; ++seed) {
            CAPTURE(seed);
            const trace::Trace t = build(kSpec, "fool-mac-copied", seed);
            const auto smc = events_of(t, "SECURITY_MODE_COMMAND");
            const auto complete = events_of(t, "SECURITY_MODE_COMPLETE");
            REQUIRE(smc.size() == 1);
            REQUIRE(complete.size() == 1);
            const trace::Event& c = t.events[complete.front()];
            const trace::Event& m = t.events[smc.front()];
            CHECK(c.sec.ctx == m.sec.ctx);
            CHECK(c.sec.mac == m.sec.mac);
            CHECK(c.sec.direction != m.sec.direction);
            CHECK(complete.front() + 1 == t.events.size()); // the target does not respond
            CHECK(events_of(t, "REKEYING_RESPONSE").empty());

            const trace::Trace r = build(kSpec, "fool-response-copied-mac", seed);
            const auto response = events_of(r, "REKEYING_RESPONSE");
            const auto r_complete = events_of(r, "SECURITY_MODE_COMPLETE");
            REQUIRE(response.size() == 1);
            REQUIRE(r_complete.size() == 1);
            CHECK(r.events[response.front()].sec.ctx == r.events[r_complete.front()].sec.ctx);
            CHECK(r.events[response.front()].sec.mac == r.events[r_complete.front()].sec.mac);
            CHECK(r.events[response.front()].sec.ctx != r.link.k_nrp_sess_id);
        }
    }

    TEST_CASE("gen: fool SMCs name the new context with a MAC-I from the wrong key")
    {
        for (std::uint64_t seed = 1; seed <= 5; ++seed) {
            CAPTURE(seed);
            // The NRPIK in force, under the new ID.
            const trace::Trace t = build(kSpec, "fool-smc-old-key-new-ctx", seed);
            const auto req = events_of(t, "REKEYING_REQUEST");
            const auto smc = events_of(t, "SECURITY_MODE_COMMAND");
            REQUIRE(req.size() == 1);
            REQUIRE(smc.size() == 1);
            const trace::Event& e = t.events[smc.front()];
            const auto new_id = static_cast<std::uint16_t>(
                (t.events[req.front()].ie.to_json().at("msb_k_nrp_sess_id").get<std::uint32_t>() << 8U) |
                e.ie.to_json().at("lsb_k_nrp_sess_id").get<std::uint32_t>());
            SeenContext old_key =
                context_from(t.link.k_nrp_sess_id, *t.link.k_nrp_sess, *t.link.selected_nia);
            old_key.id = new_id;
            check_mac(e, old_key, smc.front());
            CHECK(reject_cause(t) == 7);

            // Re-authentication: msbs_k_nrp_id names the new K_NRP, the key derives from the old one.
            const trace::Trace a = build(kSpec, "fool-smc-valid-old-mac", seed);
            REQUIRE(a.keys.size() == 2);
            const auto a_req = events_of(a, "REKEYING_REQUEST");
            const auto a_smc = events_of(a, "SECURITY_MODE_COMMAND");
            REQUIRE(a_req.size() == 1);
            REQUIRE(a_smc.size() == 1);
            const trace::Event& r = a.events[a_req.front()];
            const trace::Event& m = a.events[a_smc.front()];
            CHECK(r.ie.to_json().at("reauth") == true);
            CHECK_FALSE(events_of(a, "AUTH_RESPONSE").empty());
            REQUIRE(m.ie.contains("msbs_k_nrp_id"));
            CHECK(m.ie.contains("key_est_info"));
            CHECK(m.ie.to_json().at("msbs_k_nrp_id").get<std::uint32_t>() == a.keys.back().k_nrp_id >> 16U);
            auto k_sess = crypto::derive_k_nrp_sess(key_with_id(a, a.link.k_nrp_id),
                                                    hex_bytes(r.ie.to_json().at("nonce_1")),
                                                    hex_bytes(m.ie.to_json().at("nonce_2")));
            REQUIRE(k_sess.has_value());
            const auto id = static_cast<std::uint16_t>(
                (r.ie.to_json().at("msb_k_nrp_sess_id").get<std::uint32_t>() << 8U) |
                m.ie.to_json().at("lsb_k_nrp_sess_id").get<std::uint32_t>());
            check_mac(
                m, context_from(id, *k_sess, m.ie.to_json().at("selected_algs").at("nia").get<std::string>()),
                a_smc.front());
            CHECK(reject_cause(a) == 7);
            CHECK(events_of(a, "SECURITY_MODE_COMPLETE").empty());
        }
    }

    TEST_CASE("gen: fool-nonce-pair-reuse repeats both nonces and completes with valid MAC-Is")
    {
        for (std::uint64_t seed = 1; seed <= 5; ++seed) {
            CAPTURE(seed);
            const trace::Trace t = build(kSpec, "fool-nonce-pair-reuse", seed);
            const auto req = events_of(t, "REKEYING_REQUEST");
            const auto smc = events_of(t, "SECURITY_MODE_COMMAND");
            REQUIRE(req.size() == 2);
            REQUIRE(smc.size() == 2);
            CHECK(t.events[req[0]].ie.to_json().at("nonce_1") == t.events[req[1]].ie.to_json().at("nonce_1"));
            CHECK(t.events[smc[0]].ie.to_json().at("nonce_2") == t.events[smc[1]].ie.to_json().at("nonce_2"));
            CHECK(t.events[smc[0]].sec.ctx != t.events[smc[1]].sec.ctx);
            CHECK(events_of(t, "REKEYING_RESPONSE").size() == 2);
            verify_macs(t); // same K_NRP, same nonces: the second new context has the first one's key
        }
    }

    TEST_CASE("gen: fool-smc-replayed sends the first SMC again, unchanged, in the second re-keying")
    {
        for (std::uint64_t seed = 1; seed <= 20; ++seed) {
            CAPTURE(seed);
            const trace::Trace t = build(kSpec, "fool-smc-replayed", seed);
            const auto req = events_of(t, "REKEYING_REQUEST");
            const auto smc = events_of(t, "SECURITY_MODE_COMMAND");
            REQUIRE(req.size() == 2);
            REQUIRE(smc.size() == 2);
            CHECK(req[1] < smc[1]);
            json first = trace::to_json(t).at("events")[smc[0]];
            json again = trace::to_json(t).at("events")[smc[1]];
            CHECK(first.at("at") != again.at("at"));
            first.erase("at");
            again.erase("at");
            CHECK(first == again);
            // The replayed SMC names the context in force, never the ID the new request asks for.
            const auto asked = static_cast<std::uint16_t>(
                (t.events[req[1]].ie.to_json().at("msb_k_nrp_sess_id").get<std::uint32_t>() << 8U) |
                t.events[smc[1]].ie.to_json().at("lsb_k_nrp_sess_id").get<std::uint32_t>());
            CHECK(*t.events[smc[1]].sec.ctx == *t.events[req[1]].sec.ctx);
            CHECK(asked != *t.events[req[1]].sec.ctx);
            CHECK(reject_cause(t) == 7);
            CHECK(events_of(t, "SECURITY_MODE_COMPLETE").size() == 1);
        }
    }

    TEST_CASE("gen: the fool echo scenarios change the echo only, and a reordered echo keeps pdu and MAC-I")
    {
        for (std::uint64_t seed = 1; seed <= 5; ++seed) {
            CAPTURE(seed);
            const trace::Trace d = build(kSpec, "fool-echo-duplicates", seed);
            const auto smc = events_of(d, "SECURITY_MODE_COMMAND");
            REQUIRE(smc.size() == 1);
            CHECK(d.events[smc.front()].ie.to_json().at("ue_sec_cap").at("nea") == json{"NEA2", "NEA2"});
            CHECK(
                d.events[events_of(d, "REKEYING_REQUEST").front()].ie.to_json().at("ue_sec_cap").at("nea") ==
                json{"NEA0", "NEA2"});
            CHECK(reject_cause(d) == 8);
            verify_macs(d);

            // Apart from the title, the whole trace equals conform-plain but for the echo's order.
            const trace::Trace r = build(kSpec, "fool-echo-reordered", seed);
            json reordered = trace::to_json(r);
            json honest = trace::to_json(build(kSpec, "conform-plain", seed));
            const auto i = events_of(r, "SECURITY_MODE_COMMAND").front();
            CHECK(reordered.at("events")[i].at("ie").at("ue_sec_cap").at("nea") == json{"NEA2", "NEA0"});
            reordered.at("events")[i].at("ie").at("ue_sec_cap").at("nea") = json{"NEA0", "NEA2"};
            reordered.erase("title");
            honest.erase("title");
            CHECK(reordered == honest);
        }
    }

    TEST_CASE("gen: fool-count-reset-old-ctx restarts COUNT under the context of the completed re-keying")
    {
        for (std::uint64_t seed = 1; seed <= 5; ++seed) {
            CAPTURE(seed);
            const trace::Trace t = build(kSpec, "fool-count-reset-old-ctx", seed);
            const auto smc = events_of(t, "SECURITY_MODE_COMMAND");
            REQUIRE(smc.size() == 2);
            const std::uint16_t made = *t.events[smc[0]].sec.ctx; // the context of the first re-keying
            std::uint32_t highest = 0;
            std::size_t resets = 0;
            for (std::size_t i = 0; i < t.events.size(); ++i) {
                const trace::Event& e = t.events[i];
                if (e.msg != "DATA" || e.from != trace::Role::initiator || *e.sec.ctx != made) {
                    continue;
                }
                if (i > smc[1]) {
                    CHECK(*e.sec.count == 0);
                    CHECK(highest >= 1);
                    ++resets;
                } else {
                    highest = std::max(highest, *e.sec.count);
                }
            }
            CHECK(resets == 1);
            CHECK(events_of(t, "REKEYING_RESPONSE").size() == 2);
            verify_macs(t); // the MAC-I is valid for COUNT 0
        }
    }

    TEST_CASE("gen: REPLAY repeats one protected PDU exactly")
    {
        for (std::uint64_t seed = 1; seed <= 5; ++seed) {
            const json events = trace::to_json(build(kSpec, "viol-replay", seed)).at("events");
            std::size_t repeats = 0;
            for (std::size_t i = 1; i < events.size(); ++i) {
                json a = events[i - 1];
                json b = events[i];
                CHECK(a.at("at") != b.at("at"));
                a.erase("at");
                b.erase("at");
                repeats += a == b ? 1U : 0U;
            }
            CHECK(repeats == 1);
        }
    }

    TEST_CASE("gen: the NULL_INTEGRITY_REKEY link keeps NEA0/NIA0 and all MAC-Is are zero")
    {
        const trace::Trace t = build(kSpec, "warn-null-integrity-rekey", 11);
        CHECK(t.link.selected_nia == "NIA0");
        CHECK(t.link.selected_nea == "NEA0");
        REQUIRE(t.link.initiator_sec_cap.has_value());
        CHECK(t.link.initiator_sec_cap->nia == std::vector<std::string>{"NIA0", "NIA2"});
        for (const auto& e : t.events) {
            CHECK(*e.sec.mac == std::array<std::uint8_t, 4>{0, 0, 0, 0});
            CHECK_FALSE(*e.sec.ciphered);
            if (e.msg == "SECURITY_MODE_COMMAND") {
                CHECK(e.ie.to_json().at("selected_algs") == json{{"nea", "NEA0"}, {"nia", "NIA0"}});
            }
        }
    }

    TEST_CASE("gen: pdu is the documented encoding of the message and its IEs")
    {
        const auto empty = gen::encode_pdu("REKEYING_RESPONSE", json::object());
        REQUIRE(empty.has_value());
        CHECK(*empty == trace::Bytes{0x09});
        const json smc{{"selected_algs", {{"nea", "NEA2"}, {"nia", "NIA2"}}},
                       {"ue_sec_cap", {{"nea", {"NEA0", "NEA2"}}, {"nia", {"NIA2"}}}},
                       {"nonce_2", "000102030405060708090a0b0c0d0e0f"},
                       {"lsb_k_nrp_sess_id", 171},
                       {"msbs_k_nrp_id", 4660}};
        const auto bytes = gen::encode_pdu("SECURITY_MODE_COMMAND", smc);
        REQUIRE(bytes.has_value());
        const trace::Bytes want{0x06, 0x01, 0x02, 0xA0, 0x20, 0x05, 0x01, 0x22, 0x06, 0x10, 0x00,
                                0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B,
                                0x0C, 0x0D, 0x0E, 0x0F, 0x07, 0x01, 0xAB, 0x08, 0x02, 0x12, 0x34};
        CHECK(*bytes == want);
        CHECK_FALSE(gen::encode_pdu("NO_SUCH_MESSAGE", json::object()).has_value());
        CHECK_FALSE(gen::encode_pdu("REKEYING_REQUEST", json{{"bogus", 1}}).has_value());
        CHECK_FALSE(gen::encode_pdu("SECURITY_MODE_REJECT", json{{"cause", 300}}).has_value());

        for (const char* spec : {kSpec, kSeed}) {
            for (const auto& name : gen::scenario_names(spec)) {
                const trace::Trace t = build(spec, name, 2);
                for (const auto& e : t.events) {
                    CAPTURE(name);
                    CAPTURE(e.msg);
                    REQUIRE(e.pdu.has_value());
                    if (e.msg == "DATA") {
                        CHECK(e.pdu->front() == gen::message_code("DATA"));
                        CHECK(e.ie.empty());
                    } else {
                        const auto enc = gen::encode_pdu(e.msg, e.ie.to_json());
                        REQUIRE(enc.has_value());
                        CHECK(*enc == *e.pdu);
                    }
                }
            }
        }
    }

    TEST_CASE("gen: bearers, directions and ciphering follow the documented conventions")
    {
        for (const auto& name : gen::scenario_names(kSpec)) {
            for (const auto& e : build(kSpec, name, 4).events) {
                CAPTURE(name);
                CAPTURE(e.msg);
                CHECK(*e.sec.direction ==
                      (e.from == trace::Role::initiator ? gen::kDirectionInitiator : gen::kDirectionTarget));
                if (e.msg == "SECURITY_MODE_COMMAND" || e.msg == "SECURITY_MODE_COMPLETE") {
                    CHECK(*e.sec.bearer == gen::kBearerSlSrb1);
                } else if (e.msg == "DATA") {
                    CHECK(*e.sec.bearer == gen::kBearerSlDrb);
                } else {
                    CHECK(*e.sec.bearer == gen::kBearerSlSrb2);
                }
                if (e.msg == "SECURITY_MODE_COMMAND") {
                    CHECK_FALSE(e.sec.ciphered.value_or(false));
                }
            }
        }
    }

    TEST_CASE("gen: random traces carry exactly the requested mutation")
    {
        for (const char* spec : {kSpec, kSeed}) {
            for (const auto& rule : gen::mutable_rules(spec)) {
                for (std::uint64_t seed = 1; seed <= 8; ++seed) {
                    CAPTURE(rule);
                    CAPTURE(seed);
                    const auto t = gen::make_random_trace(spec, seed, rule);
                    REQUIRE(t.has_value());
                    REQUIRE(t->expect.has_value());
                    CHECK(t->expect->rules == std::vector<std::string>{rule});
                    CHECK(t->expect->verdict == (rule == "NULL_INTEGRITY_REKEY" ? "conforms" : "violation"));
                    CHECK(t->title.find(rule) != std::string::npos);
                }
            }
            std::size_t conforming = 0;
            std::size_t mutated = 0;
            for (std::uint64_t seed = 1; seed <= 60; ++seed) {
                const auto t = gen::make_random_trace(spec, seed, "");
                REQUIRE(t.has_value());
                (t->expect->rules.empty() ? conforming : mutated) += 1;
            }
            CHECK(conforming > 0);
            CHECK(mutated > 0);
        }
    }

    TEST_CASE("gen: seed-variant traces carry the seed's messages and a random unlogged new context")
    {
        const trace::Trace t = build(kSeed, "seed-conform-plain", 6);
        CHECK(t.keys.size() == 1);
        const SeenContext initial =
            context_from(t.link.k_nrp_sess_id, *t.link.k_nrp_sess, *t.link.selected_nia);
        bool accepted = false;
        for (std::size_t i = 0; i < t.events.size(); ++i) {
            const trace::Event& e = t.events[i];
            CHECK(e.msg != "REKEYING_RESPONSE");
            accepted = accepted || e.msg == "REKEYING_ACCEPT";
            if (e.msg == "REKEYING_REQUEST") {
                CHECK(e.ie.size() == 1);
                CHECK(e.ie.contains("ue_sec_cap"));
            }
            if (e.msg == "SECURITY_MODE_COMMAND") {
                CHECK(e.ie.size() == 2);
                CHECK(*e.sec.ctx != t.link.k_nrp_sess_id);
            }
            if (*e.sec.ctx == t.link.k_nrp_sess_id) {
                check_mac(e, initial, i); // only the initial context's key is logged
            }
        }
        CHECK(accepted);
    }
}
