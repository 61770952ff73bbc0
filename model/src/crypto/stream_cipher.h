#pragma once
/// \file Private to the crypto module: what 128-NEA1 and 128-NEA3 share. Both XOR the data with a
/// keystream of 32-bit words, used most significant bit first (UEA2 & UIA2 Document 1 3.5; 128-EEA3 &
/// 128-EIA3 Document 1 3.5), and both take the inputs of every 128-bit PDCP algorithm.

#include "pc5check/crypto/crypto.h"
#include "pdcp_inputs.h"

#include <cstddef>
#include <cstdint>
#include <span>

namespace pc5check::crypto::detail {

/// The first `length_bits` bits of `data` XORed with the keystream of the generator `make_generator()`
/// returns (a type with `std::uint32_t next_word()`): ceil(length_bits/8) octets, the bits past
/// length_bits zeroed as nea2() does. Errors for inputs outside the domain, as nea2().
template <typename MakeGenerator>
[[nodiscard]] Expected<Bytes> xor_keystream(std::span<const std::uint8_t> key, const PdcpInput& in,
                                            std::span<const std::uint8_t> data, std::size_t length_bits,
                                            MakeGenerator make_generator)
{
    if (auto err = check_pdcp_inputs(key, in, data, length_bits, "ciphering")) {
        return *err;
    }
    Bytes out(octets_for_bits(length_bits), 0);
    if (out.empty()) {
        return out;
    }
    auto generator = make_generator();
    std::uint32_t word = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (i % 4 == 0) {
            word = generator.next_word();
        }
        const unsigned shift = 24U - 8U * static_cast<unsigned>(i % 4);
        out[i] = static_cast<std::uint8_t>(data[i] ^ (word >> shift));
    }
    if (const std::size_t tail = length_bits % 8; tail != 0) {
        out.back() &= static_cast<std::uint8_t>(0xFF00U >> tail);
    }
    return out;
}

} // namespace pc5check::crypto::detail
