#pragma once
/// \file The protocol facts of spec/pc5-protocol.json as the program uses them: the constants the build
/// generates from that file (pc5check/protocol/facts.h, cmake/ProtocolFacts.cmake) and what follows
/// from them (integer types wide enough, maxima, name look-ups). Every part of the program that needs a
/// key length, a field range, an enum spelling or the null algorithm reads it from here.

#include "pc5check/protocol/facts.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>

namespace pc5check::protocol {

/// The narrowest unsigned integer type of at least `Bits` bits.
template <unsigned Bits>
using Uint =
    std::conditional_t<(Bits <= 8), std::uint8_t,
                       std::conditional_t<(Bits <= 16), std::uint16_t,
                                          std::conditional_t<(Bits <= 32), std::uint32_t, std::uint64_t>>>;

/// The largest value of `bits` bits, in type T.
template <class T> [[nodiscard]] constexpr T max_of_bits(unsigned bits)
{
    return bits >= static_cast<unsigned>(std::numeric_limits<T>::digits)
               ? std::numeric_limits<T>::max()
               : static_cast<T>((std::uint64_t{1} << bits) - 1U);
}

/// PDCP inputs of the ciphering and integrity algorithms and their ranges.
using Count = Uint<kCountBits>;
using Bearer = Uint<kBearerBits>;
using Direction = Uint<kDirectionBits>;
inline constexpr Count kMaxCount = max_of_bits<Count>(kCountBits);
inline constexpr Bearer kMaxBearer = max_of_bits<Bearer>(kBearerBits);
inline constexpr Direction kMaxDirection = max_of_bits<Direction>(kDirectionBits);

/// Key identifiers: a type of exactly their width (the Z3 encoding takes their range from the type's
/// std::numeric_limits), and the ranges of their halves.
using KNrpId = Uint<kKNrpIdBits>;
using KNrpSessId = Uint<kKNrpSessIdBits>;
static_assert(static_cast<unsigned>(std::numeric_limits<KNrpId>::digits) == kKNrpIdBits);
static_assert(static_cast<unsigned>(std::numeric_limits<KNrpSessId>::digits) == kKNrpSessIdBits);
static_assert(kKNrpIdMsbsBits + kKNrpIdLsbsBits == kKNrpIdBits);
static_assert(kKNrpSessIdMsbsBits + kKNrpSessIdLsbsBits == kKNrpSessIdBits);
inline constexpr KNrpId kMaxKNrpId = std::numeric_limits<KNrpId>::max();
inline constexpr KNrpSessId kMaxKNrpSessId = std::numeric_limits<KNrpSessId>::max();

/// 2^bits: how many values an identifier or a half of one with `bits` bits can take.
[[nodiscard]] constexpr std::uint64_t value_count(unsigned bits) { return std::uint64_t{1} << bits; }

/// A K_NRP ID from its MSBs (the SMC's) and LSBs (the COMPLETE's), and its halves.
[[nodiscard]] constexpr KNrpId k_nrp_id_of(std::uint64_t msbs, std::uint64_t lsbs)
{
    return static_cast<KNrpId>((msbs << kKNrpIdLsbsBits) | lsbs);
}
[[nodiscard]] constexpr std::uint64_t k_nrp_id_msbs(KNrpId id)
{
    return std::uint64_t{id} >> kKNrpIdLsbsBits;
}
[[nodiscard]] constexpr std::uint64_t k_nrp_id_lsbs(KNrpId id)
{
    return std::uint64_t{id} & (value_count(kKNrpIdLsbsBits) - 1U);
}

/// A K_NRP-sess ID from its MSB (the request's) and LSB (the SMC's), and its halves.
[[nodiscard]] constexpr KNrpSessId k_nrp_sess_id_of(std::uint64_t msb, std::uint64_t lsb)
{
    return static_cast<KNrpSessId>((msb << kKNrpSessIdLsbsBits) | lsb);
}
[[nodiscard]] constexpr std::uint64_t k_nrp_sess_id_msb(KNrpSessId id)
{
    return std::uint64_t{id} >> kKNrpSessIdLsbsBits;
}
[[nodiscard]] constexpr std::uint64_t k_nrp_sess_id_lsb(KNrpSessId id)
{
    return std::uint64_t{id} & (value_count(kKNrpSessIdLsbsBits) - 1U);
}

/// A MAC-I.
using MacI = std::array<std::uint8_t, kMacOctets>;
static_assert(kNullNiaMac.size() == kMacOctets);

/// One family of security algorithms (ciphering or integrity): its names in the order of their
/// algorithm identities, which of them this program computes, and its null algorithm.
struct AlgorithmFamily {
    std::string_view label; ///< "NEA" or "NIA", for messages
    std::span<const std::string_view> names;
    std::span<const bool> implemented;
    std::size_t null_index = 0;
};
inline constexpr AlgorithmFamily kNea{kNeaLabel, kNeaNames, kNeaImplemented, kNullNea};
inline constexpr AlgorithmFamily kNia{kNiaLabel, kNiaNames, kNiaImplemented, kNullNia};

/// The position of `name` in `names`, if it is there.
[[nodiscard]] constexpr std::optional<std::size_t> index_of(std::span<const std::string_view> names,
                                                            std::string_view name)
{
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == name) {
            return i;
        }
    }
    return std::nullopt;
}

/// The first algorithm of `family` that this program computes and that is not the null algorithm:
/// the one the trace generator protects its links with.
[[nodiscard]] constexpr std::string_view first_real_algorithm(const AlgorithmFamily& family)
{
    for (std::size_t i = 0; i < family.names.size(); ++i) {
        if (family.implemented[i] && i != family.null_index) {
            return family.names[i];
        }
    }
    return {};
}
static_assert(!first_real_algorithm(kNea).empty() && !first_real_algorithm(kNia).empty(),
              "the trace generator needs a real ciphering and a real integrity algorithm it can compute");

/// The name of the null algorithm of `family`.
[[nodiscard]] constexpr std::string_view null_algorithm(const AlgorithmFamily& family)
{
    return family.names[family.null_index];
}

} // namespace pc5check::protocol
