/// Single source of the protocol facts: spec/pc5-protocol.json, read here at test time, against the
/// constants the build generated from it and against what the program actually uses (the trace reader's
/// names and ranges, the loader's enums, the builtins' solver meanings the Z3 encoding reads, the crypto,
/// the shipped spec files' IE ranges). A number or name edited by hand anywhere fails here.

#include "pc5check/crypto/crypto.h"
#include "pc5check/crypto/sizes.h"
#include "pc5check/machine/machine.h"
#include "pc5check/protocol/protocol.h"
#include "pc5check/spec/spec.h"
#include "pc5check/trace/trace.h"
#include "trace/names.h"

#include <algorithm>
#include <array>
#include <doctest/doctest.h>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace {

using nlohmann::json;
namespace protocol = pc5check::protocol;
namespace crypto = pc5check::crypto;

const json& facts()
{
    static const json doc = [] {
        std::ifstream in(std::string(PC5CHECK_SOURCE_DIR) + "/spec/pc5-protocol.json");
        return json::parse(in);
    }();
    return doc;
}

std::int64_t value_of(const char* group, const char* key) { return facts().at(group).at(key).at("value"); }

std::size_t octets_of(const char* key) { return facts().at("octets").at(key).at("value"); }

unsigned bits_of(const char* key) { return facts().at("bits").at(key).at("value"); }

std::vector<std::string> names_of(const json& array) { return array.get<std::vector<std::string>>(); }

template <std::size_t N> std::vector<std::string> strings(const std::array<std::string_view, N>& table)
{
    return std::vector<std::string>(table.begin(), table.end());
}

std::int64_t max_of(std::int64_t bits) { return (std::int64_t{1} << bits) - 1; }

const pc5check::spec::Spec& normative_spec()
{
    static const pc5check::spec::Spec spec =
        pc5check::spec::load_spec(std::string(PC5CHECK_SOURCE_DIR) + "/spec/ts33536-r17.json").value();
    return spec;
}

const pc5check::expr::SolverMeaning& meaning_of(const std::string& function)
{
    return normative_spec().scope.functions.at(function).meaning;
}

} // namespace

TEST_CASE("protocol facts: octet lengths and bit widths as generated and as the crypto names them")
{
    CHECK(facts().at("format") == "pc5-protocol/1");
    CHECK(protocol::kKNrpOctets == octets_of("k_nrp"));
    CHECK(protocol::kKNrpSessOctets == octets_of("k_nrp_sess"));
    CHECK(protocol::kNonceOctets == octets_of("nonce"));
    CHECK(protocol::kAlgKeyOctets == octets_of("algorithm_key"));
    CHECK(protocol::kMacOctets == octets_of("mac_i"));
    CHECK(crypto::kKNrpOctets == protocol::kKNrpOctets);
    CHECK(crypto::kMacOctets == protocol::kMacOctets);
    CHECK(std::tuple_size_v<protocol::MacI> == protocol::kMacOctets);

    CHECK(protocol::kCountBits == bits_of("count"));
    CHECK(protocol::kBearerBits == bits_of("bearer"));
    CHECK(protocol::kDirectionBits == bits_of("direction"));
    CHECK(std::int64_t{crypto::kMaxCount} == max_of(value_of("bits", "count")));
    CHECK(std::int64_t{crypto::kMaxBearer} == max_of(value_of("bits", "bearer")));
    CHECK(std::int64_t{crypto::kMaxDirection} == max_of(value_of("bits", "direction")));
}

TEST_CASE("protocol facts: the identifier widths and their halves")
{
    const json& ids = facts().at("ids");
    CHECK(protocol::kKNrpIdBits == ids.at("k_nrp_id").at("bits"));
    CHECK(protocol::kKNrpIdMsbsBits == ids.at("k_nrp_id").at("msbs").at("bits"));
    CHECK(protocol::kKNrpIdLsbsBits == ids.at("k_nrp_id").at("lsbs").at("bits"));
    CHECK(protocol::kKNrpIdMsbsCarriedIn ==
          ids.at("k_nrp_id").at("msbs").at("carried_in").get<std::string>());
    CHECK(protocol::kKNrpIdLsbsCarriedIn ==
          ids.at("k_nrp_id").at("lsbs").at("carried_in").get<std::string>());
    CHECK(protocol::kKNrpSessIdBits == ids.at("k_nrp_sess_id").at("bits"));
    CHECK(protocol::kKNrpSessIdMsbsBits == ids.at("k_nrp_sess_id").at("msbs").at("bits"));
    CHECK(protocol::kKNrpSessIdLsbsBits == ids.at("k_nrp_sess_id").at("lsbs").at("bits"));
    CHECK(std::numeric_limits<pc5check::trace::KNrpId>::digits == ids.at("k_nrp_id").at("bits"));
    CHECK(std::numeric_limits<pc5check::trace::KNrpSessId>::digits == ids.at("k_nrp_sess_id").at("bits"));
    CHECK(pc5check::trace::kKNrpIdHalfBits == ids.at("k_nrp_id").at("lsbs").at("bits"));
    CHECK(protocol::k_nrp_id_of(0x1234, 0x5678) == 0x12345678U);
    CHECK(protocol::k_nrp_sess_id_of(0xAB, 0xCD) == 0xABCDU);
}

TEST_CASE("protocol facts: the shipped spec files' ID-half IEs have the ranges of the halves")
{
    const json& ids = facts().at("ids");
    const std::vector<std::pair<std::string, std::int64_t>> halves{
        {"msb_k_nrp_sess_id", max_of(ids.at("k_nrp_sess_id").at("msbs").at("bits"))},
        {"lsb_k_nrp_sess_id", max_of(ids.at("k_nrp_sess_id").at("lsbs").at("bits"))},
        {"msbs_k_nrp_id", max_of(ids.at("k_nrp_id").at("msbs").at("bits"))},
        {"lsbs_k_nrp_id", max_of(ids.at("k_nrp_id").at("lsbs").at("bits"))},
    };
    for (const char* file : {"ts33536-r17.json", "tr33847-sol.json"}) {
        const auto spec =
            pc5check::spec::load_spec(std::string(PC5CHECK_SOURCE_DIR) + "/spec/" + file).value();
        for (const auto& message : spec.messages) {
            for (const auto& ie : message.ies) {
                for (const auto& half : halves) {
                    // Not structured bindings: CAPTURE's lambda captures `name` (Clang 14 cannot).
                    const auto& name = half.first;
                    const auto& max = half.second;
                    if (ie.name == name) {
                        CAPTURE(file);
                        CAPTURE(name);
                        CHECK(ie.min == 0);
                        CHECK(ie.max == max);
                    }
                }
            }
        }
    }
}

TEST_CASE("protocol facts: enum spellings in the generated tables, the trace reader and the loader")
{
    const json& enums = facts().at("enums");
    const auto nea = names_of(enums.at("Nea").at("names"));
    const auto nia = names_of(enums.at("Nia").at("names"));
    const auto policy = names_of(enums.at("Policy").at("names"));
    CHECK(strings(protocol::kNeaNames) == nea);
    CHECK(strings(protocol::kNiaNames) == nia);
    CHECK(strings(protocol::kPolicyNames) == policy);
    CHECK(protocol::kNeaLabel == enums.at("Nea").at("label").get<std::string>());
    CHECK(protocol::kNiaLabel == enums.at("Nia").at("label").get<std::string>());
    CHECK(pc5check::trace::detail::nea_names() == nea);
    CHECK(pc5check::trace::detail::nia_names() == nia);
    CHECK(pc5check::trace::detail::policy_names() == policy);

    const auto messages = names_of(facts().at("messages").at("names"));
    CHECK(strings(protocol::kMessageNames) == messages);
    CHECK(pc5check::trace::contract_message_names() == messages);

    const auto& spec = normative_spec();
    CHECK(spec.find_enum("Nea")->names == nea);
    CHECK(spec.find_enum("Nia")->names == nia);
    // The spec language orders policies from the weakest up: the reverse of the trace spelling order.
    CHECK(spec.find_enum("Policy")->names == std::vector<std::string>(policy.rbegin(), policy.rend()));
    for (const auto& m : spec.find_enum("Msg")->names) {
        CHECK(std::find(messages.begin(), messages.end(), m) != messages.end());
    }
}

TEST_CASE("protocol facts: the builtins' solver meanings, which the Z3 encoding reads")
{
    const auto& mac = meaning_of("nia");
    REQUIRE(mac.kind == pc5check::expr::SolverMeaning::Kind::mac);
    CHECK(mac.result_octets == protocol::kMacOctets);
    REQUIRE(mac.domains.size() == 5);
    CHECK(mac.domains[1].octets == protocol::kAlgKeyOctets);
    CHECK(mac.domains[2].max == max_of(value_of("bits", "count")));
    CHECK(mac.domains[3].max == max_of(value_of("bits", "bearer")));
    CHECK(mac.domains[4].max == max_of(value_of("bits", "direction")));
    REQUIRE(mac.null_algorithm.has_value());
    const json& null_integrity = facts().at("algorithms").at("null_integrity");
    const auto nia = names_of(facts().at("enums").at("Nia").at("names"));
    CHECK(nia.at(static_cast<std::size_t>(mac.null_algorithm->index)) == null_integrity.at("name"));
    CHECK(crypto::to_hex(mac.null_algorithm->result) == null_integrity.at("mac_i").get<std::string>());

    const auto& sess = meaning_of("k_nrp_sess");
    CHECK(sess.result_octets == protocol::kKNrpSessOctets);
    REQUIRE(sess.domains.size() == 3);
    CHECK(sess.domains[0].octets == octets_of("k_nrp"));
    CHECK(sess.domains[1].octets == octets_of("nonce"));
    CHECK(sess.domains[2].octets == octets_of("nonce"));
    for (const char* f : {"nrpik", "nrpek"}) {
        CHECK(meaning_of(f).result_octets == octets_of("algorithm_key"));
        CHECK(meaning_of(f).domains.at(0).octets == octets_of("k_nrp_sess"));
    }
    CHECK(meaning_of("k_nrp_of").result_octets == octets_of("k_nrp"));
    CHECK(meaning_of("k_nrp_by_msbs").id_shift == facts().at("ids").at("k_nrp_id").at("lsbs").at("bits"));
}

TEST_CASE("protocol facts: the algorithms the crypto computes, and the null MAC-I it gives")
{
    const auto implemented = names_of(facts().at("algorithms").at("implemented"));
    const auto is_implemented = [&](std::string_view name) {
        return std::find(implemented.begin(), implemented.end(), name) != implemented.end();
    };
    const crypto::Bytes key(protocol::kAlgKeyOctets, 0x42);
    const crypto::Bytes message{1, 2, 3};
    for (std::size_t i = 0; i < protocol::kNiaNames.size(); ++i) {
        CAPTURE(protocol::kNiaNames[i]);
        const auto alg = static_cast<crypto::IntegrityAlg>(i);
        CHECK(crypto::computes(alg) == is_implemented(protocol::kNiaNames[i]));
        const auto mac = crypto::mac_i(alg, key, crypto::PdcpInput{1, 1, 0}, message);
        REQUIRE(mac.has_value());
        CHECK(mac->has_value() == is_implemented(protocol::kNiaNames[i])); // the dispatch agrees
    }
    for (std::size_t i = 0; i < protocol::kNeaNames.size(); ++i) {
        CHECK(crypto::computes(static_cast<crypto::CipherAlg>(i)) == is_implemented(protocol::kNeaNames[i]));
    }
    const json& algorithms = facts().at("algorithms");
    CHECK(protocol::null_algorithm(protocol::kNea) ==
          algorithms.at("null_ciphering").at("name").get<std::string>());
    CHECK(protocol::null_algorithm(protocol::kNia) ==
          algorithms.at("null_integrity").at("name").get<std::string>());
    const auto null_mac = crypto::mac_i(static_cast<crypto::IntegrityAlg>(protocol::kNullNia), key,
                                        crypto::PdcpInput{7, 3, 1}, message);
    REQUIRE(null_mac.has_value());
    REQUIRE(null_mac->has_value());
    CHECK(crypto::to_hex(**null_mac) == algorithms.at("null_integrity").at("mac_i").get<std::string>());
}

TEST_CASE("protocol facts: the trace reader's ranges of sec fields")
{
    const auto trace_with_sec = [](const std::string& sec) {
        return R"({"format": "pc5-trace/1", "spec": "ts33536-r17", "observer": "air",
                   "link": {"k_nrp_id": 1, "k_nrp_sess_id": 2},
                   "events": [{"at": 0, "from": "initiator", "msg": "DATA", "sec": {)" +
               sec + "}}]}";
    };
    const auto reads = [&](const std::string& sec) {
        return pc5check::trace::parse_trace(trace_with_sec(sec), "t.json").has_value();
    };
    const std::int64_t bearer = max_of(value_of("bits", "bearer"));
    const std::int64_t direction = max_of(value_of("bits", "direction"));
    const std::int64_t count = max_of(value_of("bits", "count"));
    const std::int64_t ctx = max_of(facts().at("ids").at("k_nrp_sess_id").at("bits"));
    CHECK(reads(R"("bearer": )" + std::to_string(bearer)));
    CHECK_FALSE(reads(R"("bearer": )" + std::to_string(bearer + 1)));
    CHECK(reads(R"("direction": )" + std::to_string(direction)));
    CHECK_FALSE(reads(R"("direction": )" + std::to_string(direction + 1)));
    CHECK(reads(R"("count": )" + std::to_string(count)));
    CHECK_FALSE(reads(R"("count": )" + std::to_string(count + 1)));
    CHECK(reads(R"("ctx": )" + std::to_string(ctx)));
    CHECK_FALSE(reads(R"("ctx": )" + std::to_string(ctx + 1)));
    const std::string mac(2 * octets_of("mac_i"), 'a');
    CHECK(reads(R"("mac": ")" + mac + "\""));
    CHECK_FALSE(reads(R"("mac": ")" + mac + "aa\""));
}
