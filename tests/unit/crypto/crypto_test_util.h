#pragma once
/// \file Shared helpers of the crypto tests: hex decoding of test vectors, the shape of a TS 33.401
/// Annex C test set, and the checks every 128-bit PDCP algorithm (128-NEA1/2/3, 128-NIA1/2/3) must pass.

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

/// Runs `algorithm` (one of nea1..nea3, nia1..nia3) over the input of each test set and checks it gives the
/// official output; each input must hold exactly the octets its LENGTH needs.
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

/// The octets holding the first `length_bits` bits of `bytes`, the bits past it zeroed.
[[nodiscard]] inline Bytes truncated(Bytes bytes, std::size_t length_bits)
{
    bytes.resize((length_bits + 7) / 8);
    if (length_bits % 8 != 0) {
        bytes.back() &= static_cast<std::uint8_t>(0xFF00U >> (length_bits % 8));
    }
    return bytes;
}

/// Checks that the cipher `algorithm` (nea1..nea3) turns each official ciphertext back into the
/// plaintext: XOR with the same keystream.
template <typename Algorithm> void check_deciphers(std::span<const PdcpVector> vectors, Algorithm algorithm)
{
    for (const PdcpVector& v : vectors) {
        CAPTURE(v.set);
        const auto plaintext = algorithm(hex(v.key), input_of(v), hex(v.output), v.length_bits);
        REQUIRE(plaintext.has_value());
        CHECK(to_hex(*plaintext) == to_hex(truncated(hex(v.input), v.length_bits)));
    }
}

/// Checks that the MAC `algorithm` (nia1..nia3) gives the official MAC of test set `v` when every
/// message bit past LENGTH is set and an octet is appended: only LENGTH bits are input.
template <typename Algorithm> void check_ignores_bits_past_length(const PdcpVector& v, Algorithm algorithm)
{
    CAPTURE(v.set);
    Bytes message = hex(v.input);
    message.back() |= static_cast<std::uint8_t>(0xFFU >> (v.length_bits % 8));
    message.push_back(0xA5);
    const auto mac = algorithm(hex(v.key), input_of(v), message, v.length_bits);
    REQUIRE(mac.has_value());
    CHECK(to_hex(*mac) == v.output);
}

/// Checks the errors of `algorithm` on the inputs of test set `v` outside the 128-bit algorithms'
/// domain: a 15- and a 32-octet key (`key_kind` is "integrity" or "ciphering"), BEARER 32, DIRECTION 2,
/// and a LENGTH one bit past the input.
template <typename Algorithm>
void check_rejects_inputs_outside_domain(const PdcpVector& v, Algorithm algorithm,
                                         const std::string& key_kind)
{
    const Bytes input = hex(v.input);
    for (const std::size_t octets : {std::size_t{15}, std::size_t{32}}) {
        const auto out = algorithm(Bytes(octets, 0x11), input_of(v), input, v.length_bits);
        REQUIRE_FALSE(out.has_value());
        CHECK(out.error().code == pc5check::ErrorCode::bad_input);
        CHECK(out.error().message ==
              "expected a 16-octet " + key_kind + " key, found " + std::to_string(octets) + " octets");
    }
    check_rejects_bearer_and_direction(v, algorithm);
    const std::size_t too_long = 8 * input.size() + 1;
    const auto out = algorithm(hex(v.key), input_of(v), input, too_long);
    REQUIRE_FALSE(out.has_value());
    CHECK(out.error().message == "expected a LENGTH of at most " + std::to_string(8 * input.size()) +
                                     " bits, found " + std::to_string(too_long));
}

/// Checks, on test set `v` of the MAC `algorithm` (nia1..nia3), that the official MAC comes back and
/// that flipping any one bit of KEY, COUNT, BEARER, DIRECTION or of the LENGTH message bits changes it.
template <typename Algorithm>
void check_every_input_bit_changes_the_mac(const PdcpVector& v, Algorithm algorithm)
{
    const Bytes key = hex(v.key);
    const Bytes message = hex(v.input);
    const PdcpInput in = input_of(v);
    const auto mac_of = [&](const Bytes& k, const PdcpInput& i, const Bytes& m) {
        const auto mac = algorithm(k, i, m, v.length_bits);
        REQUIRE(mac.has_value());
        return to_hex(*mac);
    };
    const auto flip = [](Bytes bytes, std::size_t bit) {
        bytes[bit / 8] ^= static_cast<std::uint8_t>(0x80U >> (bit % 8));
        return bytes;
    };
    REQUIRE(mac_of(key, in, message) == v.output);
    for (std::size_t bit = 0; bit < 8 * key.size(); ++bit) {
        CAPTURE(bit);
        CHECK(mac_of(flip(key, bit), in, message) != v.output);
    }
    for (unsigned bit = 0; bit < 32; ++bit) {
        CAPTURE(bit);
        CHECK(mac_of(key, PdcpInput{in.count ^ (1U << bit), in.bearer, in.direction}, message) != v.output);
    }
    for (unsigned bit = 0; bit < 5; ++bit) {
        CAPTURE(bit);
        const auto bearer = static_cast<std::uint8_t>(in.bearer ^ (1U << bit));
        CHECK(mac_of(key, PdcpInput{in.count, bearer, in.direction}, message) != v.output);
    }
    const auto direction = static_cast<std::uint8_t>(in.direction ^ 1U);
    CHECK(mac_of(key, PdcpInput{in.count, in.bearer, direction}, message) != v.output);
    for (std::size_t bit = 0; bit < v.length_bits; ++bit) {
        CAPTURE(bit);
        CHECK(mac_of(key, in, flip(message, bit)) != v.output);
    }
}

} // namespace pc5check::crypto::test
