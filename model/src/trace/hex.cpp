#include "trace/hex.h"

#include "crypto/hex_digits.h"

#include <array>
#include <cstdint>
#include <cstdio>

namespace pc5check::trace::detail {

namespace {

/// A character for a one-line message: 'g', or byte 0xNN when not printable ASCII.
[[nodiscard]] std::string describe_char(char c)
{
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20U && u < 0x7FU) {
        return std::string("'") + c + "'";
    }
    std::array<char, 8> buf{};
    (void)std::snprintf(buf.data(), buf.size(), "0x%02X", static_cast<unsigned>(u));
    return std::string("byte ") + buf.data();
}

[[nodiscard]] std::string expected_what(std::optional<std::size_t> octets, std::string_view what)
{
    if (octets) {
        return "expected " + std::to_string(*octets * 2) + " hex digits (" + std::to_string(*octets) +
               (*octets == 1 ? " octet" : " octets") + ") for " + std::string(what);
    }
    return "expected an even number of hex digits for " + std::string(what);
}

} // namespace

ExpectedT<Bytes, std::string> parse_hex(std::string_view digits, std::optional<std::size_t> octets,
                                        std::string_view what)
{
    if (!octets || digits.size() == *octets * 2) {
        // The common case, in one pass: decoding checks the digits and the even length.
        Bytes bytes(digits.size() / 2);
        if (crypto::detail::decode_hex_digits(digits, bytes.data())) {
            return bytes;
        }
    }
    if (digits.starts_with("0x") || digits.starts_with("0X")) {
        return tl::make_unexpected(expected_what(octets, what) + " without a 0x prefix, found a 0x prefix");
    }
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (crypto::detail::hex_digit_value(digits[i]) < 0) {
            return tl::make_unexpected(expected_what(octets, what) + ", found " + describe_char(digits[i]) +
                                       " at digit " + std::to_string(i + 1) + " (not a hex digit)");
        }
    }
    if (octets && digits.size() != *octets * 2) {
        return tl::make_unexpected(expected_what(octets, what) + ", found " + std::to_string(digits.size()) +
                                   (digits.size() == 1 ? " digit" : " digits"));
    }
    if (digits.size() % 2 != 0) {
        return tl::make_unexpected(expected_what(octets, what) + ", found " + std::to_string(digits.size()) +
                                   " digits (odd)");
    }
    Bytes bytes(digits.size() / 2);
    const bool decoded = crypto::detail::decode_hex_digits(digits, bytes.data());
    PC5CHECK_ASSERT(decoded && "digits and length checked above");
    return bytes;
}

} // namespace pc5check::trace::detail
