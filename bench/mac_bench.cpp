/// \file Google Benchmark: the cost of one MAC-I under 128-NIA1 (SNOW 3G), 128-NIA2 (AES-CMAC) and
/// 128-NIA3 (ZUC) for PC5-S messages of signalling size. Each MAC is one call as replay makes it: key
/// setup, keystream and MAC over COUNT || BEARER || DIRECTION and the message. Ratios are in
/// docs/performance.md ("MAC-I per algorithm").

#include "pc5check/crypto/crypto.h"

#include <benchmark/benchmark.h>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace {

namespace crypto = pc5check::crypto;

using MacFunction = pc5check::Expected<pc5check::protocol::MacI> (*)(std::span<const std::uint8_t>,
                                                                     const crypto::PdcpInput&,
                                                                     std::span<const std::uint8_t>,
                                                                     std::size_t);

/// One MAC-I of a message of state.range(0) octets per iteration.
template <MacFunction Mac> void bm_mac(benchmark::State& state)
{
    const crypto::Bytes key{0x2b, 0xd6, 0x45, 0x9f, 0x82, 0xc5, 0xb3, 0x00,
                            0x95, 0x2c, 0x49, 0x10, 0x48, 0x81, 0xff, 0x48};
    std::vector<std::uint8_t> message(static_cast<std::size_t>(state.range(0)));
    for (std::size_t i = 0; i < message.size(); ++i) {
        message[i] = static_cast<std::uint8_t>(i * 37U + 11U);
    }
    crypto::PdcpInput in{0x00010203, 1, 0};
    for (auto _ : state) {
        auto mac = Mac(key, in, message, 8 * message.size());
        benchmark::DoNotOptimize(mac);
        ++in.count; // a new COUNT per message, as on a link
    }
    state.SetItemsProcessed(state.iterations());
}

// 16 octets: a short PC5-S message (e.g. a RELEASE); 40: a rekeying message with nonces; 128 and 512:
// larger signalling and user data.
BENCHMARK(bm_mac<&crypto::nia1>)->Name("MAC-I/NIA1")->Arg(16)->Arg(40)->Arg(128)->Arg(512);
BENCHMARK(bm_mac<&crypto::nia2>)->Name("MAC-I/NIA2")->Arg(16)->Arg(40)->Arg(128)->Arg(512);
BENCHMARK(bm_mac<&crypto::nia3>)->Name("MAC-I/NIA3")->Arg(16)->Arg(40)->Arg(128)->Arg(512);

} // namespace

BENCHMARK_MAIN();
