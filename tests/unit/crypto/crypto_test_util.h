#pragma once
/// \file Shared helpers of the crypto tests: hex decoding of test vectors, the shape of a TS 33.401
/// Annex C test set, and the checks every 128-bit PDCP algorithm (128-NEA2, 128-NIA2) must pass.

#include "pc5check/crypto/crypto.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <doctest/doctest.h>
#include <span>
#include <string>
#include <string_view>

namespace pc5check::crypto::test {

/// The octets of a hex test vector; a malformed vector fails the test that reads it.
inline Bytes hex(std::string_view text)
{
    auto bytes = from_hex(text);
    REQUIRE_MESSAGE(bytes.has_value(), std::string(text));
    return *bytes;
}

/// One official test set of a 128-bit PDCP algorithm (TS 33.401 Annex C): KEY, COUNT, BEARER,
/// DIRECTION and LENGTH, the input (plaintext or message) and the expected output (ciphertext or MAC),
/// both in hex.
struct PdcpVector {
    int set;
    std::string_view key;
    std::uint32_t count;
    std::uint8_t bearer;
    std::uint8_t direction;
    std::size_t length_bits;
    std::string_view input;
    std::string_view output;
};

[[nodiscard]] inline PdcpInput input_of(const PdcpVector& v)
{
    return PdcpInput{v.count, v.bearer, v.direction};
}

/// Runs `algorithm` (nea2 or nia2) over the input of each test set and checks it gives the official
/// output; each input must hold exactly the octets its LENGTH needs.
template <typename Algorithm>
void check_official_vectors(std::span<const PdcpVector> vectors, Algorithm algorithm)
{
    for (const PdcpVector& v : vectors) {
        CAPTURE(v.set);
        const Bytes input = hex(v.input);
        REQUIRE(input.size() == (v.length_bits + 7) / 8);
        const auto output = algorithm(hex(v.key), input_of(v), input, v.length_bits);
        REQUIRE(output.has_value());
        CHECK(to_hex(*output) == v.output);
    }
}

/// Checks that `algorithm` rejects, on the key and input of test set `v`, a BEARER of 32 and a
/// DIRECTION of 2, each with its own message.
template <typename Algorithm>
void check_rejects_bearer_and_direction(const PdcpVector& v, Algorithm algorithm)
{
    const Bytes key = hex(v.key);
    const Bytes input = hex(v.input);
    const PdcpInput in = input_of(v);
    struct Row {
        std::string_view name;
        PdcpInput in;
        std::string_view message;
    };
    const std::array<Row, 2> rows{{
        {"bearer 32", PdcpInput{in.count, 32, in.direction}, "expected a BEARER of 0..31, found 32"},
        {"direction 2", PdcpInput{in.count, in.bearer, 2}, "expected a DIRECTION of 0 or 1, found 2"},
    }};
    for (const Row& row : rows) {
        CAPTURE(row.name);
        const auto output = algorithm(key, row.in, input, v.length_bits);
        REQUIRE_FALSE(output.has_value());
        CHECK(output.error().message == row.message);
    }
}

} // namespace pc5check::crypto::test
