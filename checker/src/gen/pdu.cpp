/// \file Our own byte encoding of the plain PC5 signalling messages in generated traces. It only has
/// to be deterministic and to cover every IE, so that the MAC-I protects the IEs; it is NOT the
/// TS 24.554 wire encoding (message type values and IE codings there are UNCONFIRMED).

#include "pc5check/checker/gen.h"
#include "pc5check/crypto/crypto.h"
#include "pc5check/protocol/protocol.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

namespace pc5check::gen {

namespace {

using nlohmann::json;

struct MessageCode {
    std::string_view name;
    std::uint8_t code;
};

constexpr std::array<MessageCode, 12> kMessageCodes{{
    {"REKEYING_REQUEST", 0x01},
    {"AUTH_REQUEST", 0x02},
    {"AUTH_RESPONSE", 0x03},
    {"AUTH_REJECT", 0x04},
    {"AUTH_FAILURE", 0x05},
    {"SECURITY_MODE_COMMAND", 0x06},
    {"SECURITY_MODE_COMPLETE", 0x07},
    {"SECURITY_MODE_REJECT", 0x08},
    {"REKEYING_RESPONSE", 0x09},
    {"REKEYING_ACCEPT", 0x0A},
    {"RELEASE", 0x0B},
    {"DATA", 0xF0},
}};

enum class IeKind : std::uint8_t { sec_cap, algs, bytes, int8, int16, flag };

struct IeCode {
    std::string_view name;
    std::uint8_t tag;
    IeKind kind;
};

/// Encoding order = table order.
constexpr std::array<IeCode, 11> kIeCodes{{
    {"ue_sec_cap", 0x01, IeKind::sec_cap},
    {"nonce_1", 0x02, IeKind::bytes},
    {"msb_k_nrp_sess_id", 0x03, IeKind::int8},
    {"reauth", 0x04, IeKind::flag},
    {"selected_algs", 0x05, IeKind::algs},
    {"nonce_2", 0x06, IeKind::bytes},
    {"lsb_k_nrp_sess_id", 0x07, IeKind::int8},
    {"msbs_k_nrp_id", 0x08, IeKind::int16},
    {"key_est_info", 0x09, IeKind::bytes},
    {"lsbs_k_nrp_id", 0x0A, IeKind::int16},
    {"cause", 0x0B, IeKind::int8},
}};

constexpr std::size_t kMaxIeLength = 255;

/// Algorithm identity of "NEA2"/"NIA2" in `family` (its position among the names), or -1.
int alg_number(const json& j, const protocol::AlgorithmFamily& family)
{
    if (!j.is_string()) {
        return -1;
    }
    const std::optional<std::size_t> i = protocol::index_of(family.names, j.get_ref<const std::string&>());
    return i ? static_cast<int>(*i) : -1;
}

Expected<std::uint8_t> cap_bitmap(const json& list, const protocol::AlgorithmFamily& family)
{
    if (!list.is_array()) {
        return make_error(ErrorCode::bad_input,
                          "expected an array of " + std::string(family.label) + " names");
    }
    unsigned bits = 0;
    for (const json& a : list) {
        const int n = alg_number(a, family);
        if (n < 0) {
            return make_error(ErrorCode::bad_input, "expected " + std::string(family.names.front()) + ".." +
                                                        std::string(family.names.back()) + ", found " +
                                                        a.dump());
        }
        bits |= 0x80U >> static_cast<unsigned>(n);
    }
    return static_cast<std::uint8_t>(bits);
}

Expected<crypto::Bytes> ie_value(const IeCode& def, const json& j)
{
    switch (def.kind) {
    case IeKind::sec_cap: {
        if (!j.is_object() || !j.contains("nea") || !j.contains("nia")) {
            return make_error(ErrorCode::bad_input,
                              R"(expected {"nea": [...], "nia": [...]} for )" + std::string(def.name));
        }
        auto nea = cap_bitmap(j.at("nea"), protocol::kNea);
        auto nia = cap_bitmap(j.at("nia"), protocol::kNia);
        if (!nea || !nia) {
            return tl::make_unexpected(!nea ? nea.error() : nia.error());
        }
        return crypto::Bytes{*nea, *nia};
    }
    case IeKind::algs: {
        const int nea = j.is_object() && j.contains("nea") ? alg_number(j.at("nea"), protocol::kNea) : -1;
        const int nia = j.is_object() && j.contains("nia") ? alg_number(j.at("nia"), protocol::kNia) : -1;
        if (nea < 0 || nia < 0) {
            return make_error(ErrorCode::bad_input,
                              R"(expected {"nea": "NEAn", "nia": "NIAn"} for )" + std::string(def.name));
        }
        return crypto::Bytes{
            static_cast<std::uint8_t>((static_cast<unsigned>(nea) << 4U) | static_cast<unsigned>(nia))};
    }
    case IeKind::bytes: {
        if (!j.is_string()) {
            return make_error(ErrorCode::bad_input, "expected hex digits for " + std::string(def.name));
        }
        auto b = crypto::from_hex(j.get_ref<const std::string&>());
        if (!b) {
            return tl::make_unexpected(b.error());
        }
        return *b;
    }
    case IeKind::int8:
    case IeKind::int16: {
        const std::int64_t max = def.kind == IeKind::int8 ? 0xFF : 0xFFFF;
        if (!j.is_number_integer() || j.get<std::int64_t>() < 0 || j.get<std::int64_t>() > max) {
            return make_error(ErrorCode::bad_input, "expected an integer 0.." + std::to_string(max) +
                                                        " for " + std::string(def.name));
        }
        const auto v = j.get<std::uint64_t>();
        if (def.kind == IeKind::int8) {
            return crypto::Bytes{static_cast<std::uint8_t>(v)};
        }
        return crypto::Bytes{static_cast<std::uint8_t>(v >> 8U), static_cast<std::uint8_t>(v & 0xFFU)};
    }
    case IeKind::flag:
        if (!j.is_boolean()) {
            return make_error(ErrorCode::bad_input, "expected true or false for " + std::string(def.name));
        }
        return crypto::Bytes{static_cast<std::uint8_t>(j.get<bool>() ? 1 : 0)};
    }
    return make_error(ErrorCode::internal, "unhandled IE kind");
}

} // namespace

std::uint8_t message_code(const std::string& msg)
{
    for (const MessageCode& m : kMessageCodes) {
        if (m.name == msg) {
            return m.code;
        }
    }
    return 0;
}

Expected<trace::Bytes> encode_pdu(const std::string& msg, const json& ie)
{
    const std::uint8_t code = message_code(msg);
    if (code == 0) {
        return make_error(ErrorCode::bad_input, "expected a message name of pc5-trace/1, found " + msg);
    }
    if (!ie.is_object()) {
        return make_error(ErrorCode::bad_input, "expected an IE object for " + msg);
    }
    for (const auto& item : ie.items()) {
        const std::string& name = item.key();
        const bool known = std::any_of(kIeCodes.begin(), kIeCodes.end(),
                                       [&](const IeCode& def) { return def.name == name; });
        if (!known) {
            std::string message = "unknown IE '";
            message += name;
            message += "' in ";
            message += msg;
            return make_error(ErrorCode::bad_input, std::move(message));
        }
    }
    trace::Bytes out{code};
    for (const IeCode& def : kIeCodes) {
        const auto it = ie.find(std::string(def.name));
        if (it == ie.end()) {
            continue;
        }
        auto value = ie_value(def, *it);
        if (!value) {
            return tl::make_unexpected(value.error());
        }
        if (value->size() > kMaxIeLength) {
            return make_error(ErrorCode::bad_input,
                              "expected at most 255 octets in " + std::string(def.name));
        }
        out.push_back(def.tag);
        out.push_back(static_cast<std::uint8_t>(value->size()));
        out.insert(out.end(), value->begin(), value->end());
    }
    return out;
}

} // namespace pc5check::gen
