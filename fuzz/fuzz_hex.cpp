/// \file Fuzz target: hex and identifier fields. The input is taken as hex text by crypto::from_hex
/// and the trace reader's own hex parser (they must agree), then placed in small trace documents:
/// quoted in each hex field (link.k_nrp_sess, keys[0].k_nrp, sec.mac, pdu, the nonce_1 IE, bound to
/// the normative spec) and bare in each integer field. Where the input is plain hex or a plain
/// decimal number the outcome is known and checked.

#include "fuzz_support.h"
#include "pc5check/common/hex.h"
#include "pc5check/crypto/crypto.h"
#include "pc5check/machine/machine.h"
#include "pc5check/trace/trace.h"
#include "trace/hex.h"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace {

using namespace pc5check;

/// A trace with one REKEYING_REQUEST; `@` marks where a field under test goes.
struct Field {
    const char* name;
    const char* document;
    std::optional<std::size_t> octets; ///< hex fields: exact length required, if any
    std::uint64_t max = 0;             ///< integer fields: largest value read
};

constexpr std::string_view kHead = R"({"format": "pc5-trace/1", "spec": "ts33536-r17", )";

/// `document` with `@` replaced by `value`.
[[nodiscard]] std::string fill(std::string_view document, std::string_view value)
{
    const std::size_t at = document.find('@');
    return std::string(kHead) + std::string(document.substr(0, at)) + std::string(value) +
           std::string(document.substr(at + 1));
}

/// `text` as the contents of a JSON string (quote, backslash and control characters escaped; other
/// bytes as they are, so invalid UTF-8 reaches the reader).
[[nodiscard]] std::string quoted(std::string_view text)
{
    std::string out = "\"";
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20U) {
            out += "\\u00";
            append_hex(out, u);
        } else {
            out += c;
        }
    }
    return out + "\"";
}

[[nodiscard]] std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    return out;
}

[[nodiscard]] bool is_ascii(std::string_view s)
{
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80U; });
}

/// The value of a plain JSON integer (digits, no leading zero) that fits 64 bits, else nullopt.
[[nodiscard]] std::optional<std::uint64_t> plain_integer(std::string_view s)
{
    if (s.empty() || s.size() > 19 || (s.size() > 1 && s[0] == '0') ||
        s.find_first_not_of("0123456789") != std::string_view::npos) {
        return std::nullopt;
    }
    return std::stoull(std::string(s));
}

void check_hex_parsers(std::string_view text)
{
    const auto ours = crypto::from_hex(text);
    const auto theirs = trace::detail::parse_hex(text, std::nullopt, "fuzz");
    if (ours.has_value() != theirs.has_value()) {
        fuzz::fail("crypto::from_hex and the trace reader disagree on accepting the input");
    }
    if (!ours) {
        if (ours.error().message.empty() || theirs.error().empty()) {
            fuzz::fail("a hex error without a message");
        }
        return;
    }
    if (*ours != *theirs) {
        fuzz::fail("crypto::from_hex and the trace reader decode the input differently");
    }
    if (crypto::to_hex(*ours) != lower(text) || to_hex_digits(*ours) != lower(text)) {
        fuzz::fail("to_hex(from_hex(x)) is not x in lower case");
    }
    const auto four = trace::detail::parse_hex(text, 4, "fuzz");
    if (four.has_value() != (ours->size() == 4)) {
        fuzz::fail("parse_hex with a length accepts the wrong lengths");
    }
}

void check_hex_fields(std::string_view text)
{
    static constexpr auto kFields = std::to_array<Field>({
        {"link.k_nrp_sess", R"("link": {"k_nrp_id": 1, "k_nrp_sess_id": 2, "k_nrp_sess": @}, "events": []})",
         32},
        {"keys[0].k_nrp",
         R"("link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}, "keys": [{"k_nrp_id": 1, "k_nrp": @}], "events": []})",
         32},
        {"sec.mac",
         R"("link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}, "events": [{"from": "initiator", "msg": "DATA", "sec": {"ctx": 2, "mac": @}}]})",
         4},
        {"pdu",
         R"("link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}, "events": [{"from": "initiator", "msg": "DATA", "pdu": @}]})",
         std::nullopt},
    });
    const auto bytes = crypto::from_hex(text);
    const bool verbatim = is_ascii(text); // the JSON string decodes to the input exactly
    for (const Field& f : kFields) {
        const auto parsed = trace::parse_trace(fill(f.document, quoted(text)), "fuzz-hex.json");
        const bool want = bytes.has_value() && (!f.octets || bytes->size() == *f.octets);
        if (verbatim && parsed.has_value() != want) {
            fuzz::fail(std::string(f.name) + ": the reader " + (want ? "refused" : "accepted") +
                       " the input" + (parsed ? "" : ": " + parsed.error().to_string()));
        }
    }
    // An IE is kept as JSON by the reader and decoded when bound to the spec.
    const auto parsed = trace::parse_trace(
        fill(
            R"("link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}, "events": [{"from": "initiator", "msg": "REKEYING_REQUEST", "ie": {"nonce_1": @}}]})",
            quoted(text)),
        "fuzz-hex.json");
    if (!parsed) {
        if (verbatim) {
            fuzz::fail("a REKEYING_REQUEST with a string nonce_1 does not read: " +
                       parsed.error().to_string());
        }
        return;
    }
    const auto bound = machine::bind(fuzz::normative_spec(), *parsed);
    if (verbatim && bound.has_value() != bytes.has_value()) {
        fuzz::fail(std::string("binding nonce_1 ") + (bytes ? "refused" : "accepted") + " the input");
    }
}

void check_integer_fields(std::string_view text)
{
    static constexpr auto kFields = std::to_array<Field>({
        {"link.k_nrp_id", R"("link": {"k_nrp_id": @, "k_nrp_sess_id": 2}, "events": []})", std::nullopt,
         0xFFFFFFFFU},
        {"link.k_nrp_sess_id", R"("link": {"k_nrp_id": 1, "k_nrp_sess_id": @}, "events": []})", std::nullopt,
         0xFFFFU},
        {"keys[0].k_nrp_id",
         R"("link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}, "keys": [{"k_nrp_id": @, "k_nrp": "0000000000000000000000000000000000000000000000000000000000000000"}], "events": []})",
         std::nullopt, 0xFFFFFFFFU},
        {"sec.ctx",
         R"("link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}, "events": [{"from": "initiator", "msg": "DATA", "sec": {"ctx": @}}]})",
         std::nullopt, 0xFFFFU},
        {"sec.count",
         R"("link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}, "events": [{"from": "initiator", "msg": "DATA", "sec": {"count": @}}]})",
         std::nullopt, 0xFFFFFFFFU},
        {"sec.bearer",
         R"("link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}, "events": [{"from": "initiator", "msg": "DATA", "sec": {"bearer": @}}]})",
         std::nullopt, 31},
        {"sec.direction",
         R"("link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}, "events": [{"from": "initiator", "msg": "DATA", "sec": {"direction": @}}]})",
         std::nullopt, 1},
    });
    const std::optional<std::uint64_t> value = plain_integer(text);
    for (const Field& f : kFields) {
        const auto parsed = trace::parse_trace(fill(f.document, text), "fuzz-id.json");
        if (!parsed) {
            if (value && *value <= f.max) {
                fuzz::fail(std::string(f.name) + ": the reader refused " + std::string(text) + ": " +
                           parsed.error().to_string());
            }
            continue;
        }
        if (value && *value > f.max) {
            fuzz::fail(std::string(f.name) + ": the reader accepted " + std::string(text) + " beyond " +
                       std::to_string(f.max));
        }
    }
    // An int IE is range-checked on binding (msb_k_nrp_sess_id: 0..255).
    const auto parsed = trace::parse_trace(
        fill(
            R"("link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}, "events": [{"from": "initiator", "msg": "REKEYING_REQUEST", "ie": {"msb_k_nrp_sess_id": @}}]})",
            text),
        "fuzz-id.json");
    if (parsed) {
        const auto bound = machine::bind(fuzz::normative_spec(), *parsed);
        if (value && bound.has_value() != (*value <= 255)) {
            fuzz::fail("binding msb_k_nrp_sess_id " + std::string(text) + (bound ? " accepted" : " refused") +
                       " it");
        }
    }
}

} // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the entry point libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text = fuzz::as_text(data, size);
    check_hex_parsers(text);
    check_hex_fields(text);
    check_integer_fields(text);
    return 0;
}
