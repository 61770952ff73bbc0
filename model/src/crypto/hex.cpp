/// \file Hex text <-> octet strings, for keys and vectors in traces and tests.

#include "pc5check/common/hex.h"

#include "hex_digits.h"
#include "pc5check/crypto/crypto.h"

#include <array>
#include <cstddef>
#include <cstdio>
#include <string>

namespace pc5check::crypto {

namespace {

/// `'g'` for a printable character, `byte 0x07` otherwise, so the message stays one readable line.
[[nodiscard]] std::string describe_char(char c)
{
    const auto code = static_cast<unsigned char>(c);
    if (code >= 0x20 && code < 0x7F) {
        return std::string("'") + c + "'";
    }
    std::array<char, 16> buf{};
    std::snprintf(buf.data(), buf.size(), "byte 0x%02x", static_cast<unsigned>(code));
    return {buf.data()};
}

} // namespace

/// Positions in error messages are 0-based indices into `hex`.
Expected<Bytes> from_hex(std::string_view hex)
{
    if (hex.size() >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) {
        return make_error(ErrorCode::bad_input, "expected hex digits without a \"0x\" prefix");
    }
    for (std::size_t i = 0; i < hex.size(); ++i) {
        if (detail::hex_digit_value(hex[i]) < 0) {
            return make_error(ErrorCode::bad_input, "expected hex digits, found " + describe_char(hex[i]) +
                                                        " at position " + std::to_string(i));
        }
    }
    if (hex.size() % 2 != 0) {
        return make_error(ErrorCode::bad_input,
                          "expected an even number of hex digits, found " + std::to_string(hex.size()));
    }
    Bytes out(hex.size() / 2);
    const bool decoded = detail::decode_hex_digits(hex, out.data());
    PC5CHECK_ASSERT(decoded && "digits and length checked above");
    return out;
}

std::string to_hex(std::span<const std::uint8_t> bytes) { return to_hex_digits(bytes); }

} // namespace pc5check::crypto
