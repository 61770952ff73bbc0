#pragma once
/// \file Private to the crypto module: the SNOW 3G keystream generator and the UIA2 MAC core that
/// 128-NEA1 and 128-NIA1 are built on (TS 33.501 D.2.1.2 / D.3.1.2: identical to 128-EEA1 / 128-EIA1 of
/// TS 33.401 B.1.2 / B.2.2, which are UEA2 / UIA2 with the LTE input mapping).
///
/// Written here from the ETSI/SAGE specifications (UEA2 & UIA2 Document 1 v2.1 and Document 2 v1.1,
/// = TS 35.215 / TS 35.216) rather than taken from a library. The candidates checked on Debian 12:
/// OpenSSL 3.0 has neither SNOW 3G nor ZUC; libgcrypt 1.10 has neither; libosmocore 1.7 only names
/// UEA2 in an enum (osmocom/crypt/utran_cipher.h) with no implementation; the one library that has
/// both, Intel's libipsec-mb 1.3 (SNOW3G F8/F9, ZUC EEA3/EIA3, tested against the 3GPP test data), is
/// packaged for amd64 only, needs its SIMD manager set up per process and takes 128-EEA3 lengths in
/// whole octets, while this tool builds on every Debian architecture and must take any bit length.
/// The generators are small and the official test data pins them down (tests/unit/crypto/).

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace pc5check::crypto::detail {

using Words4 = std::array<std::uint32_t, 4>;

/// SNOW 3G (UEA2 & UIA2 Document 2, section 4): a 16-word LFSR over GF(2^32) and a 3-register FSM.
class Snow3g {
  public:
    /// Initialisation (Document 2 4.1): key words k0..k3 and IV words IV0..IV3 as the document
    /// numbers them, then 32 clocks in initialisation mode and the one clock whose output is discarded
    /// (4.2).
    Snow3g(const Words4& k, const Words4& iv);

    /// The next keystream word z_t (Document 2 4.2).
    [[nodiscard]] std::uint32_t next_word();

  private:
    /// Clocks the FSM and returns its output F (Document 2 3.4.6).
    std::uint32_t clock_fsm();
    /// Clocks the LFSR; `f` is the FSM output in initialisation mode (3.4.4) and 0 in keystream
    /// mode (3.4.5), where the feedback is the same without F.
    void clock_lfsr(std::uint32_t f);

    std::array<std::uint32_t, 16> s_{};
    std::uint32_t r1_ = 0;
    std::uint32_t r2_ = 0;
    std::uint32_t r3_ = 0;
};

/// The key words k0..k3 of a 16-octet UEA2 / UIA2 key: k3 holds its first four octets, k0 its last
/// (UEA2 & UIA2 Document 1, 3.4 and 4.4).
[[nodiscard]] Words4 snow3g_key_words(std::span<const std::uint8_t> key);

/// UIA2 (f9) over the first `length_bits` bits of `message` (UEA2 & UIA2 Document 1, section 4): the
/// 32-bit MAC for COUNT-I, FRESH and DIRECTION, most significant octet first. The caller checks the
/// inputs; `message` holds at least the octets `length_bits` needs.
[[nodiscard]] std::array<std::uint8_t, 4> uia2_mac(std::span<const std::uint8_t> key, std::uint32_t count,
                                                   std::uint32_t fresh, std::uint32_t direction,
                                                   std::span<const std::uint8_t> message,
                                                   std::size_t length_bits);

} // namespace pc5check::crypto::detail
