#pragma once
/// \file Lengths and ranges of the crypto inputs and outputs, under the names the crypto, the builtins'
/// solver meanings (machine/builtins.cpp) and the Z3 encoding use. The values are the protocol facts of
/// spec/pc5-protocol.json (pc5check/protocol/protocol.h); nothing here repeats a number.

#include "pc5check/protocol/protocol.h"

namespace pc5check::crypto {

using protocol::kAlgKeyOctets;   ///< NRPIK and NRPEK
using protocol::kKNrpOctets;     ///< K_NRP
using protocol::kKNrpSessOctets; ///< K_NRP-sess
using protocol::kMacOctets;      ///< MAC-I
using protocol::kMaxBearer;
using protocol::kMaxCount;
using protocol::kMaxDirection;
using protocol::kNonceOctets; ///< Nonce_1, Nonce_2

} // namespace pc5check::crypto
