#pragma once
/// \file Private to the crypto module: the ZUC keystream generator that 128-NEA3 and 128-NIA3 are
/// built on (TS 33.501 D.2.1.4 / D.3.1.4: identical to 128-EEA3 / 128-EIA3 of TS 33.401 B.1.4 / B.2.4).
/// Written here from the ETSI/SAGE ZUC specification (128-EEA3 & 128-EIA3 Document 2 v1.6, = TS
/// 35.222); why no library provides it is in snow3g.h.

#include <array>
#include <cstdint>
#include <span>

namespace pc5check::crypto::detail {

/// ZUC (Document 2, section 3): a 16-cell LFSR over GF(2^31 - 1), the bit reorganisation and the
/// nonlinear function F with its two 32-bit registers.
class Zuc {
  public:
    /// Key loading (Document 2 3.5) from the 16-octet key and IV, then the 32 initialisation rounds
    /// (3.6.1) and the first working round, whose output is discarded (3.6.2).
    Zuc(std::span<const std::uint8_t, 16> key, std::span<const std::uint8_t, 16> iv);

    /// The next keystream word Z (Document 2 3.6.2).
    [[nodiscard]] std::uint32_t next_word();

  private:
    /// The words X0..X3 of the bit reorganisation (Document 2 3.3).
    struct Reorganised {
        std::uint32_t x0;
        std::uint32_t x1;
        std::uint32_t x2;
        std::uint32_t x3;
    };
    [[nodiscard]] Reorganised reorganise() const;
    /// F (Document 2 3.4): returns W and updates R1, R2.
    std::uint32_t nonlinear(const Reorganised& x);
    /// One LFSR step (Document 2 3.2): `u` is W >> 1 in initialisation mode and 0 in working mode,
    /// where the new cell is the same sum without u.
    void clock_lfsr(std::uint32_t u);

    std::array<std::uint32_t, 16> s_{};
    std::uint32_t r1_ = 0;
    std::uint32_t r2_ = 0;
};

} // namespace pc5check::crypto::detail
